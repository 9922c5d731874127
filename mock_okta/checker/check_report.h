// The result of `okta-sandbox check`: what the checker (checker.h) produces
// and the reports (text, JSON, JUnit, HTML, HAR) read. Plain data.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"

namespace okta::check {

enum class Verdict { kPass, kFail, kWarn, kSkip };
const char* VerdictName(Verdict v);  // "pass" / "fail" / "warn" / "skip"

// One SCIM request and its answer, as the checker saw it.
struct Exchange {
  std::string method;
  std::string url;                  // absolute
  std::vector<std::pair<std::string, std::string>> request_headers;  // in Okta's order
  std::string request_body;
  int status = 0;                   // 0: no answer (see error)
  std::vector<std::pair<std::string, std::string>> response_headers;
  std::string response_body;
  std::string error;
  std::string started;              // ISO 8601
  int64_t duration_ms = 0;
};

struct CheckResult {
  std::string id;              // stable, e.g. "users.create", "groups.members.remove.oin_patch"
  std::string group;           // "connector", "users", "import", "groups", "spec", "robustness"
  std::string profile;         // "aiw_put", "oin_patch" or "" when the check does not depend on it
  std::string title;           // one line: the Okta behaviour in plain words
  Verdict verdict = Verdict::kPass;
  std::string explanation;     // fail/warn: what is wrong and why it matters to Okta
  std::string task_message;    // fail: the task message an Okta admin would see ("" when none)
  std::string confidence;      // "documented", "observed" or "inferred" (docs/okta-behaviour.md)
  std::vector<Exchange> exchanges;  // the exchanges of this check, in order
};

struct CheckReport {
  std::string target_url;
  std::string started, finished;  // ISO 8601
  std::vector<CheckResult> results;
  std::vector<std::string> left_behind;  // resources the run created and did not remove (ids and names)
  int passed() const;
  int failed() const;
  int warnings() const;
};

}  // namespace okta::check
