// The service provider's admin panel API (what the vendor's Admin Panel shows
// in the setup guide): the SCIM base URL and token to paste into Okta, counts,
// the group provisioning setting and the encryption service's status.
// Under /admin/api; no authentication (the sandbox listens on loopback).
// CORS is open so the console, served from the mock Okta's origin, can call it.
#pragma once

#include <httplib.h>

#include <functional>
#include <optional>

#include <string>
#include <utility>
#include "core/http.h"

#include "scim_server/fault_injector.h"
#include "scim_server/group_gate.h"
#include "scim_server/scim_store.h"

namespace scim {

struct AdminContext {
  ScimStore* store = nullptr;
  GroupGate* gate = nullptr;
  std::function<std::string()> base_url;
  std::function<std::string()> token;
  std::function<core::Result<std::string>()> regenerate_token;
  FaultInjector* faults = nullptr;
  // Renders stored resources as SCIM JSON (for the admin panel's lists).
  std::function<core::Json(const StoredUser&)> render_user;
  std::function<core::Json(const StoredGroup&)> render_group;
  // Every request (SCIM and admin) announcing a body over this gets
  // `too_large` at once, before the body is read (0: no early check).
  size_t max_body_bytes = 0;
  core::ErrorReply too_large;
};

void RegisterAdminRoutes(httplib::Server& server, const AdminContext& ctx);

// The admin API's guard (see admin_routes.cpp): nullopt lets the request
// through; else the status and message to refuse it with.
std::optional<std::pair<int, std::string>> RefuseAdminRequest(const httplib::Request& req, const AdminContext& ctx);

}  // namespace scim
