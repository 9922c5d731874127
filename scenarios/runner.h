// Runs a scenario against running services, over HTTP only: the mock Okta's
// /api/v1 and /sandbox endpoints, the SCIM server (SCIM and, for the built-in
// one, its admin API) and the encryption service's fault switches.
//
// The runner never starts services: the caller (app/scenario_cmd.cpp, with an
// app::Sandbox in deterministic mode: fixed clock, seeded ids, one in-order
// provisioning worker) does, and hands over URLs, tokens and an optional
// in-process WaitIdle hook (Endpoints).
//
// Inside: steps.h (the step table), expectations.h, run_context.h (the state
// they share) and service_client.h (HTTP).
//
// Not thread-safe: one RunScenario at a time per Endpoints.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scenarios/endpoints.h"
#include "scenarios/scenario.h"

namespace scenarios {

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
