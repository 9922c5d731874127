// JobQueue: per-subject order with several workers, coalescing, 429 parking
// on the mock's clock, pause, and WaitIdle. No engine, no sockets: the test
// plays the workers by calling Take/Finish itself.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "mock_okta/job_queue.h"

namespace {

using okta::Job;
using okta::JobKind;
using okta::JobQueue;

core::TimePoint T0() { return *core::ParseIso8601("2026-01-01T00:00:00Z"); }

Job UserJob(JobKind kind, const std::string& user, const std::string& id) {
  Job j;
  j.id = id;
  j.kind = kind;
  j.app_id = "0oa1";
  j.user_id = user;
  return j;
}

}  // namespace

TEST_CASE("jobs of one subject are handed out one at a time, in order; other subjects go past", "[job_queue]") {
  core::ManualClock clock(T0());
  JobQueue q(clock);
  q.Push(UserJob(JobKind::kUserPush, "u1", "j1"));
  q.Push(UserJob(JobKind::kUserPassword, "u1", "j2"));
  q.Push(UserJob(JobKind::kUserPush, "u2", "j3"));
  auto a = q.Take();
  REQUIRE(a);
  CHECK(a->id == "j1");
  // u1 is running: its next job waits; u2's job is handed out instead.
  auto b = q.Take();
  REQUIRE(b);
  CHECK(b->id == "j3");
  q.Finish(*a);
  auto c = q.Take();
  REQUIRE(c);
  CHECK(c->id == "j2");
  q.Finish(*b);
  q.Finish(*c);
  CHECK(q.WaitIdle(std::chrono::milliseconds(200)));
}

TEST_CASE("a coalescing job queued for the same subject absorbs the next one until it starts", "[job_queue]") {
  core::ManualClock clock(T0());
  JobQueue q(clock);
  q.Push(UserJob(JobKind::kUserUpdate, "u1", "j1"));
  q.Push(UserJob(JobKind::kUserUpdate, "u1", "j2"));  // absorbed
  q.Push(UserJob(JobKind::kUserPush, "u1", "j3"));    // not a coalescing kind
  q.Push(UserJob(JobKind::kUserPush, "u1", "j4"));
  CHECK(q.List().size() == 3);
  auto a = q.Take();
  REQUIRE(a);
  CHECK(a->id == "j1");
  // Started: a new update is queued again rather than absorbed.
  q.Push(UserJob(JobKind::kUserUpdate, "u1", "j5"));
  CHECK(q.List().size() == 3);
  q.Finish(*a);
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    auto j = q.Take();
    REQUIRE(j);
    order.push_back(j->id);
    q.Finish(*j);
  }
  CHECK(order == std::vector<std::string>{"j3", "j4", "j5"});
}

TEST_CASE("a parked job holds back its subject until the mock's clock reaches its due time", "[job_queue]") {
  core::ManualClock clock(T0());
  JobQueue q(clock);
  Job parked = UserJob(JobKind::kUserPush, "u1", "j1");
  parked.attempts = 1;
  q.Park(parked, T0() + std::chrono::seconds(30));
  q.Push(UserJob(JobKind::kUserPassword, "u1", "j2"));
  q.Push(UserJob(JobKind::kUserPush, "u2", "j3"));
  // Only u2 may run; WaitIdle does not count the parked job or what it holds back.
  auto a = q.Take();
  REQUIRE(a);
  CHECK(a->id == "j3");
  q.Finish(*a);
  CHECK(q.WaitIdle(std::chrono::milliseconds(200)));
  clock.Advance(std::chrono::seconds(30));
  q.Notify();
  CHECK_FALSE(q.WaitIdle(std::chrono::milliseconds(50)));
  auto b = q.Take();
  REQUIRE(b);
  CHECK(b->id == "j1");
  q.Finish(*b);
  auto c = q.Take();
  REQUIRE(c);
  CHECK(c->id == "j2");
  q.Finish(*c);
}

TEST_CASE("paused, nothing is handed out and WaitIdle ignores the queue; Stop releases waiting workers",
          "[job_queue]") {
  core::ManualClock clock(T0());
  JobQueue q(clock);
  q.SetPaused(true);
  q.Push(UserJob(JobKind::kUserPush, "u1", "j1"));
  CHECK(q.WaitIdle(std::chrono::milliseconds(100)));
  std::atomic<bool> got{false};
  std::thread worker([&] {
    while (auto j = q.Take()) {
      got = true;
      q.Finish(*j);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK_FALSE(got);
  q.SetPaused(false);
  CHECK(q.WaitIdle(std::chrono::seconds(5)));
  CHECK(got);
  q.Stop();
  worker.join();
  q.Push(UserJob(JobKind::kUserPush, "u2", "j2"));
  CHECK(q.List().empty());
}

TEST_CASE("many workers never run two jobs of one subject at once and keep each subject's order", "[job_queue]") {
  core::ManualClock clock(T0());
  JobQueue q(clock);
  const int kUsers = 20, kPerUser = 25;
  for (int n = 0; n < kPerUser; ++n) {
    for (int u = 0; u < kUsers; ++u) {
      q.Push(UserJob(n % 2 ? JobKind::kUserPassword : JobKind::kUserPush, "u" + std::to_string(u),
                     std::to_string(n)));
    }
  }
  std::mutex mu;
  std::map<std::string, int> running, last_seen;
  std::atomic<int> overlaps{0}, out_of_order{0}, done{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      while (auto j = q.Take()) {
        {
          std::lock_guard<std::mutex> lk(mu);
          if (running[j->user_id]++ > 0) ++overlaps;
          int seq = std::stoi(j->id);
          if (last_seen.count(j->user_id) && seq != last_seen[j->user_id] + 1) ++out_of_order;
          last_seen[j->user_id] = seq;
        }
        std::this_thread::yield();
        {
          std::lock_guard<std::mutex> lk(mu);
          --running[j->user_id];
        }
        ++done;
        q.Finish(*j);
      }
    });
  }
  REQUIRE(q.WaitIdle(std::chrono::seconds(20)));
  q.Stop();
  for (auto& t : workers) t.join();
  CHECK(done == kUsers * kPerUser);
  CHECK(overlaps == 0);
  CHECK(out_of_order == 0);
}
