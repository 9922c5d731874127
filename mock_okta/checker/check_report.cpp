#include "mock_okta/checker/check_report.h"

#include <algorithm>

namespace okta::check {

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kWarn: return "warn";
    case Verdict::kSkip: return "skip";
  }
  return "pass";
}

namespace {
int CountOf(const std::vector<CheckResult>& results, Verdict v) {
  return static_cast<int>(
      std::count_if(results.begin(), results.end(), [v](const CheckResult& r) { return r.verdict == v; }));
}
}  // namespace

int CheckReport::passed() const { return CountOf(results, Verdict::kPass); }
int CheckReport::failed() const { return CountOf(results, Verdict::kFail); }
int CheckReport::warnings() const { return CountOf(results, Verdict::kWarn); }

}  // namespace okta::check
