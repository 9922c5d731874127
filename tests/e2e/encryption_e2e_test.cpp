// Push Groups from the mock Okta into the SCIM server with group provisioning
// behind the encryption service, as `okta-sandbox up` wires them; then the
// customer's encryption service goes away and comes back.
#include <catch2/catch.hpp>

#include "core/http.h"
#include "core/json_util.h"
#include "core/secret.h"
#include "core/x25519_box.h"
#include "encryption_stub/encryption_stub.h"
#include "mock_okta/mock_okta.h"
#include "scim_server/scim_server.h"
#include "tests/scim_server/key_call_fault.h"

using core::Json;

namespace {

class Sandbox {
 public:
  Sandbox() : stub_(encryption::Config{"127.0.0.1", 0, ":memory:", "enc-secret"}) {
    REQUIRE(stub_.Start().ok());
    // The SCIM server reaches the stub through a proxy that can switch a
    // fault on at the k-th key call (tests/scim_server/key_call_fault.h).
    proxy_ = std::make_unique<scimtest::KeyCallFault>(stub_);
    scim::Config sc;
    sc.port = 0;
    sc.token = "scim-secret";
    sc.encryption_url = proxy_->base_url();
    sc.encryption_secret = "enc-secret";
    sc.group_provisioning = true;
    scim_ = std::make_unique<scim::ScimServer>(sc);
    REQUIRE(scim_->Start().ok());
    okta::Config oc;
    oc.port = 0;
    oc.api_token = "api";
    oc.seed = 7;
    oc.preset = okta::PresetApp{scim_->base_url(), "scim-secret"};
    oc.links.scim_admin_url = "http://127.0.0.1:" + std::to_string(scim_->port()) + "/admin/api";
    oc.links.encryption_url = stub_.base_url();
    oc.links.encryption_secret = "enc-secret";
    okta_ = std::make_unique<okta::MockOkta>(oc);
    REQUIRE(okta_->Start().ok());
    api_ = core::MakeClient(okta_->base_url());
    scim_client_ = core::MakeClient("http://127.0.0.1:" + std::to_string(scim_->port()));
    app_id = Okta("GET", "/api/v1/apps")[0]["id"];
  }
  ~Sandbox() {
    okta_->Stop();
    scim_->Stop();
    stub_.Stop();
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
    INFO(method << " " << path << " -> " << res->status << " " << res->body);
    REQUIRE(res->status < 300);
    return res->body.empty() ? Json() : *core::ParseJson(res->body);
  }
  // A request to the mock without the API token; returns status and JSON body.
  std::pair<int, Json> Raw(const std::string& method, const std::string& path, const std::string& body = "") {
    httplib::Request req;
    req.method = method;
    req.path = path;
    if (!body.empty()) {
      req.body = body;
      req.headers.emplace("Content-Type", "application/json");
    }
    auto res = api_->send(req);
    REQUIRE(res);
    auto j = core::ParseJson(res->body);
    return {res->status, j.ok() ? *j : Json()};
  }
  Json Scim(const std::string& path) {
    auto res = scim_client_->Get(path.c_str(), {{"Authorization", "Bearer scim-secret"}});
    REQUIRE(res);
    return *core::ParseJson(res->body);
  }
  void Wait() { REQUIRE(okta_->WaitIdle(std::chrono::seconds(20))); }
  // With a password the user is ACTIVE at once (without one Okta leaves it
  // PROVISIONED, and Group Push skips users that are not active).
  std::string NewUser(const std::string& email) {
    std::string id = Okta("POST", "/api/v1/users?activate=true",
                          Json{{"profile", {{"login", email}, {"email", email}, {"firstName", "F"}, {"lastName", "L"}}},
                               {"credentials", {{"password", {{"value", "Passw0rd!"}}}}}})["id"];
    Okta("POST", "/api/v1/apps/" + app_id + "/users", Json{{"id", id}, {"scope", "USER"}});
    return id;
  }
  std::string Remote(const std::string& okta_user) {
    return Okta("GET", "/api/v1/apps/" + app_id + "/users/" + okta_user)["externalId"];
  }
  // The group key each member can open on their device; all must be equal.
  std::set<std::string> OpenKeys(const std::string& remote_gid) {
    std::set<std::string> keys;
    Json list = Scim("/admin/api/groups/" + remote_gid + "/keys")["members"];
    for (const auto& k : list) {
      std::string wrapped;
      REQUIRE(core::Base64Decode(k["wrappedKey"].get<std::string>(), &wrapped));
      auto priv = scim_->TEST_DevicePrivateKey(k["memberId"]);
      REQUIRE(priv);
      auto plain = core::UnwrapKey(wrapped, *priv,
                                   core::KeyWrapAad(remote_gid, k["memberId"].get<std::string>(), k["keyVersion"].get<int64_t>()));
      REQUIRE(plain.ok());
      keys.insert(*plain);
    }
    return keys;
  }

  scimtest::KeyCallFault& proxy() { return *proxy_; }

  encryption::EncryptionStub stub_;
  std::string app_id;

 private:
  std::unique_ptr<scimtest::KeyCallFault> proxy_;
  std::unique_ptr<scim::ScimServer> scim_;
  std::unique_ptr<okta::MockOkta> okta_;
  std::unique_ptr<httplib::Client> api_;
  std::unique_ptr<httplib::Client> scim_client_;
};

}  // namespace

