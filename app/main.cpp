// okta-sandbox: one binary, three services (mock Okta, SCIM server,
// encryption stub). This file parses the command line and runs each service
// alone; `up` runs the three together through app/sandbox.h, `scenario`,
// `traffic` and `replay` are in app/scenario_cmd.h, `check` in app/check_cmd.h.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fstream>
#include <iostream>

#include "app/check_cmd.h"
#include "app/console_assets.h"
#include "app/sandbox.h"
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
  // The folder is the user's alone (0700) and so is the file (0600), also
  // when they were made by an older version with looser modes.
  std::string PathFor(const std::string& file) const {
    if (in_memory) return ":memory:";
    MakePrivateDir(data_dir);
    auto path = std::filesystem::path(data_dir) / file;
    LockOrExit(path);
    MakePrivateFile(path);
    return path.string();
  }
  // One process per database file: an exclusive flock on "<file>.lock", held
  // until the process ends (the kernel drops it even after a crash). A second
  // process on the same data folder stops here with a clear message instead
  // of sharing the SQLite files.
  static void LockOrExit(const std::filesystem::path& db) {
    std::string lock = db.string() + ".lock";
    int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return;  // a read-only folder: SQLite will say what is wrong
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      char pid[32] = {0};
      ssize_t n = ::pread(fd, pid, sizeof(pid) - 1, 0);
      std::string who = n > 0 ? std::string(pid, static_cast<size_t>(n)) : std::string("?");
      while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
      std::fprintf(stderr,
                   "error: %s is in use by another okta-sandbox (pid %s). Stop it, or use another --data-dir "
                   "(or --in-memory).\n",
                   db.string().c_str(), who.c_str());
      std::exit(1);
    }
    std::string me = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0) (void)::pwrite(fd, me.data(), me.size(), 0);
    // fd stays open (and locked) for the life of the process.
  }
  static void MakePrivateDir(const std::string& dir) {
    namespace fs = std::filesystem;
    fs::create_directories(dir);
    std::error_code ec;
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  static void MakePrivateFile(const std::filesystem::path& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      fs::path p = path.string() + suffix;
      if (fs::exists(p, ec)) fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
    }
  }
};

// A service bound beyond loopback is reachable from the network: say what
// that exposes (the tool has no accounts; its tokens are the only guard).
void WarnIfExposed(const std::string& bind, const std::string& what) {
  bool loopback = bind == "localhost" || bind == "::1" || bind == "[::1]" || bind.rfind("127.", 0) == 0;
  if (loopback) return;
  std::fprintf(stderr,
               "warning: --bind %s makes %s reachable from other machines on the network, not only from this "
               "one. This is a sandbox: bind to 127.0.0.1 unless you mean it.\n",
               bind.c_str(), what.c_str());
}

// The mock Okta's API token: the given one, else the one kept in the data
// folder, else a new one (kept there) -- so scripts and SDK configs keep working
// across restarts. In memory: empty, and the mock makes a fresh one.
std::string OktaTokenFor(const std::string& given, const StorageOptions& storage) {
  if (!given.empty() || storage.in_memory) return given;
  StorageOptions::MakePrivateDir(storage.data_dir);
  auto path = std::filesystem::path(storage.data_dir) / "okta-api-token";
  StorageOptions::MakePrivateFile(path);
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
  WarnIfExposed(o.bind, "the SCIM server (its users and groups, and its admin API, which has no token)");
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
  WarnIfExposed(o.bind, "the encryption service");
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
  std::string data_dir = "data";  // where a running `up` wrote encryption-secret
  bool down = false;
  bool up = false;
  int delay_ms = -1;
  int fail_status = -1;
};

// Reads, changes and writes the fault switches of a running encryption service.
int RunFaults(FaultOptions o) {
  if (o.secret.empty()) {
    auto path = std::filesystem::path(o.data_dir) / "encryption-secret";
    if (std::ifstream in(path); in) std::getline(in, o.secret);
    if (o.secret.empty()) {
      std::fprintf(stderr, "no secret: give --secret, or --data-dir of a running `okta-sandbox up` (%s not found)\n",
                   path.c_str());
      return 2;
    }
  }
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
  int provisioning_workers = 8;
};

