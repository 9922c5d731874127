// okta-sandbox: one binary, three services (mock Okta, SCIM server,
// encryption stub). This file declares the command line and dispatches: the
// service commands (`up`, `okta`, `scim-server`, `encryption`) are in
// app/service_cmds.h, `scenario`, `traffic` and `replay` in
// app/scenario_cmd.h, `check` in app/check_cmd.h.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "app/check_cmd.h"
#include "app/data_folder.h"
#include "app/scenario_cmd.h"
#include "app/service_cmds.h"
#include "core/log.h"

namespace {

using app::AddStorageOptions;
using app::StorageOptions;
using service_cmd::EncryptionOptions;
using service_cmd::FaultOptions;
using service_cmd::OktaOptions;
using service_cmd::ScimOptions;
using service_cmd::SeedOptions;
using service_cmd::UpOptions;

CLI::Option* AddGroupPatchResponseOption(CLI::App* cmd, std::string& value) {
  return cmd
      ->add_option("--group-patch-response", value,
                   "How the SCIM server answers PATCH /Groups: 'resource' (200 with the group and its members) or "
                   "'no-content' (204 unless attributes/excludedAttributes are asked for; keeps membership changes "
                   "on large groups cheap)")
      ->check(CLI::IsMember({"resource", "no-content"}))
      ->capture_default_str();
}

CLI::Option* AddProvisioningWorkersOption(CLI::App* cmd, int& value) {
  return cmd
      ->add_option("--provisioning-workers", value,
                   "provisioning workers: jobs for different users overlap; one user's jobs stay in order; "
                   "1 = one in-order worker")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
}

void AddRetentionOptions(CLI::App* cmd, service_cmd::RecordRetention& r) {
  cmd->add_option("--keep-records", r.keep,
                  "the mock Okta keeps the newest N traffic records and N System Log events; 0 = no limit")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--keep-records-for", r.max_age_s,
                  "...and only those written in this last span of real time, e.g. 90m, 12h, 7d (seconds if no "
                  "unit); 0 = no age limit. Default 7d")
      ->transform(CLI::AsNumberWithUnit(std::map<std::string, int64_t>{{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}},
                                        CLI::AsNumberWithUnit::CASE_SENSITIVE))
      ->check(CLI::NonNegativeNumber);
}

// Every command's options, bound to CLI11 by the Add…Command functions below.
struct Cli {
  std::string log_level = "info";
  ScimOptions scim;
  StorageOptions scim_storage;
  SeedOptions seed;
  EncryptionOptions enc;
  StorageOptions enc_storage;
  FaultOptions faults;
  OktaOptions okta;
  StorageOptions okta_storage;
  UpOptions up;
  StorageOptions up_storage;
  bool quiet = false;  // --quiet: errors and the output asked for, nothing else
  scenario_cmd::ScenarioOptions scenario;
  std::vector<std::string> list_folders;  // scenario list FOLDER...
  std::string traffic_from = "http://127.0.0.1:7010", traffic_har;
  std::string replay_har, replay_url, replay_token;
  check_cmd::CheckCommandOptions check;

  CLI::App *scim_cmd = nullptr, *seed_cmd = nullptr, *enc_cmd = nullptr, *faults_cmd = nullptr;
  CLI::App *okta_cmd = nullptr, *up_cmd = nullptr, *scenario_cmd = nullptr, *scenario_run = nullptr;
  CLI::App *scenario_list = nullptr, *traffic_export = nullptr, *replay_cmd = nullptr;
  CLI::App* check_cmd = nullptr;
};

