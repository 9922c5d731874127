#include "app/scenario_cmd.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/bundled_scenarios.h"
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

// The scenarios one argument of `scenario run` names: a file, a folder of
// them (which must hold at least one), or a bundled name. A path that exists
// wins over a bundled name.
core::Status LoadArgument(const std::string& arg, std::vector<scenarios::Scenario>* out) {
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_directory(arg, ec)) {
    auto in_folder = scenarios::ScenarioFilesIn(arg);
    if (!in_folder.ok()) return in_folder.error();
    files = *in_folder;
  } else if (fs::exists(arg, ec)) {
    files.push_back(arg);
  } else {
    auto bundled = LoadBundledScenario(arg);
    if (!bundled.ok()) {
      return core::MakeError(core::ErrorCode::kNotFound,
                             arg + ": no such file or folder, and no bundled scenario of that name (see `okta-sandbox "
                                   "scenario list`)");
    }
    out->push_back(std::move(*bundled));
    return core::Status::Ok();
  }
  for (const auto& f : files) {
    auto s = scenarios::LoadScenario(f);
    if (!s.ok()) return s.error();
    out->push_back(std::move(*s));
  }
  return core::Status::Ok();
}

// "bundled:setup-guide.json" or "dir/setup-guide.json" → "setup-guide".
std::string StemOf(const std::string& file) {
  std::string f = file.rfind("bundled:", 0) == 0 ? file.substr(8) : file;
  return fs::path(f).stem().string();
}

// `s` padded with spaces to `width` code points.
std::string PadUtf8(std::string s, size_t width) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (n < width) s.append(width - n, ' ');
  return s;
}

std::string HarPathFor(const std::string& har, const std::string& scenario_file, size_t count) {
  if (count <= 1) return har;
  fs::path p(har);
  std::string stem = p.stem().string() + "-" + StemOf(scenario_file);
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

namespace {

// Runs one loaded scenario and reports it: `code` becomes 1 when it failed,
// 2 (unless already set) when its HAR cannot be written. False when the
// sandbox did not start (the run stops there).
bool RunOne(const scenarios::Scenario& s, size_t index, size_t count, const ScenarioOptions& o,
            std::vector<scenarios::Outcome>* outcomes, int* code) {
  if (!o.quiet) {
    std::printf("[%zu/%zu] %s  (%s)\n", index + 1, count, s.name.c_str(), s.file.c_str());
    std::fflush(stdout);
  }
  scenarios::ProgressFn progress = [&o](const std::string& line) {
    if (o.quiet) return;
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  SandboxRun run = RunInFreshSandbox(s, o, progress);
  if (!run.started) {
    std::fprintf(stderr, "%s: the sandbox did not start: %s\n", s.name.c_str(), run.error.c_str());
    return false;
  }
  if (ReportOutcome(s, run.outcome) != 0) *code = 1;
  if (!o.har_path.empty()) {
    std::string path = HarPathFor(o.har_path, s.file, count);
    if (!WriteFile(path, HarText(run.traffic))) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      *code = *code ? *code : 2;
    } else if (!o.quiet) {
      std::printf("  traffic: %s (%zu entries)\n", path.c_str(), run.traffic.size());
    }
  }
  std::fflush(stdout);
  outcomes->push_back(run.outcome);
  return true;
}

}  // namespace

core::Result<scenarios::Scenario> LoadBundledScenario(const std::string& name) {
  std::string stem = name.size() > 5 && name.ends_with(".json") ? name.substr(0, name.size() - 5) : name;
  for (const auto& b : app::BundledScenarios()) {
    if (b.name == stem) return scenarios::ParseScenario(b.text, "bundled:" + stem + ".json");
  }
  return core::MakeError(core::ErrorCode::kNotFound, name + ": no bundled scenario of that name");
}

int RunScenarios(const ScenarioOptions& o) {
  std::vector<scenarios::Scenario> loaded;
  for (const auto& arg : o.files) {
    if (auto st = LoadArgument(arg, &loaded); !st.ok()) {
      std::fprintf(stderr, "%s\n", st.error().detail.c_str());
      return 2;
    }
  }
  if (loaded.empty()) {
    std::fprintf(stderr, "no scenario files given\n");
    return 2;
  }
  std::vector<scenarios::Outcome> outcomes;
  int code = 0;
  for (size_t i = 0; i < loaded.size(); ++i) {
    if (!RunOne(loaded[i], i, loaded.size(), o, &outcomes, &code)) return 2;
  }
  PrintSummary(outcomes);
  if (!o.junit_path.empty() && !WriteFile(o.junit_path, scenarios::JunitXml(outcomes))) {
    std::fprintf(stderr, "cannot write %s\n", o.junit_path.c_str());
    return 2;
  }
  return code;
}

std::string EllipsizeUtf8(const std::string& s, size_t max) {
  size_t points = 0, cut = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // inside a multi-byte character
    if (points + 1 == max) cut = i;  // where the ellipsis goes if it must be cut
    ++points;
  }
  return points <= max ? s : s.substr(0, cut) + "…";
}

