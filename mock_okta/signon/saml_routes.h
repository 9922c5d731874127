// HTTP routes of SAML sign-on (mock_okta/signon/saml_idp.h):
//   GET  /app/{appId}/sso/saml/metadata              IdP metadata (public, as in Okta)
//   GET  /api/v1/apps/{id}/sso/saml/metadata         the same, SSWS
//   GET  /api/v1/apps/{id}/saml/certificate          the signing certificate (SSWS; sandbox shape)
//   GET|POST /app/{appName}/{appId}/sso/saml         the SSO URL (HTTP-Redirect, HTTP-POST, IdP-initiated)
//   GET|PATCH /sandbox/apps/{id}/saml-faults         per-app faults
//   POST /sandbox/apps/{id}/saml/keys/rotate         a new signing key and certificate
// Every SSO exchange is a traffic record (kind "sign_on").
#pragma once

#include <httplib.h>

#include "mock_okta/routes.h"
#include "mock_okta/signon/saml_idp.h"

namespace okta::signon {

// `idp` outlives the server.
void RegisterSamlRoutes(httplib::Server& server, const RouteContext& ctx, SamlIdp& idp);

}  // namespace okta::signon
