// SamlIdp (saml_idp.h), the app's controls: the faults a test can switch on
// (stored per app as a "saml_faults" document), the signing certificate and
// Okta's credentials/keys view, key rotation, reset. The SSO decisions and
// the Response are in saml_idp.cpp.
#include "mock_okta/signon/saml_idp.h"

#include "core/secret.h"

namespace okta::signon {

using core::Json;

namespace {

SamlFaults FaultsFromJson(const Json& j) {
  SamlFaults f;
  f.clock_skew_s = j.value("clockSkewSeconds", 0);
  f.wrong_audience = j.value("wrongAudience", false);
  f.expired_certificate = j.value("expiredCertificate", false);
  f.unsigned_assertion = j.value("unsignedAssertion", false);
  if (j.contains("missingAttribute") && j["missingAttribute"].is_string()) {
    f.missing_attribute = j["missingAttribute"].get<std::string>();
  }
  return f;
}

}  // namespace

Json SamlFaults::ToJson() const {
  return Json{{"clockSkewSeconds", clock_skew_s},
              {"wrongAudience", wrong_audience},
              {"expiredCertificate", expired_certificate},
              {"unsignedAssertion", unsigned_assertion},
              {"missingAttribute", missing_attribute.empty() ? Json(nullptr) : Json(missing_attribute)}};
}

// ---- faults, keys ----

core::Result<SamlFaults> SamlIdp::Faults(const std::string& app_id) {
  auto app = org_.GetApp(app_id);
  if (!app.ok()) return app.error();
  auto doc = store_.GetDoc("saml_faults", app_id);
  return doc && doc->is_object() ? FaultsFromJson(*doc) : SamlFaults{};
}

core::Result<SamlFaults> SamlIdp::PatchFaults(const std::string& app_id, const Json& patch) {
  auto cur = Faults(app_id);
  if (!cur.ok()) return cur.error();
  auto bad = [](const std::string& m) { return core::MakeError(core::ErrorCode::kInvalidValue, m); };
  if (!patch.is_object()) return bad("the body must be a JSON object");
  Json j = cur->ToJson();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& k = it.key();
    const Json& v = it.value();
    if (k == "clockSkewSeconds") {
      if (!v.is_number_integer() || v.get<int64_t>() < -86400 * 365 || v.get<int64_t>() > 86400 * 365) {
        return bad("clockSkewSeconds: an integer number of seconds (within a year)");
      }
    } else if (k == "wrongAudience" || k == "expiredCertificate" || k == "unsignedAssertion") {
      if (!v.is_boolean()) return bad(k + ": true or false");
    } else if (k == "missingAttribute") {
      if (!v.is_null() && !v.is_string()) return bad("missingAttribute: an attribute statement name, or null");
    } else {
      return bad("unknown fault '" + k +
                 "' (clockSkewSeconds, wrongAudience, expiredCertificate, unsignedAssertion, missingAttribute)");
    }
    j[k] = v.is_null() ? Json("") : v;
  }
  SamlFaults f = FaultsFromJson(j);
  if (auto st = store_.PutDoc("saml_faults", app_id, f.ToJson()); !st.ok()) return st.error();
  return f;
}

core::Result<Json> SamlIdp::Certificate(const std::string& app_id) {
  auto app = LoadApp(app_id);
  if (!app.ok()) return app.error();
  auto c = keys_.Active(app_id);
  if (!c.ok()) return c.error();
  return Json{{"kid", (*c)->kid},
              {"x5c", Json::array({(*c)->cert_b64})},
              {"notBefore", (*c)->not_before},
              {"notAfter", (*c)->not_after},
              {"pem", (*c)->cert_pem}};
}

core::Result<Json> SamlIdp::CredentialKeys(const std::string& app_id) {
  auto raw = org_.GetApp(app_id);
  if (!raw.ok()) return raw.error();
  if (!HasSamlSignOn(*raw)) return Json::array();
  auto c = keys_.Active(app_id);
  if (!c.ok()) return c.error();
  auto key = SigningKey::FromPrivatePem((*c)->kid, (*c)->key_pem);
  if (!key.ok()) return key.error();
  Json pub = (*key)->PublicJwk();
  std::string der;
  if (!core::Base64Decode((*c)->cert_b64, &der)) {
    return core::MakeError(core::ErrorCode::kInternal, "stored certificate is not base64");
  }
  return Json::array({Json{{"created", (*c)->not_before},
                           {"lastUpdated", (*c)->not_before},
                           {"expiresAt", (*c)->not_after},
                           {"x5c", Json::array({(*c)->cert_b64})},
                           {"kid", (*c)->kid},
                           {"kty", "RSA"},
                           {"use", "sig"},
                           {"x5t#S256", PkceS256(der)},  // base64url(SHA-256(DER))
                           {"e", pub["e"]},
                           {"n", pub["n"]}}});
}

core::Result<Json> SamlIdp::RotateKey(const std::string& app_id) {
  auto app = LoadApp(app_id);
  if (!app.ok()) return app.error();
  auto c = keys_.Rotate(app_id);
  if (!c.ok()) return c.error();
  return Certificate(app_id);
}

void SamlIdp::Reset() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    pending_.clear();
  }
  keys_.Forget();
}

}  // namespace okta::signon
