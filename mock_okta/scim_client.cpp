#include "mock_okta/scim_client.h"

#include <chrono>

#include "core/http.h"

namespace okta {

namespace {
std::string TransportError(httplib::Error e) {
  switch (e) {
    case httplib::Error::Read: return "Read timed out";
    case httplib::Error::Connection: return "Connection refused";
    case httplib::Error::ConnectionTimeout: return "Connect timed out";
    case httplib::Error::SSLConnection: return "SSL connection failed";
    case httplib::Error::SSLServerVerification: return "SSL server verification failed";
    case httplib::Error::Write: return "Write failed";
    default: return "HTTP error: " + httplib::to_string(e);
  }
}
}  // namespace

// Idle keep-alive clients by origin. A client is lent to one Send at a time.
struct HttpScimSender::Pool {
  std::mutex mu;
  std::map<std::string, std::vector<std::unique_ptr<httplib::Client>>> idle;
  static constexpr size_t kMaxIdlePerOrigin = 32;

  std::unique_ptr<httplib::Client> Lend(const std::string& origin, bool* reused) {
    {
      std::lock_guard<std::mutex> lk(mu);
      auto& v = idle[origin];
      if (!v.empty()) {
        auto c = std::move(v.back());
        v.pop_back();
        *reused = true;
        return c;
      }
    }
    *reused = false;
    auto c = core::MakeClient(origin, 5, 60);
    c->set_keep_alive(true);
    c->set_url_encode(false);
    c->set_decompress(true);
    return c;
  }
  void Return(const std::string& origin, std::unique_ptr<httplib::Client> c) {
    std::lock_guard<std::mutex> lk(mu);
    auto& v = idle[origin];
    if (v.size() < kMaxIdlePerOrigin) v.push_back(std::move(c));
  }
};

HttpScimSender::HttpScimSender() : pool_(std::make_unique<Pool>()) {}
HttpScimSender::~HttpScimSender() = default;

ScimExchange HttpScimSender::Send(const std::string& base_url, const ScimRequest& req, int timeout_ms) {
  ScimExchange ex;
  auto url = core::ParseUrl(base_url);
  if (!url.ok()) {
    ex.error = url.error().detail;
    return ex;
  }
  httplib::Request r;
  r.method = req.method;
  r.path = url->path + req.Target();
  for (const auto& h : req.headers) r.headers.emplace(h.name, h.value);
  r.body = req.body;

  std::string origin = url->Origin();
  auto start = std::chrono::steady_clock::now();
  httplib::Result res{nullptr, httplib::Error::Unknown};
  std::unique_ptr<httplib::Client> client;
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = false;
    client = pool_->Lend(origin, &reused);
    client->set_read_timeout(timeout_ms / 1000, (timeout_ms % 1000) * 1000);
    client->set_write_timeout(timeout_ms / 1000, (timeout_ms % 1000) * 1000);
    httplib::Request sent = r;
    res = client->send(sent);
    // A stale keep-alive connection fails before the request is written.
    if (res || !reused || (res.error() != httplib::Error::Write && res.error() != httplib::Error::Connection)) break;
  }
  ex.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  if (!res) {
    ex.error = TransportError(res.error());
    return ex;  // the client is dropped: its connection is in an unknown state
  }
  ex.status = res->status;
  for (const auto& [k, v] : res->headers) ex.headers.push_back({k, v});
  ex.body = res->body;
  pool_->Return(origin, std::move(client));
  return ex;
}

}  // namespace okta