int RunOkta(const OktaOptions& o, const StorageOptions& storage) {
  WarnIfExposed(o.bind, "the mock Okta and its web console");
  okta::Config config;
  config.bind = o.bind;
  config.port = o.port;
  config.api_token = OktaTokenFor(o.api_token, storage);
  config.db_path = storage.PathFor("okta.db");
  config.provisioning_workers = o.provisioning_workers;
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
  int provisioning_workers = 8;
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

CLI::Option* AddProvisioningWorkersOption(CLI::App* cmd, int& value) {
  return cmd
      ->add_option("--provisioning-workers", value,
                   "provisioning workers: jobs for different users overlap; one user's jobs stay in order; "
                   "1 = one in-order worker")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
}

void PrintUp(const app::Sandbox& sandbox, const StorageOptions& storage) {
  std::printf("okta-sandbox is up.\n\n");
  std::printf("  Mock Okta (the identity provider)\n");
  std::printf("    Console (web)         : %s/\n", sandbox.okta_url().c_str());
  std::printf("    Org URL               : %s\n", sandbox.okta_url().c_str());
  std::printf("    Management API token  : SSWS %s\n", sandbox.okta_token().c_str());
  std::printf("    OIDC issuer (default) : %s/oauth2/default  (org server: %s)\n\n", sandbox.okta_url().c_str(),
              sandbox.okta_url().c_str());
  std::printf("  SCIM server (the service provider) - paste into Okta's Provisioning > Integration\n");
  std::printf("    SCIM connector base URL : %s\n", sandbox.scim_base_url().c_str());
  std::printf("    Bearer (secret token)   : %s\n", sandbox.scim_token().c_str());
  std::printf("    Admin panel API         : %s/status\n\n", sandbox.scim_admin_url().c_str());
  std::printf("  Encryption service (needed for group provisioning)\n");
  std::printf("    URL                     : %s  (status: Active)\n", sandbox.encryption_url().c_str());
  std::printf("    Admin secret            : %s\n", sandbox.encryption_secret().c_str());
  if (!storage.in_memory) {
    // For scripts: `okta-sandbox encryption faults --data-dir DIR` reads it from here.
    auto path = std::filesystem::path(storage.data_dir) / "encryption-secret";
    std::ofstream(path) << sandbox.encryption_secret() << "\n";
    StorageOptions::MakePrivateFile(path);
    std::printf("                              (also in %s, for `okta-sandbox encryption faults`)\n", path.c_str());
  }
  std::printf("\n");
  std::printf("  Data: %s   Press Ctrl+C to stop.\n", storage.in_memory ? "in memory" : storage.data_dir.c_str());
  std::fflush(stdout);
}

// All three services, wired so the setup guide works at once (app/sandbox.h):
// the SCIM server uses the encryption service with group provisioning on,
// and the mock Okta has the NordPass-style app pointing at the SCIM server.
int RunUp(const UpOptions& o, const StorageOptions& storage) {
  WarnIfExposed(o.bind, "the mock Okta and its web console, the SCIM server with its admin API (no token) and the "
                        "encryption service");
  sigset_t signals = BlockStopSignals();
  app::SandboxConfig config;
  config.bind = o.bind;
  config.okta_port = o.okta_port;
  config.scim_port = o.scim_port;
  config.encryption_port = o.encryption_port;
  config.keys_db = storage.PathFor("keys.db");
  config.scim_db = storage.PathFor("scim.db");
  config.okta_db = storage.PathFor("okta.db");
  config.scim_token = o.scim_token;
  config.okta_token = OktaTokenFor(o.okta_token, storage);
  config.group_patch_no_content = o.group_patch_response == "no-content";
  config.provisioning_workers = o.provisioning_workers;
  config.console_assets = ConsoleAssetFor;
  app::Sandbox sandbox(config);
  if (auto st = sandbox.Start(); !st.ok()) {
    spdlog::error("{}", st.error().detail);
    return 1;
  }
  PrintUp(sandbox, storage);
  int sig = WaitForStopSignal(signals);
  spdlog::info("signal {} received, stopping", sig);
  sandbox.Stop();
  std::printf("okta-sandbox stopped.\n");
  return 0;
}

// ------------------------------------------------------------ command line

struct SeedOptions {
  int64_t users = 1000, groups = 10, members = 100;
  uint64_t seed = 1;
};

int RunSeed(const SeedOptions& o, const StorageOptions& storage) {
  if (storage.in_memory) {
    std::fprintf(stderr, "seed writes to the data folder; --in-memory makes no sense here\n");
    return 2;
  }
  std::string path = storage.PathFor("scim.db");
  auto st = scim::SeedStore(path, o.users, o.groups, o.members, o.seed);
  if (!st.ok()) {
    std::fprintf(stderr, "seed failed: %s\n", st.error().detail.c_str());
    return 1;
  }
  std::printf("Seeded %s with %lld users and %lld groups.\n", path.c_str(), static_cast<long long>(o.users),
              static_cast<long long>(o.groups));
  return 0;
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
  scenario_cmd::ScenarioOptions scenario;
  bool scenario_quiet = false;
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
  AddStorageOptions(cmd, c.up_storage);
}

// scenario, traffic, replay (app/scenario_cmd.h, docs/scenarios.md).
void AddScenarioCommands(CLI::App& app, Cli& c) {
  scenario_cmd::ScenarioOptions& o = c.scenario;
  c.scenario_cmd = app.add_subcommand("scenario", "Run provisioning scenarios on a fresh, deterministic sandbox");
  c.scenario_cmd->require_subcommand(1);
  auto* run = c.scenario_run =
      c.scenario_cmd->add_subcommand("run", "Run scenario files, folders or bundled names; exit 1 when one fails");
  run->add_option("files", o.files, "Scenario files, folders of them, or bundled names (see `scenario list`)")
      ->required();
  auto* against = run->add_option("--against", o.against_url,
                                  "Provision this SCIM server (connector base URL) instead of the built-in one");
  run->add_option("--token", o.against_token, "Bearer token for --against")->needs(against);
  run->add_option("--junit", o.junit_path, "Write a JUnit XML report to this file");
  run->add_option("--har", o.har_path, "Write each scenario's SCIM traffic as HAR 1.2 to this file");
  run->add_option("--seed", o.seed, "Seed for Okta and SCIM ids")->capture_default_str();
  run->add_flag("--quiet", c.scenario_quiet, "One line per scenario instead of one per step");
  c.scenario_list = c.scenario_cmd->add_subcommand("list", "List the bundled scenarios");

  auto* traffic = app.add_subcommand("traffic", "The mock Okta's SCIM traffic log");
  traffic->require_subcommand(1);
  c.traffic_export = traffic->add_subcommand("export", "Write a running sandbox's SCIM traffic as HAR 1.2");
  c.traffic_export->add_option("--har", c.traffic_har, "Output file ('-': standard output)")->required();
  c.traffic_export->add_option("--from", c.traffic_from, "The mock Okta's URL")->capture_default_str();

  c.replay_cmd = app.add_subcommand(
      "replay", "Replay the SCIM requests of a HAR against a SCIM server and report where the answers differ");
  c.replay_cmd->add_option("har", c.replay_har, "HAR file (traffic export, or scenario run --har)")->required();
  c.replay_cmd->add_option("--against", c.replay_url, "SCIM connector base URL, e.g. http://localhost:8080/scim/v2")
      ->required();
  c.replay_cmd->add_option("--token", c.replay_token, "Bearer token of that server")->required();
}

// Runs the command that was parsed.
int Dispatch(Cli& c) {
  if (c.seed_cmd->parsed()) return RunSeed(c.seed, c.scim_storage);
  if (c.scim_cmd->parsed()) return RunScimServer(c.scim, c.scim_storage);
  if (c.faults_cmd->parsed()) return RunFaults(c.faults);
  if (c.enc_cmd->parsed()) return RunEncryption(c.enc, c.enc_storage);
  if (c.okta_cmd->parsed()) return RunOkta(c.okta, c.okta_storage);
  if (c.up_cmd->parsed()) return RunUp(c.up, c.up_storage);
  if (c.scenario_run->parsed()) {
    c.scenario.verbose = !c.scenario_quiet;
    return scenario_cmd::RunScenarios(c.scenario);
  }
  if (c.scenario_list->parsed()) return scenario_cmd::ListScenarios();
  if (c.traffic_export->parsed()) return scenario_cmd::ExportTrafficHar(c.traffic_from, c.traffic_har);
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
  if (auto s = core::InitLogging(c.log_level); !s.ok()) {
    std::cerr << s.error().detail << "\n";
    return 2;
  }
  return Dispatch(c);
}
