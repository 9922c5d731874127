#include "app/check_cmd.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "core/http.h"
#include "mock_okta/checker/check_output.h"

#ifndef OKTA_SANDBOX_VERSION
#define OKTA_SANDBOX_VERSION "dev"
#endif

namespace check_cmd {

namespace {

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

int ListChecks() {
  auto checks = okta::check::ListChecks();
  size_t width = 0;
  for (const auto& [id, title] : checks) width = std::max(width, id.size());
  for (const auto& [id, title] : checks) std::printf("%-*s  %s\n", static_cast<int>(width), id.c_str(), title.c_str());
  std::printf("\n%zu checks. --only/--skip take ids or prefixes (\"users\", \"groups.members\", \"spec.*\").\n",
              checks.size());
  return 0;
}

// Messages beside the report: on stdout with the text lines, on stderr when
// stdout carries the JSON.
void Note(const CheckCommandOptions& o, const std::string& line) {
  if (!o.quiet) std::fprintf(o.json ? stderr : stdout, "%s\n", line.c_str());
}

}  // namespace

CLI::App* AddCheckCommand(CLI::App& app, CheckCommandOptions& o) {
  okta::check::CheckOptions& c = o.check;
  auto* cmd = app.add_subcommand(
      "check",
      "Will this SCIM server work with Okta? Run Okta's provisioning flows against it and say where they break "
      "(docs/check.md); exit 1 when a check fails");
  cmd->add_option("--url", c.base_url,
                  "The SCIM connector base URL to check, e.g. https://staging.example.com/scim/v2");
  cmd->add_option("--auth", c.auth,
                  "Okta's Authentication Mode: 'header' (HTTP Header: Authorization: Bearer <token>), 'basic' "
                  "(Basic Auth with --username/--password) or 'verbatim' (the token is the whole header value)")
      ->check(CLI::IsMember({"header", "basic", "verbatim"}))
      ->capture_default_str();
  cmd->add_option("--token", c.token, "The bearer token (HTTP Header mode)");
  cmd->add_option("--username", c.username, "Basic Auth user name");
  cmd->add_option("--password", c.password, "Basic Auth password");
  cmd->add_option("--profile", o.profile,
                  "Okta's client profile: aiw_put (App Integration Wizard apps: GET then PUT), oin_patch (OIN catalog "
                  "apps: PATCH), or both")
      ->check(CLI::IsMember({"aiw_put", "oin_patch", "both"}))
      ->capture_default_str();
  cmd->add_option("--unique-field", c.unique_field,
                  "The SCIM attribute Okta looks users up by before creating them (the app's unique identifier field)")
      ->capture_default_str();
  cmd->add_flag("--groups,!--no-groups", c.groups, "Run the Group Push checks (default), or not");
  cmd->add_option("--only", c.only, "Run only these checks (ids or prefixes: users, groups.members, spec.*)")
      ->delimiter(',');
  cmd->add_option("--skip", c.skip, "Skip these checks (ids or prefixes)")->delimiter(',');
  cmd->add_option("--junit", o.junit_path, "Write a JUnit XML report (one testcase per check) to this file");
  cmd->add_option("--html", o.html_path, "Write a self-contained HTML report to this file");
  cmd->add_option("--har", o.har_path, "Write every SCIM exchange as HAR 1.2 (opens in browser devtools) to this file");
  auto* keep = cmd->add_flag("--keep", c.keep, "Leave the users and groups the run created as they are");
  cmd->add_flag(
         "--delete", c.delete_created,
         "DELETE the users the run created instead of deactivating them as Okta does (groups are deleted anyway)")
      ->excludes(keep);
  cmd->add_option("--prefix", c.prefix,
                  "Prefix of every user and group the run creates; default: oktasandbox-check-<random>-");
  cmd->add_option("--timeout-ms", c.timeout_ms, "Okta's SCIM response timeout (Okta: 60 s); a slower answer fails")
      ->check(CLI::Range(100, 600000))
      ->capture_default_str();
  cmd->add_flag("--json", o.json, "Print the report as JSON on stdout instead of the text lines");
  cmd->add_flag("--show-secrets", o.show_secrets,
                "Keep Authorization values and the token in every output (default: \"Bearer ***\")");
  cmd->add_flag("--list", o.list, "List the checks and exit");
  return cmd;
}

int RunCheck(const CheckCommandOptions& o) {
  if (o.list) return ListChecks();
  okta::check::CheckOptions c = o.check;
  if (c.base_url.empty()) {
    std::fprintf(stderr, "check: --url is required (the SCIM connector base URL); see okta-sandbox check --help\n");
    return 2;
  }
  if (auto url = core::ParseUrl(c.base_url); !url.ok()) {
    std::fprintf(stderr, "check: --url %s: %s\n", c.base_url.c_str(), url.error().detail.c_str());
    return 2;
  }
  if (c.auth == "basic" && c.username.empty()) {
    std::fprintf(stderr, "check: --auth basic needs --username (and --password)\n");
    return 2;
  }
  if (c.auth != "basic" && c.token.empty()) {
    std::fprintf(stderr, "check: --token is required with --auth %s\n", c.auth.c_str());
    return 2;
  }
  if (o.profile == "both") {
    c.profiles = {"aiw_put", "oin_patch"};
  } else {
    c.profiles = {o.profile};
  }
  while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();

  std::string profiles = c.profiles.size() == 2 ? "aiw_put and oin_patch" : c.profiles[0];
  Note(o, "Checking " + c.base_url + " as Okta would (client profile " + profiles + ", groups " +
                   (c.groups ? "on" : "off") + ") …");
  std::fflush(stdout);
  okta::check::CheckReport report = okta::check::RunChecks(c);

  okta::check::RenderOptions render;
  render.show_secrets = o.show_secrets;
  render.version = OKTA_SANDBOX_VERSION;
  // Masked wherever they appear; very short values would mask ordinary text.
  for (const std::string* s : {&c.token, &c.password})
    if (s->size() >= 4) render.secrets.push_back(*s);

  if (o.json) {
    std::string text = okta::check::ReportJson(report, render).dump(2) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    std::string text = okta::check::TextReport(report, render);
    std::fwrite(text.data(), 1, text.size(), stdout);
  }

  int code = okta::check::CountVerdicts(report).failed > 0 ? 1 : 0;
  auto write = [&](const std::string& path, const std::string& what, const std::string& text) {
    if (path.empty()) return;
    if (!WriteFile(path, text)) {
      std::fprintf(stderr, "check: cannot write %s\n", path.c_str());
      if (code == 0) code = 2;
      return;
    }
    Note(o, what + ": " + path);
  };
  write(o.junit_path, "JUnit report", okta::check::JunitXml(report, render));
  write(o.html_path, "HTML report", okta::check::HtmlReport(report, render));
  write(o.har_path, "HAR", okta::check::HarReport(report, render).dump(2) + "\n");
  std::fflush(stdout);
  return code;
}

}  // namespace check_cmd
