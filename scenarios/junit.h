// JUnit XML for CI (the common Jenkins/GitLab flavour: one <testsuite>, one
// <testcase> per scenario, <failure> with the readable diff, <skipped>).
#pragma once

#include <string>
#include <vector>

#include "scenarios/runner.h"

namespace scenarios {

std::string JunitXml(const std::vector<Outcome>& outcomes, const std::string& suite_name = "okta-sandbox scenarios");

// The same failures as text, as the CLI prints them.
std::string FailureReport(const Outcome& outcome);

}  // namespace scenarios
