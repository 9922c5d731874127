// RS256 JWTs and their keys (mock_okta/signon/jwt.h): base64url against the
// RFC vectors and its refusals; a known-answer signature made by the openssl
// command line; sign/verify and PEM round trips; every way VerifyJwt must say
// no; the OIDC at_hash/c_hash and RFC 7636 PKCE vectors. No sockets.
#include "mock_okta/signon/jwt.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/json_util.h"
#include "core/secret.h"

using namespace okta::signon;

namespace {

std::shared_ptr<const SigningKey> MustGenerate(const std::string& kid) {
  auto key = SigningKey::Generate(kid);
  REQUIRE(key.ok());
  REQUIRE(*key != nullptr);
  return *key;
}

// One key for the tests that do not care which (RSA generation is the slow part).
const std::shared_ptr<const SigningKey>& SharedKey() {
  static const std::shared_ptr<const SigningKey> key = MustGenerate("k1");
  return key;
}

std::string B64(std::string_view s) { return Base64UrlEncode(s); }

std::string Decoded(std::string_view text) {
  std::string out;
  INFO(text);
  REQUIRE(Base64UrlDecode(text, &out));
  return out;
}

std::vector<std::string> Split(const std::string& token) {
  std::vector<std::string> parts(1);
  for (char c : token) {
    if (c == '.') parts.emplace_back();
    else parts.back() += c;
  }
  return parts;
}

core::ErrorCode VerifyError(const std::string& token, const std::vector<std::shared_ptr<const SigningKey>>& keys) {
  auto r = VerifyJwt(token, keys);
  INFO(token);
  REQUIRE_FALSE(r.ok());
  return r.error().code;
}

// An ID token the way Okta shapes it (claim order included).
core::Json IdTokenPayload() {
  core::Json p;
  p["sub"] = "00u1abcdEFGH2345ijkl";
  p["ver"] = 1;
  p["iss"] = "https://dev-1.okta.com/oauth2/default";
  p["aud"] = "0oa1abcdEFGH2345ijkl";
  p["iat"] = 1700000000;
  p["exp"] = 1700003600;
  p["jti"] = "ID.abc";
  p["amr"] = core::Json::array({"pwd"});
  p["idp"] = "00o1abcd";
  p["nonce"] = "n-0S6_WzA2Mj";
  p["auth_time"] = 1699999990;
  return p;
}

std::string PemOf(EVP_PKEY* pkey, bool public_only, const EVP_CIPHER* cipher = nullptr) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  REQUIRE(bio);
  if (public_only) {
    REQUIRE(PEM_write_bio_PUBKEY(bio.get(), pkey) == 1);
  } else {
    static char pass[] = "secret";
    REQUIRE(PEM_write_bio_PrivateKey(bio.get(), pkey, cipher, cipher ? reinterpret_cast<unsigned char*>(pass) : nullptr,
                                     cipher ? 6 : 0, nullptr, nullptr) == 1);
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

// Made once with the openssl command line (openssl genpkey -algorithm RSA
// -pkeyopt rsa_keygen_bits:2048); kKatSignature is `openssl dgst -sha256
// -sign` over kKatInput, base64url; kKatN is `openssl rsa -modulus`, base64url.
// RSASSA-PKCS1-v1_5 is deterministic, so our signature must be byte-identical.
const char kKatPem[] = R"(-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCpZk01U42pIGcN
rTMq+UbKrOKrqAJaMNG3W0fLVR4Q1kBFZ4voiWRkqFBvMFaVxviGLmnLHv9Jjw4K
YqQK8dhFCFldWx348m8evwOUlIxESEL7fuDk5QXWkTrw2ogu+vsoDXqH9OMNdOmM
qH3ezn+PGIJqjokh2deDEz5y6mwZHx4/PgggU0s3q+idYP5yuF+UZvTFSalJIEm7
CdTXdf0Ism8y+ZHImvZQpKTk1m5CMlbBOcx4ipIzuzOxVmZDGpyyGksBrgCrDJ73
iI6bawN5VSn4Zw/hCei6yajWHcS1nO+uDWkKAKfOWcvIlHbAcD1nDbAfpL+jGk6w
7UaqkF9TAgMBAAECggEAQXS9tbLU5LqYB3Fa+ap7v7nhFlojmo0NpA955Og9Z10a
VZcmuRJJwBlHh0dC1bod8t9BUtLl6xsDXmDyKSZ9HmOVAF1Cbhzjchp1/DYQIxxX
AY3rwZZ7VIcmosWWZKznWnkm1Rz7lQoNaqP6ixr4sCbU0e7Er1dZDpVjhozteyDo
79pdLaBuqdiYtrx1nipDkiXxRZwLCAV0DpmQh6ouHBDIYQbnDhIrx9dpHwZI2GOE
RU/s7TBsZzDqpoRQJ3j97ubZz0UijiQK4Rn8Jiai9aV7k4Zff5Su6A5nq+xuA2r2
vX7am79yQQd3S+dyVTBmAoE7zTuRCaDKgbvwN8zsUQKBgQDkq6EoaUi+aVFxHq2Y
8zEyrD+e2ploz2OAB4j7OKCBu7mrQmnz71NDVfLfimXcepkqobqahVGj0wN2fKqk
aClG6QRA8frCv3at5f3F+8uyq59lAjxtfgJugODTowyJBMSm1LES1126fy9rXh8L
8tt2schM+C7iJgN2wTsuUjNaMQKBgQC9pTrlNFLAgGtFz1mg3PQJ8z5IxjdmcJ/J
9Vu/gERD9Jff267EaRdRbO0h506hEW1XpRKW9wj6MHFw/5FXGCMfsTsIH8tnk9Ji
YYW3aUhVx4tEoq91bTuLgWS6jGA7Z3uToIvNqDNfQVQx7hkZA2e6R6JrSELQ7Q4l
8tr42kZswwKBgBCqEUyIn6yAsFa2DaCf2G4A74H8HEHvGykxY2Irdkb+D0HTzTTh
tAesM87mnxW6OX9J2fd4z8JIlnAEFct1a8ynHpA9EjEvEs8Je7z55JZYu3z49L5l
+HdlHP1PXJJ/rnUZ+u2MlGAK9MG2UjzkremwexBg5cnFS2tUGaP+iY+BAoGAYLGJ
WOoXs00G5P423b0qtJQQUry17IZKAogWcoqsw9VHRn1VG5HVsM+QDLRKM/eVv5VL
6CsmqaHfhVTZPwXwiq0rwxWq+TG2mDDPI9gLaKkoSiOEwKOkM5oSyMbgHgnCSWAX
SBGVt+CwVBDpPQaucZ0qo/ahErN7fj/YBAAO3k8CgYAaD+9BIvhoGqd4Tdd6+DOi
FI0JD9m/bXbICcpeM3Uekg/7c91nGhK3K9nb4GfIiC3IXXsiJUwixca/Efy+Nnmu
cNugf3R9dbnnXiKktDmaqSvAzSBfVW/CAdZlTt/Qpsi+uWqgXnn+mXUlTJsISIV5
3fa4Q6O08okrAk/89fjo8Q==
-----END PRIVATE KEY-----
)";
// {"kid":"kat","alg":"RS256"} . {"sub":"00u1","iss":"https://example.okta.com"}
const char kKatInput[] =
    "eyJraWQiOiJrYXQiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwMHUxIiwiaXNzIjoiaHR0cHM6Ly9leGFtcGxlLm9rdGEuY29tIn0";
const char kKatSignature[] =
    "PiWjaqKw3y8a4cp-HG3wL7lKwek9pnoYTQZ9Rag1p58ixkuBAEfLVjv4NkkhbqZJ1fu-GgRBWzm5NyY-pV2rflP8Hxz9F_x4mMUF_"
    "xUTgCXMzMolKCrs"
    "nW-sHzVsuNAF8z-XQ7PLEMho1mJZNf0wj_SE2hklfz5BkiNEjWfgwVA7884f7QBPPhO6-aIbHHryDbSo60HH6U4n2XK-IY3iTqkDYVtvBaQ4o-"
    "2bRcQU"
    "6u9-SjGfTOoq6J7kMM4hLF4e-LTDD58vE4hbDkGzuxPAo7LPliMDg-X3eegvZmlXPAKbjRb3vJKlP8Fhd1uG46ZPebFutTTG6ymSs7R7AEpXEg";
const char kKatN[] =
    "qWZNNVONqSBnDa0zKvlGyqziq6gCWjDRt1tHy1UeENZARWeL6IlkZKhQbzBWlcb4hi5pyx7_SY8OCmKkCvHYRQhZXVsd-PJvHr8DlJSMREhC-"
    "37g5OUF"
    "1pE68NqILvr7KA16h_TjDXTpjKh93s5_jxiCao6JIdnXgxM-cupsGR8ePz4IIFNLN6vonWD-"
    "crhflGb0xUmpSSBJuwnU13X9CLJvMvmRyJr2UKSk5NZu"
    "QjJWwTnMeIqSM7szsVZmQxqcshpLAa4Aqwye94iOm2sDeVUp-GcP4Qnousmo1h3EtZzvrg1pCgCnzlnLyJR2wHA9Zw2wH6S_oxpOsO1GqpBfUw";

}  // namespace

