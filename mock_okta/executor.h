// Executor: runs any flow (flows.h) to its end. For each step it writes the
// System Log lines and applies the effects the flow returned, sends the
// request through the ScimSender, records the exchange as traffic, and
// checks the answer: a 429 stops the run as rate limited (with the integer
// Retry-After, if any), no answer or an unexpected status stops it as failed
// with Okta's message. It never retries and never touches the queue or
// tasks: what a result means for them is the task policy's (task_policy.h).
// Thread-safe: each call runs one job on the caller's thread.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/json_util.h"
#include "mock_okta/flows.h"
#include "mock_okta/scim_client.h"

namespace okta {

class Org;

struct Outcome {
  enum class Kind { kOk, kFailed, kRateLimited };
  Kind kind = Kind::kOk;
  std::string message;         // kFailed / kRateLimited: Okta's message
  int64_t retry_after_s = -1;  // kRateLimited: integer Retry-After, -1 when absent
  std::string subject;         // the subject as the flow last named it (group flows rename it)
  core::Json imported;         // import jobs: the resources read
};

// The traffic record of one exchange as JSON text (the shape /sandbox/traffic
// and HAR export read); `job` null for a connector test.
std::string TrafficRecordText(const Job* job, const std::string& app_id, const std::string& step,
                              const ScimRequest& req, const ScimExchange& ex, core::TimePoint started,
                              const std::string& base_url);
// "Not Found" for 404, …; "Unexpected Response" for codes Okta does not name
// (every non-error code, and errors outside core::HttpStatusText).
const char* ReasonPhrase(int status);

class Executor {
 public:
  Executor(Org& org, ScimSender& sender, const core::Clock& clock) : org_(org), sender_(sender), clock_(clock) {}
  Outcome Run(const FlowInput& in);

 private:
  ScimExchange Exchange(const FlowInput& in, const Step& step);
  Org& org_;
  ScimSender& sender_;
  const core::Clock& clock_;
};

}  // namespace okta