TEST_CASE("Push Groups goes through the encryption service; an outage becomes a task that a retry clears",
          "[e2e][encryption]") {
  Sandbox s;
  std::string ann = s.NewUser("ann@corp.test"), bob = s.NewUser("bob@corp.test"), cy = s.NewUser("cy@corp.test");
  s.Wait();
  REQUIRE(s.Okta("GET", "/sandbox/tasks").empty());

  std::string gid = s.Okta("POST", "/api/v1/groups", Json{{"profile", {{"name", "Vault Team"}}}})["id"];
  s.Okta("PUT", "/api/v1/groups/" + gid + "/users/" + ann);
  s.Okta("PUT", "/api/v1/groups/" + gid + "/users/" + bob);
  Json mapping = s.Okta("POST", "/api/v1/apps/" + s.app_id + "/group-push/mappings", Json{{"sourceGroupId", gid}});
  s.Wait();
  REQUIRE(s.Okta("GET", "/sandbox/tasks").empty());
  std::string mapping_path = "/api/v1/apps/" + s.app_id + "/group-push/mappings/" + mapping["id"].get<std::string>();
  std::string remote_gid = s.Okta("GET", mapping_path)["targetGroupId"];
  CHECK(s.Scim("/scim/v2/Groups/" + remote_gid)["members"].size() == 2);
  auto keys = s.OpenKeys(remote_gid);
  REQUIRE(keys.size() == 1);
  CHECK(keys.begin()->size() == 32);

  // The customer's encryption service goes down in the middle of the
  // membership push: the group is ensured (the first key call), wrapping the
  // key for cy (the second) meets the outage. The push fails as a task.
  const int calls = s.proxy().key_calls();
  s.proxy().FaultAt(2, {/*down=*/true, 0, 0});
  s.Okta("PUT", "/api/v1/groups/" + gid + "/users/" + cy);
  s.Wait();
  CHECK(s.proxy().key_calls() >= calls + 2);
  Json tasks = s.Okta("GET", "/sandbox/tasks");
  REQUIRE(tasks.size() >= 1);
  std::string message = tasks[0]["message"];
  INFO(message);
  CHECK(message.find("encryption service") != std::string::npos);
  CHECK(s.Scim("/scim/v2/Groups/" + remote_gid)["members"].size() == 2);  // nothing partial stored
  CHECK(s.Scim("/admin/api/groups/" + remote_gid + "/keys")["members"].size() == 2);

  // Back up: retrying the task pushes the membership and wraps the key for the newcomer.
  s.stub_.SetFault({});
  for (const auto& t : tasks) {
    if (t["status"] == "OPEN")
      s.Okta("POST", "/sandbox/tasks/" + t["id"].get<std::string>() + "/retry");
  }
  s.Wait();
  Json group = s.Scim("/scim/v2/Groups/" + remote_gid);
  CHECK(group["members"].size() == 3);
  auto after = s.OpenKeys(remote_gid);
  CHECK(after.size() == 1);
  CHECK(s.Scim("/admin/api/groups/" + remote_gid + "/keys")["members"].size() == 3);

  // Removing a member in Okta revokes it and rotates the key for the others.
  s.Okta("DELETE", "/api/v1/groups/" + gid + "/users/" + ann);
  s.Wait();
  CHECK(s.Scim("/scim/v2/Groups/" + remote_gid)["members"].size() == 2);
  auto rotated = s.OpenKeys(remote_gid);
  REQUIRE(rotated.size() == 1);
  CHECK(*rotated.begin() != *after.begin());
  Json left = s.Scim("/admin/api/groups/" + remote_gid + "/keys")["members"];
  for (const auto& k : left) CHECK(k["memberId"] != s.Remote(ann));
}

TEST_CASE("the mock Okta's console proxies reach the service provider and the encryption service", "[e2e][console]") {
  Sandbox s;
  Json session = s.Raw("GET", "/sandbox/console/session").second;
  CHECK(session["apiToken"] == "api");
  CHECK(session["links"]["scimAdmin"] == true);
  auto [st, status] = s.Raw("GET", "/sandbox/links/scim-admin/status");
  REQUIRE(st == 200);
  CHECK(status["groupProvisioning"]["encryptionService"]["status"] == "Active");
  CHECK(s.Raw("PUT", "/sandbox/links/encryption/faults", R"({"down":true})").first == 200);
  CHECK(s.Raw("GET", "/sandbox/links/encryption/health").first == 503);
  CHECK(s.Raw("GET", "/sandbox/links/scim-admin/status").second["groupProvisioning"]["encryptionService"]["status"] ==
        "Unreachable");
  CHECK(s.Raw("PUT", "/sandbox/links/encryption/faults", R"({"down":false})").first == 200);
  CHECK(s.Raw("GET", "/sandbox/links/encryption/health").first == 200);
  CHECK(s.Raw("GET", "/sandbox/links/scim-admin/nope").first == 404);
}

TEST_CASE("reset everything empties the org back to the preset app and the service provider", "[e2e][console]") {
  Sandbox s;
  s.NewUser("reset.me@corp.test");
  s.Wait();
  REQUIRE(s.Scim("/scim/v2/Users")["totalResults"] == 1);
  s.stub_.SetFault({/*down=*/true, 0, 0});
  auto [status, body] = s.Raw("POST", "/sandbox/reset");
  REQUIRE(status == 200);
  CHECK(body["serviceProvider"] == "reset");
  CHECK(body["encryptionFaults"] == "off");
  CHECK(s.Okta("GET", "/api/v1/users").empty());
  Json apps = s.Okta("GET", "/api/v1/apps");
  REQUIRE(apps.size() == 1);
  CHECK(apps[0]["label"] == "NordPass Provisioning");
  CHECK(s.Scim("/scim/v2/Users")["totalResults"] == 0);
  CHECK_FALSE(s.stub_.fault().down);
  CHECK(s.Raw("GET", "/sandbox/console/session").second["features"]["reset"] == true);
}