TEST_CASE("base64url encodes the RFC 4648 and RFC 7515 vectors without padding", "[jwt]") {
  CHECK(B64("") == "");
  CHECK(B64("f") == "Zg");
  CHECK(B64("fo") == "Zm8");
  CHECK(B64("foo") == "Zm9v");
  CHECK(B64("foob") == "Zm9vYg");
  CHECK(B64("fooba") == "Zm9vYmE");
  CHECK(B64("foobar") == "Zm9vYmFy");
  // RFC 7515 appendix C: the octets 3, 236, 255, 224, 193.
  const std::string c = {'\x03', '\xec', '\xff', '\xe0', '\xc1'};
  CHECK(B64(c) == "A-z_4ME");
  CHECK(Decoded("A-z_4ME") == c);
  // RFC 7515 appendix A.1: the JWS Protected Header, CRLF included.
  CHECK(B64("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}") == "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9");
  CHECK(Decoded("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9") == "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}");
  CHECK(B64("\xfb\xff") == "-_8");  // both URL-safe characters
  CHECK(Decoded("") == "");
  CHECK(Decoded("Zg") == "f");
  CHECK(Decoded("Zm8") == "fo");
  CHECK(Decoded("Zm9vYmFy") == "foobar");
}

TEST_CASE("base64url round-trips every byte value at every length remainder", "[jwt]") {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t len = 0; len <= 10; ++len) {
    for (size_t start = 0; start + len <= all.size(); start += 7) {
      std::string data = all.substr(start, len);
      std::string enc = B64(data);
      INFO(enc);
      CHECK(enc.find_first_of("+/=") == std::string::npos);
      CHECK(Decoded(enc) == data);
    }
  }
  std::string enc = B64(all);
  CHECK(enc.find_first_of("+/=") == std::string::npos);
  CHECK(Decoded(enc) == all);
}

