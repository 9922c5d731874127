// HTTP routes of sign-on (mock_okta/signon): the OIDC endpoints of the org
// and custom authorization servers, the sign-in page and Okta's
// non-interactive authentication, and the authorization servers' management
// API. Handlers parse, call SignOn, and render; every exchange is also a
// traffic record (kind "sign_on") with tokens, secrets and passwords
// redacted.
#pragma once

#include <httplib.h>

#include <map>
#include <string>

#include "mock_okta/routes.h"

namespace okta::signon {

// /oauth2/v1/* and /oauth2/{server}/v1/*, and the servers' /.well-known documents.
void RegisterOidcRoutes(httplib::Server& server, const RouteContext& ctx);
// /login/login.htm (the sign-in page), POST /login/signin, POST /api/v1/authn,
// /login/sessionCookieRedirect.
void RegisterLoginRoutes(httplib::Server& server, const RouteContext& ctx);
// /api/v1/authorizationServers (SSWS), key rotation, and POST /sandbox/signon/keys/rotate.
void RegisterAuthServerRoutes(httplib::Server& server, const RouteContext& ctx);

// ---- shared by the route files (signon_http.cpp) ----
// The value of cookie `name` in the request ("" when absent).
std::string CookieValue(const httplib::Request& req, const std::string& name);
// The urlencoded body's fields. false: a parameter was repeated (RFC 6749 §3.1) or the body is not a form.
bool FormFields(const httplib::Request& req, std::map<std::string, std::string>* out);
// `base` with `params` appended as a query string.
std::string WithQuery(const std::string& base, const std::vector<std::pair<std::string, std::string>>& params);
// A plain HTML page in the sign-in page's style (status, title, message; all escaped).
void SendPage(httplib::Response& res, int status, const std::string& title, const std::string& message);
std::string HtmlEscape(const std::string& s);
// Records the exchange in the traffic log (kind "sign_on"), redacted.
void RecordExchange(const RouteContext& ctx, const std::string& step, const httplib::Request& req,
                    const httplib::Response& res);
// True when a state-changing request comes from a foreign page: an Origin
// header that is not the mock's own origin.
bool ForeignOrigin(const RouteContext& ctx, const httplib::Request& req);
// Okta-style security headers for HTML pages (no framing, no sniffing, no caching).
void PageHeaders(httplib::Response& res);

}  // namespace okta::signon