int ListScenarios(const std::vector<std::string>& folders) {
  std::vector<std::pair<std::string, core::Result<scenarios::Scenario>>> entries;  // file or name, parsed
  if (folders.empty()) {
    for (const auto& b : app::BundledScenarios())
      entries.emplace_back(std::string(b.name), LoadBundledScenario(std::string(b.name)));
  }
  for (const auto& dir : folders) {
    auto files = scenarios::ScenarioFilesIn(dir);
    if (!files.ok()) {
      std::fprintf(stderr, "%s\n", files.error().detail.c_str());
      return 2;
    }
    for (const auto& f : *files) entries.emplace_back(f, scenarios::LoadScenario(f));
  }
  if (folders.empty()) {
    std::printf("Bundled scenarios, built into okta-sandbox (run one with: okta-sandbox scenario run <name>)\n\n");
  } else {
    std::printf("Scenarios in %s (run one with: okta-sandbox scenario run <file>)\n\n",
                folders.size() == 1 ? folders[0].c_str() : "the folders given");
  }
  for (const auto& [file, s] : entries) {
    std::string column = PadUtf8(file, 28);
    if (!s.ok()) {
      std::printf("  %s (cannot be parsed: %s)\n", column.c_str(), s.error().detail.c_str());
      continue;
    }
    std::printf("  %s %s\n", column.c_str(), s->name.c_str());
    if (!s->description.empty())
      std::printf("  %s   %s\n", PadUtf8("", 28).c_str(), EllipsizeUtf8(s->description, 110).c_str());
  }
  return 0;
}

int ExportTrafficHar(const std::string& from, const std::string& har_path, bool quiet) {
  auto traffic = scenarios::FetchTraffic(from);
  if (!traffic.ok()) {
    std::fprintf(stderr,
                 "traffic export: no running sandbox answers at %s (%s).\nStart one with `okta-sandbox up`, or give "
                 "the mock Okta's URL of the one running with --from URL.\n",
                 from.c_str(), traffic.error().detail.c_str());
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
  } else if (!quiet) {
    std::printf("%zu requests written to %s\n", traffic->size(), har_path.c_str());
  }
  return 0;
}

int ReplayHarFile(const std::string& har_path, const std::string& against_url, const std::string& token) {
  std::ifstream in(har_path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot be read\n", har_path.c_str());
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto har = core::ParseJson(ss.str(), 256);
  if (!har.ok()) {
    std::fprintf(stderr, "%s: %s\n", har_path.c_str(), har.error().detail.c_str());
    return 2;
  }
  auto report = scenarios::ReplayHar(*har, against_url, token);
  if (!report.ok()) {
    std::fprintf(stderr, "replay failed: %s\n", report.error().detail.c_str());
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
