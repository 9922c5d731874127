#include <catch2/catch.hpp>

#include "core/secret.h"

using namespace core;

TEST_CASE("random tokens are URL-safe and differ", "[core][secret]") {
  auto a = RandomToken(32), b = RandomToken(32);
  CHECK(a != b);
  CHECK(a.size() == 43);
  CHECK(a.find_first_of("+/=") == std::string::npos);
}

TEST_CASE("constant-time compare is still a correct compare", "[core][secret]") {
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "ab"));
  CHECK_FALSE(ConstantTimeEquals("ab", "abc"));
  CHECK_FALSE(ConstantTimeEquals("", "x"));
}

TEST_CASE("base64 round-trips and rejects bad input", "[core][secret]") {
  std::string out;
  CHECK(Base64Encode("user:pass") == "dXNlcjpwYXNz");
  REQUIRE(Base64Decode("dXNlcjpwYXNz", &out));
  CHECK(out == "user:pass");
  REQUIRE(Base64Decode("YQ==", &out));
  CHECK(out == "a");
  CHECK_FALSE(Base64Decode("abc", &out));
}
