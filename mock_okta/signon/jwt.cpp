// RS256 JWTs and their RSA keys on OpenSSL 3's EVP API (see jwt.h). Every
// OpenSSL object is owned by a unique_ptr with its free function; every
// failure path clears the thread's OpenSSL error queue so a later, unrelated
// ERR_get_error() does not report ours.
#include "mock_okta/signon/jwt.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>
#include <utility>

#include "core/secret.h"

namespace okta::signon {

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

constexpr int kKeyBits = 2048;

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// The OpenSSL error behind a failure, for the Error's detail; clears the queue.
std::string OpenSslError(const char* what) {
  std::string detail = what;
  unsigned long e = ERR_get_error();
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    detail += ": ";
    detail += buf;
  }
  ERR_clear_error();
  return detail;
}

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Index of a base64url character in the alphabet (the caller checked it is one).
int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  return c == '-' ? 62 : 63;
}

std::string Sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    // Only a broken OpenSSL installation gets here; a wrong hash would be a silent bug.
    throw std::runtime_error(OpenSslError("SHA-256 failed"));
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

// The big-endian bytes of one of the key's BIGNUM parameters, base64url.
std::string BnParamB64(const EVP_PKEY* pkey, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) throw std::runtime_error(OpenSslError("EVP_PKEY_get_bn_param"));
  BnPtr bn(raw);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return Base64UrlEncode(bytes);
}

// Okta's JWK member order. Throws std::runtime_error if OpenSSL cannot export n or e.
core::Json PublicJwkOf(const std::string& kid, const EVP_PKEY* pkey) {
  return core::Json{{"kty", "RSA"},
                    {"alg", "RS256"},
                    {"kid", kid},
                    {"use", "sig"},
                    {"e", BnParamB64(pkey, OSSL_PKEY_PARAM_RSA_E)},
                    {"n", BnParamB64(pkey, OSSL_PKEY_PARAM_RSA_N)}};
}

// Refuses anything but an RSA key of at least 2048 bits (the size Generate makes).
bool AcceptableKey(const EVP_PKEY* pkey) { return EVP_PKEY_is_a(pkey, "RSA") && EVP_PKEY_get_bits(pkey) >= kKeyBits; }

// PEM_read_bio_PrivateKey would prompt on the terminal for an encrypted key; refuse instead.
int NoPassphrase(char*, int, int, void*) { return -1; }

}  // namespace

std::string Base64UrlEncode(std::string_view data) {
  std::string out = core::Base64Encode(data);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return out;
}

bool Base64UrlDecode(std::string_view text, std::string* out) {
  if (text.size() % 4 == 1) return false;
  for (char c : text) {
    if (!IsBase64UrlChar(c)) return false;
  }
  // Only the canonical encoding: the bits below the last whole byte must be
  // zero, so one byte string has exactly one spelling (no malleable signatures).
  if (text.size() % 4 == 2 && (Base64UrlValue(text.back()) & 0x0f) != 0) return false;
  if (text.size() % 4 == 3 && (Base64UrlValue(text.back()) & 0x03) != 0) return false;
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  standard.append((4 - standard.size() % 4) % 4, '=');
  return core::Base64Decode(standard, out);
}

struct SigningKey::Impl {
  PkeyPtr pkey;
  core::Json jwk;  // computed once: the key never changes
};

SigningKey::SigningKey(std::string kid, std::unique_ptr<Impl> impl) : kid_(std::move(kid)), impl_(std::move(impl)) {}
SigningKey::~SigningKey() = default;

core::Result<std::shared_ptr<const SigningKey>> SigningKey::Generate(const std::string& kid) {
  PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(kKeyBits)));
  if (!pkey) return core::MakeError(core::ErrorCode::kInternal, OpenSslError("RSA key generation failed"));
  auto impl = std::make_unique<Impl>();
  impl->pkey = std::move(pkey);
  try {
    impl->jwk = PublicJwkOf(kid, impl->pkey.get());
  } catch (const std::runtime_error& e) {
    return core::MakeError(core::ErrorCode::kInternal, e.what());
  }
  return std::shared_ptr<const SigningKey>(new SigningKey(kid, std::move(impl)));
}

core::Result<std::shared_ptr<const SigningKey>> SigningKey::FromPrivatePem(const std::string& kid,
                                                                           const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return core::MakeError(core::ErrorCode::kInternal, OpenSslError("BIO_new_mem_buf"));
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pkey) return core::MakeError(core::ErrorCode::kInvalidValue, OpenSslError("not a PEM private key"));
  if (!AcceptableKey(pkey.get())) {
    return core::MakeError(core::ErrorCode::kInvalidValue, "not an RSA key of at least 2048 bits");
  }
  auto impl = std::make_unique<Impl>();
  impl->pkey = std::move(pkey);
  try {
    impl->jwk = PublicJwkOf(kid, impl->pkey.get());
  } catch (const std::runtime_error& e) {
    return core::MakeError(core::ErrorCode::kInvalidValue, e.what());
  }
  return std::shared_ptr<const SigningKey>(new SigningKey(kid, std::move(impl)));
}

