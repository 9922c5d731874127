// Scenario files: a provisioning story told as JSON (comments allowed), run
// against the three services over HTTP only. The format is documented in
// docs/scenarios.md and scenarios/scenario.schema.json.
//
// A scenario has `name`, `description`, `setup` (app settings, a directory,
// SCIM server data and settings, encryption service state), `steps` (Okta
// actions, faults, waits, inline `expect` blocks) and a final `expect`.
// Parsing checks the shape only (known keys, step kinds); references to
// users and groups are resolved when the scenario runs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"

namespace scenarios {

using core::Json;

// Removes `// line` and `/* block */` comments that are outside JSON
// strings (escapes inside strings are honoured). Line breaks are kept so
// parser positions still point at the right line. An unterminated block
// comment is dropped to the end of the text.
std::string StripComments(std::string_view text);

struct Scenario {
  std::string file;  // where it was loaded from ("" when parsed from text)
  std::string name;
  std::string description;
  Json setup = Json::object();
  Json steps = Json::array();   // each an object with exactly one action key
  Json expect = Json::object();  // final expectations (may be empty)
  // Wait for the provisioning queue to be idle after every Okta action step
  // (default true): traffic order then never depends on thread timing.
  bool auto_wait = true;
  // The SCIM server the scenario needs: "builtin" (default; faults and
  // admin API available) or "any" (runs with --against too).
  std::string requires_server = "any";
};

// Every step kind the runner knows (the single key of a step object), in the
// order of the step table (scenarios/steps.h).
const std::vector<std::string>& StepKinds();

// Parses a scenario. Errors: kInvalidSyntax (not JSON, with line and
// column), kInvalidValue (wrong shape; the detail names the JSON path).
core::Result<Scenario> ParseScenario(std::string_view text, const std::string& file = "");
// Reads and parses a file. kNotFound when it cannot be read.
core::Result<Scenario> LoadScenario(const std::string& path);

}  // namespace scenarios

namespace scenarios {

// The *.json files of a folder, sorted by name (schema files excluded).
// kNotFound, naming the folder, when it is not a folder, cannot be read, or
// holds no scenario file. (The bundled scenarios are built into the binary:
// app/bundled_scenarios.h.)
core::Result<std::vector<std::string>> ScenarioFilesIn(const std::string& dir);

}  // namespace scenarios
