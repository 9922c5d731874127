// A stand-in for the vendor's customer-deployed "Encryption Service": it holds
// each group's symmetric key in its own SQLite store and hands a member only
// that key wrapped to the member's X25519 public key, so the SCIM server never
// holds a usable group key. The HTTP/JSON contract (all under /v1) is ours,
// not the vendor's; it is described in docs/encryption-service.md.
//
// Threads: handlers run on the HTTP worker pool; every key operation is one
// SQLite write transaction, so concurrent requests are safe. All methods of
// EncryptionStub may be called from any thread; SetFault/fault are
// synchronised with the handlers.
//
// Stop() stops accepting connections, wakes handlers sleeping in a `delay_ms`
// fault (they answer 503), waits for in-flight requests, for idle keep-alive
// connections to time out (the stub sets that idle timeout to 1 s; httplib
// cannot close them early) and for the listener thread, then closes the
// store. It is idempotent and the destructor calls it.
// Start() after Stop() reopens the store and listens again.
//
// Wire errors are {"error":"<code>","message":"..."}: 400 invalidJson,
// invalidRequest, invalidBase64, invalidKey; 401 unauthorized; 404 notFound;
// 409 keyVersionConflict; 413 payloadTooLarge; 503 unavailable (the `down`
// fault or stopping); `fail_status` answers injectedFault; 500 internal.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"

namespace encryption {

// Fault switches, also reachable over HTTP at GET/PUT /v1/admin/faults (which
// keeps working whatever is switched on, so a fault can always be undone).
// "Key operations" are all requests under /v1/groups.
struct Fault {
  // Every request except the fault-admin endpoint answers 503 at once
  // (GET /v1/health answers 503 {"status":"Down"}). A real outage would drop
  // connections; a quick 503 is what a test or a demo can rely on.
  bool down = false;
  // Key operations sleep this long before answering (0 = off). Stop() cuts
  // the sleep short.
  int delay_ms = 0;
  // 0 = off; otherwise every key operation answers this status (400..599)
  // with {"error":"injectedFault",...}, after any delay.
  int fail_status = 0;
};

struct Config {
  std::string bind = "127.0.0.1";
  int port = 7030;                   // 0 picks a free port
  std::string db_path = ":memory:";  // a file path, or ":memory:"
  // Shared secret the SCIM server sends as "Authorization: Bearer <secret>".
  // Empty: one is generated with core::RandomToken (read it with secret()).
  std::string secret;
  size_t worker_threads = 8;
  const core::Clock* clock = nullptr;  // null: system clock; not owned, must outlive the stub
};

class EncryptionStub {
 public:
  explicit EncryptionStub(Config config);
  ~EncryptionStub();
  EncryptionStub(const EncryptionStub&) = delete;
  EncryptionStub& operator=(const EncryptionStub&) = delete;

  // Opens the store (running migrations) and starts listening. Returns the
  // bound port; a second Start() while running returns the same port.
  // Errors: kInternal (store cannot be opened), kUnavailable (the address
  // cannot be bound). cpp-httplib sets SO_REUSEPORT, so a port held by another
  // httplib listener in any process of the same user is NOT reported as in use.
  core::Result<int> Start();
  void Stop();
  // The bound port while running (after Stop, the last bound port); 0 before Start.
  int port() const;
  // "http://<bind>:<port>": what the SCIM server's encryption_url points at.
  std::string base_url() const;
  const std::string& secret() const;

  void SetFault(Fault fault);
  Fault fault() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace encryption
