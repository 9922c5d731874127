// `okta-sandbox check`: runs Okta's real provisioning flows against any SCIM
// server and says, check by check, where it breaks (issue 14).
//
// RunChecks builds an in-memory mock Okta org in-process (no port is opened):
// an OktaStore in memory, an Org, an Engine with one worker and a recording
// ScimSender, and one app per client profile pointed at the server. Each check
// drives the org as an admin would (assign, update, unassign, push a group…),
// lets the engine send Okta's requests, and judges the result from what Okta
// would show: the app user's status and external id, the task message, and
// the exchanges. No request building is duplicated here: flows come from
// flows.h, direct spec requests from the scim_dialect.h builders.
//
// Every user and group the run creates carries `prefix`; afterwards they are
// deactivated (users, as Okta does) or deleted (groups, and users with
// delete_created), unless `keep`. CheckReport::left_behind lists what remains.
//
// Threads: RunChecks blocks the caller; the engine's worker is internal.
// Not re-entrant per sender (one run at a time per ScimSender).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "mock_okta/checker/check_report.h"
#include "mock_okta/scim_client.h"

namespace okta::check {

struct CheckOptions {
  std::string base_url;  // the SCIM base URL to check
  std::string auth =
      "header";  // "header" (Authorization: Bearer <token>), "basic", or "verbatim" (header value as given)
  std::string token, username, password;
  std::vector<std::string> profiles = {"aiw_put", "oin_patch"};
  std::string unique_field = "userName";
  bool groups = true;                   // run the group checks
  std::vector<std::string> only, skip;  // check id prefixes
  bool keep = false;                    // leave what the run created
  bool delete_created = false;          // --delete: DELETE instead of deactivate at the end
  int timeout_ms = 60000;               // Okta's SCIM timeout (a flag shortens it)
  std::string prefix;  // unique prefix for created users/groups; "" = generate "oktasandbox-check-<random6>-"
};

// Runs the selected checks. `sender` null: HttpScimSender (real HTTP).
// Never throws for a misbehaving server; an unusable option (bad URL, unknown
// profile or auth) gives a report with one failed "options" result.
CheckReport RunChecks(const CheckOptions& opts, ScimSender* sender = nullptr);

// Every check id (per-profile checks once per profile) and its title, in run order.
std::vector<std::pair<std::string, std::string>> ListChecks();

}  // namespace okta::check
