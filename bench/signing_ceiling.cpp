// The RS256 signing ceiling a sign-in benchmark is measured against: one
// 2048-bit key, one thread, an Okta-shaped ID token.
//   signing_ceiling [SECONDS=5]
// runs for SECONDS each
//   sign_jwt   okta::signon::SignJwt (JSON dump + base64url + sign)
//   raw        the bare OpenSSL loop over the same signing input: a fresh
//              EVP_MD_CTX, EVP_DigestSignInit(SHA-256), EVP_DigestSign
// and prints one JSON object on stdout: signatures/s, p50/p99 µs per sign.
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/pem.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "mock_okta/signon/jwt.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Run {
  long count = 0;
  double seconds = 0;
  std::vector<double> us;  // one per sign
};

template <class F>
Run Loop(double seconds, F&& sign_once) {
  Run r;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  for (auto t = start; t < end;) {
    sign_once();
    const auto t2 = Clock::now();
    r.us.push_back(std::chrono::duration<double, std::micro>(t2 - t).count());
    t = t2;
  }
  r.count = static_cast<long>(r.us.size());
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

double Pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

core::Json Summary(const Run& r) {
  core::Json j;
  j["signatures"] = r.count;
  j["seconds"] = r.seconds;
  j["per_s"] = static_cast<double>(r.count) / r.seconds;
  j["p50_us"] = Pct(r.us, 0.50);
  j["p99_us"] = Pct(r.us, 0.99);
  return j;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "signing_ceiling: %s\n", what.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
  if (!(seconds > 0)) {
    std::fprintf(stderr, "usage: signing_ceiling [SECONDS]\n");
    return 2;
  }
  auto key = okta::signon::SigningKey::Generate("bench-kid-0");
  if (!key.ok()) Die(key.error().detail);

  // An Okta ID token (default authorization server, authorization code flow).
  core::Json payload;
  payload["sub"] = "00u1a2b3c4d5e6f7g8h9";
  payload["name"] = "Ada Lovelace";
  payload["email"] = "ada.lovelace@example.com";
  payload["ver"] = 1;
  payload["iss"] = "https://dev-12345678.okta.com/oauth2/default";
  payload["aud"] = "0oa1a2b3c4d5e6f7g8h9";
  payload["iat"] = 1700000000;
  payload["exp"] = 1700003600;
  payload["jti"] = "ID.4eAWJOCMB3SX8XewDfVR1RD8WDE3s8r9mPVqjrBLtfY";
  payload["amr"] = core::Json::array({"pwd"});
  payload["idp"] = "00o1a2b3c4d5e6f7g8h9";
  payload["nonce"] = "n-0S6_WzA2Mj";
  payload["preferred_username"] = "ada.lovelace@example.com";
  payload["auth_time"] = 1699999990;
  payload["at_hash"] = "77QmUPtjPfzWtF2AnpK9RQ";

  auto token = okta::signon::SignJwt(**key, payload);
  if (!token.ok()) Die(token.error().detail);
  if (!okta::signon::VerifyJwt(*token, {*key}).ok()) Die("the token does not verify");
  const std::string input = token->substr(0, token->rfind('.'));

  // The same key as a bare EVP_PKEY for the raw loop.
  const std::string pem = (*key)->ToPrivatePem();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, EVP_PKEY_free);
  if (!pkey) Die("PEM_read_bio_PrivateKey failed");

  Run jwt = Loop(seconds, [&] {
    auto t = okta::signon::SignJwt(**key, payload);
    if (!t.ok()) Die(t.error().detail);
  });
  std::vector<unsigned char> sig(static_cast<size_t>(EVP_PKEY_get_size(pkey.get())));
  Run raw = Loop(seconds, [&] {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t len = sig.size();
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) != 1 ||
        EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) != 1) {
      Die("EVP_DigestSign failed");
    }
  });

  core::Json out;
  out["openssl"] = OpenSSL_version(OPENSSL_VERSION);
  out["key_bits"] = EVP_PKEY_get_bits(pkey.get());
  out["threads"] = 1;
  out["payload_bytes"] = core::DumpCompact(payload).size();
  out["signing_input_bytes"] = input.size();
  out["token_bytes"] = token->size();
  out["sign_jwt"] = Summary(jwt);
  out["raw_evp_digest_sign"] = Summary(raw);
  out["sign_jwt_overhead_pct"] =
      100.0 * (Pct(jwt.us, 0.5) - Pct(raw.us, 0.5)) / std::max(Pct(raw.us, 0.5), 1e-9);  // by p50
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
