// POST /sandbox/check: the console's "Check a SCIM server" page runs
// `okta-sandbox check` (mock_okta/checker/checker.h) against a URL and token
// and gets the report as JSON (check_output.h ReportJson, secrets masked).
//
// Body: {"url", "token", "auth": "header"|"basic"|"verbatim", "username",
// "password", "profile": "aiw_put"|"oin_patch"|"both", "groups": bool,
// "uniqueField", "only": [...], "skip": [...], "timeoutMs", "keep",
// "delete"}; only "url" (and the credentials) are needed.
//
// Same-origin only, no CORS: the request must be `Content-Type:
// application/json` (a cross-site page cannot send that without a preflight,
// which gets no CORS answer), an Origin header, when sent, must be this
// server's, and the Host must be a loopback name or the address the mock is
// bound to (DNS rebinding). One check runs at a time (409 otherwise); the
// handler blocks one worker of the pool for the length of the run.
#pragma once

#include <httplib.h>

#include "mock_okta/routes.h"

namespace okta {

void RegisterCheckRoutes(httplib::Server& server, const RouteContext& ctx);

}  // namespace okta
