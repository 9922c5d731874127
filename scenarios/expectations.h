// Expectation blocks (the `expect` step and a scenario's final `expect`):
// checks of the SCIM server's state, the SCIM requests the mock Okta sent,
// its tasks, its System Log and its app users. Failed checks are recorded on
// the RunContext ("<where> → traffic", …) and the run goes on; a service
// that cannot be read throws StepFailed. Internal to scenarios/.
#pragma once

#include <string_view>

#include "core/json_util.h"

namespace scenarios {

using core::Json;
class RunContext;

// The keys an expectation block may have (checked when a scenario is parsed).
inline constexpr std::string_view kExpectKeys[] = {"scim", "traffic", "tasks", "logs", "appUsers"};

// Checks every part of `block` (traffic first, then scim, tasks, logs, appUsers).
void CheckExpectations(RunContext& run, const Json& block);

}  // namespace scenarios
