// okta-sandbox: one binary, three services (mock Okta, SCIM server,
// encryption stub). This file only parses the command line and wires the
// services' public headers together.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/console_assets.h"
#include "app/scenario_cmd.h"
#include "core/http.h"
#include "core/json_util.h"
#include "core/log.h"
#include "core/secret.h"
#include "encryption_stub/encryption_stub.h"
#include "mock_okta/mock_okta.h"
#include "scim_server/scim_server.h"
#include "scim_server/seed_store.h"

namespace {

// The web console, embedded at build time, served by the mock Okta at "/".
std::optional<okta::ConsoleAsset> ConsoleAssetFor(const std::string& path) {
  auto a = console::LookupConsoleAsset(path);
  if (!a) return std::nullopt;
  return okta::ConsoleAsset{std::string(a->bytes), std::string(a->content_type)};
}

// Storage options shared by every service command.
struct StorageOptions {
  std::string data_dir = "data";
  bool in_memory = false;

  // The database path for `file` in the data folder (creating the folder), or ":memory:".
  std::string PathFor(const std::string& file) const {
    if (in_memory) return ":memory:";
    std::filesystem::create_directories(data_dir);
    return (std::filesystem::path(data_dir) / file).string();
  }
};

// The mock Okta's API token: the given one, else the one kept in the data
// folder, else a new one (kept there) -- so scripts and SDK configs keep working
// across restarts. In memory: empty, and the mock makes a fresh one.
std::string OktaTokenFor(const std::string& given, const StorageOptions& storage) {
  if (!given.empty() || storage.in_memory) return given;
  std::filesystem::create_directories(storage.data_dir);
  auto path = std::filesystem::path(storage.data_dir) / "okta-api-token";
  std::string token;
  if (std::ifstream in(path); in) std::getline(in, token);
  if (token.empty()) {
    token = core::RandomToken(30);
    std::ofstream(path) << token << "\n";
  }
  return token;
}

void AddStorageOptions(CLI::App* cmd, StorageOptions& opts) {
  auto* dir = cmd->add_option("--data-dir", opts.data_dir, "Folder for the SQLite files")->capture_default_str();
  auto* mem = cmd->add_flag("--in-memory", opts.in_memory, "Keep everything in memory; nothing survives a restart");
  dir->excludes(mem);
}

// Blocks SIGINT/SIGTERM in every thread (call before starting any), then
// waits for one of them in the calling thread.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int WaitForStopSignal(const sigset_t& set) {
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

struct ScimOptions {
  std::string bind = "127.0.0.1";
  int port = 7020;
  std::string token;
  std::string base_url;
  size_t max_body_bytes = 1 << 20;
  bool groups_open = false;
  std::string encryption_url;
  std::string encryption_secret;
  bool group_provisioning = false;
  std::string group_patch_response = "resource";
};

int RunScimServer(const ScimOptions& o, const StorageOptions& storage) {
  scim::Config config;
  config.bind = o.bind;
  config.port = o.port;
  config.token = o.token;
  config.base_url = o.base_url;
  config.max_body_bytes = o.max_body_bytes;
  config.groups_need_encryption = !o.groups_open;
  config.encryption_url = o.encryption_url;
  config.encryption_secret = o.encryption_secret;
  config.group_provisioning = o.group_provisioning;
  config.group_patch_no_content = o.group_patch_response == "no-content";
  config.db_path = storage.PathFor("scim.db");
  sigset_t signals = BlockStopSignals();
  scim::ScimServer server(config);
  auto port = server.Start();
  if (!port.ok()) {
    spdlog::error("SCIM server did not start: {}", port.error().detail);
    return 1;
  }
  std::printf("okta-sandbox SCIM server listening on %s:%d\n", o.bind.c_str(), *port);
  std::printf("\n  Paste these into Okta (Provisioning > Integration):\n");
  std::printf("    SCIM connector base URL : %s\n", server.base_url().c_str());
  std::printf("    Authentication Mode     : HTTP Header\n");
  std::printf("    Bearer (secret token)   : %s\n", server.token().c_str());
  std::printf("\n  Store: %s\n  Press Ctrl+C to stop.\n", config.db_path.c_str());
  std::fflush(stdout);
  int sig = WaitForStopSignal(signals);
  spdlog::info("signal {} received, stopping", sig);
  server.Stop();
  std::printf("SCIM server stopped.\n");
  return 0;
}

struct EncryptionOptions {
  std::string bind = "127.0.0.1";
  int port = 7030;
  std::string secret;
};

int RunEncryption(const EncryptionOptions& o, const StorageOptions& storage) {
  encryption::Config config;
  config.bind = o.bind;
  config.port = o.port;
  config.secret = o.secret;
  config.db_path = storage.PathFor("keys.db");
  sigset_t signals = BlockStopSignals();
  encryption::EncryptionStub stub(config);
  auto port = stub.Start();
  if (!port.ok()) {
    spdlog::error("encryption service did not start: {}", port.error().detail);
    return 1;
  }
  std::printf("okta-sandbox encryption service listening on %s:%d\n", o.bind.c_str(), *port);
  std::printf("  URL    : %s\n  Secret : %s\n  Store  : %s\n  Press Ctrl+C to stop.\n", stub.base_url().c_str(),
              stub.secret().c_str(), config.db_path.c_str());
  std::fflush(stdout);
  WaitForStopSignal(signals);
  stub.Stop();
  std::printf("Encryption service stopped.\n");
  return 0;
}

struct FaultOptions {
  std::string url = "http://127.0.0.1:7030";
  std::string secret;
  bool down = false;
  bool up = false;
  int delay_ms = -1;
  int fail_status = -1;
};

// Reads, changes and writes the fault switches of a running encryption service.
int RunFaults(const FaultOptions& o) {
  auto url = core::ParseUrl(o.url);
  if (!url.ok()) {
    std::fprintf(stderr, "%s\n", url.error().detail.c_str());
    return 2;
  }
  auto client = core::MakeClient(url->Origin(), 5, 10);
  httplib::Headers auth = {{"Authorization", "Bearer " + o.secret}};
  auto current = client->Get((url->path + "/v1/admin/faults").c_str(), auth);
  if (!current || current->status != 200) {
    std::fprintf(stderr, "cannot read the faults at %s: %s\n", o.url.c_str(),
                 current ? current->body.c_str() : httplib::to_string(current.error()).c_str());
    return 1;
  }
  auto faults = core::ParseJson(current->body);
  if (!faults.ok()) return 1;
  core::Json f = *faults;
  bool change = o.down || o.up || o.delay_ms >= 0 || o.fail_status >= 0;
  if (o.down) f["down"] = true;
  if (o.up) f["down"] = false;
  if (o.delay_ms >= 0) f["delayMs"] = o.delay_ms;
  if (o.fail_status >= 0) f["failStatus"] = o.fail_status;
  if (change) {
    auto put = client->Put((url->path + "/v1/admin/faults").c_str(), auth, core::DumpCompact(f), "application/json");
    if (!put || put->status != 200) {
      std::fprintf(stderr, "cannot set the faults: %s\n", put ? put->body.c_str() : httplib::to_string(put.error()).c_str());
      return 1;
    }
    f = *core::ParseJson(put->body);
  }
  std::printf("%s\n", f.dump(2).c_str());
  return 0;
}

struct OktaOptions {
  std::string bind = "127.0.0.1";
  int port = 7010;
  std::string api_token;
};

int RunOkta(const OktaOptions& o, const StorageOptions& storage) {
  okta::Config config;
  config.bind = o.bind;
  config.port = o.port;
  config.api_token = OktaTokenFor(o.api_token, storage);
  config.db_path = storage.PathFor("okta.db");
  config.console_assets = ConsoleAssetFor;
  sigset_t signals = BlockStopSignals();
  okta::MockOkta mock(config);
  auto port = mock.Start();
  if (!port.ok()) {
    spdlog::error("mock Okta did not start: {}", port.error().detail);
    return 1;
  }
  std::printf("okta-sandbox mock Okta listening on %s:%d\n", o.bind.c_str(), *port);
  std::printf("  Okta org URL : %s\n  API token    : SSWS %s\n  Store        : %s\n  Press Ctrl+C to stop.\n",
              mock.base_url().c_str(), mock.api_token().c_str(), config.db_path.c_str());
  std::fflush(stdout);
  WaitForStopSignal(signals);
  mock.Stop();
  std::printf("Mock Okta stopped.\n");
  return 0;
}

struct UpOptions {
  std::string bind = "127.0.0.1";
  int okta_port = 7010;
  int scim_port = 7020;
  int encryption_port = 7030;
  std::string scim_token;
  std::string okta_token;
  std::string group_patch_response = "resource";
};

CLI::Option* AddGroupPatchResponseOption(CLI::App* cmd, std::string& value) {
  return cmd
      ->add_option("--group-patch-response", value,
                   "How the SCIM server answers PATCH /Groups: 'resource' (200 with the group and its members) or "
                   "'no-content' (204 unless attributes/excludedAttributes are asked for; keeps membership changes "
                   "on large groups cheap)")
      ->check(CLI::IsMember({"resource", "no-content"}))
      ->capture_default_str();
}

// All three services, wired so the setup guide works at once: the SCIM server
// uses the encryption service with group provisioning on, and the mock Okta
// has the NordPass-style app pointing at the SCIM server.
int RunUp(const UpOptions& o, const StorageOptions& storage) {
  sigset_t signals = BlockStopSignals();
  encryption::Config enc_config;
  enc_config.bind = o.bind;
  enc_config.port = o.encryption_port;
  enc_config.db_path = storage.PathFor("keys.db");
  encryption::EncryptionStub stub(enc_config);
  auto enc_port = stub.Start();
  if (!enc_port.ok()) {
    spdlog::error("encryption service did not start: {}", enc_port.error().detail);
    return 1;
  }

  scim::Config scim_config;
  scim_config.bind = o.bind;
  scim_config.port = o.scim_port;
  scim_config.token = o.scim_token;
  scim_config.db_path = storage.PathFor("scim.db");
  scim_config.encryption_url = stub.base_url();
  scim_config.encryption_secret = stub.secret();
  scim_config.group_provisioning = true;
  scim_config.group_patch_no_content = o.group_patch_response == "no-content";
  scim::ScimServer scim_server(scim_config);
  auto scim_port = scim_server.Start();
  if (!scim_port.ok()) {
    spdlog::error("SCIM server did not start: {}", scim_port.error().detail);
    return 1;
  }

  okta::Config okta_config;
  okta_config.bind = o.bind;
  okta_config.port = o.okta_port;
  okta_config.api_token = OktaTokenFor(o.okta_token, storage);
  okta_config.db_path = storage.PathFor("okta.db");
  okta_config.preset = okta::PresetApp{scim_server.base_url(), scim_server.token()};
  okta_config.links.scim_admin_url = "http://" + o.bind + ":" + std::to_string(*scim_port) + "/admin/api";
  okta_config.links.encryption_url = stub.base_url();
  okta_config.links.encryption_secret = stub.secret();
  okta_config.console_assets = ConsoleAssetFor;
  okta::MockOkta mock(okta_config);
  auto okta_port = mock.Start();
  if (!okta_port.ok()) {
    spdlog::error("mock Okta did not start: {}", okta_port.error().detail);
    return 1;
  }

  std::printf("okta-sandbox is up.\n\n");
  std::printf("  Mock Okta (the identity provider)\n");
  std::printf("    Console (web)         : %s/\n", mock.base_url().c_str());
  std::printf("    Org URL               : %s\n", mock.base_url().c_str());
  std::printf("    Management API token  : SSWS %s\n\n", mock.api_token().c_str());
  std::printf("  SCIM server (the service provider) - paste into Okta's Provisioning > Integration\n");
  std::printf("    SCIM connector base URL : %s\n", scim_server.base_url().c_str());
  std::printf("    Bearer (secret token)   : %s\n", scim_server.token().c_str());
  std::printf("    Admin panel API         : http://%s:%d/admin/api/status\n\n", o.bind.c_str(), *scim_port);
  std::printf("  Encryption service (needed for group provisioning)\n");
  std::printf("    URL                     : %s  (status: Active)\n\n", stub.base_url().c_str());
  std::printf("  Data: %s   Press Ctrl+C to stop.\n", storage.in_memory ? "in memory" : storage.data_dir.c_str());
  std::fflush(stdout);
  int sig = WaitForStopSignal(signals);
  spdlog::info("signal {} received, stopping", sig);
  mock.Stop();
  scim_server.Stop();
  stub.Stop();
  std::printf("okta-sandbox stopped.\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"okta-sandbox: the Okta -> SCIM provisioning flow on one machine (mock Okta, SCIM 2.0 server, "
               "encryption service stub), with no accounts and no network."};
  app.set_version_flag("--version", std::string("okta-sandbox ") + OKTA_SANDBOX_VERSION);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")->capture_default_str();
  app.require_subcommand(1);

  bool scim_groups_open = false, scim_group_provisioning = false;
  std::string scim_encryption_url, scim_encryption_secret;
  StorageOptions scim_storage;
  ScimOptions scim_opts;
  auto* scim_cmd = app.add_subcommand("scim-server", "Run the SCIM 2.0 server (the service provider) alone");
  scim_cmd->add_option("--port", scim_opts.port, "TCP port; 0 picks a free one")->capture_default_str();
  scim_cmd->add_option("--bind", scim_opts.bind, "Address to listen on")->capture_default_str();
  scim_cmd->add_option("--token", scim_opts.token,
                       "Bearer token clients must send; default: generated on first start and kept in the store");
  scim_cmd->add_option("--base-url", scim_opts.base_url,
                       "Public SCIM base URL for meta.location (e.g. behind a tunnel); default: from bind and port");
  scim_cmd->add_option("--max-body-bytes", scim_opts.max_body_bytes, "Largest accepted request body (413 above)")
      ->capture_default_str();
  AddGroupPatchResponseOption(scim_cmd, scim_opts.group_patch_response);
  AddStorageOptions(scim_cmd, scim_storage);
  int64_t seed_users = 1000, seed_groups = 10, seed_members = 100;
  uint64_t seed_value = 1;
  auto* seed_cmd = scim_cmd->add_subcommand("seed", "Fill the SCIM store fast with generated users and groups (for scale tests)");
  seed_cmd->add_option("--users", seed_users, "Users to add")->capture_default_str();
  seed_cmd->add_option("--groups", seed_groups, "Groups to add")->capture_default_str();
  seed_cmd->add_option("--members-per-group", seed_members, "Members of each group")->capture_default_str();
  seed_cmd->add_option("--seed", seed_value, "Seed for the generated data")->capture_default_str();
  seed_cmd->add_option("--data-dir", scim_storage.data_dir, "Folder of the SCIM store to fill")->capture_default_str();

  scim_cmd->add_flag("--groups-without-encryption", scim_groups_open,
                     "Accept group writes without an encryption service (a plain SCIM server)");
  scim_cmd->add_option("--encryption-url", scim_encryption_url, "Encryption service URL for group provisioning");
  scim_cmd->add_option("--encryption-secret", scim_encryption_secret, "Shared secret of the encryption service");
  scim_cmd->add_flag("--group-provisioning", scim_group_provisioning,
                     "Switch group provisioning on at start (needs a healthy encryption service)");

  StorageOptions enc_storage;
  EncryptionOptions enc_opts;
  auto* enc_cmd = app.add_subcommand("encryption", "Run the encryption service stub alone");
  enc_cmd->add_option("--port", enc_opts.port, "TCP port; 0 picks a free one")->capture_default_str();
  enc_cmd->add_option("--bind", enc_opts.bind, "Address to listen on")->capture_default_str();
  enc_cmd->add_option("--secret", enc_opts.secret, "Shared secret the SCIM server must send; default: generated");
  AddStorageOptions(enc_cmd, enc_storage);
  FaultOptions fault_opts;
  auto* faults_cmd = enc_cmd->add_subcommand(
      "faults", "Show or switch the fault switches of a running encryption service (down, slow, failing)");
  faults_cmd->add_option("--url", fault_opts.url, "The encryption service's URL")->capture_default_str();
  faults_cmd->add_option("--secret", fault_opts.secret, "Its shared secret")->required();
  auto* down = faults_cmd->add_flag("--down", fault_opts.down, "Make it answer 503 to everything");
  faults_cmd->add_flag("--up", fault_opts.up, "Undo --down")->excludes(down);
  faults_cmd->add_option("--delay-ms", fault_opts.delay_ms, "Delay every key operation (0 = off)");
  faults_cmd->add_option("--fail-status", fault_opts.fail_status, "Fail every key operation with this status (0 = off)");

  StorageOptions okta_storage;
  OktaOptions okta_opts;
  auto* okta_cmd = app.add_subcommand("okta", "Run the mock Okta alone (point its apps at any SCIM server)");
  okta_cmd->add_option("--port", okta_opts.port, "TCP port; 0 picks a free one")->capture_default_str();
  okta_cmd->add_option("--bind", okta_opts.bind, "Address to listen on")->capture_default_str();
  okta_cmd->add_option("--api-token", okta_opts.api_token, "SSWS token for /api/v1; default: generated");
  AddStorageOptions(okta_cmd, okta_storage);

  StorageOptions up_storage;
  UpOptions up_opts;
  auto* up_cmd = app.add_subcommand("up", "Run all three services, preconfigured so the setup guide works at once");
  up_cmd->add_option("--bind", up_opts.bind, "Address every service listens on")->capture_default_str();
  up_cmd->add_option("--okta-port", up_opts.okta_port, "Mock Okta port (0: free)")->capture_default_str();
  up_cmd->add_option("--scim-port", up_opts.scim_port, "SCIM server port (0: free)")->capture_default_str();
  up_cmd->add_option("--encryption-port", up_opts.encryption_port, "Encryption service port (0: free)")
      ->capture_default_str();
  up_cmd->add_option("--scim-token", up_opts.scim_token, "SCIM bearer token; default: generated and kept");
  up_cmd->add_option("--okta-token", up_opts.okta_token, "Mock Okta SSWS token; default: generated");
  AddGroupPatchResponseOption(up_cmd, up_opts.group_patch_response);
  AddStorageOptions(up_cmd, up_storage);

  // ---- scenario, traffic, replay (app/scenario_cmd.h, docs/scenarios.md) ----
  scenario_cmd::ScenarioOptions scen_opts;
  bool scen_quiet = false;
  auto* scen_cmd = app.add_subcommand("scenario", "Run provisioning scenarios on a fresh, deterministic sandbox");
  scen_cmd->require_subcommand(1);
  auto* scen_run = scen_cmd->add_subcommand("run", "Run scenario files, folders or bundled names; exit 1 when one fails");
  scen_run->add_option("files", scen_opts.files, "Scenario files, folders of them, or bundled names (see `scenario list`)")
      ->required();
  auto* scen_against = scen_run->add_option("--against", scen_opts.against_url,
                                            "Provision this SCIM server (connector base URL) instead of the built-in one");
  scen_run->add_option("--token", scen_opts.against_token, "Bearer token for --against")->needs(scen_against);
  scen_run->add_option("--junit", scen_opts.junit_path, "Write a JUnit XML report to this file");
  scen_run->add_option("--har", scen_opts.har_path, "Write each scenario's SCIM traffic as HAR 1.2 to this file");
  scen_run->add_option("--seed", scen_opts.seed, "Seed for Okta and SCIM ids")->capture_default_str();
  scen_run->add_flag("--quiet", scen_quiet, "One line per scenario instead of one per step");
  auto* scen_list = scen_cmd->add_subcommand("list", "List the bundled scenarios");

  std::string traffic_from = "http://127.0.0.1:7010", traffic_har;
  auto* traffic_cmd = app.add_subcommand("traffic", "The mock Okta's SCIM traffic log");
  traffic_cmd->require_subcommand(1);
  auto* traffic_export = traffic_cmd->add_subcommand("export", "Write a running sandbox's SCIM traffic as HAR 1.2");
  traffic_export->add_option("--har", traffic_har, "Output file ('-': standard output)")->required();
  traffic_export->add_option("--from", traffic_from, "The mock Okta's URL")->capture_default_str();

  std::string replay_har, replay_url, replay_token;
  auto* replay_cmd = app.add_subcommand(
      "replay", "Replay the SCIM requests of a HAR against a SCIM server and report where the answers differ");
  replay_cmd->add_option("har", replay_har, "HAR file (traffic export, or scenario run --har)")->required();
  replay_cmd->add_option("--against", replay_url, "SCIM connector base URL, e.g. http://localhost:8080/scim/v2")
      ->required();
  replay_cmd->add_option("--token", replay_token, "Bearer token of that server")->required();

  CLI11_PARSE(app, argc, argv);
  // The services' start/stop lines drown a scenario run's progress.
  if ((scen_cmd->parsed() || replay_cmd->parsed()) && app.count("--log-level") == 0) log_level = "warn";
  if (auto s = core::InitLogging(log_level); !s.ok()) {
    std::cerr << s.error().detail << "\n";
    return 2;
  }
  scim_opts.groups_open = scim_groups_open;
  scim_opts.encryption_url = scim_encryption_url;
  scim_opts.encryption_secret = scim_encryption_secret;
  scim_opts.group_provisioning = scim_group_provisioning;
  if (seed_cmd->parsed()) {
    if (scim_storage.in_memory) {
      std::fprintf(stderr, "seed writes to the data folder; --in-memory makes no sense here\n");
      return 2;
    }
    std::string path = scim_storage.PathFor("scim.db");
    auto st = scim::SeedStore(path, seed_users, seed_groups, seed_members, seed_value);
    if (!st.ok()) {
      std::fprintf(stderr, "seed failed: %s\n", st.error().detail.c_str());
      return 1;
    }
    std::printf("Seeded %s with %lld users and %lld groups.\n", path.c_str(), static_cast<long long>(seed_users),
                static_cast<long long>(seed_groups));
    return 0;
  }
  if (scim_cmd->parsed()) return RunScimServer(scim_opts, scim_storage);
  if (faults_cmd->parsed()) return RunFaults(fault_opts);
  if (enc_cmd->parsed()) return RunEncryption(enc_opts, enc_storage);
  if (okta_cmd->parsed()) return RunOkta(okta_opts, okta_storage);
  if (up_cmd->parsed()) return RunUp(up_opts, up_storage);
  if (scen_run->parsed()) {
    scen_opts.verbose = !scen_quiet;
    return scenario_cmd::RunScenarios(scen_opts);
  }
  if (scen_list->parsed()) return scenario_cmd::ListScenarios();
  if (traffic_export->parsed()) return scenario_cmd::ExportTrafficHar(traffic_from, traffic_har);
  if (replay_cmd->parsed()) return scenario_cmd::ReplayHarFile(replay_har, replay_url, replay_token);
  return 0;
}
