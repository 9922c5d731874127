// HTTP routes of the mock Okta: /api/v1 (Okta Management API subset, SSWS
// token, checked before routing) and /sandbox (sandbox-only controls, no
// auth: local use). One file per resource (api_users.cpp, api_groups.cpp,
// api_apps.cpp, api_app_assignments.cpp, api_group_push.cpp, api_logs.cpp,
// sandbox_routes.cpp) on the shared helper api_request.h. Handlers parse,
// call the Org or Engine, and render; errors go through okta_error.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "core/result.h"
#include "mock_okta/console_routes.h"
#include "mock_okta/engine.h"
#include "mock_okta/okta_ids.h"
#include "mock_okta/org.h"

namespace okta {

namespace signon {
class SignOn;
}

// What the handlers reach. The pointers outlive the server; handlers keep a
// copy of the context.
struct RouteContext {
  Org* org = nullptr;
  Engine* engine = nullptr;
  SandboxClock* clock = nullptr;
  OktaIds* ids = nullptr;
  signon::SignOn* signon = nullptr;  // OIDC sign-on (mock_okta/signon)
  std::string api_token;
  std::function<std::string()> base_url;  // the mock's origin
  // Recreates the preset app when Config::preset is set and the org has no
  // app (after POST /sandbox/reset). Empty: nothing to re-apply.
  std::function<core::Status()> apply_preset;
  // The linked services that POST /sandbox/reset resets too.
  ServiceLinks links;
};

// All of /api/v1: calls each Register…Routes below.
void RegisterApiRoutes(httplib::Server& server, const RouteContext& ctx);
void RegisterUserRoutes(httplib::Server& server, const RouteContext& ctx);           // /users…
void RegisterGroupRoutes(httplib::Server& server, const RouteContext& ctx);          // /groups…
void RegisterAppRoutes(httplib::Server& server, const RouteContext& ctx);            // /apps, connections, features
void RegisterAppAssignmentRoutes(httplib::Server& server, const RouteContext& ctx);  // /apps/{id}/users|groups
void RegisterGroupPushRoutes(httplib::Server& server, const RouteContext& ctx);      // /apps/{id}/group-push/mappings
void RegisterLogRoutes(httplib::Server& server, const RouteContext& ctx);            // /logs

// /sandbox: tasks, traffic, jobs, engine, time, per-app controls and reset.
void RegisterSandboxRoutes(httplib::Server& server, const RouteContext& ctx);

}  // namespace okta
