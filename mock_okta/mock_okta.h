// The mock Okta: an Okta org on one machine. A directory (users, groups),
// app integrations with SCIM provisioning (the App Integration Wizard path of
// the setup guide, or a PATCH-style catalog app), a provisioning engine that
// emits the SCIM traffic real Okta emits (see docs/okta-behaviour.md), an
// Okta Management API subset under /api/v1 and sandbox-only endpoints under
// /sandbox/. It talks to SCIM servers over HTTP only.
//
// Threads:
//  * HTTP handlers (/api/v1, /sandbox) run on the listener's worker pool.
//    Every directory change is applied under one domain lock and, when it
//    has provisioning consequences, enqueues jobs; handlers never send SCIM.
//  * Provisioning workers (Config::provisioning_workers) run the jobs: the
//    jobs of one subject (a user on an app, a push mapping) strictly one
//    after another, different subjects side by side. Rate limited jobs are
//    parked until the mock's clock reaches their due time; the clock can be
//    moved forward through POST /sandbox/time. The store writes System Log
//    and traffic records in batches on a thread of its own.
//  * Stop() stops accepting requests, waits for in-flight handlers and for
//    the jobs the workers are running (bounded by the SCIM timeout setting),
//    joins the threads and is idempotent. Queued jobs stay in okta.db's job
//    journal and run after the next Start() on the same database.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "mock_okta/console_routes.h"
#include "mock_okta/scim_client.h"

namespace okta {

// The built-in SCIM server, as `okta-sandbox up` hands it to the mock.
struct PresetApp {
  std::string scim_base_url;  // e.g. "http://127.0.0.1:7020/scim/v2"
  std::string scim_token;     // sent as "Authorization: Bearer <token>"
};

struct Config {
  std::string bind = "127.0.0.1";
  int port = 7010;                   // 0 picks a free port
  std::string db_path = ":memory:";  // a file path, or ":memory:"
  // SSWS token for /api/v1. Empty: a random one is generated (core::RandomToken).
  std::string api_token;
  // On Start, if the org has no app yet, create the NordPass-style app: AIW SWA
  // "NordPass Provisioning", SCIM enabled, connector base URL + HTTP Header
  // bearer token, unique identifier field "email", Push New Users / Push
  // Profile Updates / Push Groups, To App Create/Update/Deactivate on,
  // provisioning enabled, client profile aiw_put.
  std::optional<PresetApp> preset;
  const core::Clock* clock = nullptr;  // null: system clock. Not owned; must outlive the mock.
  std::optional<uint64_t> seed;        // seeded ids and placeholder passwords
  // Default SCIM response timeout for new apps (Okta: 60 s). Apps can
  // override it (sandbox app settings `timeoutMs`).
  std::chrono::milliseconds scim_timeout{60000};
  // Provisioning workers. Jobs for different users and groups overlap across
  // workers; the jobs of one user (or one group push) always run in order,
  // one at a time. 1 = one in-order worker (the deterministic mode scenarios
  // and tests use); `okta-sandbox up` defaults to 8.
  int provisioning_workers = 1;
  // Where SCIM requests go. Null: over HTTP (HttpScimSender). Tests may pass a
  // recording fake. Not owned; must outlive the mock.
  ScimSender* scim_sender = nullptr;
  // Retention: the newest this many System Log events and traffic records
  // are kept; older ones are deleted as new ones are written (0: keep all).
  int64_t max_log_events = 100000;
  int64_t max_traffic_records = 100000;
  // ...and only those written in the last week (real time; 0: no age limit).
  std::chrono::seconds max_record_age{7 * 24 * 3600};
  // The web console's assets (app/ embeds them); empty: no console at "/".
  ConsoleAssetLookup console_assets;
  // The other services, for the console's same-origin proxies under
  // /sandbox/links/ (the service provider's admin API, the encryption
  // service's fault switches). Empty fields: not linked.
  ServiceLinks links;
};

class MockOkta {
 public:
  explicit MockOkta(Config config);
  ~MockOkta();  // calls Stop()
  MockOkta(const MockOkta&) = delete;
  MockOkta& operator=(const MockOkta&) = delete;

  // Opens the store (running migrations), applies the preset, starts the
  // worker and the listener. Returns the bound port. Errors: kInternal
  // (store cannot be opened), kUnavailable (port in use), kInvalidValue
  // (bad preset URL).
  core::Result<int> Start();
  void Stop();
  int port() const;
  std::string base_url() const;  // "http://<bind>:<port>"
  const std::string& api_token() const;

  // Blocks until no provisioning job is running or due (jobs parked in a
  // 429 back-off whose due time is still ahead on the mock's clock do not
  // count). Returns false on timeout. For tests and scenarios.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace okta