TEST_CASE("base64url decoding refuses padding, the standard alphabet, whitespace and bad lengths", "[jwt]") {
  std::string out = "untouched";
  for (const char* bad : {"Zg==",    "Zm8=",  "A-z_4ME=",  "=",      "Zm9v====",              // padding
                          "A+z/4ME", "+w",    "/w",        "Zm9v+",  "Zm9v/A",                // standard alphabet
                          " Zm9v",   "Zm9v ", "Zm 9v",     "Zm9v\n", "\tZg",     "Zm9v\r\n",  // whitespace
                          "Z",       "Zm9vY", "Zm9vYmFyY",                                    // length ≡ 1 mod 4
                          "Zm9v.",   "Zm9v*", "é"}) {
    INFO(bad);
    CHECK_FALSE(Base64UrlDecode(bad, &out));
  }
  CHECK_FALSE(Base64UrlDecode(std::string_view("Zg\0A", 4), &out));
  // Non-canonical spellings: unused low bits set ("Zh" and "Zg" would both be "f").
  CHECK_FALSE(Base64UrlDecode("Zh", &out));
  CHECK_FALSE(Base64UrlDecode("Zm9", &out));
  CHECK(Base64UrlDecode("Zm8", &out));
  CHECK(out == "fo");
}

TEST_CASE("a PEM made by the openssl command line signs byte-identically to openssl dgst -sign", "[jwt]") {
  auto key = SigningKey::FromPrivatePem("kat", kKatPem);
  REQUIRE(key.ok());
  const SigningKey& k = **key;
  CHECK(k.kid() == "kat");
  auto sig = k.Sign(kKatInput);
  REQUIRE(sig.ok());
  CHECK(sig->size() == 256);
  CHECK(B64(*sig) == kKatSignature);
  CHECK(k.Verify(kKatInput, Decoded(kKatSignature)));

  core::Json jwk = k.PublicJwk();
  CHECK(jwk["n"] == kKatN);
  CHECK(jwk["e"] == "AQAB");

  // SignJwt builds exactly the signing input openssl signed: header order, compact JSON, no padding.
  core::Json payload;
  payload["sub"] = "00u1";
  payload["iss"] = "https://example.okta.com";
  auto token = SignJwt(k, payload);
  REQUIRE(token.ok());
  CHECK(*token == std::string(kKatInput) + "." + kKatSignature);

  auto verified = VerifyJwt(std::string(kKatInput) + "." + kKatSignature, {*key});
  REQUIRE(verified.ok());
  CHECK(core::DumpCompact(*verified) == R"({"sub":"00u1","iss":"https://example.okta.com"})");
}

TEST_CASE("a generated key publishes Okta's JWK: RSA 2048, e = 65537", "[jwt]") {
  const auto& key = SharedKey();
  core::Json jwk = key->PublicJwk();
  REQUIRE(jwk.is_object());
  std::vector<std::string> names;
  for (auto it = jwk.begin(); it != jwk.end(); ++it) names.push_back(it.key());
  CHECK(names == std::vector<std::string>{"kty", "alg", "kid", "use", "e", "n"});
  CHECK(jwk["kty"] == "RSA");
  CHECK(jwk["alg"] == "RS256");
  CHECK(jwk["kid"] == "k1");
  CHECK(jwk["use"] == "sig");
  CHECK(jwk["e"] == "AQAB");
  std::string n = Decoded(jwk["n"].get<std::string>());
  CHECK(n.size() == 256);
  CHECK((static_cast<unsigned char>(n[0]) & 0x80) != 0);  // a full 2048-bit modulus, no leading zero byte
  CHECK(!jwk.contains("d"));
  CHECK(!jwk.contains("p"));
  CHECK(core::DumpCompact(jwk).find("\"d\"") == std::string::npos);

  auto other = MustGenerate("k2");
  CHECK(other->PublicJwk()["n"] != jwk["n"]);
}

TEST_CASE("PEM round trip: same JWK, and each key verifies the other's signature", "[jwt]") {
  const auto& key = SharedKey();
  const std::string pem = key->ToPrivatePem();
  CHECK(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);  // PKCS#8, unencrypted
  CHECK(pem.find("-----END PRIVATE KEY-----") != std::string::npos);
  auto back = SigningKey::FromPrivatePem("k1", pem);
  REQUIRE(back.ok());
  CHECK((*back)->PublicJwk() == key->PublicJwk());
  CHECK((*back)->ToPrivatePem() == pem);

  auto s1 = key->Sign("data");
  auto s2 = (*back)->Sign("data");
  REQUIRE(s1.ok());
  REQUIRE(s2.ok());
  CHECK(*s1 == *s2);  // PKCS#1 v1.5 is deterministic
  CHECK((*back)->Verify("data", *s1));
  CHECK(key->Verify("data", *s2));
  CHECK_FALSE(key->Verify("datA", *s2));

  auto token = SignJwt(*key, IdTokenPayload());
  REQUIRE(token.ok());
  CHECK(VerifyJwt(*token, {*back}).ok());

  // The kid is the caller's: the same PEM under another kid publishes that kid.
  auto renamed = SigningKey::FromPrivatePem("other", pem);
  REQUIRE(renamed.ok());
  CHECK((*renamed)->PublicJwk()["kid"] == "other");
  CHECK((*renamed)->PublicJwk()["n"] == key->PublicJwk()["n"]);
}

TEST_CASE("FromPrivatePem refuses what is not an unencrypted RSA private key of 2048+ bits", "[jwt]") {
  auto code = [](const std::string& pem) {
    auto r = SigningKey::FromPrivatePem("x", pem);
    REQUIRE_FALSE(r.ok());
    return r.error().code;
  };
  CHECK(code("") == core::ErrorCode::kInvalidValue);
  CHECK(code("not a pem") == core::ErrorCode::kInvalidValue);
  CHECK(code("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") == core::ErrorCode::kInvalidValue);

  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}),
                                                          EVP_PKEY_free);
  REQUIRE(rsa);
  CHECK(code(PemOf(rsa.get(), true)) == core::ErrorCode::kInvalidValue);  // public key only
  // Encrypted: refused, never a passphrase prompt on the terminal.
  CHECK(code(PemOf(rsa.get(), false, EVP_aes_256_cbc())) == core::ErrorCode::kInvalidValue);
  CHECK(SigningKey::FromPrivatePem("x", PemOf(rsa.get(), false)).ok());  // the control

  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> small(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024}),
                                                            EVP_PKEY_free);
  REQUIRE(small);
  CHECK(code(PemOf(small.get(), false)) == core::ErrorCode::kInvalidValue);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"),
                                                         EVP_PKEY_free);
  REQUIRE(ec);
  CHECK(code(PemOf(ec.get(), false)) == core::ErrorCode::kInvalidValue);
}

