// The per-app SAML signing credential: an RSA 2048 key and a self-signed
// X.509 certificate in Okta's style (subject C=US, ST=California,
// L=San Francisco, O=Okta, OU=SSOProvider, CN=<org>, emailAddress=
// info@okta.com; SHA-256; 10 years), generated with OpenSSL on first use
// and kept in okta.db (OktaStore document kind "saml_keys", id = app id).
// Dates are on the mock's clock. A rotation replaces the credential.
//
// Thread-safe (one mutex; generation happens under it, once per app).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/result.h"
#include "mock_okta/okta_store.h"
#include "mock_okta/signon/saml_xml.h"

namespace okta::signon::saml {

struct SamlCredential {
  std::string kid;                    // random id of this credential
  std::string key_pem;                // PKCS#8; never rendered
  std::string cert_pem;               // the certificate, PEM
  std::string cert_b64;               // its DER, base64 (what metadata and KeyInfo carry)
  std::string not_before, not_after;  // ISO 8601
  std::shared_ptr<const XmlSigningKey> key;
};

// A self-signed certificate for a fresh RSA key, valid [not_before,
// not_after]. Errors: kInternal (OpenSSL).
core::Result<SamlCredential> GenerateCredential(const std::string& common_name, core::TimePoint not_before,
                                                core::TimePoint not_after);

class SamlKeys {
 public:
  SamlKeys(OktaStore& store, const core::Clock& clock) : store_(store), clock_(clock) {}
  // The app's active credential (generated on first use).
  core::Result<std::shared_ptr<const SamlCredential>> Active(const std::string& app_id);
  // A credential whose certificate expired a day ago (the "expired
  // certificate" fault), kept beside the active one.
  core::Result<std::shared_ptr<const SamlCredential>> Expired(const std::string& app_id);
  // A new active credential. Returns it.
  core::Result<std::shared_ptr<const SamlCredential>> Rotate(const std::string& app_id);
  // Forgets cached credentials (after the store was reset).
  void Forget();

 private:
  core::Result<std::shared_ptr<const SamlCredential>> GetLocked(const std::string& doc_id, bool expired, bool fresh);
  OktaStore& store_;
  const core::Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const SamlCredential>> cache_;  // doc id → credential
};

}  // namespace okta::signon::saml
