// JSON Web Tokens signed with RS256 (RFC 7515/7519) and the RSA keys behind
// them, on OpenSSL 3's EVP API: nothing here hand-rolls crypto. Used by the
// mock Okta's authorization servers (ID and access tokens, their JWKS).
//
// Thread-safe: a SigningKey is immutable after creation and may be shared;
// every function is re-entrant.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"

namespace okta::signon {

// base64url without padding (RFC 7515 §2), and its inverse (padding, the
// standard alphabet, whitespace, a length ≡ 1 mod 4 and non-zero unused
// trailing bits — a non-canonical spelling — are refused: false).
std::string Base64UrlEncode(std::string_view data);
bool Base64UrlDecode(std::string_view text, std::string* out);

// An RSA key pair with its key id. Okta publishes `kid`, `kty` RSA, `alg`
// RS256, `use` sig, `n`, `e`.
class SigningKey {
 public:
  // A fresh 2048-bit key (e = 65537). Errors: kInternal (OpenSSL failed).
  static core::Result<std::shared_ptr<const SigningKey>> Generate(const std::string& kid);
  // From the PKCS#8 PEM that ToPrivatePem wrote. Errors: kInvalidValue (not
  // a PEM private key, encrypted, or not RSA of at least 2048 bits).
  static core::Result<std::shared_ptr<const SigningKey>> FromPrivatePem(const std::string& kid, const std::string& pem);
  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  const std::string& kid() const { return kid_; }
  std::string ToPrivatePem() const;  // PKCS#8, for the store; never logged or rendered
  // The public JWK: {"kty":"RSA","alg":"RS256","kid":…,"use":"sig","e":…,"n":…}.
  core::Json PublicJwk() const;
  // RS256 (RSASSA-PKCS1-v1_5 with SHA-256) over `data`. Errors: kInternal.
  core::Result<std::string> Sign(std::string_view data) const;
  bool Verify(std::string_view data, std::string_view signature) const;

 private:
  struct Impl;
  SigningKey(std::string kid, std::unique_ptr<Impl> impl);
  std::string kid_;
  std::unique_ptr<Impl> impl_;
};

// header.payload.signature with header {"kid":key.kid(),"alg":"RS256"}
// (Okta's order) and the payload's JSON as given (core::Json is
// nlohmann::ordered_json: insertion order is kept), compact. Errors:
// kInvalidValue (payload not a JSON object), kInternal (signing failed).
core::Result<std::string> SignJwt(const SigningKey& key, const core::Json& payload);

// The parts of a compact JWT, decoded but NOT verified.
struct DecodedJwt {
  core::Json header, payload;
  std::string signing_input;  // header.payload as sent
  std::string signature;      // raw bytes
};
// Errors: kInvalidValue ("not a JWT", bad base64url, header/payload not JSON objects).
core::Result<DecodedJwt> DecodeJwt(std::string_view token);

// Decodes and checks the signature: alg must be RS256, no `crit` header, and
// kid one of `keys`. Returns the payload. Errors: kInvalidValue (malformed),
// kUnauthorized (unknown or missing kid, wrong alg — "none" included —, crit,
// bad signature). Claims
// (exp, iss, aud) are the caller's to check.
core::Result<core::Json> VerifyJwt(std::string_view token,
                                   const std::vector<std::shared_ptr<const SigningKey>>& keys);

// The OIDC hash of a token for at_hash / c_hash: base64url of the left half
// of SHA-256(value).
std::string HalfSha256(std::string_view value);
// base64url(SHA-256(verifier)) — PKCE S256 (RFC 7636 §4.2).
std::string PkceS256(std::string_view verifier);

}  // namespace okta::signon