TEST_CASE("SignJwt then VerifyJwt: Okta's header, the payload as given", "[jwt]") {
  const auto& key = SharedKey();
  const core::Json payload = IdTokenPayload();
  auto token = SignJwt(*key, payload);
  REQUIRE(token.ok());
  auto parts = Split(*token);
  REQUIRE(parts.size() == 3);
  CHECK(Decoded(parts[0]) == R"({"kid":"k1","alg":"RS256"})");
  CHECK(Decoded(parts[1]) == core::DumpCompact(payload));
  CHECK(Decoded(parts[1]).rfind(R"({"sub":"00u1abcdEFGH2345ijkl","ver":1,"iss":)", 0) == 0);  // insertion order
  CHECK(Decoded(parts[2]).size() == 256);
  CHECK(token->find_first_of("+/= ") == std::string::npos);

  auto decoded = DecodeJwt(*token);
  REQUIRE(decoded.ok());
  CHECK(decoded->header == core::Json{{"kid", "k1"}, {"alg", "RS256"}});
  CHECK(decoded->payload == payload);
  CHECK(decoded->signing_input == parts[0] + "." + parts[1]);
  CHECK(decoded->signature == Decoded(parts[2]));

  auto other = MustGenerate("k2");
  auto verified = VerifyJwt(*token, {other, nullptr, key});  // finds k1 among several, skips null
  REQUIRE(verified.ok());
  CHECK(*verified == payload);
  CHECK(core::DumpCompact(*verified) == core::DumpCompact(payload));

  // A kid that needs JSON escaping survives.
  auto odd = MustGenerate("a\"b\\c/é");
  auto odd_token = SignJwt(*odd, payload);
  REQUIRE(odd_token.ok());
  CHECK(VerifyJwt(*odd_token, {odd}).ok());

  auto not_object = SignJwt(*key, core::Json::array({1, 2}));
  REQUIRE_FALSE(not_object.ok());
  CHECK(not_object.error().code == core::ErrorCode::kInvalidValue);
  CHECK_FALSE(SignJwt(*key, core::Json("text")).ok());
}

