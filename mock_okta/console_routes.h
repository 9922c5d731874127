// The console (web UI) is served from the mock Okta's address: its assets
// come from a callback (app/ embeds them, so mock_okta does not depend on
// app/), and same-origin proxies let the page reach the service provider's
// admin API and the encryption service's fault switches without CORS or
// secrets in the browser. All of it is sandbox-only (under / and /sandbox/).
#pragma once

#include <httplib.h>

#include <functional>
#include <optional>
#include <string>

namespace okta {

struct ConsoleAsset {
  std::string body;
  std::string content_type;
};
using ConsoleAssetLookup = std::function<std::optional<ConsoleAsset>(const std::string& path)>;

// Where the other services are, for the console's proxies (empty: not linked).
struct ServiceLinks {
  std::string scim_admin_url;     // e.g. "http://127.0.0.1:7020/admin/api"
  std::string encryption_url;     // e.g. "http://127.0.0.1:7030"
  std::string encryption_secret;
};

struct ConsoleContext {
  ConsoleAssetLookup assets;      // may be empty: no console
  ServiceLinks links;
  std::string api_token;
  std::function<std::string()> org_url;
  std::function<std::string()> scim_base_url;  // the preset app's connector base URL, or ""
};

void RegisterConsoleRoutes(httplib::Server& server, const ConsoleContext& ctx);

}  // namespace okta
