// HTTP routes of the mock Okta: /api/v1 (Okta Management API subset, SSWS
// token) and /sandbox (sandbox-only controls, no auth: local use). Handlers
// parse, call the Org or Engine, and render; errors go through okta_error.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "mock_okta/engine.h"
#include "mock_okta/okta_ids.h"
#include "mock_okta/org.h"

namespace okta {

struct RouteContext {
  Org* org;
  Engine* engine;
  SandboxClock* clock;
  OktaIds* ids;
  std::string api_token;
  std::function<std::string()> base_url;
};

void RegisterApiRoutes(httplib::Server& server, const RouteContext& ctx);
void RegisterSandboxRoutes(httplib::Server& server, const RouteContext& ctx);

}  // namespace okta
