// The scenario file format: comments, shape checks, readable parse errors.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/bundled_scenarios.h"
#include "app/scenario_cmd.h"
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

  // A number beyond a double's range is an error, not an exception that ends
  // the command (found by fuzz_scenario; the input is in its corpus).
  auto huge = ParseScenario(R"({"name": "x", "steps": [], "description": 1e400})");
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().code == core::ErrorCode::kInvalidSyntax);
  CHECK(huge.error().detail.find("number overflow") != std::string::npos);

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
  CHECK(app::BundledScenarios().size() >= 10);
  for (const auto& b : app::BundledScenarios()) {
    INFO(b.name);
    auto s = scenario_cmd::LoadBundledScenario(std::string(b.name));
    if (!s.ok()) INFO(s.error().detail);
    CHECK(s.ok());
    if (s.ok()) CHECK(s->file == "bundled:" + std::string(b.name) + ".json");
  }
}

TEST_CASE("the bundled scenarios are scenarios/*.json, byte for byte, built into the binary", "[scenarios][format]") {
  auto files = scenarios::ScenarioFilesIn(OKTA_SANDBOX_SOURCE_SCENARIOS);
  REQUIRE(files.ok());
  REQUIRE(app::BundledScenarios().size() == files->size());
  for (size_t i = 0; i < files->size(); ++i) {
    const auto& b = app::BundledScenarios()[i];
    INFO((*files)[i]);
    CHECK(std::filesystem::path((*files)[i]).stem().string() == b.name);
    std::ifstream in((*files)[i], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    CHECK(ss.str() == b.text);
  }
  CHECK(scenario_cmd::LoadBundledScenario("setup-guide.json").ok());  // with or without .json
  CHECK(scenario_cmd::LoadBundledScenario("no-such-scenario").error().code == core::ErrorCode::kNotFound);
}

TEST_CASE("a folder without scenario files, or that is no folder, is an error naming it", "[scenarios][format]") {
  auto dir = std::filesystem::temp_directory_path() / ("scenario-folder-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "notes.txt") << "not a scenario";
  auto empty = scenarios::ScenarioFilesIn(dir.string());
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().detail == dir.string() + ": no scenario files (*.json) in this folder");
  auto file = scenarios::ScenarioFilesIn((dir / "notes.txt").string());
  REQUIRE_FALSE(file.ok());
  CHECK(file.error().detail.find("not a folder") != std::string::npos);
  auto missing = scenarios::ScenarioFilesIn((dir / "missing").string());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().detail.find("no such folder") != std::string::npos);
  std::ofstream(dir / "b.json") << "{}";
  std::ofstream(dir / "a.json") << "{}";
  std::ofstream(dir / "x.schema.json") << "{}";
  auto two = scenarios::ScenarioFilesIn(dir.string());
  REQUIRE(two.ok());
  CHECK(*two == std::vector<std::string>{(dir / "a.json").string(), (dir / "b.json").string()});
  std::filesystem::remove_all(dir);
}

TEST_CASE("scenario list cuts a long description on a UTF-8 character boundary", "[scenarios][format]") {
  std::string e_acute = "\xC3\xA9";  // é, two bytes
  std::string long_text;
  for (int i = 0; i < 200; ++i) long_text += e_acute;
  std::string cut = scenario_cmd::EllipsizeUtf8(long_text, 110);
  CHECK(cut.size() == 109 * 2 + std::string("…").size());
  CHECK(cut.substr(0, 4) == e_acute + e_acute);
  CHECK(cut.ends_with(e_acute + "…"));
  CHECK(scenario_cmd::EllipsizeUtf8("short", 110) == "short");
  std::string exactly(110, 'x');
  CHECK(scenario_cmd::EllipsizeUtf8(exactly, 110) == exactly);
  CHECK(scenario_cmd::EllipsizeUtf8(exactly + "y", 110) == std::string(109, 'x') + "…");
}
