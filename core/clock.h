// Time and id sources, injectable so a scenario can run on a fixed clock with
// seeded ids and produce the same traffic byte for byte.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>

namespace core {

using TimePoint = std::chrono::system_clock::time_point;

// Clock: thread-safe source of wall-clock time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// ManualClock: time moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override;
  void Set(TimePoint t);
  void Advance(std::chrono::milliseconds d);

 private:
  mutable std::mutex mu_;
  TimePoint now_;
};

// "2024-05-01T12:00:00.000Z": fixed width, so strings sort like instants.
std::string FormatIso8601(TimePoint t);
// Accepts RFC 3339 / xsd:dateTime: date, 'T', time, optional fraction,
// 'Z' or ±hh:mm. Returns nullopt when the text is not such a value, or names
// an instant outside what TimePoint holds (about 1678-09 to 2262-04).
std::optional<TimePoint> ParseIso8601(const std::string& text);
// RFC 7231 IMF-fixdate, for HTTP Date headers.
std::string FormatHttpDate(TimePoint t);

// IdSource: makes resource ids. Thread-safe.
class IdSource {
 public:
  virtual ~IdSource() = default;
  // A UUID string (8-4-4-4-12 lower-case hex).
  virtual std::string NewUuid() = 0;
  // `n` random bytes (used for Okta-style ids and tokens in tests).
  virtual uint64_t NextRandom() = 0;
};

// Time-ordered UUIDs (UUIDv7 layout: 48-bit ms timestamp, then random bits),
// which keep SQLite's unique index appends cheap. With a seed, the random part
// is deterministic; with a ManualClock as well, every id is reproducible.
class UuidV7Source final : public IdSource {
 public:
  explicit UuidV7Source(const Clock& clock, std::optional<uint64_t> seed = std::nullopt);
  std::string NewUuid() override;
  uint64_t NextRandom() override;

 private:
  const Clock& clock_;
  std::mutex mu_;
  std::mt19937_64 rng_;
  uint64_t last_ms_ = 0;
  uint64_t counter_ = 0;
};

}  // namespace core
