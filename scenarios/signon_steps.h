// The sign-on steps of the step table (scenarios/steps.h): `oidcApp` (an
// OpenID Connect app integration, remembered by label), `authServerClaim` (a
// custom claim on an authorization server) and `signIn` (a user signs in to
// an OIDC app the way test automation does with Okta: POST /api/v1/authn →
// sessionToken → GET {issuer}/v1/authorize with PKCE S256 → the code from the
// redirect → POST {issuer}/v1/token), with an expectation on the outcome.
// All over HTTP; nothing here knows the mock's C++ code. Internal to
// scenarios/, except the pure helpers at the end (tested directly).
// The OIDC steps are in oidc_steps.cpp, the SAML ones in saml_steps.cpp, what
// both use (authn, app assignment, the expectation) in signon_common.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_util.h"

namespace scenarios {

using core::Json;
class RunContext;

// {label, type, redirectUris, postLogoutRedirectUris, grantTypes,
//  tokenEndpointAuthMethod, assignGroups, assignUsers}
void OidcAppStep(RunContext& run, const Json& args);
std::vector<std::string_view> OidcAppKeys();

// {name, in: "idToken"|"accessToken", expression | groupFilter {startsWith|equals|contains|regex},
//  scopes, authorizationServer}
void AuthServerClaimStep(RunContext& run, const Json& args);
std::vector<std::string_view> AuthServerClaimKeys();

// {user, password, app, authorizationServer, scope, redirectUri, advanceClockBeforeToken, expect}
// The outcome it matches `expect` against (a subset match; without an
// `error` key the sign-in must succeed):
//   success  {"tokenType", "expiresIn", "scope", "refreshToken": bool,
//             "claims": {"idToken": {…}, "accessToken": {…}},
//             "headers": {"idToken": {"alg", "kid"}, "accessToken": {…}}}
//   failure  {"stage": "authn"|"authorize"|"token", "error", "errorDescription", "status", …}
//            authn refused: error "authentication_failed" with Okta's errorCode
//            (E0000004) and errorSummary as errorDescription; authorize
//            redirected with an error: Okta's error and error_description;
//            an error page instead of a redirect: error "error_page" with the
//            page's message; token refused: Okta's error body.
void SignInStep(RunContext& run, const Json& args);
std::vector<std::string_view> SignInKeys();

// SAML 2.0 (as test automation does it with Okta):
// {label, ssoAcsUrl, audience, nameIdFormat, nameIdTemplate, attributes {name: "user.x" | [..]},
//  groupsAttribute {name, filter {startsWith|equals|contains|regex}}, responseSigned, assertionSigned,
//  assignGroups, assignUsers}
void SamlAppStep(RunContext& run, const Json& args);
std::vector<std::string_view> SamlAppKeys();

// {user, password, app, relayState, spInitiated, requestIssuer, expect}:
// POST /api/v1/authn → GET /login/sessionCookieRedirect?redirectUrl=<SSO URL>
// (with spInitiated, a minimal AuthnRequest over HTTP-Redirect) → the SSO
// URL with the session cookie → the SAMLResponse of the auto-submitting
// form, decoded.
// The outcome `expect` is subset-matched against (without `error` the
// sign-in must succeed):
//   success  {"nameId", "nameIdFormat", "issuer", "audience", "destination", "recipient",
//             "acsUrl", "relayState", "samlStatus" (Success, …), "attributes": {name: [values]},
//             "signed": {"response": bool, "assertion": bool}}
//   failure  {"stage": "authn"|"sso", "error", "errorDescription", "status"}
//            authn refused: "authentication_failed"; the SSO URL answered
//            Okta's not-assigned page: "not_assigned"; another page:
//            "error_page" with the page's message.
void SamlSignInStep(RunContext& run, const Json& args);
std::vector<std::string_view> SamlSignInKeys();

// ---- pure helpers

// The parts of a SAML Response scenarios expect on (the success outcome
// above minus acsUrl/relayState), read by plain string scanning — no XML
// library, no DTDs or entities (a DOCTYPE is refused). nullopt with `why`
// set when it is not a Response with an Assertion.
std::optional<Json> SamlResponseSummary(std::string_view xml, std::string* why);

// base64url without padding (RFC 4648 §5).
std::string Base64UrlEncode(std::string_view data);
// Accepts missing padding; nullopt for characters outside the alphabet.
std::optional<std::string> Base64UrlDecode(std::string_view text);
// The S256 code challenge of a PKCE verifier (RFC 7636 §4.2).
std::string PkceChallenge(std::string_view verifier);
// The header and payload of a compact JWS (signature not checked); nullopt
// when it is not three dot-separated parts with JSON objects in the first two.
struct JwtParts {
  Json header;
  Json payload;
};
std::optional<JwtParts> DecodeJwt(std::string_view jwt);
// The query (or fragment) parameters of a redirect's Location.
Json RedirectParams(const std::string& location);

}  // namespace scenarios