TEST_CASE("VerifyJwt refuses forged, altered and foreign tokens: kUnauthorized", "[jwt]") {
  const auto& key = SharedKey();
  const std::vector<std::shared_ptr<const SigningKey>> keys = {key};
  auto token = SignJwt(*key, IdTokenPayload());
  REQUIRE(token.ok());
  REQUIRE(VerifyJwt(*token, keys).ok());  // the control
  auto parts = Split(*token);
  const std::string& h = parts[0];
  const std::string& p = parts[1];
  const std::string& s = parts[2];
  // A token with this header, validly RS256-signed by the right key: only the header check can refuse it.
  auto signed_with_header = [&](const std::string& header) {
    const std::string input = B64(header) + "." + p;
    auto sig = key->Sign(input);
    REQUIRE(sig.ok());
    return input + "." + B64(*sig);
  };
  REQUIRE(VerifyJwt(signed_with_header(R"({"kid":"k1","alg":"RS256"})"), keys).ok());  // the helper's control

  SECTION("tampered payload") {
    core::Json changed = IdTokenPayload();
    changed["sub"] = "00u-attacker";
    CHECK(VerifyError(h + "." + B64(core::DumpCompact(changed)) + "." + s, keys) == core::ErrorCode::kUnauthorized);
    // Same claims, different spelling (whitespace) — the signature covers bytes, not meaning.
    std::string spaced = core::DumpCompact(IdTokenPayload());
    spaced.insert(1, " ");
    CHECK(VerifyError(h + "." + B64(spaced) + "." + s, keys) == core::ErrorCode::kUnauthorized);
  }
  SECTION("tampered header") {
    CHECK(VerifyError(B64(R"({"alg":"RS256","kid":"k1"})") + "." + p + "." + s, keys) ==
          core::ErrorCode::kUnauthorized);
  }
  SECTION("tampered signature") {
    std::string sig = Decoded(s);
    for (size_t i : {size_t{0}, size_t{128}, sig.size() - 1}) {
      std::string bad = sig;
      bad[i] = static_cast<char>(bad[i] ^ 0x01);
      CHECK(VerifyError(h + "." + p + "." + B64(bad), keys) == core::ErrorCode::kUnauthorized);
    }
    CHECK(VerifyError(h + "." + p + "." + B64(sig.substr(1)), keys) == core::ErrorCode::kUnauthorized);
    CHECK(VerifyError(h + "." + p + "." + B64(sig + "x"), keys) == core::ErrorCode::kUnauthorized);
    CHECK(VerifyError(h + "." + p + ".", keys) == core::ErrorCode::kUnauthorized);
    // Another key's signature over the same input.
    auto other = MustGenerate("k1");
    auto forged = SignJwt(*other, IdTokenPayload());
    REQUIRE(forged.ok());
    CHECK(VerifyError(*forged, keys) == core::ErrorCode::kUnauthorized);
  }
  SECTION("alg none") {
    for (const char* header : {R"({"kid":"k1","alg":"none"})", R"({"alg":"none"})", R"({"kid":"k1","alg":"None"})"}) {
      CHECK(VerifyError(B64(header) + "." + p + ".", keys) == core::ErrorCode::kUnauthorized);
      CHECK(VerifyError(B64(header) + "." + p + "." + s, keys) == core::ErrorCode::kUnauthorized);
      CHECK(VerifyError(signed_with_header(header), keys) == core::ErrorCode::kUnauthorized);
    }
  }
  SECTION("alg HS256, keyed with the public key (the RS/HS confusion attack)") {
    const std::string input = B64(R"({"kid":"k1","alg":"HS256"})") + "." + p;
    const std::string secret = core::DumpCompact(key->PublicJwk());
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0;
    REQUIRE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                      reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, sizeof mac,
                      &mac_len) != nullptr);
    std::string hs = input + "." + B64(std::string(reinterpret_cast<const char*>(mac), mac_len));
    CHECK(VerifyError(hs, keys) == core::ErrorCode::kUnauthorized);
    CHECK(VerifyError(input + "." + s, keys) == core::ErrorCode::kUnauthorized);
    CHECK(VerifyError(signed_with_header(R"({"kid":"k1","alg":"HS256"})"), keys) == core::ErrorCode::kUnauthorized);
  }
  SECTION("other alg spellings") {
    for (const char* header :
         {R"({"kid":"k1","alg":"rs256"})", R"({"kid":"k1","alg":"RS512"})", R"({"kid":"k1","alg":"PS256"})",
          R"({"kid":"k1"})", R"({"kid":"k1","alg":null})", R"({"kid":"k1","alg":["RS256"]})"}) {
      CHECK(VerifyError(signed_with_header(header), keys) == core::ErrorCode::kUnauthorized);
    }
  }
  SECTION("unknown, missing or non-string kid") {
    CHECK(VerifyError(*token, {MustGenerate("k2")}) == core::ErrorCode::kUnauthorized);
    CHECK(VerifyError(*token, {}) == core::ErrorCode::kUnauthorized);
    CHECK(VerifyError(*token, {nullptr}) == core::ErrorCode::kUnauthorized);
    for (const char* header : {R"({"alg":"RS256"})", R"({"kid":"K1","alg":"RS256"})", R"({"kid":1,"alg":"RS256"})",
                               R"({"kid":"","alg":"RS256"})"}) {
      CHECK(VerifyError(signed_with_header(header), keys) == core::ErrorCode::kUnauthorized);
    }
  }
  SECTION("a crit header we do not understand") {
    CHECK(VerifyError(signed_with_header(R"({"kid":"k1","alg":"RS256","crit":["exp"],"exp":1})"), keys) ==
          core::ErrorCode::kUnauthorized);
  }
}

