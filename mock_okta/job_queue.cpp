#include "mock_okta/job_queue.h"

#include <algorithm>
#include <set>

namespace okta {

using core::Json;

std::string JobQueue::CoalesceKey(const Job& j) {
  return std::string(JobKindName(j.kind)) + "|" + j.app_id + "|" + j.user_id + "|" + j.mapping_id;
}

void JobQueue::ForgetLocked(const Queued& q) {
  if (!JobKindCoalesces(q.job.kind) || q.job.attempts != 0) return;
  auto it = coalescing_.find(CoalesceKey(q.job));
  if (it != coalescing_.end() && --it->second <= 0) coalescing_.erase(it);
}

void JobQueue::Push(Job job) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (stop_) return;
    if (JobKindCoalesces(job.kind) && job.attempts == 0) {
      int& n = coalescing_[CoalesceKey(job)];
      if (n > 0) return;
      ++n;
    }
    if (job.created.empty()) job.created = core::FormatIso8601(clock_.Now());
    if (journal_) journal_->Saved(job);
    std::string key = JobOrderKey(job);
    queue_.push_back(Queued{std::move(job), clock_.Now(), std::move(key)});
  }
  work_cv_.notify_one();
}

void JobQueue::Park(Job job, core::TimePoint due) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (stop_) return;
    std::string key = JobOrderKey(job);
    if (JobKindCoalesces(job.kind) && job.attempts == 0) ++coalescing_[CoalesceKey(job)];
    if (journal_) {
      job.due = core::FormatIso8601(due);
      journal_->Saved(job);
    }
    if (running_keys_.count(key)) parked_again_.insert(job.id);  // parked by its own run: Finish keeps the entry
    queue_.push_front(Queued{std::move(job), due, std::move(key)});
  }
  work_cv_.notify_all();
}

void JobQueue::Restore(Job job) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (stop_) return;
    auto due = job.due.empty() ? std::nullopt : core::ParseIso8601(job.due);
    if (JobKindCoalesces(job.kind) && job.attempts == 0) ++coalescing_[CoalesceKey(job)];
    std::string key = JobOrderKey(job);
    // In journal order, each at its due time (parked jobs) or now.
    queue_.push_back(Queued{std::move(job), due.value_or(clock_.Now()), std::move(key)});
  }
  work_cv_.notify_one();
}

// The first job that is due and whose subject is neither running nor held
// back by an earlier queued job of the same subject.
std::deque<JobQueue::Queued>::iterator JobQueue::PickLocked(core::TimePoint now) {
  if (paused_) return queue_.end();
  std::set<std::string> held;
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->due <= now && !running_keys_.count(it->key) && !held.count(it->key)) return it;
    held.insert(it->key);
  }
  return queue_.end();
}

std::optional<Job> JobQueue::Take() {
  std::unique_lock<std::mutex> lk(mu_);
  while (!stop_) {
    auto pick = PickLocked(clock_.Now());
    if (pick == queue_.end()) {
      if (running_ == 0) idle_cv_.notify_all();
      // Parked jobs wait on the mock's clock, which may be a manual one:
      // wake on Notify(), and poll so a real clock's due times are met.
      work_cv_.wait_for(lk, std::chrono::milliseconds(queue_.empty() ? 200 : 20));
      continue;
    }
    Job job = std::move(pick->job);
    running_keys_.insert(pick->key);
    ForgetLocked(Queued{job, pick->due, pick->key});
    queue_.erase(pick);
    ++running_;
    return job;
  }
  return std::nullopt;
}

void JobQueue::Finish(const Job& job) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    running_keys_.erase(JobOrderKey(job));
    --running_;
    // A job parked again (429) is queued under the same id: keep its entry.
    // (A set, not a scan of the queue: Finish runs once per job.)
    bool requeued = parked_again_.erase(job.id) > 0;
    if (journal_ && !requeued) journal_->Done(job.id);
  }
  // A finished job frees one subject, so at most one held-back job became
  // pickable: one worker is enough (waking all of them cost every worker a
  // lock and a queue scan per job).
  work_cv_.notify_one();
  idle_cv_.notify_all();
}

void JobQueue::Stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
    queue_.clear();
    coalescing_.clear();
  }
  work_cv_.notify_all();
  idle_cv_.notify_all();
}

void JobQueue::Notify() {
  work_cv_.notify_all();
  idle_cv_.notify_all();
}

void JobQueue::SetPaused(bool paused) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    paused_ = paused;
  }
  Notify();
}

bool JobQueue::paused() {
  std::lock_guard<std::mutex> lk(mu_);
  return paused_;
}

void JobQueue::DropQueued() {
  std::lock_guard<std::mutex> lk(mu_);
  parked_again_.clear();
  if (journal_) {
    for (const auto& q : queue_) journal_->Done(q.job.id);
  }
  queue_.clear();
  coalescing_.clear();
}

bool JobQueue::HasDueLocked(core::TimePoint now) const {
  if (paused_) return false;
  std::set<std::string> held;
  for (const auto& q : queue_) {
    if (q.due <= now && !held.count(q.key)) return true;
    held.insert(q.key);
  }
  return false;
}

bool JobQueue::WaitIdle(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lk(mu_);
  while (running_ > 0 || HasDueLocked(clock_.Now())) {
    auto wake = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(20));
    if (idle_cv_.wait_until(lk, wake) == std::cv_status::timeout && std::chrono::steady_clock::now() >= deadline) {
      return !(running_ > 0 || HasDueLocked(clock_.Now()));
    }
  }
  return true;
}

Json JobQueue::List() {
  std::lock_guard<std::mutex> lk(mu_);
  Json a = Json::array();
  for (const auto& q : queue_) {
    a.push_back(Json{{"id", q.job.id},
                     {"kind", JobKindName(q.job.kind)},
                     {"appId", q.job.app_id},
                     {"userId", q.job.user_id},
                     {"groupId", q.job.group_id},
                     {"mappingId", q.job.mapping_id},
                     {"attempts", q.job.attempts},
                     {"due", core::FormatIso8601(q.due)}});
  }
  return a;
}

}  // namespace okta