void AddScimCommand(CLI::App& app, Cli& c) {
  ScimOptions& o = c.scim;
  auto* cmd = c.scim_cmd = app.add_subcommand("scim-server", "Run the SCIM 2.0 server (the service provider) alone");
  cmd->add_option("--port", o.port, "TCP port; 0 picks a free one")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--bind", o.bind, "Address to listen on")->capture_default_str();
  cmd->add_option("--token", o.token,
                  "Bearer token clients must send; default: generated on first start and kept in the store");
  cmd->add_option("--base-url", o.base_url,
                  "Public SCIM base URL for meta.location (e.g. behind a tunnel); default: from bind and port");
  cmd->add_option("--max-body-bytes", o.max_body_bytes, "Largest accepted request body (413 above)")
      ->capture_default_str();
  AddGroupPatchResponseOption(cmd, o.group_patch_response);
  AddStorageOptions(cmd, c.scim_storage);
  auto* seed = c.seed_cmd =
      cmd->add_subcommand("seed", "Fill the SCIM store fast with generated users and groups (for scale tests)");
  seed->add_option("--users", c.seed.users, "Users to add")->capture_default_str();
  seed->add_option("--groups", c.seed.groups, "Groups to add")->capture_default_str();
  seed->add_option("--members-per-group", c.seed.members, "Members of each group")->capture_default_str();
  seed->add_option("--seed", c.seed.seed, "Seed for the generated data")->capture_default_str();
  seed->add_option("--data-dir", c.scim_storage.data_dir, "Folder of the SCIM store to fill")->capture_default_str();

  cmd->add_flag("--groups-without-encryption", o.groups_open,
                "Accept group writes without an encryption service (a plain SCIM server)");
  cmd->add_option("--encryption-url", o.encryption_url, "Encryption service URL for group provisioning");
  cmd->add_option("--encryption-secret", o.encryption_secret, "Shared secret of the encryption service");
  cmd->add_flag("--group-provisioning", o.group_provisioning,
                "Switch group provisioning on at start (needs a healthy encryption service)");
}

void AddEncryptionCommand(CLI::App& app, Cli& c) {
  auto* cmd = c.enc_cmd = app.add_subcommand("encryption", "Run the encryption service stub alone");
  cmd->add_option("--port", c.enc.port, "TCP port; 0 picks a free one")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--bind", c.enc.bind, "Address to listen on")->capture_default_str();
  cmd->add_option("--secret", c.enc.secret, "Shared secret the SCIM server must send; default: generated");
  AddStorageOptions(cmd, c.enc_storage);
  FaultOptions& f = c.faults;
  auto* faults = c.faults_cmd = cmd->add_subcommand(
      "faults", "Show or switch the fault switches of a running encryption service (down, slow, failing)");
  faults->add_option("--url", f.url, "The encryption service's URL")->capture_default_str();
  faults->add_option("--secret", f.secret, "Its shared secret; default: read from --data-dir");
  faults->add_option("--data-dir", f.data_dir, "The data folder of a running `up` (it writes encryption-secret there)")
      ->capture_default_str();
  auto* down = faults->add_flag("--down", f.down, "Make it answer 503 to everything");
  faults->add_flag("--up", f.up, "Undo --down")->excludes(down);
  faults->add_option("--delay-ms", f.delay_ms, "Delay every key operation (0 = off)");
  faults->add_option("--fail-status", f.fail_status, "Fail every key operation with this status (0 = off)");
}

void AddOktaCommand(CLI::App& app, Cli& c) {
  auto* cmd = c.okta_cmd = app.add_subcommand("okta", "Run the mock Okta alone (point its apps at any SCIM server; OIDC sign-on at {org}/oauth2/default, SAML at /app/…/sso/saml)");
  cmd->add_option("--port", c.okta.port, "TCP port; 0 picks a free one")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--bind", c.okta.bind, "Address to listen on")->capture_default_str();
  cmd->add_option("--api-token", c.okta.api_token, "SSWS token for /api/v1; default: generated");
  AddProvisioningWorkersOption(cmd, c.okta.provisioning_workers);
  AddRetentionOptions(cmd, c.okta.retention);
  AddStorageOptions(cmd, c.okta_storage);
}

