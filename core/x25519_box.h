// Key wrapping for one recipient: X25519 + HKDF-SHA256 + AES-256-GCM, all
// through OpenSSL EVP. The encryption stub wraps group keys with it; the SCIM
// server and tests use it to check or open what the stub returns.
//
// Wrapped blob layout (1 + 32 + 12 + n + 16 bytes; n = 32 for a group key,
// so a wrapped group key is 93 bytes):
//   [0]          format version, kWrapFormatV1
//   [1, 33)      ephemeral X25519 public key of the sender
//   [33, 45)     AES-GCM nonce (random, 12 bytes)
//   [45, 45+n)   AES-256-GCM ciphertext of the wrapped key
//   [45+n, +16)  AES-GCM tag
// The AES key is HKDF-SHA256(ikm = X25519(eph_priv, recipient_pub),
//   salt = eph_pub || recipient_pub, info = kWrapInfo), 32 bytes. The caller's
// `aad` is authenticated, not encrypted; the version byte is authenticated too
// (it is prepended to the caller's aad inside GCM).
//
// All functions are thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace core {

inline constexpr unsigned char kWrapFormatV1 = 0x01;
inline constexpr size_t kX25519KeyBytes = 32;
inline constexpr size_t kWrapNonceBytes = 12;
inline constexpr size_t kWrapTagBytes = 16;
// Bytes a wrapped blob adds around the wrapped key: version + eph_pub + nonce + tag.
inline constexpr size_t kWrapOverheadBytes = 1 + kX25519KeyBytes + kWrapNonceBytes + kWrapTagBytes;
// Largest key WrapKey accepts; group keys are 32 bytes.
inline constexpr size_t kWrapMaxKeyBytes = 1024;
// HKDF info string: names the protocol so keys derived here are never reused elsewhere.
inline constexpr std::string_view kWrapInfo = "okta-sandbox/encryption-stub key-wrap v1 X25519-HKDF-SHA256-AES-256-GCM";

struct KeyPair {
  std::string public_key;   // raw 32 bytes
  std::string private_key;  // raw 32 bytes
};

// A fresh X25519 key pair from OpenSSL's CSPRNG. Throws std::runtime_error
// only if OpenSSL itself fails (a broken invariant, not an expected error).
KeyPair GenerateX25519KeyPair();

// The raw 32-byte public key belonging to a raw 32-byte private key.
// kInvalidValue when `private_key` is not 32 bytes.
Result<std::string> X25519PublicFromPrivate(std::string_view private_key);

// Encrypts `key` (1..kWrapMaxKeyBytes bytes) to `recipient_public` (raw 32
// bytes) with a fresh ephemeral key pair and nonce, authenticating `aad`.
// Errors: kInvalidValue (key or public key of the wrong length, or a
// low-order public key whose shared secret would be all zero), kInternal
// (OpenSSL failure).
Result<std::string> WrapKey(std::string_view key, std::string_view recipient_public, std::string_view aad);

// Reverses WrapKey with the recipient's raw 32-byte private key and the same
// `aad`. Errors: kInvalidValue (blob too short, unknown version byte, private
// key of the wrong length, or authentication failed: wrong key, wrong aad or
// tampered blob), kInternal (OpenSSL failure).
Result<std::string> UnwrapKey(std::string_view wrapped, std::string_view recipient_private, std::string_view aad);

// The AAD the encryption service binds a wrapped group key to:
// "<groupId>|<memberId>|<keyVersion>". The service rejects ids containing '|',
// so the encoding is unambiguous.
std::string KeyWrapAad(std::string_view group_id, std::string_view member_id, int64_t key_version);

}  // namespace core
