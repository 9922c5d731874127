// The SCIM admin API's guard as a pure function (issue 16 item 9): a peer on
// another machine needs the SCIM bearer token; this machine needs none; the
// Host, Origin and content-type rules still hold for everyone.
#include <catch2/catch.hpp>

#include "scim_server/admin_routes.h"

namespace {
httplib::Request Req(const std::string& method, const std::string& peer, const std::string& host,
                     const std::string& auth = "") {
  httplib::Request r;
  r.method = method;
  r.path = "/admin/api/reset";
  r.remote_addr = peer;
  r.headers.emplace("Host", host);
  r.headers.emplace("Content-Type", "application/json");
  if (!auth.empty()) r.headers.emplace("Authorization", auth);
  return r;
}
}  // namespace

TEST_CASE("the admin API asks a peer on another machine for the SCIM token", "[admin][security]") {
  scim::AdminContext ctx;
  ctx.base_url = [] { return std::string("http://192.168.1.5:7020/scim/v2"); };  // bound wide, named by its LAN address
  ctx.token = [] { return std::string("scim-secret"); };
  auto lan = scim::RefuseAdminRequest(Req("POST", "192.168.1.20", "192.168.1.5:7020"), ctx);
  REQUIRE(lan);
  CHECK(lan->first == 401);
  CHECK(scim::RefuseAdminRequest(Req("POST", "192.168.1.20", "192.168.1.5:7020", "Bearer nope"), ctx)->first == 401);
  CHECK_FALSE(scim::RefuseAdminRequest(Req("POST", "192.168.1.20", "192.168.1.5:7020", "Bearer scim-secret"), ctx));
  for (const char* peer : {"127.0.0.1", "::1", "::ffff:127.0.0.1"}) {
    CHECK_FALSE(scim::RefuseAdminRequest(Req("POST", peer, "127.0.0.1:7020"), ctx));
  }
  // A token does not lift the other rules: a foreign Host is still 403.
  CHECK(scim::RefuseAdminRequest(Req("POST", "192.168.1.20", "evil.example", "Bearer scim-secret"), ctx)->first == 403);
}
