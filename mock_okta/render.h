// Domain → Okta Management API JSON shapes (and back for request bodies that
// map onto settings). `base` is the mock's origin, used in _links.
#pragma once

#include <string>

#include "core/json_util.h"
#include "core/result.h"
#include "mock_okta/model.h"

namespace okta {

core::Json RenderUser(const User& u, const std::string& base);
core::Json RenderGroup(const Group& g, const std::string& base);
core::Json RenderApp(const App& a, const std::string& base);
core::Json RenderAppUser(const AppUser& au, const std::string& base);
core::Json RenderAppGroup(const AppGroup& ag, const std::string& base);
core::Json RenderGroupPush(const GroupPush& m, const std::string& base);
core::Json RenderTask(const Task& t);
// GET /api/v1/apps/{id}/connections/default
core::Json RenderConnection(const App& a, const std::string& base);
// The USER_PROVISIONING feature (To App toggles as capabilities).
core::Json RenderProvisioningFeature(const App& a, const std::string& base);
// The sandbox settings document: every Provisioning field, camelCase.
core::Json RenderSettings(const Provisioning& p);

// Applies a POST connections/default body: {"profile":{"authScheme":"TOKEN",
// "token":…},"baseUrl":…}; also BASIC (username/password) and HEADER
// (verbatim value, sandbox extension). Marks SCIM enabled.
core::Status ApplyConnection(const core::Json& body, Provisioning* p);
// Applies a PUT features/USER_PROVISIONING body (capabilities).
core::Status ApplyProvisioningFeature(const core::Json& body, Provisioning* p);
// Applies a partial settings document (keys as in RenderSettings).
core::Status ApplySettings(const core::Json& body, Provisioning* p);

}  // namespace okta
