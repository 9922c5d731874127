#include "core/x25519_box.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace core {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* U(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// Wipes secrets (shared secrets, derived keys) when they go out of scope.
struct Wiped {
  std::string bytes;
  explicit Wiped(size_t n) : bytes(n, '\0') {}
  ~Wiped() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
};

Error Internal(const char* what) { return Error{ErrorCode::kInternal, std::string("OpenSSL: ") + what}; }

PkeyPtr RawPrivate(std::string_view priv) {
  return PkeyPtr(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, U(priv), priv.size()));
}
PkeyPtr RawPublic(std::string_view pub) {
  return PkeyPtr(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, U(pub), pub.size()));
}

std::string RawPublicOf(EVP_PKEY* key) {
  std::string out(kX25519KeyBytes, '\0');
  size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(key, U(out), &len) != 1 || len != kX25519KeyBytes) {
    throw std::runtime_error("EVP_PKEY_get_raw_public_key failed");
  }
  return out;
}

// X25519(own, peer) into `out` (32 bytes). An all-zero result means the peer
// key is of low order: reject it rather than derive a predictable key.
Status Ecdh(EVP_PKEY* own, std::string_view peer_public, Wiped* out) {
  PkeyPtr peer = RawPublic(peer_public);
  if (!peer) return Error{ErrorCode::kInvalidValue, "not an X25519 public key"};
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(own, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) return Internal("derive init");
  if (EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1) {
    return Error{ErrorCode::kInvalidValue, "X25519 public key rejected"};
  }
  size_t len = out->bytes.size();
  if (EVP_PKEY_derive(ctx.get(), U(out->bytes), &len) != 1 || len != kX25519KeyBytes) {
    // OpenSSL 3 fails the derive itself on an all-zero shared secret.
    return Error{ErrorCode::kInvalidValue, "X25519 public key is of low order"};
  }
  unsigned char acc = 0;
  for (char c : out->bytes) acc |= static_cast<unsigned char>(c);
  if (acc == 0) return Error{ErrorCode::kInvalidValue, "X25519 public key is of low order"};
  return Status::Ok();
}

// HKDF-SHA256(ikm = shared, salt = eph_pub || recipient_pub, info = kWrapInfo) → 32 bytes.
Status DeriveAesKey(const Wiped& shared, std::string_view eph_pub, std::string_view recipient_pub, Wiped* out) {
  std::string salt;
  salt.reserve(eph_pub.size() + recipient_pub.size());
  salt.append(eph_pub).append(recipient_pub);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), U(salt), static_cast<int>(salt.size())) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), U(shared.bytes), static_cast<int>(shared.bytes.size())) != 1 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), U(kWrapInfo), static_cast<int>(kWrapInfo.size())) != 1) {
    return Internal("HKDF setup");
  }
  size_t len = out->bytes.size();
  if (EVP_PKEY_derive(ctx.get(), U(out->bytes), &len) != 1 || len != out->bytes.size()) return Internal("HKDF");
  return Status::Ok();
}

// GCM's AAD: the format version byte followed by the caller's aad, so a blob
// cannot be replayed under another format version.
std::string FullAad(std::string_view aad) {
  std::string full(1, static_cast<char>(kWrapFormatV1));
  full.append(aad);
  return full;
}

}  // namespace

KeyPair GenerateX25519KeyPair() {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_X25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    throw std::runtime_error("X25519 key generation failed");
  }
  PkeyPtr key(raw);
  KeyPair kp;
  kp.public_key = RawPublicOf(key.get());
  kp.private_key.assign(kX25519KeyBytes, '\0');
  size_t len = kp.private_key.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), U(kp.private_key), &len) != 1 || len != kX25519KeyBytes) {
    throw std::runtime_error("EVP_PKEY_get_raw_private_key failed");
  }
  return kp;
}

Result<std::string> X25519PublicFromPrivate(std::string_view private_key) {
  if (private_key.size() != kX25519KeyBytes) {
    return Error{ErrorCode::kInvalidValue, "X25519 private key must be 32 bytes"};
  }
  PkeyPtr key = RawPrivate(private_key);
  if (!key) return Internal("raw private key");
  return RawPublicOf(key.get());
}

