// Okta-style ids (00u… users, 00g… groups, 0oa… apps: a 3-char prefix and
// 17 base62 characters, 20 in all), placeholder passwords and event uuids,
// from one seedable generator; and the mock's clock, which the sandbox time
// control can move forward. Both thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "core/clock.h"

namespace okta {

class OktaIds {
 public:
  explicit OktaIds(std::optional<uint64_t> seed);
  std::string NewId(const std::string& prefix);  // prefix + 17 base62
  std::string NewPassword();                     // 8 chars [a-z0-9], Okta's create placeholder
  std::string NewUuid();                         // random-layout v4 uuid

 private:
  std::mutex mu_;
  std::mt19937_64 rng_;
};

// Base clock plus an offset advanced by POST /sandbox/time.
class SandboxClock final : public core::Clock {
 public:
  explicit SandboxClock(const core::Clock& base) : base_(base) {}
  core::TimePoint Now() const override { return base_.Now() + std::chrono::milliseconds(offset_ms_.load()); }
  void Advance(std::chrono::milliseconds d) { offset_ms_ += d.count(); }
  int64_t offset_ms() const { return offset_ms_.load(); }

 private:
  const core::Clock& base_;
  std::atomic<int64_t> offset_ms_{0};
};

}  // namespace okta