std::string SigningKey::ToPrivatePem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY") in OpenSSL 3.
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error(OpenSslError("PEM_write_bio_PrivateKey"));
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

core::Json SigningKey::PublicJwk() const { return impl_->jwk; }

core::Result<std::string> SigningKey::Sign(std::string_view data) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, impl_->pkey.get()) != 1) {
    return core::MakeError(core::ErrorCode::kInternal, OpenSslError("EVP_DigestSignInit"));
  }
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, Bytes(data), data.size()) != 1) {
    return core::MakeError(core::ErrorCode::kInternal, OpenSslError("EVP_DigestSign (size)"));
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, Bytes(data), data.size()) != 1) {
    return core::MakeError(core::ErrorCode::kInternal, OpenSslError("EVP_DigestSign"));
  }
  sig.resize(len);
  return sig;
}

bool SigningKey::Verify(std::string_view data, std::string_view signature) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, impl_->pkey.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  bool ok = EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(data), data.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

core::Result<std::string> SignJwt(const SigningKey& key, const core::Json& payload) {
  if (!payload.is_object()) return core::MakeError(core::ErrorCode::kInvalidValue, "a JWT payload is a JSON object");
  const core::Json header = {{"kid", key.kid()}, {"alg", "RS256"}};
  std::string input = Base64UrlEncode(core::DumpCompact(header));
  input += '.';
  input += Base64UrlEncode(core::DumpCompact(payload));
  auto sig = key.Sign(input);
  if (!sig.ok()) return sig.error();
  input += '.';
  input += Base64UrlEncode(*sig);
  return input;
}

core::Result<DecodedJwt> DecodeJwt(std::string_view token) {
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return core::MakeError(core::ErrorCode::kInvalidValue, "not a JWT (expected header.payload.signature)");
  }
  std::string header_text, payload_text;
  DecodedJwt out;
  if (!Base64UrlDecode(token.substr(0, dot1), &header_text)) {
    return core::MakeError(core::ErrorCode::kInvalidValue, "JWT header is not base64url");
  }
  if (!Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1), &payload_text)) {
    return core::MakeError(core::ErrorCode::kInvalidValue, "JWT payload is not base64url");
  }
  if (!Base64UrlDecode(token.substr(dot2 + 1), &out.signature)) {
    return core::MakeError(core::ErrorCode::kInvalidValue, "JWT signature is not base64url");
  }
  auto header = core::ParseJson(header_text);
  if (!header.ok() || !header->is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidValue, "JWT header is not a JSON object");
  }
  auto payload = core::ParseJson(payload_text);
  if (!payload.ok() || !payload->is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidValue, "JWT payload is not a JSON object");
  }
  out.header = std::move(*header);
  out.payload = std::move(*payload);
  out.signing_input = std::string(token.substr(0, dot2));
  return out;
}

core::Result<core::Json> VerifyJwt(std::string_view token, const std::vector<std::shared_ptr<const SigningKey>>& keys) {
  auto decoded = DecodeJwt(token);
  if (!decoded.ok()) return decoded.error();
  const core::Json& header = decoded->header;
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || alg->get<std::string>() != "RS256") {
    return core::MakeError(core::ErrorCode::kUnauthorized, "JWT alg is not RS256");
  }
  // RFC 7515 §4.1.11: extensions the recipient does not understand must be refused; we understand none.
  if (header.contains("crit")) return core::MakeError(core::ErrorCode::kUnauthorized, "JWT has a crit header");
  auto kid = header.find("kid");
  if (kid == header.end() || !kid->is_string())
    return core::MakeError(core::ErrorCode::kUnauthorized, "JWT has no kid");
  const SigningKey* key = nullptr;
  for (const auto& k : keys) {
    if (k && k->kid() == kid->get_ref<const std::string&>()) {
      key = k.get();
      break;
    }
  }
  if (!key) return core::MakeError(core::ErrorCode::kUnauthorized, "JWT kid is not a known key");
  if (!key->Verify(decoded->signing_input, decoded->signature)) {
    return core::MakeError(core::ErrorCode::kUnauthorized, "JWT signature does not verify");
  }
  return std::move(decoded->payload);
}

std::string HalfSha256(std::string_view value) { return Base64UrlEncode(Sha256(value).substr(0, 16)); }

std::string PkceS256(std::string_view verifier) { return Base64UrlEncode(Sha256(verifier)); }

}  // namespace okta::signon
