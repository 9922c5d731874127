// A mock Okta on a manual clock, wired to a FakeScim, plus a tiny client for
// its /api/v1 and /sandbox endpoints.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/http.h"
#include "core/json_util.h"
#include "mock_okta/mock_okta.h"
#include "tests/mock_okta/fake_scim.h"

namespace testing_okta {

struct Reply {
  int status = 0;
  Json body;
  httplib::Headers headers;
};

inline core::TimePoint Epoch() { return *core::ParseIso8601("2026-01-01T00:00:00Z"); }

class Harness {
 public:
  explicit Harness(const std::string& client_profile = "aiw_put", Json settings = Json::object(),
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(60000))
      : clock_(Epoch()) {
    okta::Config c;
    c.port = 0;
    c.api_token = "test-api-token";
    c.clock = &clock_;
    c.seed = 7;
    c.scim_timeout = timeout;
    okta_ = std::make_unique<okta::MockOkta>(c);
    auto port = okta_->Start();
    REQUIRE(port.ok());
    client_ = core::MakeClient(okta_->base_url(), 5, 30);
    auto app = Call("POST", "/api/v1/apps", Json{{"label", "Test App"}, {"signOnMode", "AUTO_LOGIN"}});
    REQUIRE(app.status == 200);
    app_id = app.body["id"].get<std::string>();
    auto conn = Call("POST", "/api/v1/apps/" + app_id + "/connections/default?activate=true",
                     Json{{"baseUrl", scim.base_url()}, {"profile", Json{{"authScheme", "TOKEN"}, {"token", "scim-token"}}}});
    REQUIRE(conn.status == 200);
    // A new app starts with the To App toggles off, as in Okta; these tests
    // are about pushes, so they turn them on (a test's own settings win).
    Json patch{{"createUsers", true}, {"updateAttributes", true}, {"deactivateUsers", true}};
    for (auto it = settings.begin(); it != settings.end(); ++it) patch[it.key()] = it.value();
    patch["clientProfile"] = client_profile;
    Settings(patch);
  }
  ~Harness() {
    client_.reset();  // close keep-alive connections so the server stops at once
    okta_->Stop();
  }

  Reply Call(const std::string& method, const std::string& path, const Json& body = nullptr, bool auth = true) {
    httplib::Request req;
    req.method = method;
    req.path = path;
    if (auth) req.headers.emplace("Authorization", "SSWS test-api-token");
    req.headers.emplace("Accept", "application/json");
    if (!body.is_null()) {
      req.body = core::DumpCompact(body);
      req.headers.emplace("Content-Type", "application/json");
    }
    auto res = client_->send(req);
    Reply r;
    if (!res) return r;
    r.status = res->status;
    r.headers = res->headers;
    if (!res->body.empty()) {
      auto j = core::ParseJson(res->body);
      if (j.ok()) r.body = *j;
    }
    return r;
  }

  void Settings(const Json& patch) {
    auto r = Call("PATCH", "/sandbox/apps/" + app_id + "/provisioning", patch);
    REQUIRE(r.status == 200);
  }

  std::string CreateUser(const std::string& login, const std::string& first, const std::string& last,
                         Json extra = Json::object()) {
    Json profile{{"login", login}, {"email", login}, {"firstName", first}, {"lastName", last}};
    for (auto it = extra.begin(); it != extra.end(); ++it) profile[it.key()] = it.value();
    auto r = Call("POST", "/api/v1/users?activate=true",
                  Json{{"profile", profile}, {"credentials", Json{{"password", Json{{"value", "Passw0rd!"}}}}}});
    REQUIRE(r.status == 200);
    return r.body["id"].get<std::string>();
  }
  std::string CreateGroup(const std::string& name) {
    auto r = Call("POST", "/api/v1/groups", Json{{"profile", Json{{"name", name}}}});
    REQUIRE(r.status == 200);
    return r.body["id"].get<std::string>();
  }
  Reply Assign(const std::string& user_id) {
    return Call("POST", "/api/v1/apps/" + app_id + "/users", Json{{"id", user_id}, {"scope", "USER"}});
  }
  std::string ExternalId(const std::string& user_id) {
    auto r = Call("GET", "/api/v1/apps/" + app_id + "/users/" + user_id);
    return r.body.value("externalId", Json()).is_string() ? r.body["externalId"].get<std::string>() : "";
  }
  Json Tasks() { return Call("GET", "/sandbox/tasks").body; }
  Json Logs(const std::string& type) {
    return Call("GET", "/api/v1/logs?filter=" + core::UrlEncode("eventType eq \"" + type + "\"")).body;
  }
  void Advance(int seconds) {
    auto r = Call("POST", "/sandbox/time", Json{{"advanceSeconds", seconds}});
    REQUIRE(r.status == 200);
  }
  void Wait() { REQUIRE(okta_->WaitIdle(std::chrono::seconds(10))); }
  // Runs `fn`, waits for the queue, and returns the SCIM requests it caused.
  template <class F>
  std::vector<Received> Do(F fn) {
    Wait();
    scim.ClearRequests();
    fn();
    Wait();
    return scim.requests();
  }

  FakeScim scim;
  std::string app_id;
  okta::MockOkta& okta() { return *okta_; }

 private:
  core::ManualClock clock_;
  std::unique_ptr<okta::MockOkta> okta_;
  std::unique_ptr<httplib::Client> client_;
};

inline std::vector<std::string> Lines(const std::vector<Received>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(r.Line());
  return out;
}

}  // namespace testing_okta