void AddUpCommand(CLI::App& app, Cli& c) {
  UpOptions& o = c.up;
  auto* cmd = c.up_cmd =
      app.add_subcommand("up", "Run all three services, preconfigured so the setup guide works at once");
  cmd->add_option("--bind", o.bind, "Address every service listens on")->capture_default_str();
  cmd->add_option("--okta-port", o.okta_port, "Mock Okta port (0: free)")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--scim-port", o.scim_port, "SCIM server port (0: free)")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--encryption-port", o.encryption_port, "Encryption service port (0: free)")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--scim-token", o.scim_token, "SCIM bearer token; default: generated and kept");
  cmd->add_option("--okta-token", o.okta_token, "Mock Okta SSWS token; default: generated");
  AddGroupPatchResponseOption(cmd, o.group_patch_response);
  AddProvisioningWorkersOption(cmd, o.provisioning_workers);
  AddRetentionOptions(cmd, o.retention);
  AddStorageOptions(cmd, c.up_storage);
}

// scenario, traffic, replay (app/scenario_cmd.h, docs/scenarios.md).
void AddScenarioCommands(CLI::App& app, Cli& c) {
  scenario_cmd::ScenarioOptions& o = c.scenario;
  c.scenario_cmd = app.add_subcommand("scenario", "Run provisioning scenarios on a fresh, deterministic sandbox");
  c.scenario_cmd->require_subcommand(1);
  auto* run = c.scenario_run =
      c.scenario_cmd->add_subcommand(
      "run", "Run scenario files, folders or bundled names; exit 1 when one fails (--quiet: only the PASS/FAIL/SKIP "
             "lines and the summary)");
  run->add_option("files", o.files,
                  "Scenario files, folders of them, or bundled names (see `scenario list`; built into the binary). A "
                  "file or folder that exists wins over a bundled name; a folder must hold at least one *.json")
      ->required();
  auto* against = run->add_option("--against", o.against_url,
                                  "Provision this SCIM server (connector base URL) instead of the built-in one");
  run->add_option("--token", o.against_token, "Bearer token for --against")->needs(against);
  run->add_option("--junit", o.junit_path, "Write a JUnit XML report to this file");
  run->add_option("--har", o.har_path, "Write each scenario's SCIM traffic as HAR 1.2 to this file");
  run->add_option("--seed", o.seed, "Seed for Okta and SCIM ids")->capture_default_str();
  c.scenario_list = c.scenario_cmd->add_subcommand(
      "list", "List the bundled scenarios (built into the binary), or with folders the scenarios in them instead");
  c.scenario_list->add_option("folders", c.list_folders,
                              "Folders of scenario files to list instead of the bundled set (each must hold a *.json)");

  auto* traffic = app.add_subcommand("traffic", "The mock Okta's SCIM traffic log");
  traffic->require_subcommand(1);
  c.traffic_export = traffic->add_subcommand("export", "Write a running sandbox's SCIM traffic as HAR 1.2");
  c.traffic_export->add_option("--har", c.traffic_har, "Output file ('-': standard output)")->required();
  c.traffic_export->add_option("--from", c.traffic_from, "The running sandbox's mock Okta URL (`up` prints it as Org URL)")
      ->capture_default_str();

  c.replay_cmd = app.add_subcommand(
      "replay", "Replay the SCIM requests of a HAR against a SCIM server and report where the answers differ");
  c.replay_cmd->add_option("har", c.replay_har, "HAR file (traffic export, or scenario run --har)")->required();
  c.replay_cmd->add_option("--against", c.replay_url, "SCIM connector base URL, e.g. http://localhost:8080/scim/v2")
      ->required();
  c.replay_cmd->add_option("--token", c.replay_token, "Bearer token of that server")->required();
}