TEST_CASE("Malformed tokens: kInvalidValue from DecodeJwt and VerifyJwt", "[jwt]") {
  const auto& key = SharedKey();
  const std::vector<std::shared_ptr<const SigningKey>> keys = {key};
  auto token = SignJwt(*key, IdTokenPayload());
  REQUIRE(token.ok());
  auto parts = Split(*token);
  const std::string& h = parts[0];
  const std::string& p = parts[1];
  const std::string& s = parts[2];
  const std::string padded_sig = core::Base64Encode(Decoded(s));  // standard alphabet, padded if need be

  std::vector<std::string> bad = {
      "",
      "garbage",
      "not a token at all",
      h + "." + p,                      // 2 parts
      h + "." + p + "." + s + "." + s,  // 4 parts (JWE has 5)
      h + "." + p + "." + s + ".",
      "..",
      ".",
      h + "=." + p + "." + s,                          // padding
      h + "." + p + "." + s + "=",                     //
      h + "." + p + ".AAAA=",                          //
      h + "." + p + " ." + s,                          // whitespace
      " " + *token,                                    //
      *token + "\n",                                   //
      h + "." + p + "." + padded_sig,                  // standard base64 (256 bytes always end in "==")
      B64("not json") + "." + p + "." + s,             // header not JSON
      B64("[1]") + "." + p + "." + s,                  // header not an object
      h + "." + B64("[1,2]") + "." + s,                // payload not an object
      h + "." + B64("\"sub\"") + "." + s,              //
      h + "." + B64("{\"sub\":") + "." + s,            // payload truncated
      h + "." + B64(std::string(200, '[')) + "." + s,  // too deep
      h + "." + B64("{\"a\":1} trailing") + "." + s,   //
      "eyJ." + p + "." + s,                            // length ≡ 1 mod 4
  };
  for (const auto& t : bad) {
    INFO(t);
    auto d = DecodeJwt(t);
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().code == core::ErrorCode::kInvalidValue);
    CHECK(VerifyError(t, keys) == core::ErrorCode::kInvalidValue);
  }
  // The padded/standard-alphabet case above is only a test if the signature really contains one of them.
  CHECK(padded_sig != s);
}

