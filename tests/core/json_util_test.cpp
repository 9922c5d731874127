#include <catch2/catch.hpp>

#include "core/json_util.h"

using namespace core;

TEST_CASE("malformed JSON is an InvalidSyntax error with a position", "[core][json]") {
  auto r = ParseJson("{\"a\": ");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidSyntax);
  CHECK(r.error().detail.find("malformed JSON") != std::string::npos);
}

TEST_CASE("nesting deeper than the limit is refused without recursion blow-up", "[core][json]") {
  std::string deep(100000, '[');
  auto r = ParseJson(deep, 64);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidSyntax);
  std::string ok = std::string(10, '[') + std::string(10, ']');
  CHECK(ParseJson(ok, 64).ok());
}

TEST_CASE("compact dumps keep insertion order", "[core][json]") {
  auto r = ParseJson(R"({"b":1,"a":[true,false]})");
  REQUIRE(r.ok());
  CHECK(DumpCompact(*r) == R"({"b":1,"a":[true,false]})");
}

TEST_CASE("case-insensitive key lookup", "[core][json]") {
  Json j = {{"userName", "x"}};
  REQUIRE(FindKeyCi(j, "USERNAME"));
  CHECK(*FindKeyCi(j, "username") == "x");
  CHECK(FindKeyCi(j, "name") == nullptr);
  CHECK(KeyCi(j, "UserName") == "userName");
}

TEST_CASE("a number beyond a double is malformed input, not an exception", "[json]") {
  auto r = core::ParseJson(R"({"a":1e400})");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == core::ErrorCode::kInvalidSyntax);
  CHECK(r.error().detail.find("1e400") != std::string::npos);
  CHECK(core::ParseJson(R"({"a":1e300})").ok());
}
