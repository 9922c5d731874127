#include "app/scenario_cmd.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/clock.h"
#include "core/http.h"
#include "encryption_stub/encryption_stub.h"
#include "mock_okta/mock_okta.h"
#include "scenarios/junit.h"
#include "scenarios/traffic.h"
#include "scim_server/scim_server.h"

#ifndef OKTA_SANDBOX_VERSION
#define OKTA_SANDBOX_VERSION "dev"
#endif

namespace scenario_cmd {

namespace {

namespace fs = std::filesystem;
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

SandboxRun RunInFreshSandbox(const scenarios::Scenario& scenario, const ScenarioOptions& o,
                             const scenarios::ProgressFn& progress) {
  SandboxRun run;
  core::ManualClock clock(*core::ParseIso8601(kEpoch));
  core::UuidV7Source scim_ids(clock, o.seed);
  bool external = !o.against_url.empty();

  std::unique_ptr<encryption::EncryptionStub> stub;
  std::unique_ptr<scim::ScimServer> scim_server;
  scenarios::Endpoints ep;
  int enc_port = 0, scim_port = 0;
  if (!external) {
    encryption::Config ec;
    ec.port = 0;
    ec.secret = kEncryptionSecret;
    ec.clock = &clock;
    stub = std::make_unique<encryption::EncryptionStub>(ec);
    auto p = stub->Start();
    if (!p.ok()) {
      run.error = "encryption service did not start: " + p.error().detail;
      return run;
    }
    enc_port = *p;
    scim::Config sc;
    sc.port = 0;
    sc.token = kScimToken;
    sc.clock = &clock;
    sc.ids = &scim_ids;
    sc.encryption_url = stub->base_url();
    sc.encryption_secret = kEncryptionSecret;
    sc.group_provisioning = true;
    scim_server = std::make_unique<scim::ScimServer>(sc);
    auto sp = scim_server->Start();
    if (!sp.ok()) {
      run.error = "SCIM server did not start: " + sp.error().detail;
      return run;
    }
    scim_port = *sp;
    ep.scim_base_url = scim_server->base_url();
    ep.scim_token = kScimToken;
    ep.scim_admin_url = "http://127.0.0.1:" + std::to_string(scim_port) + "/admin/api";
    ep.encryption_url = stub->base_url();
    ep.encryption_secret = kEncryptionSecret;
  } else {
    ep.scim_base_url = o.against_url;
    ep.scim_token = o.against_token;
  }

  okta::Config oc;
  oc.port = 0;
  oc.api_token = kOktaToken;
  oc.clock = &clock;
  oc.seed = o.seed;
  oc.preset = okta::PresetApp{ep.scim_base_url, ep.scim_token};
  okta::MockOkta mock(oc);
  auto op = mock.Start();
  if (!op.ok()) {
    run.error = "mock Okta did not start: " + op.error().detail;
    return run;
  }
  run.started = true;
  ep.okta_url = mock.base_url();
  ep.okta_token = kOktaToken;
  ep.wait_idle = [&mock](std::chrono::milliseconds t) { return mock.WaitIdle(t); };

  run.outcome = scenarios::RunScenario(scenario, ep, progress);
  auto traffic = scenarios::FetchTraffic(ep.okta_url);
  if (traffic.ok()) run.traffic = scenarios::NormalizeTraffic(*traffic, StableOrigins(*op, scim_port, enc_port));
  mock.Stop();
  if (scim_server) scim_server->Stop();
  if (stub) stub->Stop();
  return run;
}

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
  for (size_t i = 0; i < loaded.size(); ++i) {
    const auto& s = loaded[i];
    std::printf("[%zu/%zu] %s  (%s)\n", i + 1, loaded.size(), s.name.c_str(), s.file.c_str());
    std::fflush(stdout);
    scenarios::ProgressFn progress = [&o](const std::string& line) {
      if (!o.verbose && line.find("…") == std::string::npos) return;
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
    SandboxRun run = RunInFreshSandbox(s, o, progress);
    if (!run.started) {
      std::printf("  ERROR %s\n", run.error.c_str());
      return 2;
    }
    const auto& out = run.outcome;
    if (out.skipped) {
      std::printf("  SKIP  %s: %s\n", s.name.c_str(), out.skip_reason.c_str());
    } else if (out.passed) {
      std::printf("  PASS  %s  (%.1f s, %zu steps, %lld SCIM requests)\n", s.name.c_str(), out.seconds, out.steps,
                  static_cast<long long>(out.requests));
    } else {
      code = 1;
      std::printf("  FAIL  %s  (%.1f s, %zu steps)\n%s", s.name.c_str(), out.seconds, out.steps,
                  scenarios::FailureReport(out).c_str());
    }
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
    outcomes.push_back(out);
  }
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
