// The SCIM 2.0 service provider (RFC 7643/7644) on SQLite: the role the
// vendor (e.g. a password manager) plays in the Okta setup guide.
//
// Threads: handlers run on the HTTP worker pool (Config::worker_threads);
// storage is safe for concurrent requests (one writer at a time, readers in
// parallel for a file store). Stop() stops accepting, waits for in-flight
// requests and the listener thread, and is idempotent.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"

namespace scim {

struct Config {
  std::string bind = "127.0.0.1";
  int port = 7020;                 // 0 picks a free port
  std::string db_path = ":memory:";  // a file path, or ":memory:"
  std::string token;               // bearer token every resource endpoint requires
  // Public base URL used in meta.location and printed for Okta, e.g.
  // "http://127.0.0.1:7020/scim/v2". Empty: derived from bind and port.
  std::string base_url;
  size_t max_body_bytes = 1 << 20;  // larger request bodies get 413
  int max_results = 1000;           // cap on `count` in list responses
  size_t worker_threads = 64;
  // PATCH /Groups answers 204 No Content (RFC 7644 §3.5.2 allows it, Okta
  // accepts it) unless the request asks for `attributes` or
  // `excludedAttributes`. Without it the answer is 200 with the whole group,
  // whose member list makes the response grow with the group.
  bool group_patch_no_content = false;
  // Group provisioning (docs/encryption-service.md). With `groups_need_encryption`
  // (the vendor's rule), group writes are refused unless group provisioning is
  // on, which needs a configured, healthy encryption service. Without it the
  // server is a plain SCIM server for groups too.
  bool groups_need_encryption = true;
  // Encryption service base URL and shared secret; empty keeps what the store
  // has (set through the admin API earlier), if anything.
  std::string encryption_url;
  std::string encryption_secret;
  bool group_provisioning = false;  // switch group provisioning on at start (needs a healthy service)
  // Where the users' device key pairs live (see device_store.h). Empty: "devices.db"
  // beside db_path, or in memory when db_path is ":memory:".
  std::string devices_db_path;
  const core::Clock* clock = nullptr;     // null: system clock
  core::IdSource* ids = nullptr;          // null: UUIDv7 from the clock
};

class ScimServer {
 public:
  explicit ScimServer(Config config);
  ~ScimServer();
  ScimServer(const ScimServer&) = delete;
  ScimServer& operator=(const ScimServer&) = delete;

  // Opens the store (running migrations) and starts listening. Returns the
  // bound port. Errors: kInternal (store cannot be opened), kUnavailable
  // (port in use).
  core::Result<int> Start();
  void Stop();
  int port() const;
  // The SCIM connector base URL to paste into Okta, ".../scim/v2".
  std::string base_url() const;
  std::string token() const;
  // Replaces the bearer token (the admin panel's "regenerate"); returns the new one.
  core::Result<std::string> RegenerateToken();

  // Test hook: the private key on a user's (simulated) device.
  std::optional<std::string> TEST_DevicePrivateKey(const std::string& user_id) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scim
