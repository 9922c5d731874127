// The mock's local guard as a pure function (issue 16 item 9): a peer on
// another machine (possible only when bound beyond loopback) needs the API
// token for /sandbox/*; this machine does not; Host and Origin rules hold.
#include <catch2/catch.hpp>

#include "mock_okta/local_guard.h"

namespace {
httplib::Request Req(const std::string& method, const std::string& path, const std::string& peer,
                     const std::string& host, const std::string& auth = "") {
  httplib::Request r;
  r.method = method;
  r.path = path;
  r.remote_addr = peer;
  r.headers.emplace("Host", host);
  if (!auth.empty()) r.headers.emplace("Authorization", auth);
  return r;
}
}  // namespace

TEST_CASE("a peer on another machine needs the API token for /sandbox/", "[okta][origin]") {
  const std::string token = "tok-123";
  // Bound to every address: the LAN peer reaches the port.
  auto lan = okta::RefuseForeignRequest(Req("GET", "/sandbox/console/session", "192.168.1.20", "192.168.1.5:7010"),
                                        "0.0.0.0", token);
  REQUIRE(lan);
  CHECK(lan->first == 401);
  CHECK(okta::RefuseForeignRequest(Req("POST", "/sandbox/reset", "192.168.1.20", "192.168.1.5:7010", "SSWS wrong"),
                                   "0.0.0.0", token)
            ->first == 401);
  CHECK_FALSE(okta::RefuseForeignRequest(
      Req("GET", "/sandbox/console/session", "192.168.1.20", "192.168.1.5:7010", "SSWS tok-123"), "0.0.0.0", token));
  // This machine, IPv4, IPv6 and IPv4-mapped loopback: no token needed.
  for (const char* peer : {"127.0.0.1", "::1", "::ffff:127.0.0.1"}) {
    CHECK_FALSE(okta::RefuseForeignRequest(Req("GET", "/sandbox/console/session", peer, "127.0.0.1:7010"), "0.0.0.0",
                                           token));
  }
  // Sign-on endpoints stay open to other machines (their own rules apply).
  CHECK_FALSE(okta::RefuseForeignRequest(Req("GET", "/oauth2/default/v1/keys", "192.168.1.20", "192.168.1.5:7010"),
                                         "0.0.0.0", token));
  // Bound to loopback, a foreign Host is refused before anything else (DNS rebinding).
  CHECK(okta::RefuseForeignRequest(Req("GET", "/sandbox/tasks", "127.0.0.1", "evil.example:7010"), "127.0.0.1", token)
            ->first == 403);
}
