// The step table (scenarios/steps.h) is the one list of step kinds: the
// parser, the runner and StepKinds() read it, and scenario.schema.json must
// describe the same steps.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "scenarios/expectations.h"
#include "scenarios/scenario.h"
#include "scenarios/steps.h"

using core::Json;

namespace {

Json LoadSchema() {
  std::ifstream in(std::string(OKTA_SANDBOX_SOURCE_SCENARIOS) + "/scenario.schema.json");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return Json::parse(ss.str());
}

// The step object a schema `oneOf` entry describes, by its required key.
std::map<std::string, Json> SchemaSteps(const Json& schema) {
  std::map<std::string, Json> out;
  for (const auto& alt : schema["properties"]["steps"]["items"]["oneOf"]) {
    REQUIRE(alt["required"].size() == 1);
    out[alt["required"][0]] = alt;
  }
  return out;
}

}  // namespace

TEST_CASE("scenario.schema.json lists exactly the step kinds of the step table", "[scenarios][steps]") {
  auto schema_steps = SchemaSteps(LoadSchema());
  std::set<std::string> in_schema, in_table;
  for (const auto& [name, alt] : schema_steps) in_schema.insert(name);
  for (const auto& step : scenarios::StepTable()) in_table.insert(std::string(step.name));
  CHECK(in_schema == in_table);
  CHECK(scenarios::StepKinds().size() == scenarios::StepTable().size());
  CHECK(in_table.size() == scenarios::StepTable().size());  // no name twice
}

TEST_CASE("the keys the table allows for a step are the ones the schema allows", "[scenarios][steps]") {
  Json schema = LoadSchema();
  auto schema_steps = SchemaSteps(schema);
  for (const auto& step : scenarios::StepTable()) {
    if (step.keys.empty()) continue;
    std::string name(step.name);
    INFO(name);
    REQUIRE(schema_steps.count(name));
    Json value = schema_steps[name]["properties"][name];
    if (value.contains("$ref")) {  // "#/$defs/<name>"
      std::string ref = value["$ref"];
      value = schema["$defs"][ref.substr(ref.rfind('/') + 1)];
    }
    std::set<std::string> allowed(step.keys.begin(), step.keys.end()), described;
    for (auto it = value["properties"].begin(); it != value["properties"].end(); ++it) described.insert(it.key());
    CHECK(allowed == described);
    CHECK(value["additionalProperties"] == false);
  }
}

TEST_CASE("every step kind has a handler, and the parser knows every kind of the table", "[scenarios][steps]") {
  for (const auto& step : scenarios::StepTable()) {
    std::string name(step.name);
    INFO(name);
    CHECK(step.run != nullptr);
    CHECK(scenarios::FindStep(name) == &step);
    auto parsed = scenarios::ParseScenario(R"({"name": "x", "steps": [{")" + name + R"(": {}}]})");
    CHECK(parsed.ok());
  }
  CHECK(scenarios::FindStep("assing") == nullptr);
}

TEST_CASE("the table's allowed keys are checked when a scenario is parsed", "[scenarios][steps]") {
  auto bad = scenarios::ParseScenario(R"({"name": "x", "steps": [{"expect": {"scimm": {}}}]})");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().detail == "$.steps[0].expect.scimm: unknown key");
  auto not_object = scenarios::ParseScenario(R"({"name": "x", "steps": [{"expect": []}]})");
  REQUIRE_FALSE(not_object.ok());
  CHECK(not_object.error().detail == "$.steps[0].expect: must be an object");
}
