#include "mock_okta/okta_ids.h"

#include <cstdio>

namespace okta {

OktaIds::OktaIds(std::optional<uint64_t> seed) : rng_(seed ? *seed : std::random_device{}()) {}

std::string OktaIds::NewId(const std::string& prefix) {
  static const char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::lock_guard<std::mutex> lock(mu_);
  std::string id = prefix;
  for (int i = 0; i < 17; ++i) id += kAlphabet[rng_() % 62];
  return id;
}

std::string OktaIds::NewPassword() {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::lock_guard<std::mutex> lock(mu_);
  std::string pw;
  for (int i = 0; i < 8; ++i) pw += kAlphabet[rng_() % 36];
  return pw;
}

std::string OktaIds::NewUuid() {
  uint64_t a, b;
  {
    std::lock_guard<std::mutex> lock(mu_);
    a = rng_();
    b = rng_();
  }
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

}  // namespace okta
