// The checker against deliberately broken SCIM servers (broken_scim.h, one
// defect each): each defect is reported by the checks that exercise it, with
// an explanation naming the cause, and nothing else fails.
#include <catch2/catch.hpp>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "mock_okta/checker/checker.h"
#include "tests/checker/broken_scim.h"

using namespace okta::check;
using testing_check::BrokenScim;
using testing_check::Defects;

namespace {

CheckReport Run(BrokenScim& server, std::function<void(CheckOptions&)> tweak = {}) {
  CheckOptions o;
  o.base_url = "http://scim.test/scim/v2";
  o.token = "good-token";
  if (tweak) tweak(o);
  return RunChecks(o, &server);
}

std::set<std::string> WithVerdict(const CheckReport& r, Verdict v) {
  std::set<std::string> out;
  for (const auto& c : r.results) {
    if (c.verdict == v) out.insert(c.id);
  }
  return out;
}

const CheckResult* Result(const CheckReport& r, const std::string& id) {
  for (const auto& c : r.results) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::string Dump(const CheckReport& r) {
  std::string s;
  for (const auto& c : r.results) {
    if (c.verdict == Verdict::kPass) continue;
    s += c.id + " [" + VerdictName(c.verdict) + "] " + c.explanation +
         (c.task_message.empty() ? "" : " | task: " + c.task_message) + "\n";
  }
  return s;
}

struct Case {
  std::string name;
  std::function<void(Defects&)> defect;
  std::set<std::string> failing;  // exactly these fail
  std::string explains;           // each failing check's explanation contains this
  std::string task;               // and, when non-empty, its task message contains this (flow checks)
};

std::vector<Case> Cases() {
  return {
      {"totalResults as a string",
       [](Defects& d) { d.total_as_string = true; },
       {"connector.test"},
       "must be JSON numbers",
       "totalResults must be an integer"},
      {"case-sensitive userName filter",
       [](Defects& d) { d.case_sensitive_filter = true; },
       {"users.link_case.aiw_put", "users.link_case.oin_patch"},
       "case-insensitive",
       "Conflict"},
      {"no path-less PATCH",
       [](Defects& d) { d.no_pathless_patch = true; },
       {"users.deactivate.oin_patch", "groups.create.oin_patch"},
       "without a \"path\"",
       "path is required"},
      {"PUT rejects the echoed meta",
       [](Defects& d) { d.put_rejects_meta = true; },
       {"users.update.aiw_put", "users.update.oin_patch"},
       "echoes the server's own GET answer",
       "'meta' is read-only"},
      {"404 instead of an empty list",
       [](Defects& d) { d.not_found_for_empty_filter = true; },
       {"spec.filter_none"},
       "requires 200 with totalResults 0",
       ""},
      {"an empty 201 body",
       [](Defects& d) { d.empty_201 = true; },
       {"users.create.aiw_put", "users.create.oin_patch", "spec.create"},
       "\"id\"",
       ""},
      {"startIndex ignored",
       [](Defects& d) { d.ignore_start_index = true; },
       {"import.users", "import.groups"},
       "ignores startIndex",
       ""},
      {"member removal by filter path refused",
       [](Defects& d) { d.refuse_member_filter_path = true; },
       {"groups.members.oin_patch"},
       "members[value eq",
       "Unsupported path"},
      {"HTTP 500 on '+' in a filter",
       [](Defects& d) { d.plus_in_filter_500 = true; },
       {"users.chars.plus"},
       "lookup filter failed with a server error",
       "Internal Server Error"},
      {"user PUTs that never answer",
       [](Defects& d) { d.user_puts_time_out = true; },
       {"users.update.aiw_put", "users.update.oin_patch", "robustness.timeouts"},
       "Okta gives up after",
       "Read timed out"},
      {"401 without a SCIM error body",
       [](Defects& d) { d.plain_401 = true; },
       {"spec.auth"},
       "without a SCIM error body",
       ""},
  };
}

}  // namespace

TEST_CASE("the broken-server fake without defects passes every check", "[checker][broken]") {
  BrokenScim server;
  CheckReport report = Run(server);
  INFO(Dump(report));
  CHECK(WithVerdict(report, Verdict::kFail).empty());
  CHECK(WithVerdict(report, Verdict::kSkip).empty());
  CHECK(WithVerdict(report, Verdict::kWarn).empty());
  CHECK(report.results.size() == ListChecks().size());
}

TEST_CASE("each broken server fails the checks of its defect, with the cause, and nothing else",
          "[checker][broken][defects]") {
  for (const auto& c : Cases()) {
    DYNAMIC_SECTION(c.name) {
      Defects d;
      c.defect(d);
      BrokenScim server(d);
      CheckReport report = Run(server);
      INFO(Dump(report));
      CHECK(WithVerdict(report, Verdict::kFail) == c.failing);
      for (const auto& id : c.failing) {
        const CheckResult* r = Result(report, id);
        REQUIRE(r != nullptr);
        INFO(id << ": " << r->explanation);
        CHECK(r->explanation.find(c.explains) != std::string::npos);
        // The run-wide scans (robustness.*) name no single task.
        if (!c.task.empty() && r->group != "robustness") CHECK(r->task_message.find(c.task) != std::string::npos);
        CHECK_FALSE(r->exchanges.empty());
      }
    }
  }
}

TEST_CASE("a failed prerequisite skips its dependents with the reason", "[checker][broken]") {
  Defects d;
  d.no_pathless_patch = true;
  BrokenScim server(d);
  CheckReport report = Run(server);
  const CheckResult* re = Result(report, "users.reactivate.oin_patch");
  REQUIRE(re != nullptr);
  CHECK(re->verdict == Verdict::kSkip);
  CHECK(re->explanation == "Skipped: needs users.deactivate.oin_patch, which failed.");
  const CheckResult* members = Result(report, "groups.members.oin_patch");
  REQUIRE(members != nullptr);
  CHECK(members->verdict == Verdict::kSkip);
  // The other profile is unaffected.
  CHECK(Result(report, "users.reactivate.aiw_put")->verdict == Verdict::kPass);
  CHECK(Result(report, "groups.members.aiw_put")->verdict == Verdict::kPass);
}

TEST_CASE("warnings: a case-sensitive filter also warns in the spec step; a plain 401 in the error-body scan",
          "[checker][broken]") {
  Defects d;
  d.case_sensitive_filter = true;
  BrokenScim s1(d);
  CheckReport r1 = Run(s1);
  CHECK(Result(r1, "spec.filter_case")->verdict == Verdict::kWarn);
  Defects d2;
  d2.plain_401 = true;
  BrokenScim s2(d2);
  CheckReport r2 = Run(s2);
  CHECK(Result(r2, "robustness.error_bodies")->verdict == Verdict::kWarn);
}

TEST_CASE("unreachable server: the connector fails, everything depending on it is skipped", "[checker][broken]") {
  BrokenScim server;
  CheckReport report = Run(server, [](CheckOptions& o) { o.token = "wrong"; });
  INFO(Dump(report));
  CHECK(WithVerdict(report, Verdict::kFail) == std::set<std::string>{"connector.test"});
  CHECK(Result(report, "connector.test")->task_message.find("Error authenticating") != std::string::npos);
  CHECK(Result(report, "users.create.aiw_put")->verdict == Verdict::kSkip);
  // With nothing answered, the answer-shape checks have nothing to judge: skipped, not passed.
  for (const char* id : {"robustness.content_type", "robustness.error_bodies", "robustness.rate_limit"}) {
    INFO(id);
    CHECK(Result(report, id)->verdict == Verdict::kSkip);
  }
}

TEST_CASE("options: a bad URL or profile is one failed result; --no-groups and one profile", "[checker][broken]") {
  BrokenScim server;
  CheckReport bad = Run(server, [](CheckOptions& o) { o.base_url = "not a url"; });
  REQUIRE(bad.results.size() == 1);
  CHECK(bad.results[0].id == "options");
  CHECK(bad.failed() == 1);
  CheckReport one = Run(server, [](CheckOptions& o) {
    o.profiles = {"oin_patch"};
    o.groups = false;
  });
  for (const auto& r : one.results) {
    INFO(r.id);
    CHECK(r.group != "groups");
    CHECK(r.id.find("aiw_put") == std::string::npos);
    CHECK(r.verdict == Verdict::kPass);
  }
}

TEST_CASE("429: Okta's back-off runs on the mock's clock; a 429 without Retry-After is a warning",
          "[checker][broken]") {
  for (std::string retry_after : {"", "7"}) {
    INFO("Retry-After: " << retry_after);
    Defects d;
    d.rate_limited_creates = 2;
    d.retry_after = retry_after;
    BrokenScim server(d);
    CheckReport report = Run(server, [](CheckOptions& o) { o.only = {"connector", "users.create", "robustness"}; });
    INFO(Dump(report));
    CHECK(report.failed() == 0);
    const CheckResult* create = Result(report, "users.create.aiw_put");
    REQUIRE(create != nullptr);
    CHECK(create->verdict == Verdict::kPass);
    int limited = 0;
    for (const auto& e : create->exchanges) limited += e.status == 429;
    CHECK(limited == 2);  // answered 429 twice, then created on the third attempt
    CHECK(Result(report, "robustness.rate_limit")->verdict == (retry_after.empty() ? Verdict::kWarn : Verdict::kPass));
  }
}

TEST_CASE("the unique identifier field email: lookups filter on email and still link", "[checker][broken]") {
  BrokenScim server;
  CheckReport report = Run(server, [](CheckOptions& o) { o.unique_field = "email"; });
  INFO(Dump(report));
  CHECK(report.failed() == 0);
  CHECK(report.warnings() == 0);
  bool email_lookup = false;
  for (const auto& e : Result(report, "users.link.aiw_put")->exchanges) {
    email_lookup = email_lookup || e.url.find("filter=email%20eq%20") != std::string::npos;
  }
  CHECK(email_lookup);
}

TEST_CASE(
    "a server without groups: the connector check with Import Groups fails and says --no-groups; group checks skip",
    "[checker][broken]") {
  Defects d;
  d.no_groups = true;
  BrokenScim server(d);
  CheckReport report = Run(server);
  INFO(Dump(report));
  CHECK(WithVerdict(report, Verdict::kFail) == std::set<std::string>{"connector.import_groups"});
  CHECK(Result(report, "connector.import_groups")->explanation.find("--no-groups") != std::string::npos);
  for (const auto& r : report.results) {
    if (r.group == "groups" || r.id == "import.groups") CHECK(r.verdict == Verdict::kSkip);
  }
  CheckReport users_only = Run(server, [](CheckOptions& o) { o.groups = false; });
  INFO(Dump(users_only));
  CHECK(users_only.failed() == 0);
}
