// The mock Okta's guard for what only this machine's own pages may do. The
// console, /sandbox/* and the Management API are local controls without CORS:
// a request must name this machine (a loopback Host, or the address the
// mock was bound to: a DNS-rebinding page gets 403), and a state change under
// /sandbox/ or /api/v1/ must not come from another web origin (a foreign
// Origin gets 403). Sign-on endpoints are left alone: authorization servers
// answer other origins by design (token, revoke, SAML POST binding), and the
// sign-in form has its own double-submit check.
// A refused request's body is left unread (the refusal runs before cpp-httplib
// reads it, and it offers no way to close the connection from there): a client
// that reuses that connection gets a 400 for its next request.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <utility>

namespace okta {

// nullopt: let the request through; else the status and message to refuse it
// with. `bind` is the listener's address ("0.0.0.0"/"::" skip the Host check:
// binding beyond loopback is an explicit choice, warned about at start). A
// peer on another machine must send the API token (`Authorization: SSWS
// <api_token>`) for /sandbox/*, as for /api/v1, or gets 401: the console
// session hands out that token, and the controls reset and rewrite the org.
std::optional<std::pair<int, std::string>> RefuseForeignRequest(const httplib::Request& req, const std::string& bind,
                                                                const std::string& api_token);

}  // namespace okta
