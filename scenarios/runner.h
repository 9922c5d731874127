// Runs a scenario against running services, over HTTP only: the mock Okta's
// /api/v1 and /sandbox endpoints, the SCIM server (SCIM and, for the built-in
// one, its admin API) and the encryption service's fault switches.
//
// The runner never starts services: the caller (app/scenario_cmd.cpp) does,
// with a fixed clock and seeded ids, and hands over URLs, tokens and an
// optional in-process WaitIdle hook.
//
// Not thread-safe: one RunScenario at a time per Endpoints.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scenarios/scenario.h"

namespace scenarios {

struct Endpoints {
  std::string okta_url;    // "http://127.0.0.1:7010"
  std::string okta_token;  // SSWS token for /api/v1
  std::string scim_base_url;  // SCIM connector base URL, ".../scim/v2"
  std::string scim_token;     // its bearer token
  // The built-in SCIM server's admin API (".../admin/api"); empty for an
  // external server: steps that need it (scimFault, groupProvisioning) fail.
  std::string scim_admin_url;
  // The encryption service and its secret; empty: encryption steps fail.
  std::string encryption_url;
  std::string encryption_secret;
  // In-process MockOkta::WaitIdle. Empty: the runner polls /sandbox/jobs and
  // /sandbox/traffic until both are quiet.
  std::function<bool(std::chrono::milliseconds)> wait_idle;
};

struct Failure {
  std::string where;    // "step 4 (assign)", "setup", "final expect"
  std::string message;  // multi-line, already indented for printing
};

struct Outcome {
  std::string name;
  std::string file;
  bool passed = false;
  bool skipped = false;
  std::string skip_reason;
  std::vector<Failure> failures;
  double seconds = 0;
  size_t steps = 0;       // steps run
  int64_t requests = 0;   // SCIM requests the mock sent (traffic records)
};

// Receives progress lines (step starts, long waits); may be empty.
using ProgressFn = std::function<void(const std::string& line)>;

// Runs setup, steps (stopping at the first failing action; failed
// expectations are recorded and the run goes on) and the final expect.
Outcome RunScenario(const Scenario& scenario, const Endpoints& endpoints, const ProgressFn& progress = {});

}  // namespace scenarios
