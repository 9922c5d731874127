#include "app/scenario_cmd.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/sandbox.h"
#include "scenarios/junit.h"
#include "scenarios/traffic.h"

#ifndef OKTA_SANDBOX_VERSION
#define OKTA_SANDBOX_VERSION "dev"
#endif

namespace scenario_cmd {

namespace {

namespace fs = std::filesystem;
using app::Deterministic;
using app::ExternalScim;
using app::Sandbox;
using app::SandboxConfig;
using core::Json;

// Every scenario starts at the same instant.
constexpr const char* kEpoch = "2024-05-01T09:00:00.000Z";
constexpr const char* kOktaToken = "scenario-okta-api-token";
constexpr const char* kScimToken = "scenario-scim-token";
constexpr const char* kEncryptionSecret = "scenario-encryption-secret";

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// "127.0.0.1:<ephemeral>" → the default port of that service, longest first
// so one port that prefixes another cannot be half-replaced.
scenarios::Normalization StableOrigins(int okta, int scim, int enc) {
  scenarios::Normalization n;
  std::vector<std::pair<int, int>> ports = {{okta, 7010}, {scim, 7020}, {enc, 7030}};
  std::sort(ports.begin(), ports.end(), [](auto a, auto b) { return std::to_string(a.first).size() > std::to_string(b.first).size(); });
  for (auto [from, to] : ports)
    if (from > 0) n.replace.push_back({"127.0.0.1:" + std::to_string(from), "127.0.0.1:" + std::to_string(to)});
  return n;
}

// Expands folders and bundled names into files.
std::vector<std::string> ExpandFiles(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& a : args) {
    std::error_code ec;
    if (fs::is_directory(a, ec)) {
      for (auto& f : scenarios::ScenarioFilesIn(a)) out.push_back(f);
    } else if (!fs::exists(a, ec) && fs::exists(fs::path(scenarios::BundledScenarioDir()) / (a + ".json"), ec)) {
      out.push_back((fs::path(scenarios::BundledScenarioDir()) / (a + ".json")).string());
    } else {
      out.push_back(a);
    }
  }
  return out;
}

std::string HarPathFor(const std::string& har, const std::string& scenario_file, size_t count) {
  if (count <= 1) return har;
  fs::path p(har);
  std::string stem = p.stem().string() + "-" + fs::path(scenario_file).stem().string();
  return (p.parent_path() / (stem + (p.has_extension() ? p.extension().string() : ".har"))).string();
}

}  // namespace

std::string HarText(const Json& traffic) { return scenarios::TrafficToHar(traffic, OKTA_SANDBOX_VERSION).dump(2) + "\n"; }

// The sandbox every scenario runs on: in memory, free ports, fixed clock,
// seeded ids and one in-order provisioning worker, so the same file gives
// the same traffic on every run.
SandboxConfig ScenarioSandboxConfig(const ScenarioOptions& o) {
  SandboxConfig c;
  c.okta_port = c.scim_port = c.encryption_port = 0;
  c.okta_token = kOktaToken;
  c.scim_token = kScimToken;
  c.encryption_secret = kEncryptionSecret;
  c.provisioning_workers = 1;
  c.deterministic = Deterministic{kEpoch, o.seed};
  if (!o.against_url.empty()) c.external_scim = ExternalScim{o.against_url, o.against_token};
  return c;
}

SandboxRun RunInFreshSandbox(const scenarios::Scenario& scenario, const ScenarioOptions& o,
                             const scenarios::ProgressFn& progress) {
  SandboxRun run;
  Sandbox sandbox(ScenarioSandboxConfig(o));
  if (auto st = sandbox.Start(); !st.ok()) {
    run.error = st.error().detail;
    return run;
  }
  run.started = true;
  scenarios::Endpoints ep;
  ep.okta_url = sandbox.okta_url();
  ep.okta_token = sandbox.okta_token();
  ep.scim_base_url = sandbox.scim_base_url();
  ep.scim_token = sandbox.scim_token();
  ep.scim_admin_url = sandbox.scim_admin_url();
  ep.encryption_url = sandbox.encryption_url();
  ep.encryption_secret = sandbox.encryption_secret();
  ep.wait_idle = [&sandbox](std::chrono::milliseconds t) { return sandbox.WaitIdle(t); };

  run.outcome = scenarios::RunScenario(scenario, ep, progress);
  auto traffic = scenarios::FetchTraffic(ep.okta_url);
  auto origins = StableOrigins(sandbox.okta_port(), sandbox.scim_port(), sandbox.encryption_port());
  if (traffic.ok()) run.traffic = scenarios::NormalizeTraffic(*traffic, origins);
  sandbox.Stop();
  return run;
}

namespace {

// Prints a scenario's PASS/FAIL/SKIP line (and its failures); 1 when it failed, else 0.
int ReportOutcome(const scenarios::Scenario& s, const scenarios::Outcome& out) {
  if (out.skipped) {
    std::printf("  SKIP  %s: %s\n", s.name.c_str(), out.skip_reason.c_str());
  } else if (out.passed) {
    std::printf("  PASS  %s  (%.1f s, %zu steps, %lld SCIM requests)\n", s.name.c_str(), out.seconds, out.steps,
                static_cast<long long>(out.requests));
  } else {
    std::printf("  FAIL  %s  (%.1f s, %zu steps)\n%s", s.name.c_str(), out.seconds, out.steps,
                scenarios::FailureReport(out).c_str());
    return 1;
  }
  return 0;
}

void PrintSummary(const std::vector<scenarios::Outcome>& outcomes) {
  size_t passed = 0, failed = 0, skipped = 0;
  for (const auto& out : outcomes) {
    if (out.skipped) {
      ++skipped;
    } else if (out.passed) {
      ++passed;
    } else {
      ++failed;
    }
  }
  std::printf("%zu passed, %zu failed, %zu skipped\n", passed, failed, skipped);
}

}  // namespace

