// HTTP routes of the SCIM server. Handlers are thin: parse the request, call
// the store and the pure engines (resource, filter, patch), render.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "scim_server/scim_store.h"

namespace scim {

struct RouteContext {
  ScimStore* store = nullptr;
  std::function<std::string()> base_url;  // ".../scim/v2"
  int max_results = 1000;
  size_t max_bulk_operations = 1000;
  size_t max_body_bytes = 1 << 20;
  bool group_patch_no_content = false;  // see Config::group_patch_no_content
  // Checks credentials; on failure writes the 401 and returns false. Runs
  // after the body is read, so a refused request never desynchronises a
  // keep-alive connection.
  std::function<bool(const httplib::Request&, httplib::Response&)> authorize;
  // Before any group write: OK, or the reason group writes are refused.
  std::function<core::Status()> check_group_writable;
  // Injected faults (see fault_injector.h): returns true when it answered.
  std::function<bool(const httplib::Request&, httplib::Response&)> inject_fault;
};

// Registers every SCIM endpoint under `prefix` (e.g. "/scim/v2").
void RegisterScimRoutes(httplib::Server& server, const std::string& prefix, const RouteContext& ctx);

}  // namespace scim
