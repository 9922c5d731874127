// The runner on a fresh in-process sandbox: determinism, readable failures,
// JUnit, HAR export and replay.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/scenario_cmd.h"
#include "core/http.h"
#include "scenarios/junit.h"
#include "scenarios/traffic.h"
#include "scim_server/scim_server.h"
#include "tests/scenarios/scenario_fixture.h"

using core::Json;
using scenario_fixture::Inline;

namespace {

scenarios::Scenario Bundled(const std::string& stem) {
  auto s = scenario_cmd::LoadBundledScenario(stem);
  INFO((s.ok() ? "" : s.error().detail));
  REQUIRE(s.ok());
  return *s;
}

}  // namespace

TEST_CASE("the same scenario gives byte-identical traffic on every run", "[scenarios][determinism]") {
  scenario_cmd::ScenarioOptions o;
  for (const char* stem : {"setup-guide", "rate-limit-backoff"}) {
    INFO(stem);
    auto s = Bundled(stem);
    auto a = scenario_cmd::RunInFreshSandbox(s, o);
    auto b = scenario_cmd::RunInFreshSandbox(s, o);
    REQUIRE(a.started);
    CHECK(a.outcome.passed);
    CHECK(a.traffic.size() > 5);
    std::string ha = scenario_cmd::HarText(a.traffic), hb = scenario_cmd::HarText(b.traffic);
    if (ha != hb) {  // keep both for a diff
      std::string file = std::string("/tmp/scenario-determinism-") + stem + "-" + std::to_string(::getpid());
      std::ofstream(file + "-a.har") << ha;
      std::ofstream(file + "-b.har") << hb;
    }
    CHECK(ha.size() == hb.size());
    CHECK(ha == hb);
  }
}

TEST_CASE("a failed expectation says where and shows expected against actual", "[scenarios][runner]") {
  auto s = Inline(R"({
    "name": "wrong expectations",
    "setup": {"directory": {"users": [{"login": "ann@corp.test", "firstName": "Ann", "lastName": "Lee"}]}},
    "steps": [
      {"assign": "ann@corp.test"},
      {"expect": {"traffic": ["GET /Users?filter=email eq \"ann@corp.test\"*", "PUT /Users"]}},
      {"expect": {"scim": {"users": [{"userName": "ann@corp.test", "name": {"familyName": "Leigh"}}]}}}
    ]
  })");
  scenario_cmd::ScenarioOptions o;
  auto run = scenario_cmd::RunInFreshSandbox(s, o);
  REQUIRE(run.started);
  CHECK_FALSE(run.outcome.passed);
  REQUIRE(run.outcome.failures.size() == 2);
  std::string traffic = run.outcome.failures[0].message, scim = run.outcome.failures[1].message;
  INFO(traffic);
  INFO(scim);
  CHECK(run.outcome.failures[0].where == "step 2 (expect) → traffic");
  CHECK(traffic.find("request 2 of 2 differs") != std::string::npos);
  CHECK(traffic.find("method: expected \"PUT\", got POST") != std::string::npos);
  CHECK(scim.find("User[ann@corp.test].name.familyName: expected \"Leigh\", got \"Lee\"") != std::string::npos);
  std::string xml = scenarios::JunitXml({run.outcome});
  CHECK(xml.find("failures=\"1\"") != std::string::npos);
  CHECK(xml.find("expected &quot;Leigh&quot;") != std::string::npos);
}

TEST_CASE("a recorded HAR replays against a fresh SCIM server with server ids rewritten", "[scenarios][replay]") {
  scenario_cmd::ScenarioOptions o;
  auto run = scenario_cmd::RunInFreshSandbox(Bundled("setup-guide"), o);
  REQUIRE(run.outcome.passed);
  Json har = Json::parse(scenario_cmd::HarText(run.traffic));
  REQUIRE(har["log"]["version"] == "1.2");
  REQUIRE(har["log"]["entries"].size() == run.traffic.size());

  // Another seed: the server assigns other ids, which the replay must follow.
  core::ManualClock clock(*core::ParseIso8601("2024-05-01T09:00:00Z"));
  core::UuidV7Source ids(clock, 99);
  scim::Config sc;
  sc.port = 0;
  sc.token = "t";
  sc.groups_need_encryption = false;
  sc.clock = &clock;
  sc.ids = &ids;
  scim::ScimServer server(sc);
  REQUIRE(server.Start().ok());
  auto report = scenarios::ReplayHar(har, server.base_url(), "t");
  REQUIRE(report.ok());
  std::string diffs;
  for (const auto& d : report->differences) diffs += d.request + ": " + d.message + "\n";
  INFO(diffs);
  CHECK(report->replayed > 5);
  CHECK(report->differences.empty());

  // Against a server that already holds one of the users, the first create is a 409: reported.
  scim::Config sc2 = sc;
  scim::ScimServer other(sc2);
  REQUIRE(other.Start().ok());
  auto c = core::MakeClient("http://127.0.0.1:" + std::to_string(other.port()));
  auto r = c->Post("/scim/v2/Users", {{"Authorization", "Bearer t"}},
                   R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"zed@corp.test"})",
                   "application/scim+json");
  REQUIRE(r);
  auto report2 = scenarios::ReplayHar(har, other.base_url(), "t");
  REQUIRE(report2.ok());
  CHECK_FALSE(report2->differences.empty());
  server.Stop();
  other.Stop();
}

TEST_CASE("with --against the mock provisions an external SCIM server and builtin-only scenarios are skipped",
          "[scenarios][against]") {
  core::ManualClock clock(*core::ParseIso8601("2024-05-01T09:00:00Z"));
  scim::Config sc;
  sc.port = 0;
  sc.token = "external-token";
  sc.groups_need_encryption = false;  // a plain SCIM server, as a developer's own would be
  sc.clock = &clock;
  scim::ScimServer external(sc);
  REQUIRE(external.Start().ok());
  scenario_cmd::ScenarioOptions o;
  o.against_url = external.base_url();
  o.against_token = "external-token";
  auto run = scenario_cmd::RunInFreshSandbox(Bundled("setup-guide"), o);
  REQUIRE(run.started);
  std::string report = scenarios::FailureReport(run.outcome);
  INFO(report);
  CHECK(run.outcome.passed);
  CHECK_FALSE(run.outcome.skipped);
  auto c = core::MakeClient("http://127.0.0.1:" + std::to_string(external.port()));
  auto users = c->Get("/scim/v2/Users", {{"Authorization", "Bearer external-token"}});
  REQUIRE(users);
  CHECK(Json::parse(users->body)["totalResults"] == 2);

  auto skipped = scenario_cmd::RunInFreshSandbox(Bundled("rate-limit-backoff"), o);
  CHECK(skipped.outcome.skipped);
  CHECK(skipped.outcome.passed);
  external.Stop();
}
