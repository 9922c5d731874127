// JobQueue: the provisioning queue shared by the workers. Jobs of one
// subject (JobOrderKey: a user on an app, a push mapping, an app's imports)
// run in the order queued and never two at once; jobs of different subjects
// may run side by side on different workers. A job parked by a 429 back-off
// keeps its place at the front and holds back later jobs of its subject
// until the mock's clock reaches its due time. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/clock.h"
#include "core/json_util.h"
#include "mock_okta/job.h"

namespace okta {

class JobQueue {
 public:
  explicit JobQueue(const core::Clock& clock) : clock_(clock) {}
  // Where queued jobs are journaled (null: nowhere). Set before use. A job is
  // saved when queued or parked and forgotten when it finishes (unless it was
  // parked again) or is dropped by DropQueued; Stop() keeps the journal, so
  // the jobs still queued run after a restart (Restore).
  void set_journal(JobJournal* journal) { journal_ = journal; }
  // Queues a job read back from the journal: at its due time if it has one.
  void Restore(Job job);

  // Queues a job to run now. A job of a coalescing kind (JobKindCoalesces)
  // is dropped when one for the same subject is queued and not yet started.
  void Push(Job job);
  // Queues a job at the front, to run at `due` on the mock's clock.
  void Park(Job job, core::TimePoint due);
  // Blocks until a job may run, then hands it out and holds its subject
  // until Finish(job). nullopt once Stop() was called.
  std::optional<Job> Take();
  void Finish(const Job& job);

  void Stop();                  // Take() returns nullopt from now on; queued jobs are dropped
  void Notify();                // the clock moved: re-check parked jobs
  void SetPaused(bool paused);  // paused: Take() hands out nothing
  bool paused();
  void DropQueued();  // drops every queued and parked job (running ones finish)
  // Until no job runs and none is due (parked jobs whose time has not come do
  // not count; neither do queued jobs while paused). False on timeout.
  bool WaitIdle(std::chrono::milliseconds timeout);
  core::Json List();  // queued and parked jobs, for /sandbox/jobs

 private:
  struct Queued {
    Job job;
    core::TimePoint due;
    std::string key;
  };
  static std::string CoalesceKey(const Job& j);
  void ForgetLocked(const Queued& q);
  bool HasDueLocked(core::TimePoint now) const;
  std::deque<Queued>::iterator PickLocked(core::TimePoint now);

  const core::Clock& clock_;
  std::mutex mu_;
  std::condition_variable work_cv_;  // work arrived, time moved, a subject was released, or stop
  std::condition_variable idle_cv_;  // a job finished or the queue went idle
  std::deque<Queued> queue_;
  std::unordered_set<std::string> running_keys_;
  std::unordered_map<std::string, int> coalescing_;  // CoalesceKey → queued, not started, first attempt
  int running_ = 0;
  bool stop_ = false;
  bool paused_ = false;
  JobJournal* journal_ = nullptr;
  std::unordered_set<std::string> parked_again_;  // ids parked while their own run was still going
};

}  // namespace okta
