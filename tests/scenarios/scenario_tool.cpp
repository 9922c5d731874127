// Stand-in for `okta-sandbox scenario …` while the CLI wiring is pending in
// app/main.cpp: the same functions (app/scenario_cmd.h), a minimal parser.
//   scenario_tool run FILE... [--junit F] [--har F] [--against URL --token T] [--quiet]
//   scenario_tool list
//   scenario_tool replay FILE.har --against URL --token T
#include <cstdio>
#include <string>

#include "app/scenario_cmd.h"
#include "core/log.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: scenario_tool run FILE... | list | replay FILE.har --against URL --token T\n");
    return 2;
  }
  (void)core::InitLogging("warn");
  std::string cmd = argv[1];
  if (cmd == "list") return scenario_cmd::ListScenarios();
  scenario_cmd::ScenarioOptions o;
  std::string har_in;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--junit") o.junit_path = next();
    else if (a == "--har") o.har_path = next();
    else if (a == "--against") o.against_url = next();
    else if (a == "--token") o.against_token = next();
    else if (a == "--quiet") o.verbose = false;
    else if (cmd == "replay" && har_in.empty()) har_in = a;
    else o.files.push_back(a);
  }
  if (cmd == "run") return scenario_cmd::RunScenarios(o);
  if (cmd == "replay") return scenario_cmd::ReplayHarFile(har_in, o.against_url, o.against_token);
  std::fprintf(stderr, "unknown command %s\n", cmd.c_str());
  return 2;
}
