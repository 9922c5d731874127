// SAML 2.0 app integrations (signOnMode SAML_2_0 with settings.signOn):
// Okta's body shape, checked on create and update, and the view the IdP
// reads. SAML_2_0 apps created without settings.signOn (the provisioning
// guide's App Integration Wizard apps) are untouched: they have no SAML
// sign-on until settings.signOn is set.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "mock_okta/model.h"

namespace okta::signon {

inline constexpr const char* kNameIdUnspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
inline constexpr const char* kNameIdEmail = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
inline constexpr const char* kNameIdX509 = "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName";
inline constexpr const char* kNameIdPersistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
inline constexpr const char* kNameIdTransient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
inline constexpr const char* kAttrNameFormatUnspecified = "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified";

struct SamlAttributeStatement {
  std::string type = "EXPRESSION";  // EXPRESSION | GROUP
  std::string name, name_format = kAttrNameFormatUnspecified;
  std::vector<std::string> values;        // EXPRESSION: user.<attr> / user.profile.<attr> / "literal"
  std::string filter_type, filter_value;  // GROUP: STARTS_WITH | EQUALS | CONTAINS | REGEX
};

// What the IdP needs of a SAML app.
struct SamlApp {
  std::string id, name, label;
  bool active = true;
  std::string acs_url, audience, recipient, destination, sp_issuer;
  std::string name_id_template = "${user.userName}", name_id_format = kNameIdUnspecified;
  bool response_signed = true, assertion_signed = true, honor_force_authn = true;
  std::string authn_context = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";
  std::string default_relay_state;
  std::vector<SamlAttributeStatement> attributes;
  // Signed requests (samlSignedRequestEnabled): AuthnRequests must be signed
  // with the key of spCertificate.x5c[0] (base64 DER).
  bool signed_requests = false;
  std::string sp_certificate;
  // Single logout (slo.enabled): signed LogoutRequests from slo_issuer (default:
  // the expected AuthnRequest issuer), LogoutResponses POSTed to slo_logout_url.
  bool slo_enabled = false;
  std::string slo_logout_url, slo_issuer;
  // The SP entity id an AuthnRequest's Issuer must name: spIssuer, else the audience.
  const std::string& ExpectedIssuer() const { return sp_issuer.empty() ? audience : sp_issuer; }
};

// True when the app has SAML sign-on configured (SAML_2_0 with settings.signOn).
bool HasSamlSignOn(const App& app);
// Reads it. Errors: kNotFound (not a SAML app with settings.signOn).
core::Result<SamlApp> SamlAppOf(const App& app);

// True when a create/update body for `app` configures SAML sign-on: a
// SAML_2_0 app with settings.signOn in the body, or (update) one that has it already.
bool WantsSamlSignOn(const core::Json& body, const App& app);
// Applies settings.signOn (merged over the app's current one on update:
// PUT replaces the rest of settings) to a SAML_2_0 app and validates it:
// ssoAcsUrl and audience required, recipient/destination default to
// ssoAcsUrl, subjectNameIdFormat one of the SAML formats, signatureAlgorithm
// RSA_SHA256, digestAlgorithm SHA256, attributeStatements of type EXPRESSION
// (values user.<attr> or a quoted literal) or GROUP (filterType + filterValue),
// samlSignedRequestEnabled only with a readable spCertificate.x5c[0].
// Errors: kInvalidValue with Okta-style field texts ("settings.signOn.ssoAcsUrl: …").
core::Status ApplySamlBody(const core::Json& body, App* app);

}  // namespace okta::signon
