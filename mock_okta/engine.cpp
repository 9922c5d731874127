#include "mock_okta/engine.h"

#include <pthread.h>

#include <algorithm>

#include "core/log.h"
#include "mock_okta/connector_check.h"
#include "mock_okta/org.h"
#include "mock_okta/task_policy.h"

namespace okta {

using core::Json;

Engine::Engine(Org& org, ScimSender& sender, SandboxClock& clock, int workers)
    : org_(org), sender_(sender), clock_(clock), workers_count_(std::max(1, workers)), queue_(clock),
      executor_(org, sender, clock) {}

Engine::~Engine() { Stop(); }

void Engine::Start() {
  std::lock_guard<std::mutex> lk(mu_);
  if (!workers_.empty()) return;
  for (int i = 0; i < workers_count_; ++i) workers_.emplace_back([this] { Work(); });
}

void Engine::Stop() {
  queue_.Stop();
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lk(mu_);
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
}

void Engine::Enqueue(Job job) { queue_.Push(std::move(job)); }

void Engine::Work() {
  pthread_setname_np(pthread_self(), "okta-provision");  // names the thread in top, perf and gdb
  while (auto job = queue_.Take()) {
    try {
      RunJob(*job);
    } catch (const std::exception& e) {
      spdlog::error("mock_okta: job {} ({}) threw: {}", job->id, JobKindName(job->kind), e.what());
    }
    queue_.Finish(*job);
  }
}

void Engine::RunJob(const Job& job) {
  auto loaded = org_.LoadJob(job);
  if (!loaded || !loaded->app.prov.enabled) return;  // the app or user is gone, or provisioning is off
  FlowInput& in = *loaded;
  in.wire = WireFor(in.app);
  in.profile = ParseClientProfile(in.app.prov.client_profile).value_or(ClientProfile::kAiwPut);
  in.new_password = [this] { return org_.NewPlaceholderPassword(); };
  Outcome outcome = executor_.Run(in);
  if (outcome.kind == Outcome::Kind::kOk &&
      (job.kind == JobKind::kImportUsers || job.kind == JobKind::kImportGroups)) {
    std::lock_guard<std::mutex> lk(mu_);
    imports_[job.app_id][job.kind == JobKind::kImportGroups ? "groups" : "users"] = outcome.imported;
    imports_[job.app_id]["completed"] = core::FormatIso8601(clock_.Now());
  }
  Settle(in, outcome);
}

void Engine::Settle(const FlowInput& in, const Outcome& outcome) {
  TaskDecision d = DecideTask(in.job, outcome, in.app, in.subject_display, clock_.Now());
  core::Status saved;
  switch (d.kind) {
    case TaskDecision::Kind::kResolve:
      saved = org_.ResolveTasks(in.job.app_id, [&](const Task& t) { return JobResolvesTask(in.job, t); });
      break;
    case TaskDecision::Kind::kOpen:
      saved = org_.OpenTask(in.job, d.task_message, d.failure, d.retry);
      break;
    case TaskDecision::Kind::kRateLimited: {
      auto task_id = org_.SaveRateLimitedTask(in.job, d.task_message, d.retry);
      if (!task_id.ok()) saved = task_id.error();
      Job parked = d.parked;
      if (task_id.ok()) parked.task_id = *task_id;
      org_.LogJobStep(in.job, outcome.subject, in.subject_display, in.app, d.log);
      queue_.Park(parked, d.due);
      break;
    }
  }
  if (!saved.ok()) {
    spdlog::error("mock_okta: job {} ({}): could not save its task: {}", in.job.id, JobKindName(in.job.kind),
                  saved.error().detail);
  }
}

core::Result<Task> Engine::RetryTask(const std::string& task_id) {
  auto t = org_.MarkTaskRetrying(task_id);
  if (!t.ok()) return t.error();
  Job j = t->job;
  j.task_id = t->id;
  j.id = org_.NewJobId();
  Enqueue(j);
  return t;
}

Json Engine::LastImport(const std::string& app_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = imports_.find(app_id);
  return it == imports_.end() ? Json::object() : it->second;
}

// Test Connector Configuration: GET /Users?startIndex=1&count=2 (and GET
// /Groups when Import Groups is on), checked as Okta checks them.
Json Engine::TestConnector(const std::string& app_id) {
  auto found = org_.GetApp(app_id);
  if (!found.ok()) return Json{{"status", "FAILURE"}, {"message", "App not found"}};
  const App& app = *found;
  WireSettings w = WireFor(app);
  std::vector<ScimRequest> reqs = {ListUsersRequest(w, 1, 2)};
  if (app.prov.import_groups) reqs.push_back(ListGroupsRequest(w, 1, 100));
  std::string failure;
  for (const auto& req : reqs) {
    auto started = clock_.Now();
    ScimExchange ex = sender_.Send(app.prov.base_url, req, app.prov.timeout_ms);
    org_.AddTrafficLater([app_id = app.id, req, ex, started, base = app.prov.base_url] {
      return TrafficRecordText(nullptr, app_id, "test connector", req, ex, started, base);
    });
    failure = ConnectorFailure(app.prov.base_url, req, ex);
    if (!failure.empty()) break;
  }
  Json caps = Json{{"importNewUsers", app.prov.import_users},
                   {"importProfileUpdates", app.prov.import_users},
                   {"pushNewUsers", app.prov.push_new_users},
                   {"pushProfileUpdates", app.prov.push_profile_updates},
                   {"pushGroups", app.prov.push_groups},
                   {"importGroups", app.prov.import_groups}};
  org_.LogConnectorTest(app, failure);
  if (failure.empty()) {
    return Json{{"status", "SUCCESS"}, {"message", "Connector configured successfully"}, {"capabilities", caps}};
  }
  return Json{{"status", "FAILURE"}, {"message", failure}, {"capabilities", caps}};
}

}  // namespace okta
