// End to end: the mock Okta provisioning the project's own SCIM server over
// HTTP, set up as `okta-sandbox up` does (the NordPass-style preset app), for
// both client profiles; the SCIM server's state is checked over SCIM.
#include <catch2/catch.hpp>

#include "scim_server/scim_server.h"
#include "tests/mock_okta/harness.h"

using namespace testing_okta;
using core::Json;

namespace {

class EndToEnd {
 public:
  explicit EndToEnd(const std::string& profile) : clock_(Epoch()) {
    scim::Config sc;
    sc.port = 0;
    sc.token = "scim-secret";
    sc.groups_need_encryption = false;
    scim_ = std::make_unique<scim::ScimServer>(sc);
    REQUIRE(scim_->Start().ok());
    okta::Config oc;
    oc.port = 0;
    oc.api_token = "api";
    oc.clock = &clock_;
    oc.seed = 1;
    oc.preset = okta::PresetApp{scim_->base_url(), "scim-secret"};
    okta_ = std::make_unique<okta::MockOkta>(oc);
    REQUIRE(okta_->Start().ok());
    api_ = core::MakeClient(okta_->base_url());
    scim_client_ = core::MakeClient("http://127.0.0.1:" + std::to_string(scim_->port()));
    auto apps = Okta("GET", "/api/v1/apps");
    REQUIRE(apps.size() == 1);
    app_id = apps[0]["id"];
    Okta("PATCH", "/sandbox/apps/" + app_id + "/provisioning", Json{{"clientProfile", profile}});
  }
  ~EndToEnd() {
    api_.reset();
    scim_client_.reset();
    okta_->Stop();
    scim_->Stop();
  }

  Json Okta(const std::string& method, const std::string& path, const Json& body = nullptr) {
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.headers.emplace("Authorization", "SSWS api");
    if (!body.is_null()) {
      req.body = core::DumpCompact(body);
      req.headers.emplace("Content-Type", "application/json");
    }
    auto res = api_->send(req);
    REQUIRE(res);
    INFO(method << " " << path << " → " << res->status << " " << res->body);
    REQUIRE(res->status < 300);
    if (res->body.empty()) return Json();
    return *core::ParseJson(res->body);
  }
  Json Scim(const std::string& path) {
    auto res = scim_client_->Get(("/scim/v2" + path).c_str(), {{"Authorization", "Bearer scim-secret"}});
    REQUIRE(res);
    return *core::ParseJson(res->body);
  }
  void Wait() { REQUIRE(okta_->WaitIdle(std::chrono::seconds(10))); }
  std::string NewUser(const std::string& email, const std::string& first, const std::string& last) {
    return Okta("POST", "/api/v1/users?activate=true",
                Json{{"profile", Json{{"login", email}, {"email", email}, {"firstName", first}, {"lastName", last}}},
                     {"credentials", Json{{"password", Json{{"value", "Passw0rd!"}}}}}})["id"];
  }

  std::string app_id;

 private:
  core::ManualClock clock_;
  std::unique_ptr<scim::ScimServer> scim_;
  std::unique_ptr<okta::MockOkta> okta_;
  std::unique_ptr<httplib::Client> api_;
  std::unique_ptr<httplib::Client> scim_client_;
};

}  // namespace

TEST_CASE("the setup guide flow provisions the project's SCIM server (both profiles)", "[okta][e2e]") {
  for (std::string profile : {"aiw_put", "oin_patch"}) {
    INFO(profile);
    EndToEnd e(profile);
    auto test = e.Okta("POST", "/sandbox/apps/" + e.app_id + "/test-connector");
    CHECK(test["status"] == "SUCCESS");

    std::string ann = e.NewUser("ann@corp.test", "Ann", "Lee");
    std::string bob = e.NewUser("bob@corp.test", "Bob", "Ray");
    e.Okta("POST", "/api/v1/apps/" + e.app_id + "/users", Json{{"id", ann}, {"scope", "USER"}});
    e.Okta("POST", "/api/v1/apps/" + e.app_id + "/users", Json{{"id", bob}, {"scope", "USER"}});
    e.Wait();
    CHECK(e.Okta("GET", "/sandbox/tasks").empty());
    auto users = e.Scim("/Users");
    CHECK(users["totalResults"] == 2);
    std::string ann_remote = e.Okta("GET", "/api/v1/apps/" + e.app_id + "/users/" + ann)["externalId"];
    std::string bob_remote = e.Okta("GET", "/api/v1/apps/" + e.app_id + "/users/" + bob)["externalId"];
    CHECK(e.Scim("/Users/" + ann_remote)["externalId"] == ann);

    // Profile update flows through GET + PUT.
    e.Okta("POST", "/api/v1/users/" + ann, Json{{"profile", Json{{"lastName", "Lee-Smith"}}}});
    e.Wait();
    CHECK(e.Scim("/Users/" + ann_remote)["name"]["familyName"] == "Lee-Smith");

    // Push a group with both members, then drop Bob from it.
    std::string gid = e.Okta("POST", "/api/v1/groups", Json{{"profile", Json{{"name", "Engineering"}}}})["id"];
    e.Okta("PUT", "/api/v1/groups/" + gid + "/users/" + ann);
    e.Okta("PUT", "/api/v1/groups/" + gid + "/users/" + bob);
    auto m = e.Okta("POST", "/api/v1/apps/" + e.app_id + "/group-push/mappings", Json{{"sourceGroupId", gid}});
    e.Wait();
    INFO(e.Okta("GET", "/sandbox/tasks").dump());
    CHECK(e.Okta("GET", "/sandbox/tasks").empty());
    std::string remote_gid = e.Okta("GET", "/api/v1/apps/" + e.app_id + "/group-push/mappings/" + m["id"].get<std::string>())["targetGroupId"];
    CHECK(e.Scim("/Groups/" + remote_gid)["members"].size() == 2);
    e.Okta("DELETE", "/api/v1/groups/" + gid + "/users/" + bob);
    e.Wait();
    auto group = e.Scim("/Groups/" + remote_gid);
    REQUIRE(group["members"].size() == 1);
    CHECK(group["members"][0]["value"] == ann_remote);

    // Rename, then unassign Bob: deactivated, never deleted.
    e.Okta("PUT", "/api/v1/groups/" + gid, Json{{"profile", Json{{"name", "Eng"}}}});
    e.Okta("DELETE", "/api/v1/apps/" + e.app_id + "/users/" + bob);
    e.Wait();
    CHECK(e.Scim("/Groups/" + remote_gid)["displayName"] == "Eng");
    CHECK(e.Scim("/Users/" + bob_remote)["active"] == false);
    CHECK(e.Scim("/Users")["totalResults"] == 2);
    CHECK(e.Okta("GET", "/sandbox/tasks").empty());

    // Re-assign reactivates.
    e.Okta("POST", "/api/v1/apps/" + e.app_id + "/users", Json{{"id", bob}, {"scope", "USER"}});
    e.Wait();
    CHECK(e.Scim("/Users/" + bob_remote)["active"] == true);
    CHECK(e.Okta("GET", "/sandbox/tasks").empty());
  }
}
