// The three services composed into one sandbox: the encryption service stub,
// the SCIM server (using it, group provisioning on) and the mock Okta (its
// NordPass-style preset app pointing at the SCIM server, linked to the other
// two for the console). `okta-sandbox up`, `okta-sandbox scenario run` and the
// tests that need all three start them through this class.
//
// Threads: Start() and Stop() from one thread; the accessors are safe after
// Start() returned. The services run their own threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "mock_okta/console_routes.h"

namespace encryption {
class EncryptionStub;
}
namespace scim {
class ScimServer;
}
namespace okta {
class MockOkta;
}

namespace app {

// Reproducible runs: every service on one core::ManualClock fixed at
// `start_time`, the mock Okta's and the SCIM server's ids drawn from `seed`.
struct Deterministic {
  std::string start_time = "2024-05-01T09:00:00.000Z";  // ISO 8601
  uint64_t seed = 1;
};

// A SCIM server outside the sandbox (`scenario run --against`).
struct ExternalScim {
  std::string base_url;  // its connector base URL, ".../scim/v2"
  std::string token;     // its bearer token
};

struct SandboxConfig {
  std::string bind = "127.0.0.1";  // every service listens here
  int okta_port = 7010;            // 0 picks a free port
  int scim_port = 7020;
  int encryption_port = 7030;
  // SQLite stores: file paths, or ":memory:" (nothing survives a restart).
  std::string okta_db = ":memory:";
  std::string scim_db = ":memory:";
  std::string keys_db = ":memory:";
  // Credentials. Empty: generated (the SCIM token is kept in its store).
  std::string okta_token;
  std::string scim_token;
  std::string encryption_secret;
  bool group_patch_no_content = false;  // scim::Config::group_patch_no_content
  // The mock Okta's provisioning workers (okta::Config::provisioning_workers):
  // jobs for different users overlap; one user's jobs stay in order; 1 = one
  // in-order worker (what deterministic runs need).
  int provisioning_workers = 16;
  // The mock Okta's traffic records and System Log events: the newest this
  // many, written at most this long ago (0: no limit).
  int64_t keep_records = 100000;
  std::chrono::seconds keep_records_for{7 * 24 * 3600};
  std::optional<Deterministic> deterministic;  // none: system clock, random ids
  // Set: only the mock Okta starts, its preset app provisioning this server.
  std::optional<ExternalScim> external_scim;
  okta::ConsoleAssetLookup console_assets;  // the web console at "/"; empty: none
};

class Sandbox {
 public:
  explicit Sandbox(SandboxConfig config);
  ~Sandbox();  // calls Stop()
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Starts the encryption service, then the SCIM server, then the mock Okta
  // (the first two not with `external_scim`). Errors carry the service's
  // code and say which one did not start ("SCIM server did not start: …");
  // what did start keeps running until Stop().
  core::Status Start();
  // Stops the mock Okta, the SCIM server, then the encryption service.
  // Idempotent.
  void Stop();

  const SandboxConfig& config() const { return config_; }

  // After a successful Start():
  std::string okta_url() const;  // "http://<bind>:<port>"
  std::string okta_token() const;
  int okta_port() const;
  std::string scim_base_url() const;  // the built-in server's, or external_scim's
  std::string scim_token() const;
  // "http://<bind>:<port>/admin/api"; "" with external_scim.
  std::string scim_admin_url() const;
  int scim_port() const;  // 0 with external_scim
  std::string encryption_url() const;  // "" with external_scim
  std::string encryption_secret() const;
  int encryption_port() const;  // 0 with external_scim

  // MockOkta::WaitIdle: true once no provisioning job is running or due.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  core::Status StartEncryption();
  core::Status StartScim();
  core::Status StartOkta();

  SandboxConfig config_;
  // Declared before the services: they use them until they are destroyed.
  std::unique_ptr<core::ManualClock> clock_;
  std::unique_ptr<core::UuidV7Source> scim_ids_;
  std::unique_ptr<encryption::EncryptionStub> encryption_;
  std::unique_ptr<scim::ScimServer> scim_;
  std::unique_ptr<okta::MockOkta> okta_;
};

}  // namespace app
