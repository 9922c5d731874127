// Where a scenario run finds the services it drives: URLs and credentials,
// plus an optional in-process hook to wait for the mock's provisioning queue.
// The caller (app/sandbox.h through app/scenario_cmd.cpp) fills it in.
#pragma once

#include <chrono>
#include <functional>
#include <string>

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

}  // namespace scenarios
