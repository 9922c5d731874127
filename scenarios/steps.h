// The scenario steps: one table, name → handler → options. The parser
// (scenario.cpp: which step kinds exist, which keys a step may have), the
// runner (dispatch, waiting after a step) and StepKinds() all read it, so a
// step is added in one place: write its handler in steps.cpp, add a row to
// the table there, and describe it in scenario.schema.json and
// docs/scenarios.md (a test checks the schema lists the same kinds).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json_util.h"

namespace scenarios {

using core::Json;
class RunContext;

// Runs one step with its value (the JSON under the step's key). Throws
// StepFailed when an action cannot be done; failed checks are recorded on
// the context instead.
using StepHandler = void (*)(RunContext& run, const Json& args);

struct StepSpec {
  StepSpec(std::string_view name, StepHandler run, bool waits_after = true, std::vector<std::string_view> keys = {})
      : name(name), run(run), waits_after(waits_after), keys(std::move(keys)) {}

  std::string_view name;  // the step's key in a scenario, e.g. "assign"
  StepHandler run;
  // With autoWait, the runner waits for the provisioning queue after the step.
  bool waits_after;
  // Keys the step's value may have, checked when the scenario is parsed (the
  // value must then be an object). Empty: the value is not checked there.
  std::vector<std::string_view> keys;
};

// Every step, in the order StepKinds() lists them.
const std::vector<StepSpec>& StepTable();
// The step called `name`, or null.
const StepSpec* FindStep(std::string_view name);
// Runs the step called `kind`. Throws StepFailed for an unknown kind.
void RunStep(RunContext& run, std::string_view kind, const Json& args);

// App settings as written in a scenario (`setup.app`, the `settings` step) →
// the keys of /sandbox/apps/{id}/provisioning.
Json ProvisioningSettings(const Json& app);

}  // namespace scenarios
