// What the result of a job means for Dashboard → Tasks and the queue: Okta's
// task and 429 policy as one pure function.
//  * ok: a task the job was retried from is resolved.
//  * failed: an OPEN task with Okta's message and a Retry action (the job
//    again, attempts reset); the app user or the push mapping shows ERROR.
//  * rate limited (HTTP 429): the job waits — the Retry-After seconds on the
//    first 429 (else the app's default wait), doubling on each further 429 —
//    and its task says RATE_LIMITED until it runs again; after the app's
//    maximum number of attempts it fails like any other error. [D] S3
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "mock_okta/executor.h"
#include "mock_okta/model.h"

namespace okta {

struct TaskDecision {
  enum class Kind { kResolve, kOpen, kRateLimited };
  Kind kind = Kind::kResolve;
  std::string task_message;     // kOpen / kRateLimited: the text on the task
  std::string failure;          // kOpen: the failure alone (the push mapping's error summary)
  Job retry;                    // kOpen / kRateLimited: what the task's Retry runs (attempts reset)
  Job parked;                   // kRateLimited: the job again, with its attempt count and due time
  core::TimePoint due;          // kRateLimited
  LogLine log;                  // kRateLimited: the System Log line
};

// `subject_display`: the user's display name (user jobs); the group's name is outcome.subject.
TaskDecision DecideTask(const Job& job, const Outcome& outcome, const App& app, const std::string& subject_display,
                        core::TimePoint now);

// Whether a job that just succeeded resolves a task: the task it came from
// (its Retry, or its parked 429 job), or an OPEN or RETRYING task whose work
// it did although it was not that task's Retry: the same
// app and subject, and the same kind of work — a user push (Provision User, a
// re-assignment) or reactivation also covers a failed profile update, and a
// full group push or Push Now also covers a failed membership update or
// rename. Rate-limited tasks are left to their parked job. [I] (inferred:
// Okta's documentation says only that tasks can be retried or dismissed)
bool JobResolvesTask(const Job& done, const Task& task);

}  // namespace okta
