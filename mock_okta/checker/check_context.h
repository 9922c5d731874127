// The machinery shared by the checks (checker.h): a recording ScimSender and
// the in-process mock Okta org a run drives (store, clock, org, engine, one
// app per client profile), with the few admin actions the checks need and
// the book-keeping for cleanup. Internal to the checker.
//
// Threads: the engine's one worker sends through CheckSender while the check
// waits in Settle(); everything else runs on the caller's thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/log.h"
#include "core/result.h"
#include "mock_okta/checker/check_report.h"
#include "mock_okta/checker/checker.h"
#include "mock_okta/engine.h"
#include "mock_okta/okta_ids.h"
#include "mock_okta/okta_store.h"
#include "mock_okta/org.h"
#include "mock_okta/scim_client.h"

namespace okta::check {

// An org action a check takes (assign, update, unassign, …). The check judges
// its outcome from the traffic and state it inspects afterwards; a failure of
// the action itself is written to the process log, never dropped silently.
template <class R>
void Logged(const R& r, const char* what) {
  if (!r.ok()) spdlog::warn("check: {} failed: {}", what, r.error().detail);
}


// Wraps the real sender: every exchange is appended to the run's list and to
// the running check's list; a check may cap its number of requests (a paging
// loop that never ends) and hook the answer of a request (a simulated race).
class CheckSender final : public ScimSender {
 public:
  using Hook = std::function<void(const ScimRequest&, const ScimExchange&)>;
  explicit CheckSender(ScimSender& inner) : inner_(inner) {}
  ScimExchange Send(const std::string& base_url, const ScimRequest& req, int timeout_ms) override;
  // From now on exchanges also go to `sink` (null: none); after `limit`
  // requests (-1: no cap) the sender answers "no answer" without sending.
  void Begin(std::vector<Exchange>* sink, int limit = -1);
  bool limit_hit();
  // Runs once per matching exchange, on the sending thread, with no lock held.
  void SetHook(Hook hook);
  std::vector<Exchange> All();

 private:
  ScimSender& inner_;
  std::mutex mu_;
  std::vector<Exchange>* sink_ = nullptr;
  int limit_ = -1, count_ = 0;
  bool hit_ = false;
  Hook hook_;
  std::vector<Exchange> all_;
};

struct Provisioned {
  std::string uid;        // Okta user id
  std::string login;      // application username
  std::string remote_id;  // the server's id
};

struct Pushed {
  std::string group_id;    // Okta group id
  std::string mapping_id;  // push mapping id
  std::string remote_id;   // the server's group id
};

class CheckContext {
 public:
  CheckContext(const CheckOptions& opts, ScimSender& inner, std::string prefix);
  ~CheckContext();
  // Creates one app per profile (an error for a bad URL, auth or profile).
  core::Status Setup();

  const CheckOptions& opts;
  const std::string prefix;
  CheckSender sender;

  // ---- the org --------------------------------------------------------------
  Org& org() { return *org_; }
  Engine& engine() { return *engine_; }
  const std::string& AppId(const std::string& profile) { return apps_[profile]; }
  const std::string& FirstProfile() const { return opts.profiles.front(); }
  WireSettings Wire(const std::string& profile = "");
  Provisioning Prov(const std::string& profile);
  core::Status SetProv(const std::string& profile, const Provisioning& p);

  // Waits for the engine (fast-forwarding 429 back-offs); false if it hung.
  bool Settle();
  // Tasks opened or changed since the last call (the first call: since Setup).
  std::vector<Task> NewTasks();

  // ---- users and groups ---------------------------------------------------------
  std::string Login(const std::string& tag) const;  // prefix + tag + "@example.com"
  core::Result<std::string> NewUser(const std::string& login, const std::string& first, const std::string& last);
  // New Okta user, assigned to the profile's app, provisioned; nullopt with
  // `why` (the task message, or what went wrong) when it was not.
  std::optional<Provisioned> Provision(const std::string& profile, const std::string& tag, std::string* why);
  core::Status Assign(const std::string& profile, const std::string& uid);
  std::optional<AppUser> AppUserOf(const std::string& profile, const std::string& uid);
  core::Result<std::string> NewGroup(const std::string& tag, const std::vector<std::string>& member_uids);
  // Creates an active push mapping and waits for its push.
  std::optional<Pushed> Push(const std::string& profile, const std::string& group_id, std::string* why);

  // ---- direct requests (spec steps), through the same recording sender ----------
  ScimExchange Direct(const ScimRequest& req);
  // POST /Users with Okta's create body for `login`; the new id, or "" (see `ex`).
  std::string DirectCreate(const std::string& login, ScimExchange* ex,
                           const core::Json& extra_profile = core::Json::object());
  void NoteDirectUser(const std::string& id, const std::string& login);

  // ---- cleanup --------------------------------------------------------------
  // Deactivates (or deletes) what the run created unless `keep`; returns left_behind.
  std::vector<std::string> Cleanup();
  // Scratch shared between checks (e.g. the spec steps' user).
  std::map<std::string, std::string> scratch;

 private:
  void CleanupGroups(std::vector<std::string>& left);
  void CleanupUsers(std::vector<std::string>& left);
  bool DeactivateDirect(const std::string& id, const std::string& login, std::vector<std::string>& left);

  core::SystemClock system_clock_;
  SandboxClock clock_;
  std::unique_ptr<OktaStore> store_;
  OktaIds ids_;
  std::unique_ptr<Org> org_;
  std::unique_ptr<Engine> engine_;
  std::map<std::string, std::string> apps_;                        // profile → app id
  std::map<std::string, std::string> seen_tasks_;                  // task id → last_updated
  std::vector<std::pair<std::string, std::string>> assigned_;      // (profile, Okta user id)
  std::vector<std::pair<std::string, std::string>> mappings_;      // (profile, mapping id)
  std::vector<std::pair<std::string, std::string>> direct_users_;  // (server id, userName)
  std::vector<std::string> groups_;                                // Okta group ids
};

// ---- verdict helpers --------------------------------------------------------------
void Fail(CheckResult& r, std::string explanation, std::string task_message = "");
void Warn(CheckResult& r, std::string explanation);
void Skip(CheckResult& r, std::string why);
// The last exchange of the check that failed (no answer, or 4xx/5xx), or null.
const Exchange* LastFailing(const CheckResult& r);
// "PUT /Users/abc answered 400: <detail>" for an exchange (target relative to `base`).
std::string Brief(const Exchange& e, const std::string& base);
// What the failing exchange says about the server, in plain words (a known
// Okta pitfall when one matches), ending with a full stop; "" when nothing failed.
std::string Diagnose(const CheckResult& r, const std::string& base);
// Fails `r` from the tasks a flow left: `what` (what Okta was doing), the
// diagnosis of the failing exchange, and the last task's message.
void FailFromTasks(CheckResult& r, const std::vector<Task>& tasks, const std::string& what, const std::string& base);
// The exchanges of `r` whose method is `method` and whose URL contains `part`.
std::vector<const Exchange*> Find(const CheckResult& r, const std::string& method, const std::string& part);
// The parsed JSON of an answer, or null.
core::Json BodyJson(const std::string& body);
std::string Trim(const std::string& s, size_t max = 300);

}  // namespace okta::check
