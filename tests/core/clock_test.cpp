#include <catch2/catch.hpp>

#include <set>

#include "core/clock.h"

using namespace core;
using namespace std::chrono;

TEST_CASE("ISO 8601 formatting is fixed-width with milliseconds and round-trips", "[core][clock]") {
  TimePoint t{milliseconds(1714564800123)};
  CHECK(FormatIso8601(t) == "2024-05-01T12:00:00.123Z");
  auto back = ParseIso8601("2024-05-01T12:00:00.123Z");
  REQUIRE(back);
  CHECK(*back == t);
}

TEST_CASE("ISO 8601 parsing accepts offsets and rejects junk", "[core][clock]") {
  auto a = ParseIso8601("2024-05-01T14:00:00+02:00");
  REQUIRE(a);
  CHECK(FormatIso8601(*a) == "2024-05-01T12:00:00.000Z");
  CHECK_FALSE(ParseIso8601("2024-05-01"));
  CHECK_FALSE(ParseIso8601("2024-13-01T00:00:00Z"));
  CHECK_FALSE(ParseIso8601("2024-05-01T12:00:00Zjunk"));
}

TEST_CASE("UUIDv7 ids increase and a seed with a manual clock makes them reproducible", "[core][ids]") {
  ManualClock clock(TimePoint{milliseconds(1700000000000)});
  UuidV7Source a(clock, 42), b(clock, 42);
  std::string prev;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto x = a.NewUuid();
    CHECK(x == b.NewUuid());
    CHECK(x.size() == 36);
    CHECK(x[14] == '7');
    CHECK(x > prev);
    prev = x;
    seen.insert(x);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("ParseIso8601 refuses instants a TimePoint cannot hold instead of wrapping", "[clock]") {
  CHECK_FALSE(core::ParseIso8601("2300-01-01T00:00:00Z"));
  CHECK_FALSE(core::ParseIso8601("1600-01-01T00:00:00Z"));
  CHECK_FALSE(core::ParseIso8601("9999-12-31T23:59:59Z"));
  auto late = core::ParseIso8601("2261-12-31T23:59:59Z");
  auto now = core::ParseIso8601("2026-11-29T00:00:00Z");
  REQUIRE(late);
  REQUIRE(now);
  CHECK(*late > *now);
  CHECK(core::FormatIso8601(*late).rfind("2261-12-31T23:59:59", 0) == 0);
  auto early = core::ParseIso8601("1700-01-01T00:00:00Z");
  REQUIRE(early);
  CHECK(*early < *now);
}
