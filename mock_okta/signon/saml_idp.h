// The mock Okta as a SAML 2.0 identity provider: per-app IdP metadata, the
// SSO URL's decisions (SP-initiated AuthnRequests over HTTP-Redirect and
// HTTP-POST, IdP-initiated sign-in), signed Responses and Assertions as Okta
// shapes them, and the per-app faults support uses to reproduce a failing
// sign-in. The HTTP side is saml_routes.cpp; this class knows nothing about
// HTTP. Sessions and the sign-in page are SignOn's (the OIDC module's).
//
// Users, apps, groups and assignments come from the Org. Times are on the
// mock's clock. Pending requests (an HTTP-POST AuthnRequest, or one with
// ForceAuthn, waiting for the sign-in page) live in memory, bounded.
//
// Thread-safe: one mutex for the pending requests; the Org, SignOn and
// SamlKeys lock themselves.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/result.h"
#include "mock_okta/okta_store.h"
#include "mock_okta/org.h"
#include "mock_okta/signon/saml_app.h"
#include "mock_okta/signon/saml_keys.h"
#include "mock_okta/signon/signon.h"

namespace okta::signon {

// Per-app faults (PATCH /sandbox/apps/{id}/saml-faults), all off by default.
struct SamlFaults {
  int clock_skew_s = 0;              // assertion times shifted by this many seconds (+ ahead, − behind)
  bool wrong_audience = false;       // Audience is not the app's
  bool expired_certificate = false;  // signed with an expired certificate that is not the published one
  bool unsigned_assertion = false;   // the Assertion carries no signature (the Response keeps its own)
  std::string missing_attribute;     // this attribute statement is left out
  core::Json ToJson() const;
};

// What the SSO URL was sent.
struct SsoRequest {
  enum Binding { kNone, kRedirect, kPost } binding = kNone;  // kNone: IdP-initiated (or a resumed request)
  std::string saml_request;                                  // as sent: base64 (redirect: of DEFLATE data)
  std::string relay_state;
  bool has_relay_state = false;
  std::string pending_id;      // ?pending=… (a request kept while the user signs in)
  std::string sid;             // the session cookie
  std::string path_and_query;  // the URL as requested (the sign-in page's fromURI)
  // HTTP-Redirect signature: the Signature and SigAlg parameters (decoded) and
  // the octets signed, built from the values as they appear in the URL.
  std::string signature, sig_alg, signed_octets;
};

struct SsoDecision {
  enum Kind {
    kErrorPage,  // status, title, message
    kSignIn,     // 302 to the sign-in page with from_uri
    kPostForm,   // the auto-submitting form: saml_response to acs_url (+ relay_state)
  } kind = kErrorPage;
  int status = 400;
  std::string title, message;
  std::string from_uri;
  std::string acs_url, saml_response, relay_state;
  bool has_relay_state = false;
  std::string app_id;
  bool clear_session = false;  // single logout: the sid cookie is cleared
};

class SamlIdp {
 public:
  SamlIdp(Org& org, SignOn& signon, OktaStore& store, const core::Clock& clock);

  static std::string Issuer(const std::string& app_id) { return "http://www.okta.com/" + app_id; }
  static std::string SsoPath(const App& app) { return "/app/" + app.name + "/" + app.id + "/sso/saml"; }
  static std::string SloPath(const App& app) { return "/app/" + app.name + "/" + app.id + "/slo/saml"; }

  // The IdP metadata document of a SAML app. Errors: kNotFound.
  core::Result<std::string> Metadata(const std::string& app_id, const std::string& org_url);
  // The SSO URL /app/{app_name}/{app_id}/sso/saml.
  SsoDecision Sso(const std::string& app_name, const std::string& app_id, const SsoRequest& r,
                  const std::string& org_url);

  // The single logout URL /app/{app_name}/{app_id}/slo/saml: a signed
  // LogoutRequest ends the browser's session and answers with a signed
  // LogoutResponse POSTed to the app's slo.logoutUrl (clear_session set).
  SsoDecision Slo(const std::string& app_name, const std::string& app_id, const SsoRequest& r,
                  const std::string& org_url);

  core::Result<SamlFaults> Faults(const std::string& app_id);
  // Merges {clockSkewSeconds, wrongAudience, expiredCertificate,
  // unsignedAssertion, missingAttribute} into the app's faults. Errors:
  // kNotFound, kInvalidValue.
  core::Result<SamlFaults> PatchFaults(const std::string& app_id, const core::Json& patch);
  // The app's signing certificate: {kid, x5c, notBefore, notAfter, pem}. Errors: kNotFound.
  core::Result<core::Json> Certificate(const std::string& app_id);
  // The app's signing key as Okta's /api/v1/apps/{id}/credentials/keys lists
  // it (a JWK with created, lastUpdated, expiresAt, x5c, x5t#S256); an empty
  // list for an app without SAML sign-on. Errors: kNotFound (no such app).
  core::Result<core::Json> CredentialKeys(const std::string& app_id);
  // A new signing key and certificate for the app. Errors: kNotFound.
  core::Result<core::Json> RotateKey(const std::string& app_id);
  // Forgets pending requests and cached keys (POST /sandbox/reset).
  void Reset();

 private:
  struct Pending {
    std::string app_id, xml, relay_state, stale_sid;
    bool has_relay_state = false;
    core::TimePoint arrived, expires;
  };
  struct AuthnRequest {
    std::string id, acs_url, issuer;
    bool force_authn = false;
  };
  core::Result<SamlApp> LoadApp(const std::string& app_id);
  // Reads and checks an AuthnRequest against the app; an error page on refusal.
  std::optional<SsoDecision> ReadRequest(const SamlApp& app, const std::string& xml, const std::string& sso_url,
                                         AuthnRequest* out);
  core::Result<std::string> BuildResponse(const SamlApp& app, const User& u, const Session& s,
                                          const std::string& in_response_to);
  std::string KeepPending(Pending p);

  Org& org_;
  SignOn& signon_;
  OktaStore& store_;
  const core::Clock& clock_;
  saml::SamlKeys keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Pending> pending_;
};

}  // namespace okta::signon
