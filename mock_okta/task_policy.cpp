#include "mock_okta/task_policy.h"

#include <algorithm>

namespace okta {

namespace {

Job RetryOf(const Job& job) {
  Job retry = job;
  retry.attempts = 0;
  retry.last_wait_s = 0;
  retry.due.clear();
  return retry;
}

std::string FailedTaskText(const Job& job, const Outcome& o, const App& app, const std::string& subject_display,
                           const std::string& failure) {
  if (!job.user_id.empty()) {
    return "Automatic provisioning of user " + subject_display + " to app " + app.label + " failed: " + failure;
  }
  if (!job.group_id.empty()) return "Failed on pushing group " + o.subject + " to app " + app.label + ": " + failure;
  return "Provisioning for app " + app.label + " failed: " + failure;
}

}  // namespace

TaskDecision DecideTask(const Job& job, const Outcome& o, const App& app, const std::string& subject_display,
                        core::TimePoint now) {
  TaskDecision d;
  if (o.kind == Outcome::Kind::kOk) return d;
  std::string failure = o.message;
  if (o.kind == Outcome::Kind::kRateLimited) {
    Job j = job;
    j.attempts += 1;
    int max_attempts = std::max(1, app.prov.rate_limit_max_attempts);
    if (j.attempts < max_attempts) {
      int64_t wait = j.attempts == 1 ? (o.retry_after_s >= 0 ? o.retry_after_s : app.prov.rate_limit_default_wait_s)
                                     : j.last_wait_s * 2;
      j.last_wait_s = wait;
      d.kind = TaskDecision::Kind::kRateLimited;
      d.due = now + std::chrono::seconds(wait);
      j.due = core::FormatIso8601(d.due);
      std::string who = !job.user_id.empty()    ? "user " + subject_display
                        : !job.group_id.empty() ? "group " + o.subject
                                                : "app " + app.label;
      std::string attempt = std::to_string(j.attempts + 1) + " of " + std::to_string(max_attempts);
      d.task_message = "Provisioning of " + who + " to app " + app.label +
                       " is paused: the app's rate limit was reached (HTTP 429). Okta will retry at " + j.due +
                       " (attempt " + attempt + ")";
      d.parked = j;
      d.retry = RetryOf(j);
      d.log = LogLine{"application.provision.rate_limit",
                      "Provisioning paused by the app's rate limit (HTTP 429); retry " + attempt + " at " + j.due,
                      false, "HTTP 429; waiting " + std::to_string(wait) + " s"};
      return d;
    }
    failure = "Rate limit exceeded: the app answered HTTP 429 " + std::to_string(j.attempts) +
              " times; the operation was not retried further";
  }
  d.kind = TaskDecision::Kind::kOpen;
  d.failure = failure;
  d.task_message = FailedTaskText(job, o, app, subject_display, failure);
  d.retry = RetryOf(job);
  return d;
}

bool JobResolvesTask(const Job& done, const Task& task) {
  if (task.status == TaskStatus::kResolved) return false;
  if (task.id == done.task_id) return true;  // its own Retry, or its parked 429 job
  if (task.status != TaskStatus::kOpen && task.status != TaskStatus::kRetrying) return false;
  if (task.app_id != done.app_id) return false;
  const JobKind k = task.job.kind;
  if (!done.user_id.empty()) {
    if (task.user_id != done.user_id || !task.group_id.empty()) return false;
    if (k == done.kind) return true;
    const bool provisions = done.kind == JobKind::kUserPush || done.kind == JobKind::kUserReactivate;
    return provisions && (k == JobKind::kUserPush || k == JobKind::kUserReactivate || k == JobKind::kUserUpdate);
  }
  if (!done.group_id.empty()) {
    if (task.group_id != done.group_id || !task.user_id.empty()) return false;
    if (k == done.kind) return true;
    const bool full = done.kind == JobKind::kGroupPush || done.kind == JobKind::kGroupPushNow;
    return full && (k == JobKind::kGroupPush || k == JobKind::kGroupPushNow || k == JobKind::kGroupMembers ||
                    k == JobKind::kGroupRename);
  }
  return false;
}

}  // namespace okta
