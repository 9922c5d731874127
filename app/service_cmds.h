// The service commands: `scim-server` (and `scim-server seed`), `encryption`
// (and `encryption faults`), `okta`, and `up` (the three together through
// app/sandbox.h). Each runs until SIGINT or SIGTERM. main.cpp declares their
// options and calls these.
#pragma once

#include <cstdint>
#include <string>

#include "app/data_folder.h"

namespace service_cmd {

using app::StorageOptions;

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
  bool quiet = false;  // --quiet (see Quiet below)
};

struct SeedOptions {
  int64_t users = 1000, groups = 10, members = 100;
  uint64_t seed = 1;
  bool quiet = false;  // --quiet (see Quiet below)
};

struct EncryptionOptions {
  std::string bind = "127.0.0.1";
  int port = 7030;
  std::string secret;
  bool quiet = false;  // --quiet (see Quiet below)
};

struct FaultOptions {
  std::string url = "http://127.0.0.1:7030";
  std::string secret;
  std::string data_dir = "data";  // where a running `up` wrote encryption-secret
  bool down = false;
  bool up = false;
  int delay_ms = -1;
  int fail_status = -1;
};

// How many traffic records and System Log events the mock Okta keeps, and
// for how long (okta::Config::max_traffic_records, max_log_events,
// max_record_age); 0 = no limit.
struct RecordRetention {
  int64_t keep = 100000;
  int64_t max_age_s = 7 * 24 * 3600;
};

struct OktaOptions {
  std::string bind = "127.0.0.1";
  int port = 7010;
  std::string api_token;
  int provisioning_workers = 16;
  RecordRetention retention;
  bool quiet = false;  // --quiet (see Quiet below)
};

struct UpOptions {
  std::string bind = "127.0.0.1";
  int okta_port = 7010;
  int scim_port = 7020;
  int encryption_port = 7030;
  std::string scim_token;
  std::string okta_token;
  std::string group_patch_response = "resource";
  int provisioning_workers = 16;
  RecordRetention retention;
  bool quiet = false;  // --quiet (see Quiet below)
};

// --quiet: a service prints its addresses and credentials (what it is run
// for) and errors; not the --bind warning, the "Press Ctrl+C" hint or the
// "stopped" line. `seed` prints nothing but errors. `faults` always prints
// the switches (its output).
//
// Each returns the process's exit code: 0 after a clean stop, 1 when the
// service did not start (or the faults could not be read or set), 2 on bad
// input.
int RunScimServer(const ScimOptions& o, const StorageOptions& storage);
int RunSeed(const SeedOptions& o, const StorageOptions& storage);
int RunEncryption(const EncryptionOptions& o, const StorageOptions& storage);
// Reads, changes and writes the fault switches of a running encryption service.
int RunFaults(FaultOptions o);
int RunOkta(const OktaOptions& o, const StorageOptions& storage);
// All three services, wired so the setup guide works at once (app/sandbox.h).
int RunUp(const UpOptions& o, const StorageOptions& storage);

}  // namespace service_cmd
