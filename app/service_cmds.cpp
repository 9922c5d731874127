#include "app/service_cmds.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/console_assets.h"
#include "app/sandbox.h"
#include "core/http.h"
#include "core/json_util.h"
#include "encryption_stub/encryption_stub.h"
#include "mock_okta/mock_okta.h"
#include "scim_server/scim_server.h"
#include "scim_server/seed_store.h"

namespace service_cmd {

namespace {

// The web console, embedded at build time, served by the mock Okta at "/".
std::optional<okta::ConsoleAsset> ConsoleAssetFor(const std::string& path) {
  auto a = console::LookupConsoleAsset(path);
  if (!a) return std::nullopt;
  return okta::ConsoleAsset{std::string(a->bytes), std::string(a->content_type)};
}

// A service bound beyond loopback is reachable from the network: say what
// that exposes (the tool has no accounts; its tokens are the only guard).
void WarnIfExposed(const std::string& bind, const std::string& what, bool quiet) {
  bool loopback = bind == "localhost" || bind == "::1" || bind == "[::1]" || bind.rfind("127.", 0) == 0;
  if (loopback || quiet) return;
  std::fprintf(stderr,
               "warning: --bind %s makes %s reachable from other machines on the network, not only from this "
               "one. This is a sandbox: bind to 127.0.0.1 unless you mean it.\n",
               bind.c_str(), what.c_str());
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

// What --quiet leaves out: hints and the "stopped" lines.
void Say(bool quiet, const char* line) {
  if (!quiet) std::printf("%s\n", line);
  std::fflush(stdout);
}

void PrintUp(const app::Sandbox& sandbox, const StorageOptions& storage, bool quiet) {
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
  std::printf("  Data: %s%s\n", storage.in_memory ? "in memory" : storage.data_dir.c_str(),
              quiet ? "" : "   Press Ctrl+C to stop.");
  std::fflush(stdout);
}

}  // namespace

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
  WarnIfExposed(o.bind, "the SCIM server (its users and groups, and its admin API, which has no token)", o.quiet);
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
  std::printf("\n  Store: %s\n", config.db_path.c_str());
  Say(o.quiet, "  Press Ctrl+C to stop.");
  int sig = WaitForStopSignal(signals);
  spdlog::info("signal {} received, stopping", sig);
  server.Stop();
  Say(o.quiet, "SCIM server stopped.");
  return 0;
}

int RunEncryption(const EncryptionOptions& o, const StorageOptions& storage) {
  WarnIfExposed(o.bind, "the encryption service", o.quiet);
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
  std::printf("  URL    : %s\n  Secret : %s\n  Store  : %s\n", stub.base_url().c_str(), stub.secret().c_str(),
              config.db_path.c_str());
  Say(o.quiet, "  Press Ctrl+C to stop.");
  WaitForStopSignal(signals);
  stub.Stop();
  Say(o.quiet, "Encryption service stopped.");
  return 0;
}

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

int RunOkta(const OktaOptions& o, const StorageOptions& storage) {
  WarnIfExposed(o.bind, "the mock Okta and its web console", o.quiet);
  okta::Config config;
  config.bind = o.bind;
  config.port = o.port;
  config.api_token = OktaTokenFor(o.api_token, storage);
  config.db_path = storage.PathFor("okta.db");
  config.provisioning_workers = o.provisioning_workers;
  config.max_traffic_records = config.max_log_events = o.retention.keep;
  config.max_record_age = std::chrono::seconds(o.retention.max_age_s);
  config.console_assets = ConsoleAssetFor;
  sigset_t signals = BlockStopSignals();
  okta::MockOkta mock(config);
  auto port = mock.Start();
  if (!port.ok()) {
    spdlog::error("mock Okta did not start: {}", port.error().detail);
    return 1;
  }
  std::printf("okta-sandbox mock Okta listening on %s:%d\n", o.bind.c_str(), *port);
  std::printf("  Okta org URL : %s\n  API token    : SSWS %s\n  Store        : %s\n", mock.base_url().c_str(),
              mock.api_token().c_str(), config.db_path.c_str());
  Say(o.quiet, "  Press Ctrl+C to stop.");
  WaitForStopSignal(signals);
  mock.Stop();
  Say(o.quiet, "Mock Okta stopped.");
  return 0;
}

// `up`: the SCIM server uses the encryption service with group provisioning on,
// and the mock Okta has the NordPass-style app pointing at the SCIM server.
int RunUp(const UpOptions& o, const StorageOptions& storage) {
  WarnIfExposed(o.bind,
                "the mock Okta and its web console, the SCIM server with its admin API (no token) and the encryption "
                "service",
                o.quiet);
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
  config.keep_records = o.retention.keep;
  config.keep_records_for = std::chrono::seconds(o.retention.max_age_s);
  config.console_assets = ConsoleAssetFor;
  app::Sandbox sandbox(config);
  if (auto st = sandbox.Start(); !st.ok()) {
    spdlog::error("{}", st.error().detail);
    return 1;
  }
  PrintUp(sandbox, storage, o.quiet);
  int sig = WaitForStopSignal(signals);
  spdlog::info("signal {} received, stopping", sig);
  sandbox.Stop();
  Say(o.quiet, "okta-sandbox stopped.");
  return 0;
}

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
  if (!o.quiet)
    std::printf("Seeded %s with %lld users and %lld groups.\n", path.c_str(), static_cast<long long>(o.users),
                static_cast<long long>(o.groups));
  return 0;
}

}  // namespace service_cmd