int RunScenarios(const ScenarioOptions& o) {
  std::vector<std::string> files = ExpandFiles(o.files);
  if (files.empty()) {
    std::printf("no scenario files given\n");
    return 2;
  }
  std::vector<scenarios::Scenario> loaded;
  for (const auto& f : files) {
    auto s = scenarios::LoadScenario(f);
    if (!s.ok()) {
      std::printf("%s\n", s.error().detail.c_str());
      return 2;
    }
    loaded.push_back(std::move(*s));
  }
  std::vector<scenarios::Outcome> outcomes;
  int code = 0;
  scenarios::ProgressFn progress = [&o](const std::string& line) {
    if (!o.verbose && line.find("…") == std::string::npos) return;
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  for (size_t i = 0; i < loaded.size(); ++i) {
    const auto& s = loaded[i];
    std::printf("[%zu/%zu] %s  (%s)\n", i + 1, loaded.size(), s.name.c_str(), s.file.c_str());
    std::fflush(stdout);
    SandboxRun run = RunInFreshSandbox(s, o, progress);
    if (!run.started) {
      std::printf("  ERROR %s\n", run.error.c_str());
      return 2;
    }
    if (ReportOutcome(s, run.outcome) != 0) code = 1;
    if (!o.har_path.empty()) {
      std::string path = HarPathFor(o.har_path, s.file, loaded.size());
      if (!WriteFile(path, HarText(run.traffic))) {
        std::printf("  cannot write %s\n", path.c_str());
        code = code ? code : 2;
      } else {
        std::printf("  traffic: %s (%zu entries)\n", path.c_str(), run.traffic.size());
      }
    }
    std::fflush(stdout);
    outcomes.push_back(run.outcome);
  }
  PrintSummary(outcomes);
  if (!o.junit_path.empty() && !WriteFile(o.junit_path, scenarios::JunitXml(outcomes))) {
    std::printf("cannot write %s\n", o.junit_path.c_str());
    return 2;
  }
  return code;
}

int ListScenarios() {
  std::string dir = scenarios::BundledScenarioDir();
  auto files = scenarios::ScenarioFilesIn(dir);
  std::printf("Bundled scenarios in %s (run one with: okta-sandbox scenario run <name>)\n\n", dir.c_str());
  for (const auto& f : files) {
    auto s = scenarios::LoadScenario(f);
    std::string stem = fs::path(f).stem().string();
    if (!s.ok()) {
      std::printf("  %-28s (cannot be parsed: %s)\n", stem.c_str(), s.error().detail.c_str());
      continue;
    }
    std::printf("  %-28s %s\n", stem.c_str(), s->name.c_str());
    if (!s->description.empty()) {
      std::string d = s->description;
      if (d.size() > 110) d = d.substr(0, 107) + "...";
      std::printf("  %-28s   %s\n", "", d.c_str());
    }
  }
  return 0;
}

int ExportTrafficHar(const std::string& from, const std::string& har_path) {
  auto traffic = scenarios::FetchTraffic(from);
  if (!traffic.ok()) {
    std::fprintf(stderr, "cannot read the traffic of %s: %s\n", from.c_str(), traffic.error().detail.c_str());
    return 1;
  }
  scenarios::Normalization keep;
  keep.zero_durations = false;
  std::string text = HarText(scenarios::NormalizeTraffic(*traffic, keep));
  if (har_path.empty() || har_path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else if (!WriteFile(har_path, text)) {
    std::fprintf(stderr, "cannot write %s\n", har_path.c_str());
    return 1;
  } else {
    std::printf("%zu requests written to %s\n", traffic->size(), har_path.c_str());
  }
  return 0;
}

int ReplayHarFile(const std::string& har_path, const std::string& against_url, const std::string& token) {
  std::ifstream in(har_path, std::ios::binary);
  if (!in) {
    std::printf("%s: cannot be read\n", har_path.c_str());
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto har = core::ParseJson(ss.str(), 256);
  if (!har.ok()) {
    std::printf("%s: %s\n", har_path.c_str(), har.error().detail.c_str());
    return 2;
  }
  auto report = scenarios::ReplayHar(*har, against_url, token);
  if (!report.ok()) {
    std::printf("replay failed: %s\n", report.error().detail.c_str());
    return 2;
  }
  size_t last = static_cast<size_t>(-1);
  for (const auto& d : report->differences) {
    if (d.entry != last) std::printf("entry %zu: %s\n", d.entry + 1, d.request.c_str());
    last = d.entry;
    std::printf("    %s\n", d.message.c_str());
  }
  std::printf("%zu requests replayed against %s, %zu skipped (no recorded answer), %zu differences\n",
              report->replayed, against_url.c_str(), report->skipped, report->differences.size());
  return report->differences.empty() ? 0 : 1;
}

}  // namespace scenario_cmd