// Runs the command that was parsed.
int Dispatch(Cli& c) {
  for (bool* quiet : {&c.scim.quiet, &c.seed.quiet, &c.enc.quiet, &c.okta.quiet, &c.up.quiet, &c.scenario.quiet,
                      &c.check.quiet})
    *quiet = c.quiet;
  if (c.seed_cmd->parsed()) return service_cmd::RunSeed(c.seed, c.scim_storage);
  if (c.scim_cmd->parsed()) return service_cmd::RunScimServer(c.scim, c.scim_storage);
  if (c.faults_cmd->parsed()) return service_cmd::RunFaults(c.faults);
  if (c.enc_cmd->parsed()) return service_cmd::RunEncryption(c.enc, c.enc_storage);
  if (c.okta_cmd->parsed()) return service_cmd::RunOkta(c.okta, c.okta_storage);
  if (c.up_cmd->parsed()) return service_cmd::RunUp(c.up, c.up_storage);
  if (c.scenario_run->parsed()) return scenario_cmd::RunScenarios(c.scenario);
  if (c.scenario_list->parsed()) return scenario_cmd::ListScenarios(c.list_folders);
  if (c.traffic_export->parsed()) return scenario_cmd::ExportTrafficHar(c.traffic_from, c.traffic_har, c.quiet);
  if (c.replay_cmd->parsed()) return scenario_cmd::ReplayHarFile(c.replay_har, c.replay_url, c.replay_token);
  if (c.check_cmd->parsed()) return check_cmd::RunCheck(c.check);
  return 0;
}

}  // namespace

// The subcommand closest to `word` (edit distance at most 3), or "".
std::string NearestCommand(const CLI::App& app, const std::string& word) {
  std::string best;
  size_t best_d = 4;
  for (const auto* sub : app.get_subcommands({})) {
    const std::string& name = sub->get_name();
    std::vector<size_t> row(name.size() + 1);
    for (size_t j = 0; j <= name.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= word.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= name.size(); ++j) {
        size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (word[i - 1] == name[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    if (row[name.size()] < best_d) {
      best_d = row[name.size()];
      best = name;
    }
  }
  return best;
}

int main(int argc, char** argv) {
  ::umask(S_IRWXG | S_IRWXO);  // every file the sandbox writes (databases, tokens, reports) is the user's alone
  CLI::App app{"okta-sandbox: a whole Okta integration on one machine - SCIM provisioning and OpenID Connect and "
               "SAML 2.0 sign-on (mock Okta, SCIM 2.0 server, encryption service stub), with no accounts and no "
               "network."};
  app.set_version_flag("--version", std::string("okta-sandbox ") + OKTA_SANDBOX_VERSION);
  Cli c;
  app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error or off (before or after the command)")
      ->capture_default_str();
  app.add_flag("-q,--quiet", c.quiet,
               "Print only errors and what the command is asked for (a service's addresses and credentials, results, "
               "reports, listings), no progress, notes, warnings or log lines below error (before or after the "
               "command)");
  app.require_subcommand(1);
  // Subcommands (added below, which inherit this) hand options they do not
  // know to their parent: `okta-sandbox up --log-level debug` works too.
  app.fallthrough();
  AddScimCommand(app, c);
  AddEncryptionCommand(app, c);
  AddOktaCommand(app, c);
  AddUpCommand(app, c);
  AddScenarioCommands(app, c);
  c.check_cmd = check_cmd::AddCheckCommand(app, c.check);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);  // --help: 0
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --version
    // No command, or one it does not know: the help, then what went wrong.
    if (argc < 2 || dynamic_cast<const CLI::RequiredError*>(&e) || dynamic_cast<const CLI::ExtrasError*>(&e)) {
      bool in_sub = false;
      for (auto* sub : app.get_subcommands()) in_sub = in_sub || sub->parsed();
      if (!in_sub) std::cerr << app.help() << "\n";
      if (!in_sub && argc >= 2 && argv[1][0] != '-') {
        std::cerr << "Unknown command '" << argv[1] << "'.";
        if (auto near = NearestCommand(app, argv[1]); !near.empty()) std::cerr << " Did you mean '" << near << "'?";
        std::cerr << "\n";
      }
    }
    app.exit(e);
    return 2;  // usage errors exit 2 (docs/check.md promises it for check; every command keeps to it)
  }
  // The services' start/stop lines drown a scenario run's progress.
  if ((c.scenario_cmd->parsed() || c.replay_cmd->parsed() || c.check_cmd->parsed()) && app.count("--log-level") == 0) {
    c.log_level = "warn";
  }
  if (c.quiet && app.count("--log-level") == 0) c.log_level = "error";
  if (auto s = core::InitLogging(c.log_level); !s.ok()) {
    std::cerr << s.error().detail << "\n";
    return 2;
  }
  return Dispatch(c);
}
