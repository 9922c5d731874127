// app::Sandbox: the three services composed as `up` and `scenario run` use them.
#include <catch2/catch.hpp>

#include "app/sandbox.h"
#include "app/scenario_cmd.h"
#include "core/http.h"
#include "core/json_util.h"

using core::Json;

namespace {

app::SandboxConfig FreePorts() {
  app::SandboxConfig c;
  c.okta_port = c.scim_port = c.encryption_port = 0;
  return c;
}

Json GetJson(const std::string& url, const std::string& path, const httplib::Headers& headers) {
  auto client = core::MakeClient(url);
  auto res = client->Get(path.c_str(), headers);
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  return Json::parse(res->body);
}

}  // namespace

TEST_CASE("a sandbox starts the three services wired together and stops them", "[app][sandbox]") {
  app::Sandbox sandbox(FreePorts());
  auto st = sandbox.Start();
  INFO((st.ok() ? "" : st.error().detail));
  REQUIRE(st.ok());
  CHECK(sandbox.okta_port() > 0);
  CHECK(sandbox.scim_port() > 0);
  CHECK(sandbox.encryption_port() > 0);
  CHECK(sandbox.scim_base_url() == "http://127.0.0.1:" + std::to_string(sandbox.scim_port()) + "/scim/v2");
  CHECK(sandbox.scim_admin_url() == "http://127.0.0.1:" + std::to_string(sandbox.scim_port()) + "/admin/api");
  CHECK_FALSE(sandbox.okta_token().empty());
  CHECK_FALSE(sandbox.scim_token().empty());
  CHECK_FALSE(sandbox.encryption_secret().empty());

  // The mock's preset app provisions the built-in SCIM server.
  Json apps = GetJson(sandbox.okta_url(), "/api/v1/apps", {{"Authorization", "SSWS " + sandbox.okta_token()}});
  REQUIRE(apps.size() == 1);
  Json users = GetJson(sandbox.scim_base_url().substr(0, sandbox.scim_base_url().find("/scim/v2")), "/scim/v2/Users",
                       {{"Authorization", "Bearer " + sandbox.scim_token()}});
  CHECK(users["totalResults"] == 0);
  // The SCIM server uses the encryption service: group provisioning is on.
  Json status = GetJson("http://127.0.0.1:" + std::to_string(sandbox.scim_port()), "/admin/api/status", {});
  INFO(status.dump());
  CHECK(status["groupProvisioning"]["enabled"] == true);
  CHECK(sandbox.WaitIdle(std::chrono::milliseconds(5000)));

  sandbox.Stop();
  sandbox.Stop();  // idempotent
  auto client = core::MakeClient(sandbox.okta_url(), 1, 1);
  CHECK_FALSE(client->Get("/api/v1/apps"));
}

TEST_CASE("with an external SCIM server only the mock Okta starts", "[app][sandbox]") {
  app::SandboxConfig c = FreePorts();
  c.external_scim = app::ExternalScim{"http://127.0.0.1:9/scim/v2", "elsewhere"};
  app::Sandbox sandbox(c);
  REQUIRE(sandbox.Start().ok());
  CHECK(sandbox.okta_port() > 0);
  CHECK(sandbox.scim_port() == 0);
  CHECK(sandbox.encryption_port() == 0);
  CHECK(sandbox.scim_admin_url().empty());
  CHECK(sandbox.encryption_url().empty());
  CHECK(sandbox.scim_base_url() == "http://127.0.0.1:9/scim/v2");
  CHECK(sandbox.scim_token() == "elsewhere");
}

TEST_CASE("scenario runs use a deterministic sandbox with one in-order provisioning worker", "[app][sandbox]") {
  scenario_cmd::ScenarioOptions o;
  o.seed = 7;
  app::SandboxConfig c = scenario_cmd::ScenarioSandboxConfig(o);
  CHECK(c.provisioning_workers == 1);
  REQUIRE(c.deterministic);
  CHECK(c.deterministic->seed == 7);
  CHECK(c.okta_port == 0);
  CHECK(c.okta_db == ":memory:");
  CHECK_FALSE(c.external_scim);
  o.against_url = "http://127.0.0.1:9/scim/v2";
  CHECK(scenario_cmd::ScenarioSandboxConfig(o).external_scim);
  CHECK(app::SandboxConfig{}.provisioning_workers == 16);
}
