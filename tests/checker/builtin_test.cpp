// The checker against the project's own SCIM server, started in-process on
// port 0 (group provisioning without the encryption gate): every check passes.
#include <catch2/catch.hpp>

#include <chrono>
#include <set>

#include "mock_okta/checker/checker.h"
#include "scim_server/scim_server.h"

using namespace okta::check;

namespace {

std::string Describe(const CheckResult& r) {
  std::string s = r.id + " [" + VerdictName(r.verdict) + "] " + r.explanation;
  if (!r.task_message.empty()) s += "\n  task: " + r.task_message;
  return s;
}

}  // namespace

TEST_CASE("every check passes against the built-in SCIM server", "[checker][builtin]") {
  scim::Config sc;
  sc.port = 0;
  sc.token = "check-secret";
  sc.groups_need_encryption = false;
  scim::ScimServer server(sc);
  REQUIRE(server.Start().ok());

  CheckOptions o;
  o.base_url = server.base_url();
  o.token = "check-secret";
  auto started = std::chrono::steady_clock::now();
  CheckReport report = RunChecks(o);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  WARN("full run against the built-in server: " << ms << " ms, " << report.results.size() << " checks");

  std::set<std::string> ids;
  for (const auto& r : report.results) {
    INFO(Describe(r));
    CHECK(r.verdict == Verdict::kPass);
    CHECK_FALSE((r.exchanges.empty() && r.group != "robustness"));
    ids.insert(r.id);
  }
  // Every listed check ran (both profiles, groups included).
  for (const auto& [id, title] : ListChecks()) {
    INFO(id);
    CHECK(ids.count(id) == 1);
  }
  CHECK(report.failed() == 0);
  // The flows really ran: two PATCH batches for 101 members, a multi-page import, Okta's connector probe.
  auto count = [&report](const std::string& id, const std::string& method, const std::string& part) {
    int n = 0;
    for (const auto& r : report.results) {
      if (r.id != id) continue;
      for (const auto& e : r.exchanges) n += e.method == method && e.url.find(part) != std::string::npos;
    }
    return n;
  };
  CHECK(count("groups.batch.oin_patch", "PATCH", "/Groups/") == 3);  // 100 + 1 members, then the name
  CHECK(count("groups.batch.aiw_put", "PUT", "/Groups/") == 1);
  CHECK(count("import.users", "GET", "/Users?startIndex=101&count=100") == 1);
  CHECK(count("connector.test", "GET", "/Users?startIndex=1&count=2") == 1);
  CHECK(count("users.deactivate.oin_patch", "PATCH", "/Users/") == 1);
  CHECK(count("users.conflict", "POST", "/Users") == 2);
  CHECK(report.passed() == static_cast<int>(report.results.size()));
  // Users are deactivated, not deleted, and reported as left behind; groups are deleted.
  CHECK_FALSE(report.left_behind.empty());
  for (const auto& l : report.left_behind) {
    INFO(l);
    CHECK(l.find("deactivated") != std::string::npos);
  }
  server.Stop();
}

TEST_CASE("--delete removes what the run created; --only limits the run", "[checker][builtin]") {
  scim::Config sc;
  sc.port = 0;
  sc.token = "check-secret";
  sc.groups_need_encryption = false;
  scim::ScimServer server(sc);
  REQUIRE(server.Start().ok());
  CheckOptions o;
  o.base_url = server.base_url();
  o.token = "check-secret";
  o.only = {"connector", "users.create", "groups.create.oin_patch"};
  o.delete_created = true;
  CheckReport report = RunChecks(o);
  std::set<std::string> ids;
  for (const auto& r : report.results) {
    INFO(Describe(r));
    CHECK(r.verdict == Verdict::kPass);
    ids.insert(r.id);
  }
  CHECK(ids == std::set<std::string>{"connector.test", "connector.import_groups", "users.create.aiw_put",
                                     "users.create.oin_patch", "groups.create.oin_patch"});
  CHECK(report.left_behind.empty());
  server.Stop();
}
