// Helpers the scenario tests share: a scenario from inline JSON (the test
// stops when it does not parse), and a run's failures as text for INFO.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "scenarios/runner.h"
#include "scenarios/scenario.h"

namespace scenario_fixture {

inline scenarios::Scenario Inline(const std::string& text) {
  auto s = scenarios::ParseScenario(text);
  INFO((s.ok() ? "" : s.error().detail));
  REQUIRE(s.ok());
  return *s;
}

inline std::string Failures(const scenarios::Outcome& o) {
  std::string s;
  for (const auto& f : o.failures) s += "FAILED " + f.where + "\n" + f.message + "\n";
  return s;
}

}  // namespace scenario_fixture
