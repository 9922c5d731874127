#include <catch2/catch.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

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

namespace {

// A server with one route that throws, one that answers 404 with its own
// body, and the handlers InstallJsonHandlers installs.
struct JsonHandlersFixture {
  httplib::Server server;
  HttpListener listener{server};
  std::unique_ptr<httplib::Client> client;

  explicit JsonHandlersFixture(const ServiceErrorRenderer& renderer) {
    ConfigureServer(server, HttpServerOptions{});
    server.Get("/throw", [](const httplib::Request&, httplib::Response&) { throw std::runtime_error("boom"); });
    server.Get("/own-404", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("mine", "text/plain");
    });
    server.Get("/teapot", [](const httplib::Request&, httplib::Response& res) { res.status = 418; });
    InstallJsonHandlers(server, renderer);
    auto port = listener.Start("127.0.0.1", 0);
    REQUIRE(port.ok());
    client = MakeClient("http://127.0.0.1:" + std::to_string(*port));
  }
};

ServiceErrorRenderer TestRenderer() {
  ServiceErrorRenderer r;
  r.log_name = "test";
  r.render_status = [](int status, const httplib::Request& req) -> std::optional<ErrorReply> {
    if (status == 418) return std::nullopt;
    return ErrorReply{status, "{\"status\":" + std::to_string(status) + ",\"path\":\"" + req.path + "\"}",
                      "application/json"};
  };
  r.render_exception = [](const httplib::Request&) {
    return ErrorReply{500, "{\"error\":\"internal\"}", "application/problem+json"};
  };
  return r;
}

}  // namespace

TEST_CASE("InstallJsonHandlers renders bodiless errors in the service's format", "[core][http]") {
  JsonHandlersFixture f(TestRenderer());
  auto res = f.client->Get("/nowhere");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(res->body == "{\"status\":404,\"path\":\"/nowhere\"}");
  CHECK(res->get_header_value("Content-Type") == "application/json");
}

TEST_CASE("InstallJsonHandlers leaves bodies handlers wrote, and statuses the renderer declines", "[core][http]") {
  JsonHandlersFixture f(TestRenderer());
  auto own = f.client->Get("/own-404");
  REQUIRE(own);
  CHECK(own->status == 404);
  CHECK(own->body == "mine");
  auto declined = f.client->Get("/teapot");
  REQUIRE(declined);
  CHECK(declined->status == 418);
  CHECK(declined->body.empty());
}

TEST_CASE("InstallJsonHandlers answers a throwing handler with the exception reply", "[core][http]") {
  JsonHandlersFixture f(TestRenderer());
  auto res = f.client->Get("/throw");
  REQUIRE(res);
  CHECK(res->status == 500);
  CHECK(res->body == "{\"error\":\"internal\"}");
  CHECK(res->get_header_value("Content-Type") == "application/problem+json");
}

TEST_CASE("DescribeException names what was thrown", "[core][http]") {
  CHECK(DescribeException(std::make_exception_ptr(std::runtime_error("boom"))) == "boom");
  CHECK(DescribeException(std::make_exception_ptr(42)) == "unknown exception");
  CHECK(DescribeException(nullptr) == "unknown exception");
}
