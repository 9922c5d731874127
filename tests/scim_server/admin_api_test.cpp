// The service provider's admin API: status, token regeneration, lists, and
// injected faults (what the console and scenarios use).
#include <catch2/catch.hpp>

#include "test_server.h"
#include "raw_http.h"

using core::Json;
using scimtest::TestServer;

namespace {
struct AdminApi {
  std::unique_ptr<httplib::Client> c;
  explicit AdminApi(int port) : c(core::MakeClient("http://127.0.0.1:" + std::to_string(port))) {}
  std::pair<int, Json> Send(const std::string& method, const std::string& path, const std::string& body = "") {
    httplib::Result r{nullptr, httplib::Error::Unknown};
    if (method == "GET") r = c->Get(path.c_str());
    else if (method == "PUT") r = c->Put(path.c_str(), body, "application/json");
    else if (method == "POST") r = c->Post(path.c_str(), body, "application/json");
    else if (method == "DELETE") r = c->Delete(path.c_str());
    REQUIRE(r);
    auto j = core::ParseJson(r->body);
    return {r->status, j.ok() ? *j : Json()};
  }
};
}  // namespace

TEST_CASE("the admin status shows the base URL and token to paste into Okta", "[scim][admin]") {
  TestServer s;
  AdminApi a(s.server().port());
  auto [status, body] = a.Send("GET", "/admin/api/status");
  REQUIRE(status == 200);
  CHECK(body["scimBaseUrl"] == s.server().base_url());
  CHECK(body["token"] == scimtest::kToken);
  CHECK(body["users"] == 0);
}

TEST_CASE("regenerating the token makes the old one stop working", "[scim][admin][auth]") {
  TestServer s;
  AdminApi a(s.server().port());
  auto [status, body] = a.Send("POST", "/admin/api/token");
  REQUIRE(status == 200);
  std::string fresh = body["token"];
  CHECK(fresh != scimtest::kToken);
  CHECK(s.Get("/Users").status == 401);
  CHECK(s.Send("GET", "/Users", "", {{"Authorization", "Bearer " + fresh}}).status == 200);
}

TEST_CASE("admin lists show provisioned users and groups with members", "[scim][admin]") {
  TestServer s;
  std::string u = s.CreateUser("listed@example.com");
  s.CreateGroup("Listed", {u});
  AdminApi a(s.server().port());
  auto users = a.Send("GET", "/admin/api/users").second;
  CHECK(users["totalResults"] == 1);
  CHECK(users["Resources"][0]["groups"][0]["display"] == "Listed");
  auto groups = a.Send("GET", "/admin/api/groups").second;
  CHECK(groups["Resources"][0]["members"][0]["value"] == u);
  CHECK(a.Send("GET", "/admin/api/users?count=x").first == 400);
}

TEST_CASE("injected faults answer the next N matching requests, then stop", "[scim][admin][faults]") {
  TestServer s;
  AdminApi a(s.server().port());
  auto [status, body] = a.Send("PUT", "/admin/api/faults",
                               R"({"rules":[{"method":"POST","path":"/Users","status":429,"count":2,"retryAfter":7}]})");
  REQUIRE(status == 200);
  CHECK(body["rules"][0]["count"] == 2);
  auto r1 = s.Post("/Users", {{"userName", "x@example.com"}});
  CHECK(r1.status == 429);
  CHECK(r1.header("Retry-After") == "7");
  CHECK(scimtest::ErrorType(r1) == "");
  CHECK(s.Get("/Users").status == 200);  // GET does not match the rule
  CHECK(s.Post("/Users", {{"userName", "x@example.com"}}).status == 429);
  CHECK(s.Post("/Users", {{"userName", "x@example.com"}}).status == 201);  // count used up
  CHECK(a.Send("GET", "/admin/api/faults").second["rules"].empty());

  a.Send("PUT", "/admin/api/faults", R"({"status":500,"count":-1})");
  CHECK(s.Get("/Groups").status == 500);
  CHECK(s.Get("/Users").status == 500);
  a.Send("DELETE", "/admin/api/faults");
  CHECK(s.Get("/Users").status == 200);
  CHECK(a.Send("PUT", "/admin/api/faults", R"({"status":200})").first == 400);
  CHECK(a.Send("PUT", "/admin/api/faults", "nope").first == 400);
}

TEST_CASE("a drop fault closes the connection without an answer, once", "[scim][admin][faults]") {
  TestServer s;
  AdminApi a(s.server().port());
  REQUIRE(a.Send("PUT", "/admin/api/faults", R"({"method":"GET","path":"/Users","drop":true,"count":1})").first == 200);
  auto client = core::MakeClient("http://127.0.0.1:" + std::to_string(s.server().port()));
  auto dropped = client->Get("/scim/v2/Users", {{"Authorization", std::string("Bearer ") + scimtest::kToken}});
  CHECK_FALSE(dropped);  // no HTTP answer at all
  CHECK(s.Get("/Users").status == 200);
  CHECK(a.Send("PUT", "/admin/api/faults", R"({"drop":true,"status":500})").first == 400);
}

TEST_CASE("reset empties the directory but keeps the token", "[scim][admin]") {
  TestServer s;
  std::string u = s.CreateUser("gone@example.com");
  s.CreateGroup("Gone", {u});
  AdminApi a(s.server().port());
  auto [status, body] = a.Send("POST", "/admin/api/reset");
  REQUIRE(status == 200);
  CHECK(body["users"] == 0);
  CHECK(s.Get("/Users").json["totalResults"] == 0);
  CHECK(s.Get("/Groups").json["totalResults"] == 0);
}

TEST_CASE("the admin API sends no CORS header and refuses other origins, rebound hosts and form posts",
          "[scim][admin][security]") {
  TestServer s;
  s.CreateUser("stays@example.com");
  auto raw = [&](const std::string& head) {
    scimtest::RawConnection conn(s.server().port());
    return conn.Send(head + "Connection: close\r\n\r\n");
  };
  auto status = raw("GET /admin/api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n");
  CHECK(status.status == 200);
  CHECK(status.header("access-control-allow-origin").empty());
  // DNS rebinding: the page's own name in Host.
  CHECK(raw("GET /admin/api/status HTTP/1.1\r\nHost: evil.example:7020\r\n").status == 403);
  // A cross-site reset, with or without a body type that needs no preflight.
  CHECK(raw("POST /admin/api/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n"
            "Content-Length: 0\r\n").status == 403);
  CHECK(raw("POST /admin/api/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
            "Content-Length: 2\r\n\r\n{}").status == 415);
  CHECK(raw("OPTIONS /admin/api/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n")
            .header("access-control-allow-origin")
            .empty());
  CHECK(s.Get("/Users?filter=userName%20eq%20%22stays@example.com%22").json["totalResults"] == 1);
  auto port = std::to_string(s.server().port());
  // Another port on the same machine is another origin (another local web app).
  CHECK(raw("POST /admin/api/token HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: http://127.0.0.1:1\r\n"
            "Content-Length: 0\r\n").status == 403);
  // Same origin: still works.
  CHECK(raw("POST /admin/api/token HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: http://127.0.0.1:" + port +
            "\r\nContent-Length: 0\r\n").status == 200);
}