Result<std::string> WrapKey(std::string_view key, std::string_view recipient_public, std::string_view aad) {
  if (key.empty() || key.size() > kWrapMaxKeyBytes) {
    return Error{ErrorCode::kInvalidValue, "key to wrap must be 1.." + std::to_string(kWrapMaxKeyBytes) + " bytes"};
  }
  if (recipient_public.size() != kX25519KeyBytes) {
    return Error{ErrorCode::kInvalidValue, "X25519 public key must be 32 bytes"};
  }
  KeyPair eph = GenerateX25519KeyPair();
  PkeyPtr eph_key = RawPrivate(eph.private_key);
  OPENSSL_cleanse(eph.private_key.data(), eph.private_key.size());
  if (!eph_key) return Internal("ephemeral key");

  Wiped shared(kX25519KeyBytes);
  if (auto s = Ecdh(eph_key.get(), recipient_public, &shared); !s.ok()) return s.error();
  Wiped aes_key(32);
  if (auto s = DeriveAesKey(shared, eph.public_key, recipient_public, &aes_key); !s.ok()) return s.error();

  std::string out(kWrapOverheadBytes + key.size(), '\0');
  out[0] = static_cast<char>(kWrapFormatV1);
  out.replace(1, kX25519KeyBytes, eph.public_key);
  unsigned char* nonce = U(out) + 1 + kX25519KeyBytes;
  unsigned char* ct = nonce + kWrapNonceBytes;
  unsigned char* tag = ct + key.size();
  if (RAND_bytes(nonce, static_cast<int>(kWrapNonceBytes)) != 1) return Internal("RAND_bytes");

  std::string full_aad = FullAad(aad);
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kWrapNonceBytes), nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, U(aes_key.bytes), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(full_aad), static_cast<int>(full_aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), ct, &len, U(key), static_cast<int>(key.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ct + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kWrapTagBytes), tag) != 1) {
    return Internal("AES-256-GCM encrypt");
  }
  return out;
}

Result<std::string> UnwrapKey(std::string_view wrapped, std::string_view recipient_private, std::string_view aad) {
  if (recipient_private.size() != kX25519KeyBytes) {
    return Error{ErrorCode::kInvalidValue, "X25519 private key must be 32 bytes"};
  }
  if (wrapped.size() <= kWrapOverheadBytes) return Error{ErrorCode::kInvalidValue, "wrapped key is too short"};
  if (static_cast<unsigned char>(wrapped[0]) != kWrapFormatV1) {
    return Error{ErrorCode::kInvalidValue, "unknown wrapped key format version"};
  }
  std::string_view eph_pub = wrapped.substr(1, kX25519KeyBytes);
  std::string_view nonce = wrapped.substr(1 + kX25519KeyBytes, kWrapNonceBytes);
  size_t n = wrapped.size() - kWrapOverheadBytes;
  std::string_view ct = wrapped.substr(1 + kX25519KeyBytes + kWrapNonceBytes, n);
  std::string tag(wrapped.substr(wrapped.size() - kWrapTagBytes));

  PkeyPtr own = RawPrivate(recipient_private);
  if (!own) return Internal("raw private key");
  std::string own_pub = RawPublicOf(own.get());
  Wiped shared(kX25519KeyBytes);
  if (auto s = Ecdh(own.get(), eph_pub, &shared); !s.ok()) return s.error();
  Wiped aes_key(32);
  if (auto s = DeriveAesKey(shared, eph_pub, own_pub, &aes_key); !s.ok()) return s.error();

  std::string full_aad = FullAad(aad);
  std::string plain(n, '\0');
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kWrapNonceBytes), nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, U(aes_key.bytes), U(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(full_aad), static_cast<int>(full_aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), U(plain), &len, U(ct), static_cast<int>(ct.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kWrapTagBytes), tag.data()) != 1) {
    return Internal("AES-256-GCM decrypt");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), U(plain) + len, &len) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return Error{ErrorCode::kInvalidValue, "wrapped key failed authentication (wrong key, wrong aad or tampered)"};
  }
  return plain;
}

std::string KeyWrapAad(std::string_view group_id, std::string_view member_id, int64_t key_version) {
  std::string aad;
  aad.reserve(group_id.size() + member_id.size() + 24);
  aad.append(group_id).append("|").append(member_id).append("|").append(std::to_string(key_version));
  return aad;
}

}  // namespace core
