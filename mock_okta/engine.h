// Engine: the provisioning workers. The Org hands it jobs (JobSink); workers
// take them from the JobQueue (one subject's jobs in order, different
// subjects side by side), load what the job reads (Org::LoadJob), run its
// flow with the Executor, and settle the result with the task policy:
// resolve or open a task, or park the job for Okta's 429 back-off.
//
//   directory change ─▶ Org ─▶ JobSink::Enqueue ─▶ JobQueue ─▶ worker:
//     Org::LoadJob ─▶ Executor::Run(flow) ─▶ DecideTask ─▶ Org task writes / JobQueue::Park
//
// With one worker, jobs run strictly one after another in queue order (the
// deterministic mode scenarios use). Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "mock_okta/executor.h"
#include "mock_okta/job_queue.h"
#include "mock_okta/model.h"
#include "mock_okta/okta_ids.h"
#include "mock_okta/scim_client.h"

namespace okta {

class Org;

class Engine final : public JobSink {
 public:
  // `sender` is the seam to the network: HttpScimSender in the sandbox, a
  // recording fake in tests. Not owned; all three must outlive the engine.
  Engine(Org& org, ScimSender& sender, SandboxClock& clock, int workers = 1);
  ~Engine() override;
  void Start();
  // Waits for the running jobs to finish and joins the workers; queued jobs are dropped.
  void Stop();

  void Enqueue(Job job) override;
  // Queued jobs are journaled here (JobQueue::set_journal); set before Start().
  void SetJournal(JobJournal* journal) { queue_.set_journal(journal); }
  // Queues a job read back from the journal (before Start()).
  void Restore(Job job) { queue_.Restore(std::move(job)); }
  void Notify() { queue_.Notify(); }  // the clock moved (sandbox time control)
  void SetPaused(bool paused) { queue_.SetPaused(paused); }
  bool paused() { return queue_.paused(); }
  void DropQueued() { queue_.DropQueued(); }  // for reset
  bool WaitIdle(std::chrono::milliseconds timeout) { return queue_.WaitIdle(timeout); }
  core::Json ListJobs() { return queue_.List(); }

  // Test Connector Configuration, synchronously on the caller's thread.
  // {"status":"SUCCESS"|"FAILURE","message":…,"capabilities":{…}}
  core::Json TestConnector(const std::string& app_id);
  // Re-queues the job of an OPEN task. kNotFound, kInvalidValue (not open).
  core::Result<Task> RetryTask(const std::string& task_id);
  // The last import's result for an app (users and groups read from the server).
  core::Json LastImport(const std::string& app_id);

 private:
  void Work();
  void RunJob(const Job& job);
  void Settle(const FlowInput& in, const Outcome& outcome);

  Org& org_;
  ScimSender& sender_;
  SandboxClock& clock_;
  int workers_count_;
  JobQueue queue_;
  Executor executor_;
  std::mutex mu_;  // guards workers_ and imports_
  std::vector<std::thread> workers_;
  std::map<std::string, core::Json> imports_;
};

}  // namespace okta
