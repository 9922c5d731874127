// What really goes on the wire: a raw TCP server records the request bytes
// the mock's HTTP client writes, so httplib's own defaults (Accept, User-Agent,
// URL re-encoding) cannot hide behind a parsing server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/mock_okta/harness.h"

using namespace testing_okta;
using core::Json;

namespace {

class RawServer {
 public:
  RawServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 16);
    thread_ = std::thread([this] { Loop(); });
  }
  ~RawServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/scim/v2"; }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lk(mu_);
    return raw_;
  }

 private:
  void Loop() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      timeval tv{2, 0};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      // One request per connection (we answer Connection: close).
      std::string data;
      char buf[4096];
      size_t need = std::string::npos;
      while (true) {
        ssize_t n = recv(c, buf, sizeof(buf), 0);
        if (n <= 0) break;
        data.append(buf, static_cast<size_t>(n));
        auto end = data.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          size_t cl = 0;
          auto p = data.find("Content-Length: ");
          if (p != std::string::npos && p < end) cl = std::stoul(data.substr(p + 16));
          need = end + 4 + cl;
        }
        if (need != std::string::npos && data.size() >= need) break;
      }
      {
        std::lock_guard<std::mutex> lk(mu_);
        raw_.push_back(data);
      }
      std::string body = data.rfind("POST", 0) == 0
                             ? R"({"id":"r1","userName":"x"})"
                             : R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]})";
      std::string status = data.rfind("POST", 0) == 0 ? "201 Created" : "200 OK";
      std::string resp = "HTTP/1.1 " + status + "\r\nContent-Type: application/scim+json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
      close(c);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> raw_;
};

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("on the wire Okta's header values win over httplib's defaults and '+' survives", "[okta][wire]") {
  RawServer raw;
  Harness h("aiw_put", Json{{"baseUrl", raw.base_url()}, {"queryPlus", true}});
  std::string uid = h.CreateUser("jane.doe@example.com", "Jane", "Doe");
  h.Do([&] { h.Assign(uid); });
  auto reqs = raw.requests();
  REQUIRE(reqs.size() == 2);
  const std::string& get = reqs[0];
  CHECK(get.rfind("GET /scim/v2/Users?filter=userName+eq+%22jane.doe%40example.com%22&startIndex=1&count=100 HTTP/1.1\r\n", 0) == 0);
  CHECK(Count(get, "\r\nAccept: application/scim+json\r\n") == 1);
  CHECK(Count(get, "\r\nAccept: ") == 1);
  CHECK(Count(get, "\r\nUser-Agent: Okta SCIM Client 1.0.0\r\n") == 1);
  CHECK(Count(get, "User-Agent:") == 1);
  CHECK(Count(get, "\r\nAccept-Charset: utf-8\r\n") == 1);
  CHECK(Count(get, "\r\nAccept-Encoding: gzip,deflate\r\n") == 1);
  CHECK(Count(get, "Accept-Encoding:") == 1);
  CHECK(Count(get, "\r\nAuthorization: Bearer scim-token\r\n") == 1);
  CHECK(Count(get, "\r\nConnection: Keep-Alive\r\n") == 1);
  CHECK(Count(get, "Content-Type") == 0);
  CHECK(Count(get, "Content-Length") == 0);
  CHECK(Count(get, "Host: 127.0.0.1:") == 1);

  const std::string& post = reqs[1];
  CHECK(post.rfind("POST /scim/v2/Users HTTP/1.1\r\n", 0) == 0);
  CHECK(Count(post, "\r\nContent-Type: application/scim+json; charset=utf-8\r\n") == 1);
  auto body_at = post.find("\r\n\r\n") + 4;
  std::string body = post.substr(body_at);
  CHECK(Count(post, "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n") == 1);
  CHECK(body.rfind(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"jane.doe@example.com",)", 0) == 0);
  CHECK(h.ExternalId(uid) == "r1");
}
