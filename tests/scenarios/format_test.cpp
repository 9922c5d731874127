// The scenario file format: comments, shape checks, readable parse errors.
#include <catch2/catch.hpp>

#include "scenarios/scenario.h"

using scenarios::ParseScenario;
using scenarios::StripComments;

TEST_CASE("comments outside strings are removed and strings keep their slashes", "[scenarios][format]") {
  std::string text = "{ // a comment\n \"url\": \"http://x/*y*/\", /* block\n comment */ \"a\": \"b\\\"//c\" }";
  std::string clean = StripComments(text);
  CHECK(clean.find("a comment") == std::string::npos);
  CHECK(clean.find("block") == std::string::npos);
  CHECK(clean.find("http://x/*y*/") != std::string::npos);
  CHECK(clean.find("b\\\"//c") != std::string::npos);
  // line numbers survive a block comment
  CHECK(std::count(clean.begin(), clean.end(), '\n') == std::count(text.begin(), text.end(), '\n'));
}

TEST_CASE("a scenario with comments parses into setup, steps and expect", "[scenarios][format]") {
  auto s = ParseScenario(R"({
    // the story
    "name": "demo", "description": "d",
    "setup": {"app": {"clientProfile": "oin_patch"}, "directory": {"users": [{"login": "a@x.test"}]}},
    "steps": [ {"assign": "a@x.test", "comment": "why"}, /* wait */ {"waitIdle": {}} ],
    "expect": {"scim": {"totalUsers": 1}}
  })");
  REQUIRE(s.ok());
  CHECK(s->name == "demo");
  CHECK(s->steps.size() == 2);
  CHECK(s->auto_wait);
  CHECK(s->setup["app"]["clientProfile"] == "oin_patch");
}

TEST_CASE("parse errors name the line, unknown keys and step kinds name the JSON path", "[scenarios][format]") {
  auto bad = ParseScenario("{\n\"name\": \"x\",\n\"steps\": [,]\n}");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().detail.find("line 3") != std::string::npos);

  auto unknown = ParseScenario(R"({"name": "x", "stepz": []})");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().detail == "$.stepz: unknown key");

  auto kind = ParseScenario(R"({"name": "x", "steps": [{"assing": "a"}]})");
  REQUIRE_FALSE(kind.ok());
  CHECK(kind.error().detail == "$.steps[0].assing: unknown step kind");

  auto two = ParseScenario(R"({"name": "x", "steps": [{"assign": "a", "unassign": "b"}]})");
  REQUIRE_FALSE(two.ok());
  CHECK(two.error().detail.find("exactly one action") != std::string::npos);

  auto noname = ParseScenario(R"({"steps": []})");
  REQUIRE_FALSE(noname.ok());
  CHECK(noname.error().detail.find("$.name") == 0);
}

TEST_CASE("every bundled scenario parses", "[scenarios][format]") {
  auto files = scenarios::ScenarioFilesIn(scenarios::BundledScenarioDir());
  CHECK(files.size() >= 10);
  for (const auto& f : files) {
    INFO(f);
    auto s = scenarios::LoadScenario(f);
    if (!s.ok()) INFO(s.error().detail);
    CHECK(s.ok());
  }
}
