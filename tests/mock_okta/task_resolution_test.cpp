// Issue 15 item 8: a task resolves when its subject is provisioned by any
// path (Provision User, a later push), not only by its own Retry. The rule
// is okta::JobResolvesTask (task_policy.h); here it is checked as a table
// and through the engine.
#include <catch2/catch.hpp>

#include "mock_okta/task_policy.h"
#include "tests/mock_okta/harness.h"

using namespace testing_okta;
using core::Json;
using okta::Job;
using okta::JobKind;
using okta::Task;
using okta::TaskStatus;

namespace {
Task UserTask(JobKind kind, const std::string& user, TaskStatus status = TaskStatus::kOpen) {
  Task t;
  t.id = "tsk1";
  t.status = status;
  t.app_id = "app1";
  t.user_id = user;
  t.job.kind = kind;
  return t;
}
Job Done(JobKind kind, const std::string& user, const std::string& group = "") {
  Job j;
  j.kind = kind;
  j.app_id = "app1";
  j.user_id = user;
  j.group_id = group;
  return j;
}
}  // namespace

TEST_CASE("JobResolvesTask: the same app, subject and work", "[okta][tasks]") {
  CHECK(okta::JobResolvesTask(Done(JobKind::kUserPush, "u1"), UserTask(JobKind::kUserPush, "u1")));
  CHECK(okta::JobResolvesTask(Done(JobKind::kUserPush, "u1"), UserTask(JobKind::kUserUpdate, "u1")));
  CHECK(okta::JobResolvesTask(Done(JobKind::kUserReactivate, "u1"), UserTask(JobKind::kUserPush, "u1")));
  CHECK(okta::JobResolvesTask(Done(JobKind::kUserPush, "u1"), UserTask(JobKind::kUserPush, "u1", TaskStatus::kRetrying)));
  // Not: another user, another app, other work, already resolved, rate limited (its parked job runs by itself).
  CHECK_FALSE(okta::JobResolvesTask(Done(JobKind::kUserPush, "u2"), UserTask(JobKind::kUserPush, "u1")));
  Job other_app = Done(JobKind::kUserPush, "u1");
  other_app.app_id = "app2";
  CHECK_FALSE(okta::JobResolvesTask(other_app, UserTask(JobKind::kUserPush, "u1")));
  CHECK_FALSE(okta::JobResolvesTask(Done(JobKind::kUserUpdate, "u1"), UserTask(JobKind::kUserPush, "u1")));
  CHECK_FALSE(okta::JobResolvesTask(Done(JobKind::kUserPush, "u1"), UserTask(JobKind::kUserDeactivate, "u1")));
  CHECK_FALSE(okta::JobResolvesTask(Done(JobKind::kUserPush, "u1"), UserTask(JobKind::kUserPush, "u1", TaskStatus::kResolved)));
  CHECK_FALSE(
      okta::JobResolvesTask(Done(JobKind::kUserPush, "u1"), UserTask(JobKind::kUserPush, "u1", TaskStatus::kRateLimited)));
  // Its own task resolves whatever its state (the Retry, or the parked 429 job).
  Job own = Done(JobKind::kUserPush, "u1");
  own.task_id = "tsk1";
  CHECK(okta::JobResolvesTask(own, UserTask(JobKind::kUserPush, "u1", TaskStatus::kRateLimited)));
  // Groups: a full push or Push Now covers membership and rename; a membership update covers only itself.
  Task gt = UserTask(JobKind::kGroupMembers, "");
  gt.group_id = "g1";
  CHECK(okta::JobResolvesTask(Done(JobKind::kGroupPushNow, "", "g1"), gt));
  CHECK(okta::JobResolvesTask(Done(JobKind::kGroupMembers, "", "g1"), gt));
  CHECK_FALSE(okta::JobResolvesTask(Done(JobKind::kGroupPushNow, "", "g2"), gt));
  gt.job.kind = JobKind::kGroupPush;
  CHECK_FALSE(okta::JobResolvesTask(Done(JobKind::kGroupMembers, "", "g1"), gt));
  CHECK_FALSE(okta::JobResolvesTask(Done(JobKind::kUserPush, "u1"), gt));
}

TEST_CASE("a task resolves when its user is provisioned by another path than its Retry",
          "[okta][engine][failures]") {
  Harness h;
  h.scim.Script("POST", "/Users", 500, R"({"detail":"down","status":"500"})");
  std::string uid = h.CreateUser("later@okta.local", "Later", "Fixed");
  std::string other = h.CreateUser("other@okta.local", "Other", "User");
  h.Do([&] { h.Assign(uid); });
  h.scim.Script("POST", "/Users", 500, R"({"detail":"down","status":"500"})");
  h.Do([&] { h.Assign(other); });
  auto tasks = h.Tasks();
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0]["status"] == "OPEN");
  CHECK(tasks[1]["status"] == "OPEN");

  // Provision User (not the task's Retry): both users are pushed, both tasks close.
  auto rs = h.Do([&] {
    auto r = h.Call("POST", "/sandbox/apps/" + h.app_id + "/provision-users");
    CHECK(r.status == 202);
    CHECK(r.body["queued"] == 2);
  });
  CHECK(rs.size() == 4);
  CHECK(!h.ExternalId(uid).empty());
  for (const auto& t : h.Tasks()) CHECK(t["status"] == "RESOLVED");

  // A profile update that succeeds does not close a failed push of another user.
  h.scim.Script("POST", "/Users", 500, R"({"detail":"down","status":"500"})");
  std::string third = h.CreateUser("third@okta.local", "Third", "User");
  h.Do([&] { h.Assign(third); });
  h.Do([&] { h.Call("POST", "/api/v1/users/" + uid, Json{{"profile", Json{{"firstName", "Changed"}}}}); });
  auto after = h.Tasks();
  REQUIRE(after.size() == 3);
  CHECK(after[2]["status"] == "OPEN");
}

