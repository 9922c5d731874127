// Engine: the provisioning queue and its worker. Jobs from the Org run one at
// a time on the worker thread; each flow asks the planner for requests step
// by step, sends them through a ScimSender, records every exchange (traffic)
// and each step as a System Log event, links remote ids, applies Okta's 429
// back-off on the mock's clock, and turns other failures into tasks with a
// retry action. No PATCH→PUT fallback.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/json_util.h"
#include "core/result.h"
#include "mock_okta/model.h"
#include "mock_okta/okta_ids.h"
#include "mock_okta/planner.h"
#include "mock_okta/scim_client.h"

namespace okta {

class Org;

class Engine {
 public:
  Engine(Org& org, ScimSender& sender, SandboxClock& clock);
  ~Engine();
  void Start();
  // Waits for the running job to finish and joins the worker; queued jobs are dropped.
  void Stop();

  // Thread-safe; may be called with Org::mu() held. A user_update or
  // group_members job already queued (not yet started) for the same target
  // absorbs the new one: those flows compute the diff when they run.
  void Enqueue(Job job);
  // The clock moved (sandbox time control): re-check parked jobs.
  void Notify();
  // Paused: no job starts (queued jobs wait and coalesce); WaitIdle ignores them.
  void SetPaused(bool paused);
  // Drops every queued and parked job (the running one finishes). For reset.
  void DropQueued();
  bool paused();
  bool WaitIdle(std::chrono::milliseconds timeout);
  // Queued and parked jobs, for /sandbox/jobs.
  core::Json ListJobs();

  // Test Connector Configuration, synchronously on the caller's thread.
  // {"status":"SUCCESS"|"FAILURE","message":…,"capabilities":{…}}
  core::Json TestConnector(const std::string& app_id);
  // Re-queues the job of an OPEN task. kNotFound, kInvalidValue (not open).
  core::Result<Task> RetryTask(const std::string& task_id);
  // The last import's result for an app (users and groups read from the server).
  core::Json LastImport(const std::string& app_id);

  WireSettings Wire(const App& app) const;

 private:
  struct Queued {
    Job job;
    core::TimePoint due;
    std::string key;
  };
  struct Ctx;

  void Run();
  bool HasDueLocked(core::TimePoint now) const;
  void RunJob(Job job);
  void Finish(Ctx& c);
  bool Exchange(Ctx& c, const std::string& step, const ScimRequest& req, ScimExchange* out);
  void Fail(Ctx& c, const std::string& what, const ScimExchange& ex);
  void Record(const Ctx* c, const std::string& app_id, const std::string& step, const ScimRequest& req,
              const ScimExchange& ex, core::TimePoint started, const std::string& base_url);
  void LogStep(Ctx& c, const std::string& event_type, const std::string& display, bool ok,
               const std::string& reason);

  void UserPush(Ctx& c, bool reactivate);
  void UserUpdate(Ctx& c);
  void UserDeactivate(Ctx& c);
  void UserPassword(Ctx& c);
  void GroupPushFlow(Ctx& c);
  void GroupMembers(Ctx& c, bool push_now);
  void GroupRename(Ctx& c);
  void GroupDelete(Ctx& c);
  void Import(Ctx& c);
  bool LinkAndPushProfile(Ctx& c, const std::string& remote_id, bool found_active, bool reactivation);

  Org& org_;
  ScimSender& sender_;
  SandboxClock& clock_;

  std::mutex q_mu_;
  std::condition_variable cv_;       // work arrived, time moved, or stop
  std::condition_variable idle_cv_;  // a job finished or the queue went idle
  std::deque<Queued> queue_;
  bool running_job_ = false;
  bool stop_ = false;
  bool paused_ = false;
  std::thread worker_;
  std::map<std::string, core::Json> imports_;  // guarded by q_mu_
};

}  // namespace okta
