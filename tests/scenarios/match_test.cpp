// Subset matching and its mismatch paths, globs and query parsing.
#include <catch2/catch.hpp>

#include "scenarios/match.h"

using namespace scenarios;

TEST_CASE("an expected object is a subset of the actual one and mismatches name their path", "[scenarios][match]") {
  Json actual = Json::parse(R"({"userName":"a","name":{"givenName":"A","familyName":"L"},"emails":[{"value":"a@x"}],"active":true})");
  std::vector<Mismatch> ms;
  CHECK(MatchSubset(Json::parse(R"({"name":{"familyName":"L"},"active":true})"), actual, "$", &ms));
  CHECK(MatchSubset(Json::parse(R"({"userName":"*","title":null,"emails":[{"value":"~@x"}]})"), actual, "$", &ms));
  CHECK(ms.empty());
  CHECK_FALSE(MatchSubset(Json::parse(R"({"name":{"familyName":"Lee"},"emails":[],"title":"x"})"), actual, "$", &ms));
  REQUIRE(ms.size() == 3);
  CHECK(ms[0].ToString() == "$.name.familyName: expected \"Lee\", got \"L\"");
  CHECK(ms[1].path == "$.emails");
  CHECK(ms[2].ToString() == "$.title: expected \"x\", got absent");
}

TEST_CASE("numbers compare by value and globs match paths", "[scenarios][match]") {
  std::vector<Mismatch> ms;
  CHECK(MatchSubset(Json(1), Json(1.0), "$", &ms));
  CHECK(GlobMatch("/Users/*", "/Users/0190-abc"));
  CHECK(GlobMatch("/Users", "/Users"));
  CHECK_FALSE(GlobMatch("/Users", "/Users/1"));
  CHECK(GlobMatch("*eq \"a@x\"*", "filter=email eq \"a@x\"&count=100"));
}

TEST_CASE("queries decode %20 and + as spaces", "[scenarios][match]") {
  auto q = ParseQuery("filter=userName%20eq%20%22a%40x%22&startIndex=1&count=100");
  CHECK(q["filter"] == "userName eq \"a@x\"");
  CHECK(q["count"] == "100");
  CHECK(ParseQuery("filter=userName+eq+%22a%22")["filter"] == "userName eq \"a\"");
}
