#include <catch2/catch.hpp>

#include <string>

#include "core/x25519_box.h"

using namespace core;

namespace {

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

const std::string kGroupKey(32, '\x5a');

}  // namespace

TEST_CASE("X25519 key pairs are 32 raw bytes each and differ", "[encryption][x25519]") {
  KeyPair a = GenerateX25519KeyPair(), b = GenerateX25519KeyPair();
  CHECK(a.public_key.size() == 32);
  CHECK(a.private_key.size() == 32);
  CHECK(a.public_key != b.public_key);
  CHECK(a.private_key != b.private_key);
  auto pub = X25519PublicFromPrivate(a.private_key);
  REQUIRE(pub.ok());
  CHECK(*pub == a.public_key);
}

TEST_CASE("the public key of RFC 7748's Alice matches the published vector", "[encryption][x25519]") {
  auto pub = X25519PublicFromPrivate(FromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  REQUIRE(pub.ok());
  CHECK(*pub == FromHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
}

TEST_CASE("a wrapped key has the documented 93-byte layout", "[encryption][x25519]") {
  KeyPair r = GenerateX25519KeyPair();
  auto w = WrapKey(kGroupKey, r.public_key, "g|m|1");
  REQUIRE(w.ok());
  CHECK(w->size() == 93);
  CHECK(static_cast<unsigned char>((*w)[0]) == kWrapFormatV1);
  CHECK(w->find(kGroupKey) == std::string::npos);  // the key never appears in clear
}

TEST_CASE("wrapping twice gives different blobs that both unwrap to the key", "[encryption][x25519]") {
  KeyPair r = GenerateX25519KeyPair();
  auto w1 = WrapKey(kGroupKey, r.public_key, "aad");
  auto w2 = WrapKey(kGroupKey, r.public_key, "aad");
  REQUIRE(w1.ok());
  REQUIRE(w2.ok());
  CHECK(*w1 != *w2);
  auto k1 = UnwrapKey(*w1, r.private_key, "aad");
  auto k2 = UnwrapKey(*w2, r.private_key, "aad");
  REQUIRE(k1.ok());
  REQUIRE(k2.ok());
  CHECK(*k1 == kGroupKey);
  CHECK(*k2 == kGroupKey);
}

TEST_CASE("unwrapping fails with the wrong private key, wrong aad or a flipped bit", "[encryption][x25519]") {
  KeyPair r = GenerateX25519KeyPair(), other = GenerateX25519KeyPair();
  auto w = WrapKey(kGroupKey, r.public_key, "g|m|1");
  REQUIRE(w.ok());
  auto wrong_key = UnwrapKey(*w, other.private_key, "g|m|1");
  REQUIRE_FALSE(wrong_key.ok());
  CHECK(wrong_key.error().code == ErrorCode::kInvalidValue);
  CHECK_FALSE(UnwrapKey(*w, r.private_key, "g|m|2").ok());
  for (size_t i : {size_t{1}, size_t{40}, size_t{50}, w->size() - 1}) {
    std::string tampered = *w;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    CHECK_FALSE(UnwrapKey(tampered, r.private_key, "g|m|1").ok());
  }
  std::string bad_version = *w;
  bad_version[0] = 0x02;
  CHECK_FALSE(UnwrapKey(bad_version, r.private_key, "g|m|1").ok());
  CHECK_FALSE(UnwrapKey(w->substr(0, 60), r.private_key, "g|m|1").ok());
}

TEST_CASE("wrapping rejects keys of the wrong length and low-order public keys", "[encryption][x25519]") {
  KeyPair r = GenerateX25519KeyPair();
  CHECK(WrapKey(kGroupKey, r.public_key.substr(0, 31), "").error().code == ErrorCode::kInvalidValue);
  CHECK(WrapKey(kGroupKey, r.public_key + "x", "").error().code == ErrorCode::kInvalidValue);
  CHECK(WrapKey("", r.public_key, "").error().code == ErrorCode::kInvalidValue);
  CHECK(WrapKey(std::string(2000, 'k'), r.public_key, "").error().code == ErrorCode::kInvalidValue);
  // The all-zero point has order 1: every shared secret with it is zero.
  CHECK(WrapKey(kGroupKey, std::string(32, '\0'), "").error().code == ErrorCode::kInvalidValue);
  CHECK(UnwrapKey(std::string(93, '\x01'), r.private_key.substr(1), "").error().code == ErrorCode::kInvalidValue);
}

TEST_CASE("the key-wrap AAD joins group, member and version with bars", "[encryption][x25519]") {
  CHECK(KeyWrapAad("g1", "u1", 3) == "g1|u1|3");
}
