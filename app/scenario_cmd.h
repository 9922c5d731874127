// `okta-sandbox scenario run|list`, `traffic export` and `replay`: the
// scenario engine (scenarios/) run on fresh, in-memory, deterministic
// sandboxes (app/sandbox.h). main.cpp parses the command line and calls these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/sandbox.h"
#include "core/json_util.h"
#include "core/result.h"
#include "scenarios/scenario.h"
#include "scenarios/runner.h"

namespace scenario_cmd {

struct ScenarioOptions {
  // Scenario files, folders of them, or names of bundled scenarios
  // ("setup-guide", built into the binary). A file or folder that exists
  // wins over a bundled name.
  std::vector<std::string> files;
  // Run the mock Okta against this external SCIM server (base URL, bearer
  // token) instead of the built-in one; scenarios that need the built-in
  // server's admin API are skipped.
  std::string against_url;
  std::string against_token;
  std::string junit_path;  // write JUnit XML here ("" = no)
  // Write each scenario's traffic as HAR 1.2 here; with several scenarios,
  // "<stem>-<scenario file stem>.har".
  std::string har_path;
  uint64_t seed = 1;   // seeds the Okta and SCIM id sources
  // --quiet: only each scenario's PASS/FAIL/SKIP line (with its failures)
  // and the summary; no step lines, progress lines or file notes.
  bool quiet = false;
};

// Runs each scenario on a fresh sandbox. Prints progress and results to
// stdout, errors to stderr. Returns 0 when all passed (or were skipped), 1
// when any failed, 2 when an argument names no file, folder or bundled
// scenario, a folder is empty or unreadable, a file could not be read or
// parsed, or services did not start.
int RunScenarios(const ScenarioOptions& options);

// A bundled scenario by name ("setup-guide" or "setup-guide.json"), its
// `file` "bundled:setup-guide.json". kNotFound when there is none of that name.
core::Result<scenarios::Scenario> LoadBundledScenario(const std::string& name);

// `scenario list [FOLDER...]`: the bundled scenarios, or with folders the
// scenarios in them instead (file, name, description cut to one line on a
// UTF-8 character boundary). Returns 0; 2 (message on stderr) when a folder
// is missing, unreadable or holds no scenario file.
int ListScenarios(const std::vector<std::string>& folders);

// `traffic export --har FILE [--from URL]`: the traffic log of a running
// mock Okta as HAR 1.2 ('-': on stdout). Returns 0, or 1 when no sandbox
// answers at `from_okta_url` (the message names --from) or FILE cannot be
// written. `quiet`: no "N requests written" line.
int ExportTrafficHar(const std::string& from_okta_url, const std::string& har_path, bool quiet = false);

// `replay FILE.har --against URL --token T`: replays the recorded SCIM
// requests and prints where answers differ. Returns 0 when none differ,
// 1 when some do, 2 when the HAR cannot be read or the server reached.
int ReplayHarFile(const std::string& har_path, const std::string& against_url, const std::string& token);

// `s` cut to at most `max_code_points` UTF-8 code points, the last of them
// "…" when it was cut; never splits a multi-byte character.
std::string EllipsizeUtf8(const std::string& s, size_t max_code_points);

// The sandbox a scenario runs on: in memory, free ports, a fixed clock
// (2024-05-01T09:00:00Z), ids seeded with `options.seed`, fixed tokens, one
// in-order provisioning worker; with `against_url`, only the mock Okta.
app::SandboxConfig ScenarioSandboxConfig(const ScenarioOptions& options);

// One scenario on a fresh sandbox of that config (what RunScenarios does per
// file). `traffic` gets the normalized traffic records
// (stable origins, zero durations): byte-identical across runs.
struct SandboxRun {
  scenarios::Outcome outcome;
  core::Json traffic = core::Json::array();
  bool started = false;     // false: a service did not start (see `error`)
  std::string error;
};
SandboxRun RunInFreshSandbox(const scenarios::Scenario& scenario, const ScenarioOptions& options,
                             const scenarios::ProgressFn& progress = {});

// The HAR bytes written for a run's normalized traffic.
std::string HarText(const core::Json& traffic);

}  // namespace scenario_cmd
