// `okta-sandbox check`: will this SCIM server work with Okta? Runs Okta's
// provisioning flows against any SCIM server through the mock Okta's engine
// (mock_okta/checker/checker.h) and prints one line per check, then writes
// the reports asked for (mock_okta/checker/check_output.h). docs/check.md.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "mock_okta/checker/checker.h"

namespace check_cmd {

struct CheckCommandOptions {
  okta::check::CheckOptions
      check;  // url, auth, credentials, unique field, groups, only/skip, keep, delete, timeout, prefix
  std::string profile = "both";                 // aiw_put | oin_patch | both
  std::string junit_path, html_path, har_path;  // "" = not written
  bool json = false;                            // the report as JSON on stdout instead of the text lines
  bool show_secrets = false;                    // keep the Authorization value and the token in every output
  bool list = false;                            // print the checks and exit
  bool quiet = false;                           // --quiet: no "Checking …" line, no report-file notes
};

// Declares `check` and its options on `app`; returns the subcommand.
CLI::App* AddCheckCommand(CLI::App& app, CheckCommandOptions& options);

// Runs the checks and prints/writes the reports. Returns 0 when no check
// failed, 1 when one did, 2 on a usage error (no --url, basic auth without a
// username, an unreadable URL) or when a report file cannot be written.
int RunCheck(const CheckCommandOptions& options);

}  // namespace check_cmd
