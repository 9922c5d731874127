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

ScimExchange HttpScimSender::Send(const std::string& base_url, const ScimRequest& req, int timeout_ms) {
  ScimExchange ex;
  auto url = core::ParseUrl(base_url);
  if (!url.ok()) {
    ex.error = url.error().detail;
    return ex;
  }
  auto client = core::MakeClient(url->Origin(), 5, 60);
  client->set_read_timeout(timeout_ms / 1000, (timeout_ms % 1000) * 1000);
  client->set_write_timeout(timeout_ms / 1000, (timeout_ms % 1000) * 1000);
  client->set_url_encode(false);
  client->set_decompress(true);

  httplib::Request r;
  r.method = req.method;
  r.path = url->path + req.Target();
  for (const auto& h : req.headers) r.headers.emplace(h.name, h.value);
  r.body = req.body;

  auto start = std::chrono::steady_clock::now();
  httplib::Result res = client->send(r);
  ex.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  if (!res) {
    ex.error = TransportError(res.error());
    return ex;
  }
  ex.status = res->status;
  for (const auto& [k, v] : res->headers) ex.headers.push_back({k, v});
  ex.body = res->body;
  return ex;
}

}  // namespace okta
