#include <catch2/catch.hpp>

#include "core/http.h"

using namespace core;

TEST_CASE("a listener on port 0 reports the port it bound and stops cleanly", "[core][http]") {
  httplib::Server server;
  ConfigureServer(server, HttpServerOptions{});
  server.Get("/ping", [](const httplib::Request&, httplib::Response& res) { res.set_content("pong", "text/plain"); });
  HttpListener listener(server);
  auto port = listener.Start("127.0.0.1", 0);
  REQUIRE(port.ok());
  CHECK(*port > 0);
  auto client = MakeClient("http://127.0.0.1:" + std::to_string(*port));
  auto res = client->Get("/ping");
  REQUIRE(res);
  CHECK(res->body == "pong");
  listener.Stop();
  listener.Stop();  // idempotent
  CHECK_FALSE(listener.running());
}

TEST_CASE("URLs parse into origin and path", "[core][http]") {
  auto u = ParseUrl("http://127.0.0.1:7020/scim/v2/");
  REQUIRE(u.ok());
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == 7020);
  CHECK(u->path == "/scim/v2");
  CHECK(u->Origin() == "http://127.0.0.1:7020");
  CHECK_FALSE(ParseUrl("ftp://x").ok());
  CHECK_FALSE(ParseUrl("nohost").ok());
}

TEST_CASE("URL encoding matches Okta's %20 and + styles", "[core][http]") {
  CHECK(UrlEncode("userName eq \"a@b.c\"") == "userName%20eq%20%22a%40b.c%22");
  CHECK(UrlEncode("userName eq \"a@b.c\"", true) == "userName+eq+%22a%40b.c%22");
}

TEST_CASE("a port that is already in use is reported, not silently shared", "[core][http]") {
  httplib::Server a, b;
  ConfigureServer(a, HttpServerOptions{});
  ConfigureServer(b, HttpServerOptions{});
  HttpListener la(a), lb(b);
  auto port = la.Start("127.0.0.1", 0);
  REQUIRE(port.ok());
  auto clash = lb.Start("127.0.0.1", *port);
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().code == ErrorCode::kUnavailable);
}