TEST_CASE("DecodeJwt does not verify: it decodes alg none and foreign tokens", "[jwt]") {
  const std::string t = B64(R"({"alg":"none"})") + "." + B64(R"({"sub":"x"})") + ".";
  auto d = DecodeJwt(t);
  REQUIRE(d.ok());
  CHECK(d->header["alg"] == "none");
  CHECK(d->payload["sub"] == "x");
  CHECK(d->signature.empty());
  CHECK(d->signing_input == t.substr(0, t.size() - 1));
}

TEST_CASE("HalfSha256: the OIDC at_hash and c_hash vectors", "[jwt]") {
  // OpenID Connect Core 1.0 appendix A.3 (at_hash) and A.4 (c_hash).
  CHECK(HalfSha256("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y") == "77QmUPtjPfzWtF2AnpK9RQ");
  CHECK(HalfSha256("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk") == "LDktKdoQak3Pk0cnXxCltA");
  // Ping Identity's worked example (SHA-256 c1f82f98 4f55c630 2e76c97d 95ce93a8 …).
  CHECK(HalfSha256("dNZX1hEZ9wBCzNL40Upu646bdzQA") == "wfgvmE9VxjAudsl9lc6TqA");
  CHECK(HalfSha256("").size() == 22);  // 16 bytes → 22 characters, no padding
}

TEST_CASE("PkceS256: RFC 7636 appendix B", "[jwt]") {
  CHECK(PkceS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  // A one-character change is a different challenge (a look-alike verifier circulates with a wrong ending).
  CHECK(PkceS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWlLqV1M") == "LX5GH_V47wANfwOWBQg3wbLVaeUofrEoGux2VMvD6HQ");
  // SHA-256("") = e3b0c442…; a 32-byte hash is 43 characters.
  CHECK(PkceS256("") == "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
}

TEST_CASE("One key signs and verifies from several threads at once", "[jwt]") {
  const auto& key = SharedKey();
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        core::Json payload = IdTokenPayload();
        payload["jti"] = "ID." + std::to_string(t) + "." + std::to_string(i);
        auto token = SignJwt(*key, payload);
        if (!token.ok()) continue;
        auto back = VerifyJwt(*token, {key});
        if (back.ok() && *back == payload) ++ok[static_cast<size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == std::vector<int>{10, 10, 10, 10});
}
