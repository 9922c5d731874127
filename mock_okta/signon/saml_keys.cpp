// SAML signing credentials (saml_keys.h): OpenSSL 3 for the key and the
// certificate; xmlsec loads them for signing.
#include "mock_okta/signon/saml_keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/json_util.h"
#include "core/secret.h"

namespace okta::signon::saml {

using core::Json;

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};

core::Error OpenSslFailed(const char* what) {
  ERR_clear_error();
  return core::MakeError(core::ErrorCode::kInternal, std::string("OpenSSL: ") + what);
}

std::string BioText(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<size_t>(n));
}

time_t ToTimeT(core::TimePoint t) {
  return static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

constexpr auto kTenYears = std::chrono::hours(24 * 3650);

// The same instant ten calendar years later (29 February → 28 February).
core::TimePoint TenYearsAfter(core::TimePoint t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  auto later = ymd + std::chrono::years(10);
  if (!later.ok()) later = later.year() / later.month() / std::chrono::last;
  return std::chrono::sys_days(later) + (t - day);
}
constexpr const char* kCommonName = "okta-sandbox";

Json ToDoc(const SamlCredential& c) {
  return Json{{"kid", c.kid},          {"keyPem", c.key_pem},       {"certPem", c.cert_pem},
              {"certB64", c.cert_b64}, {"notBefore", c.not_before}, {"notAfter", c.not_after}};
}

core::Result<std::shared_ptr<const SamlCredential>> FromDoc(const Json& d) {
  auto c = std::make_shared<SamlCredential>();
  c->kid = d.value("kid", "");
  c->key_pem = d.value("keyPem", "");
  c->cert_pem = d.value("certPem", "");
  c->cert_b64 = d.value("certB64", "");
  c->not_before = d.value("notBefore", "");
  c->not_after = d.value("notAfter", "");
  auto key = XmlSigningKey::Load(c->key_pem, c->cert_pem);
  if (!key.ok()) return key.error();
  c->key = *key;
  return std::shared_ptr<const SamlCredential>(c);
}

}  // namespace

core::Result<SamlCredential> GenerateCredential(const std::string& common_name, core::TimePoint not_before,
                                                core::TimePoint not_after) {
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey(EVP_RSA_gen(2048));
  if (!pkey) return OpenSslFailed("RSA key generation");
  std::unique_ptr<X509, X509Free> x(X509_new());
  if (!x || X509_set_version(x.get(), 2) != 1) return OpenSslFailed("X509_new");
  unsigned char serial_bytes[8];
  if (RAND_bytes(serial_bytes, sizeof serial_bytes) != 1) return OpenSslFailed("RAND_bytes");
  serial_bytes[0] &= 0x7f;
  serial_bytes[0] |= 0x01;
  std::unique_ptr<BIGNUM, BnFree> serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x.get()))) return OpenSslFailed("serial");
  if (!ASN1_TIME_set(X509_getm_notBefore(x.get()), ToTimeT(not_before)) ||
      !ASN1_TIME_set(X509_getm_notAfter(x.get()), ToTimeT(not_after))) {
    return OpenSslFailed("validity");
  }
  X509_NAME* name = X509_get_subject_name(x.get());
  const std::pair<const char*, std::string> parts[] = {
      {"C", "US"},           {"ST", "California"}, {"L", "San Francisco"},           {"O", "Okta"},
      {"OU", "SSOProvider"}, {"CN", common_name},  {"emailAddress", "info@okta.com"}};
  for (const auto& [field, value] : parts) {
    if (!X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                    -1, -1, 0)) {
      return OpenSslFailed("subject");
    }
  }
  if (X509_set_issuer_name(x.get(), name) != 1 || X509_set_pubkey(x.get(), pkey.get()) != 1 ||
      X509_sign(x.get(), pkey.get(), EVP_sha256()) <= 0) {
    return OpenSslFailed("certificate signing");
  }
  SamlCredential c;
  std::unique_ptr<BIO, BioFree> kb(BIO_new(BIO_s_mem()));
  if (!kb || PEM_write_bio_PrivateKey(kb.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslFailed("PEM key");
  }
  c.key_pem = BioText(kb.get());
  std::unique_ptr<BIO, BioFree> cb(BIO_new(BIO_s_mem()));
  if (!cb || PEM_write_bio_X509(cb.get(), x.get()) != 1) return OpenSslFailed("PEM certificate");
  c.cert_pem = BioText(cb.get());
  int der_len = i2d_X509(x.get(), nullptr);
  if (der_len <= 0) return OpenSslFailed("DER certificate");
  std::string der(static_cast<size_t>(der_len), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_X509(x.get(), &p);
  c.cert_b64 = core::Base64Encode(der);
  c.kid = core::RandomToken(12);
  c.not_before = core::FormatIso8601(not_before);
  c.not_after = core::FormatIso8601(not_after);
  auto key = XmlSigningKey::Load(c.key_pem, c.cert_pem);
  if (!key.ok()) return key.error();
  c.key = *key;
  return c;
}

core::Result<std::shared_ptr<const SamlCredential>> SamlKeys::GetLocked(const std::string& doc_id, bool expired,
                                                                        bool fresh) {
  if (!fresh) {
    auto doc = store_.GetDoc("saml_keys", doc_id);
    if (doc && doc->is_object()) {
      std::string kid = doc->value("kid", "");
      auto it = cache_.find(doc_id);
      if (it != cache_.end() && it->second->kid == kid) return it->second;
      auto c = FromDoc(*doc);
      if (c.ok()) {
        cache_[doc_id] = *c;
        return *c;
      }
      // An unreadable stored credential is replaced below.
    }
  }
  // Whole seconds: certificates carry no fractions.
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(clock_.Now());
  core::TimePoint from = expired ? now - kTenYears - std::chrono::hours(24) : now;
  core::TimePoint to = expired ? now - std::chrono::hours(24) : TenYearsAfter(now);
  auto c = GenerateCredential(kCommonName, from, to);
  if (!c.ok()) return c.error();
  if (auto st = store_.PutDoc("saml_keys", doc_id, ToDoc(*c)); !st.ok()) return st.error();
  auto shared = std::make_shared<const SamlCredential>(std::move(*c));
  cache_[doc_id] = shared;
  return std::shared_ptr<const SamlCredential>(shared);
}

core::Result<std::shared_ptr<const SamlCredential>> SamlKeys::Active(const std::string& app_id) {
  std::lock_guard<std::mutex> lk(mu_);
  return GetLocked(app_id, false, false);
}

core::Result<std::shared_ptr<const SamlCredential>> SamlKeys::Expired(const std::string& app_id) {
  std::lock_guard<std::mutex> lk(mu_);
  return GetLocked(app_id + ":expired", true, false);
}

core::Result<std::shared_ptr<const SamlCredential>> SamlKeys::Rotate(const std::string& app_id) {
  std::lock_guard<std::mutex> lk(mu_);
  return GetLocked(app_id, false, true);
}

void SamlKeys::Forget() {
  std::lock_guard<std::mutex> lk(mu_);
  cache_.clear();
}

}  // namespace okta::signon::saml
