// okta-sandbox: one binary, three services (mock Okta, SCIM server,
// encryption stub). This file only parses the command line and wires the
// services' public headers together.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "core/log.h"
#include "scim_server/scim_server.h"

namespace {

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
};

int RunScimServer(const ScimOptions& o, const StorageOptions& storage) {
  scim::Config config;
  config.bind = o.bind;
  config.port = o.port;
  config.token = o.token;
  config.base_url = o.base_url;
  config.max_body_bytes = o.max_body_bytes;
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"okta-sandbox: the Okta -> SCIM provisioning flow on one machine (mock Okta, SCIM 2.0 server, "
               "encryption service stub), with no accounts and no network."};
  app.set_version_flag("--version", std::string("okta-sandbox ") + OKTA_SANDBOX_VERSION);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")->capture_default_str();
  app.require_subcommand(1);

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
  AddStorageOptions(scim_cmd, scim_storage);

  CLI11_PARSE(app, argc, argv);
  if (auto s = core::InitLogging(log_level); !s.ok()) {
    std::cerr << s.error().detail << "\n";
    return 2;
  }
  if (scim_cmd->parsed()) return RunScimServer(scim_opts, scim_storage);
  return 0;
}
