#include "mock_okta/engine.h"

#include <algorithm>
#include <set>

#include "core/http.h"
#include "core/log.h"
#include "mock_okta/org.h"

namespace okta {

using core::Json;

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MappedUser, user_name, given_name, family_name, email, display_name,
                                                locale, title, mobile_phone, department, external_id)

namespace {

const char* ReasonPhrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unexpected Response";
  }
}

bool Is2xx(int s) { return s >= 200 && s < 300; }

std::string JobKey(const Job& j) {
  if (!j.mapping_id.empty()) return "g:" + j.app_id + ":" + j.mapping_id;
  if (!j.user_id.empty()) return "u:" + j.app_id + ":" + j.user_id;
  return "a:" + j.app_id + ":" + j.kind;
}

// Retry-After as integer seconds; anything else (absent, HTTP-date, fraction) → nullopt.
std::optional<int64_t> RetryAfterSeconds(const ScimExchange& ex) {
  for (const auto& h : ex.headers) {
    if (!core::EqualsCi(h.name, "Retry-After")) continue;
    if (h.value.empty() || h.value.size() > 9) return std::nullopt;
    for (char ch : h.value) {
      if (ch < '0' || ch > '9') return std::nullopt;
    }
    return std::stoll(h.value);
  }
  return std::nullopt;
}

Json HeadersJson(const std::vector<Header>& hs) {
  Json a = Json::array();
  for (const auto& h : hs) a.push_back(Json{{"name", h.name}, {"value", h.value}});
  return a;
}

std::string DisplayOf(const User& u) {
  std::string f = u.profile.value("firstName", ""), l = u.profile.value("lastName", "");
  std::string d = f + (f.empty() || l.empty() ? "" : " ") + l;
  return d.empty() ? u.profile.value("login", u.id) : d;
}

}  // namespace

struct Engine::Ctx {
  Job job;
  App app;
  WireSettings wire;
  ClientProfile profile = ClientProfile::kAiwPut;
  User user;             // user jobs
  std::string subject;   // for messages: the user's login or the group's name
  std::string subject_display;
  enum Kind { kOk, kFailed, kRateLimited } kind = kOk;
  std::string message;
  int64_t retry_after_s = -1;  // -1: no integer Retry-After
  bool rate_limited_with_header = false;
};

Engine::Engine(Org& org, ScimSender& sender, SandboxClock& clock) : org_(org), sender_(sender), clock_(clock) {}

Engine::~Engine() { Stop(); }

void Engine::Start() {
  std::lock_guard<std::mutex> lk(q_mu_);
  if (worker_.joinable()) return;
  stop_ = false;
  worker_ = std::thread([this] { Run(); });
}

void Engine::Stop() {
  {
    std::lock_guard<std::mutex> lk(q_mu_);
    stop_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  idle_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Engine::Enqueue(Job job) {
  {
    std::lock_guard<std::mutex> lk(q_mu_);
    if (job.kind == "user_update" || job.kind == "group_members" || job.kind == "group_rename") {
      for (const auto& q : queue_) {
        if (q.job.kind == job.kind && q.job.app_id == job.app_id && q.job.user_id == job.user_id &&
            q.job.mapping_id == job.mapping_id && q.job.attempts == 0) {
          return;
        }
      }
    }
    if (job.created.empty()) job.created = core::FormatIso8601(clock_.Now());
    Queued q{job, clock_.Now(), JobKey(job)};
    queue_.push_back(std::move(q));
  }
  cv_.notify_all();
}

void Engine::DropQueued() {
  std::lock_guard<std::mutex> lk(q_mu_);
  queue_.clear();
}

void Engine::SetPaused(bool paused) {
  {
    std::lock_guard<std::mutex> lk(q_mu_);
    paused_ = paused;
  }
  Notify();
}

bool Engine::paused() {
  std::lock_guard<std::mutex> lk(q_mu_);
  return paused_;
}

void Engine::Notify() {
  cv_.notify_all();
  idle_cv_.notify_all();
}

bool Engine::HasDueLocked(core::TimePoint now) const {
  if (paused_) return false;
  std::set<std::string> held;
  for (const auto& q : queue_) {
    if (q.due <= now && !held.count(q.key)) return true;
    held.insert(q.key);
  }
  return false;
}

bool Engine::WaitIdle(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lk(q_mu_);
  while (running_job_ || HasDueLocked(clock_.Now())) {
    if (idle_cv_.wait_until(lk, std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(20))) ==
            std::cv_status::timeout &&
        std::chrono::steady_clock::now() >= deadline) {
      return !(running_job_ || HasDueLocked(clock_.Now()));
    }
  }
  return true;
}

Json Engine::ListJobs() {
  std::lock_guard<std::mutex> lk(q_mu_);
  Json a = Json::array();
  for (const auto& q : queue_) {
    a.push_back(Json{{"id", q.job.id},
                     {"kind", q.job.kind},
                     {"appId", q.job.app_id},
                     {"userId", q.job.user_id},
                     {"groupId", q.job.group_id},
                     {"mappingId", q.job.mapping_id},
                     {"attempts", q.job.attempts},
                     {"due", core::FormatIso8601(q.due)}});
  }
  return a;
}

Json Engine::LastImport(const std::string& app_id) {
  std::lock_guard<std::mutex> lk(q_mu_);
  auto it = imports_.find(app_id);
  return it == imports_.end() ? Json::object() : it->second;
}

void Engine::Run() {
  std::unique_lock<std::mutex> lk(q_mu_);
  while (!stop_) {
    auto now = clock_.Now();
    std::set<std::string> held;
    auto pick = queue_.end();
    for (auto it = queue_.begin(); it != queue_.end() && !paused_; ++it) {
      if (it->due <= now && !held.count(it->key)) {
        pick = it;
        break;
      }
      held.insert(it->key);
    }
    if (pick == queue_.end()) {
      idle_cv_.notify_all();
      // Parked jobs wait on the mock's clock, which may be a manual one:
      // wake on Notify(), and poll so a real clock's due times are met.
      cv_.wait_for(lk, std::chrono::milliseconds(queue_.empty() ? 200 : 20));
      continue;
    }
    Job job = pick->job;
    queue_.erase(pick);
    running_job_ = true;
    lk.unlock();
    try {
      RunJob(job);
    } catch (const std::exception& e) {
      spdlog::error("mock_okta: job {} ({}) threw: {}", job.id, job.kind, e.what());
    }
    lk.lock();
    running_job_ = false;
    idle_cv_.notify_all();
  }
}

WireSettings Engine::Wire(const App& app) const {
  WireSettings w;
  w.auth = ParseAuthMode(app.prov.auth_mode).value_or(AuthMode::kHeaderBearer);
  w.token = app.prov.token;
  w.username = app.prov.basic_username;
  w.password = app.prov.basic_password;
  w.query_plus = app.prov.query_plus;
  w.connection_keep_alive = app.prov.connection_keep_alive;
  if (auto u = core::ParseUrl(app.prov.base_url); u.ok()) {
    bool default_port = (u->scheme == "http" && u->port == 80) || (u->scheme == "https" && u->port == 443);
    w.host = default_port ? u->host : u->host + ":" + std::to_string(u->port);
  }
  return w;
}

void Engine::Record(const Ctx* c, const std::string& app_id, const std::string& step, const ScimRequest& req,
                    const ScimExchange& ex, core::TimePoint started, const std::string& base_url) {
  Json rec = Json::object();
  rec["jobId"] = c ? Json(c->job.id) : Json(nullptr);
  rec["jobKind"] = c ? c->job.kind : "test_connector";
  rec["appId"] = app_id;
  rec["step"] = step;
  rec["startedAt"] = core::FormatIso8601(started);
  rec["durationMs"] = ex.elapsed_ms;
  rec["request"] = Json{{"method", req.method},
                        {"url", base_url + req.Target()},
                        {"target", req.Target()},
                        {"headers", HeadersJson(req.headers)},
                        {"body", req.body}};
  if (ex.status != 0) {
    rec["response"] = Json{{"status", ex.status}, {"headers", HeadersJson(ex.headers)}, {"body", ex.body}};
  } else {
    rec["response"] = nullptr;
  }
  rec["error"] = ex.error.empty() ? Json(nullptr) : Json(ex.error);
  (void)org_.store().AddTraffic(rec);
}

bool Engine::Exchange(Ctx& c, const std::string& step, const ScimRequest& req, ScimExchange* out) {
  auto started = clock_.Now();
  *out = sender_.Send(c.app.prov.base_url, req, c.app.prov.timeout_ms);
  Record(&c, c.app.id, step, req, *out, started, c.app.prov.base_url);
  if (out->status == 429) {
    c.kind = Ctx::kRateLimited;
    auto ra = RetryAfterSeconds(*out);
    c.retry_after_s = ra ? *ra : -1;
    c.message = "Rate limit exceeded for " + step;
    return false;
  }
  if (out->status == 0) {
    c.kind = Ctx::kFailed;
    c.message = "Error while trying to " + step + ": " + out->error;
    return false;
  }
  return true;
}

void Engine::Fail(Ctx& c, const std::string& what, const ScimExchange& ex) {
  c.kind = Ctx::kFailed;
  c.message = "Error while trying to " + what + ": " + ReasonPhrase(ex.status) +
              ". Errors reported by remote server: " + RemoteErrorDetail(ex.body);
}

void Engine::LogStep(Ctx& c, const std::string& event_type, const std::string& display, bool ok,
                     const std::string& reason) {
  Json targets = Json::array();
  targets.push_back(Json{{"id", c.app.id}, {"type", "AppInstance"}, {"alternateId", c.app.label},
                         {"displayName", c.app.label}});
  if (!c.job.user_id.empty()) {
    targets.push_back(Json{{"id", c.job.user_id}, {"type", "User"}, {"alternateId", c.subject},
                           {"displayName", c.subject_display}});
  }
  if (!c.job.group_id.empty()) {
    targets.push_back(Json{{"id", c.job.group_id}, {"type", "UserGroup"}, {"alternateId", c.subject},
                           {"displayName", c.subject}});
  }
  org_.Log(event_type, display, ok ? "SUCCESS" : "FAILURE", reason, targets,
           Json{{"jobId", c.job.id}, {"jobKind", c.job.kind}});
}

void Engine::RunJob(Job job) {
  Ctx c;
  c.job = job;
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    auto app = org_.store().LookupApp(job.app_id);
    if (!app) return;
    c.app = *app;
    if (!job.user_id.empty()) {
      auto u = org_.store().LookupUser(job.user_id);
      if (!u) return;
      c.user = *u;
      c.subject = u->profile.value("login", u->id);
      c.subject_display = DisplayOf(*u);
    }
    if (!job.group_id.empty()) {
      if (auto g = org_.store().LookupGroup(job.group_id)) c.subject = g->name;
    }
  }
  if (!c.app.prov.enabled) return;
  c.wire = Wire(c.app);
  c.profile = ParseClientProfile(c.app.prov.client_profile).value_or(ClientProfile::kAiwPut);

  const std::string& k = job.kind;
  if (k == "user_push") UserPush(c, false);
  else if (k == "user_reactivate") UserPush(c, true);
  else if (k == "user_update") UserUpdate(c);
  else if (k == "user_deactivate") UserDeactivate(c);
  else if (k == "user_password") UserPassword(c);
  else if (k == "group_push") GroupPushFlow(c);
  else if (k == "group_members") GroupMembers(c, false);
  else if (k == "group_push_now") GroupMembers(c, true);
  else if (k == "group_rename") GroupRename(c);
  else if (k == "group_delete") GroupDelete(c);
  else if (k == "import_users" || k == "import_groups") Import(c);
  Finish(c);
}

void Engine::Finish(Ctx& c) {
  if (c.kind == Ctx::kRateLimited) {
    Job j = c.job;
    j.attempts += 1;
    int max_attempts = std::max(1, c.app.prov.rate_limit_max_attempts);
    if (j.attempts < max_attempts) {
      int64_t wait = j.attempts == 1 ? (c.retry_after_s >= 0 ? c.retry_after_s : c.app.prov.rate_limit_default_wait_s)
                                     : j.last_wait_s * 2;
      j.last_wait_s = wait;
      auto due = clock_.Now() + std::chrono::seconds(wait);
      j.due = core::FormatIso8601(due);
      // The task shows the rate-limit message while the job waits. [D] S3
      {
        std::lock_guard<std::mutex> lk(org_.mu());
        Task t;
        if (!j.task_id.empty()) {
          if (auto old = org_.store().LookupTask(j.task_id)) t = *old;
        }
        if (t.id.empty()) {
          t.id = org_.ids().NewId("tsk");
          t.created = org_.Now();
        }
        t.status = "RATE_LIMITED";
        t.app_id = c.app.id;
        t.user_id = c.job.user_id;
        t.group_id = c.job.group_id;
        t.last_updated = org_.Now();
        std::string who = !c.job.user_id.empty() ? "user " + c.subject_display
                          : !c.job.group_id.empty() ? "group " + c.subject : "app " + c.app.label;
        t.message = "Provisioning of " + who + " to app " + c.app.label +
                    " is paused: the app's rate limit was reached (HTTP 429). Okta will retry at " + j.due +
                    " (attempt " + std::to_string(j.attempts + 1) + " of " + std::to_string(max_attempts) + ")";
        j.task_id = t.id;
        Job retry = j;
        retry.attempts = 0;
        retry.last_wait_s = 0;
        retry.due.clear();
        t.job = retry;
        (void)org_.store().PutTask(t);
      }
      LogStep(c, "application.provision.rate_limit",
              "Provisioning paused by the app's rate limit (HTTP 429); retry " + std::to_string(j.attempts + 1) +
                  " of " + std::to_string(max_attempts) + " at " + j.due,
              false, "HTTP 429; waiting " + std::to_string(wait) + " s");
      {
        std::lock_guard<std::mutex> lk(q_mu_);
        queue_.push_front(Queued{j, due, JobKey(j)});
      }
      cv_.notify_all();
      return;
    }
    c.kind = Ctx::kFailed;
    c.message = "Rate limit exceeded: the app answered HTTP 429 " + std::to_string(j.attempts) +
                " times; the operation was not retried further";
  }
  std::lock_guard<std::mutex> lk(org_.mu());
  if (c.kind == Ctx::kFailed) {
    Task t;
    t.id = org_.ids().NewId("tsk");
    t.app_id = c.app.id;
    t.user_id = c.job.user_id;
    t.group_id = c.job.group_id;
    t.created = t.last_updated = org_.Now();
    if (!c.job.user_id.empty()) {
      t.message = "Automatic provisioning of user " + c.subject_display + " to app " + c.app.label +
                  " failed: " + c.message;
    } else if (!c.job.group_id.empty()) {
      t.message = "Failed on pushing group " + c.subject + " to app " + c.app.label + ": " + c.message;
    } else {
      t.message = "Provisioning for app " + c.app.label + " failed: " + c.message;
    }
    Job retry = c.job;
    retry.attempts = 0;
    retry.last_wait_s = 0;
    retry.due.clear();
    t.job = retry;
    if (!c.job.task_id.empty()) {
      if (auto old = org_.store().LookupTask(c.job.task_id)) {
        t.id = old->id;
        t.created = old->created;
      }
    }
    t.job.task_id = t.id;
    (void)org_.store().PutTask(t);
    if (!c.job.user_id.empty()) {
      if (auto au = org_.store().LookupAppUser(c.app.id, c.job.user_id)) {
        au->sync_state = "ERROR";
        (void)org_.store().PutAppUser(*au);
      }
    }
    if (!c.job.mapping_id.empty()) {
      if (auto m = org_.store().LookupGroupPush(c.job.mapping_id)) {
        m->status = "ERROR";
        m->error_summary = c.message;
        (void)org_.store().PutGroupPush(*m);
      }
    }
  } else if (!c.job.task_id.empty()) {
    if (auto t = org_.store().LookupTask(c.job.task_id)) {
      t->status = "RESOLVED";
      t->last_updated = org_.Now();
      (void)org_.store().PutTask(*t);
    }
  }
}

core::Result<Task> Engine::RetryTask(const std::string& task_id) {
  Task t;
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    auto found = org_.store().LookupTask(task_id);
    if (!found) return core::MakeError(core::ErrorCode::kNotFound, "Not found: Resource not found: " + task_id + " (Task)");
    if (found->status != "OPEN") return core::MakeError(core::ErrorCode::kInvalidValue, "Task is not open");
    t = *found;
    t.status = "RETRYING";
    t.last_updated = org_.Now();
    (void)org_.store().PutTask(t);
  }
  Job j = t.job;
  j.task_id = t.id;
  j.id = org_.ids().NewId("job");
  Enqueue(j);
  return t;
}

// ---- user flows ----------------------------------------------------------------

bool Engine::LinkAndPushProfile(Ctx& c, const std::string& remote_id, bool found_active, bool reactivation) {
  const Provisioning& p = c.app.prov;
  std::optional<AppUser> au;
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    au = org_.store().LookupAppUser(c.app.id, c.user.id);
  }
  if (!au) return true;
  MappedUser m = MapUser(c.user.id, c.user.profile, au->user_name, p.locale);
  std::string path = "/Users/" + remote_id;
  ScimExchange ex;
  if (c.profile == ClientProfile::kOinPatch) {
    // Profile A: activation is a path-less PATCH, then GET + PUT of the profile. [I] order
    if (!found_active || reactivation) {
      if (!Exchange(c, "reactivate user '" + au->user_name + "'", BodyRequest(c.wire, "PATCH", path, PatchActiveBody(true)), &ex)) return false;
      if (!Is2xx(ex.status)) return Fail(c, "reactivate user '" + au->user_name + "'", ex), false;
      LogStep(c, "application.provision.user.reactivate", "Push user reactivation", true, "");
    }
    if (!Exchange(c, "push profile update for '" + au->user_name + "'", GetRequest(c.wire, path), &ex)) return false;
    if (ex.status != 200) return Fail(c, "push profile update for '" + au->user_name + "'", ex), false;
    auto server = core::ParseJson(ex.body);
    Json put = MergeUserForPut(server.ok() ? *server : Json::object(), m, AllAttributes(), std::nullopt, std::nullopt);
    if (!Exchange(c, "push profile update for '" + au->user_name + "'", BodyRequest(c.wire, "PUT", path, put), &ex)) return false;
    if (!Is2xx(ex.status)) return Fail(c, "push profile update for '" + au->user_name + "'", ex), false;
  } else {
    // Profile B (observed): GET → PUT active:true (with the profile merged in on a first link);
    // on reactivation a second GET → PUT pushes the profile. [O] S13, S14, S20
    std::string what = (reactivation ? "reactivate user '" : "link user '") + au->user_name + "'";
    if (!Exchange(c, what, GetRequest(c.wire, path), &ex)) return false;
    if (ex.status != 200) return Fail(c, what, ex), false;
    auto server = core::ParseJson(ex.body);
    Json put = MergeUserForPut(server.ok() ? *server : Json::object(), m,
                               reactivation ? std::set<std::string>{} : AllAttributes(), true, std::nullopt);
    if (!Exchange(c, what, BodyRequest(c.wire, "PUT", path, put), &ex)) return false;
    if (!Is2xx(ex.status)) return Fail(c, what, ex), false;
    if (reactivation) {
      LogStep(c, "application.provision.user.reactivate", "Push user reactivation", true, "");
      std::string w2 = "push profile update for '" + au->user_name + "'";
      if (!Exchange(c, w2, GetRequest(c.wire, path), &ex)) return false;
      if (ex.status != 200) return Fail(c, w2, ex), false;
      auto s2 = core::ParseJson(ex.body);
      Json put2 = MergeUserForPut(s2.ok() ? *s2 : Json::object(), m, AllAttributes(), std::nullopt, std::nullopt);
      if (!Exchange(c, w2, BodyRequest(c.wire, "PUT", path, put2), &ex)) return false;
      if (!Is2xx(ex.status)) return Fail(c, w2, ex), false;
    }
  }
  LogStep(c, "application.provision.user.push_profile", "Push user's profile", true, "");
  return true;
}

void Engine::UserPush(Ctx& c, bool reactivate) {
  const Provisioning& p = c.app.prov;
  std::optional<AppUser> au;
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    au = org_.store().LookupAppUser(c.app.id, c.user.id);
  }
  if (!au || au->status == "DEPROVISIONED") return;
  MappedUser m = MapUser(c.user.id, c.user.profile, au->user_name, p.locale);

  // 1. Verify the user exists in the external application (lookup by the unique identifier field).
  ScimExchange ex;
  std::string look = "find user '" + au->user_name + "'";
  if (!Exchange(c, look, FindUserRequest(c.wire, p.unique_field, au->user_name), &ex)) {
    LogStep(c, "application.provision.user.verify_exists", "Verify user exists in external application", false, c.message);
    return;
  }
  std::optional<Json> found;
  if (ex.status == 200) {
    auto list = core::ParseJson(ex.body);
    if (!list.ok()) {
      c.kind = Ctx::kFailed;
      c.message = "Error while trying to " + look + ": " + RemoteErrorDetail(ex.body);
    } else if (!ListTotal(*list)) {
      c.kind = Ctx::kFailed;
      c.message = "Error while trying to " + look + ": Invalid response: totalResults must be an integer";
    } else {
      auto res = ListResources(*list);
      if (*ListTotal(*list) > 0 && !res.empty()) found = res[0];
    }
  } else if (ex.status != 404) {
    Fail(c, look, ex);
  }
  LogStep(c, "application.provision.user.verify_exists", "Verify user exists in external application",
          c.kind == Ctx::kOk, c.kind == Ctx::kOk ? (found ? "found" : "not found") : c.message);
  if (c.kind != Ctx::kOk) return;

  std::string remote_id;
  if (!found) {
    // 2. Not found: create, unless To App → Create Users is off.
    if (!p.create_users) {
      c.kind = Ctx::kFailed;
      c.message = "Matching user not found.";
      LogStep(c, "application.provision.user.push", "Push new user to external application", false, c.message);
      return;
    }
    std::string what = "create user '" + au->user_name + "'";
    if (!Exchange(c, what, BodyRequest(c.wire, "POST", "/Users", UserCreateBody(m, org_.ids().NewPassword())), &ex)) {
      LogStep(c, "application.provision.user.push", "Push new user to external application", false, c.message);
      return;
    }
    if (!Is2xx(ex.status)) {
      Fail(c, what, ex);
    } else {
      auto body = core::ParseJson(ex.body);
      const Json* id = body.ok() ? core::FindKeyCi(*body, "id") : nullptr;
      if (!id || !id->is_string() || id->get<std::string>().empty()) {
        c.kind = Ctx::kFailed;
        c.message = "Create new user returned empty user.";
      } else {
        remote_id = id->get<std::string>();
      }
    }
    LogStep(c, "application.provision.user.push", "Push new user to external application", c.kind == Ctx::kOk,
            c.kind == Ctx::kOk ? "" : c.message);
    if (c.kind != Ctx::kOk) return;
  } else {
    // 3. Found: link to it (Okta stores the id), then push the profile.
    const Json* id = core::FindKeyCi(*found, "id");
    if (!id || !id->is_string()) {
      c.kind = Ctx::kFailed;
      c.message = "Error while trying to " + look + ": the matching user has no id";
      return;
    }
    remote_id = id->get<std::string>();
    const Json* active = core::FindKeyCi(*found, "active");
    bool found_active = !active || !active->is_boolean() || active->get<bool>();
    {
      std::lock_guard<std::mutex> lk(org_.mu());
      if (auto cur = org_.store().LookupAppUser(c.app.id, c.user.id)) {
        cur->external_id = remote_id;
        (void)org_.store().PutAppUser(*cur);
      }
    }
    if (!LinkAndPushProfile(c, remote_id, found_active, reactivate)) return;
  }

  std::vector<std::string> groups;
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    if (auto cur = org_.store().LookupAppUser(c.app.id, c.user.id)) {
      cur->external_id = remote_id;
      cur->status = "PROVISIONED";
      cur->sync_state = "SYNCHRONIZED";
      cur->remote_active = true;
      cur->last_pushed = Json(nlohmann::json(m));
      cur->last_sync = cur->last_updated = org_.Now();
      (void)org_.store().PutAppUser(*cur);
    }
    groups = org_.store().ListGroupIdsOfUser(c.user.id);
  }
  // Group Push references provisioned users only: now that this one is
  // linked, pushed groups it belongs to get a membership update.
  for (const auto& gid : groups) {
    std::vector<GroupPush> maps;
    {
      std::lock_guard<std::mutex> lk(org_.mu());
      maps = org_.store().ListGroupPushesOfGroup(gid);
    }
    for (const auto& mp : maps) {
      if (mp.app_id != c.app.id || mp.status != "ACTIVE" || mp.target_group_id.empty()) continue;
      Job j;
      j.id = org_.ids().NewId("job");
      j.kind = "group_members";
      j.app_id = c.app.id;
      j.group_id = gid;
      j.mapping_id = mp.id;
      Enqueue(j);
    }
  }
}

void Engine::UserUpdate(Ctx& c) {
  std::optional<AppUser> au;
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    au = org_.store().LookupAppUser(c.app.id, c.user.id);
  }
  if (!au || au->external_id.empty() || !au->remote_active) return;
  MappedUser m = MapUser(c.user.id, c.user.profile, au->user_name, c.app.prov.locale);
  MappedUser before = au->last_pushed.is_object() ? nlohmann::json(au->last_pushed).get<MappedUser>() : MappedUser{};
  auto changed = ChangedAttributes(before, m);
  if (changed.empty()) return;
  std::string path = "/Users/" + au->external_id;
  std::string what = "push profile update for '" + au->user_name + "'";
  ScimExchange ex;
  bool ok = Exchange(c, what, GetRequest(c.wire, path), &ex);
  if (ok && ex.status != 200) Fail(c, what, ex), ok = false;
  if (ok) {
    auto server = core::ParseJson(ex.body);
    Json put = MergeUserForPut(server.ok() ? *server : Json::object(), m, changed, std::nullopt, std::nullopt);
    ok = Exchange(c, what, BodyRequest(c.wire, "PUT", path, put), &ex);
    if (ok && !Is2xx(ex.status)) Fail(c, what, ex), ok = false;
  }
  LogStep(c, "application.provision.user.push_profile", "Push user's profile", ok, ok ? "" : c.message);
  if (!ok) return;
  std::lock_guard<std::mutex> lk(org_.mu());
  if (auto cur = org_.store().LookupAppUser(c.app.id, c.user.id)) {
    cur->last_pushed = Json(nlohmann::json(m));
    cur->user_name = m.user_name;
    cur->sync_state = "SYNCHRONIZED";
    cur->last_sync = org_.Now();
    (void)org_.store().PutAppUser(*cur);
  }
}

void Engine::UserDeactivate(Ctx& c) {
  std::optional<AppUser> au;
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    au = org_.store().LookupAppUser(c.app.id, c.user.id);
  }
  if (!au) return;
  if (au->external_id.empty()) {
    // Never linked (an earlier push failed): Okta sends nothing. [O] S26
    LogStep(c, "application.provision.user.deactivate", "Deactivate user in external application", true,
            "user was never provisioned to the app; nothing sent");
    return;
  }
  std::string path = "/Users/" + au->external_id;
  std::string what = "deactivate user '" + au->user_name + "'";
  ScimExchange ex;
  bool ok;
  if (c.profile == ClientProfile::kOinPatch) {
    ok = Exchange(c, what, BodyRequest(c.wire, "PATCH", path, PatchActiveBody(false)), &ex);
    if (ok && !Is2xx(ex.status)) Fail(c, what, ex), ok = false;  // no PUT fallback [O] S12
  } else {
    ok = Exchange(c, what, GetRequest(c.wire, path), &ex);
    if (ok && ex.status != 200) Fail(c, what, ex), ok = false;
    if (ok) {
      auto server = core::ParseJson(ex.body);
      MappedUser m = MapUser(c.user.id, c.user.profile, au->user_name, c.app.prov.locale);
      Json put = MergeUserForPut(server.ok() ? *server : Json::object(), m, {}, false, std::nullopt);
      ok = Exchange(c, what, BodyRequest(c.wire, "PUT", path, put), &ex);
      if (ok && !Is2xx(ex.status)) Fail(c, what, ex), ok = false;
    }
  }
  LogStep(c, "application.provision.user.deactivate", "Deactivate user in external application", ok,
          ok ? "" : c.message);
  if (!ok) return;
  std::lock_guard<std::mutex> lk(org_.mu());
  if (auto cur = org_.store().LookupAppUser(c.app.id, c.user.id)) {
    cur->remote_active = false;
    cur->sync_state = "SYNCHRONIZED";
    cur->last_sync = org_.Now();
    (void)org_.store().PutAppUser(*cur);
  }
}

void Engine::UserPassword(Ctx& c) {
  std::optional<AppUser> au;
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    au = org_.store().LookupAppUser(c.app.id, c.user.id);
  }
  if (!au || au->external_id.empty() || !au->remote_active) return;
  std::string path = "/Users/" + au->external_id;
  std::string what = "push password update for '" + au->user_name + "'";
  ScimExchange ex;
  bool ok;
  if (c.profile == ClientProfile::kOinPatch) {
    ok = Exchange(c, what, BodyRequest(c.wire, "PATCH", path, PatchPasswordBody(c.job.password)), &ex);
    if (ok && !Is2xx(ex.status)) Fail(c, what, ex), ok = false;
  } else {
    ok = Exchange(c, what, GetRequest(c.wire, path), &ex);
    if (ok && ex.status != 200) Fail(c, what, ex), ok = false;
    if (ok) {
      auto server = core::ParseJson(ex.body);
      MappedUser m = MapUser(c.user.id, c.user.profile, au->user_name, c.app.prov.locale);
      Json put = MergeUserForPut(server.ok() ? *server : Json::object(), m, {}, std::nullopt, c.job.password);
      ok = Exchange(c, what, BodyRequest(c.wire, "PUT", path, put), &ex);
      if (ok && !Is2xx(ex.status)) Fail(c, what, ex), ok = false;
    }
  }
  LogStep(c, "application.provision.user.push_password", "Push user's password", ok, ok ? "" : c.message);
}

// ---- group flows -------------------------------------------------------------------

namespace {
struct PushState {
  GroupPush mapping;
  Group group;
  std::vector<std::string> member_user_ids;  // eligible Okta users, in membership order
  std::vector<Member> members;               // their SCIM ids and app usernames
  std::map<std::string, std::string> remote_of;  // Okta user id → SCIM id (incl. formerly pushed)
};

// Members pushed are active Okta users already provisioned and linked on the app. [D] S32
std::optional<PushState> LoadPush(OktaStore& s, const std::string& app_id, const std::string& mapping_id) {
  auto m = s.LookupGroupPush(mapping_id);
  if (!m) return std::nullopt;
  auto g = s.LookupGroup(m->source_group_id);
  if (!g) return std::nullopt;
  PushState ps{*m, *g, {}, {}, {}};
  for (const auto& uid : s.ListMemberIds(g->id)) {
    auto u = s.LookupUser(uid);
    auto au = s.LookupAppUser(app_id, uid);
    if (au && !au->external_id.empty()) ps.remote_of[uid] = au->external_id;
    if (!u || u->status != "ACTIVE" || !au || au->external_id.empty() || !au->remote_active) continue;
    ps.member_user_ids.push_back(uid);
    ps.members.push_back({au->external_id, au->user_name});
  }
  for (const auto& uid : m->pushed_member_ids) {
    if (ps.remote_of.count(uid)) continue;
    if (auto au = s.LookupAppUser(app_id, uid); au && !au->external_id.empty()) ps.remote_of[uid] = au->external_id;
  }
  return ps;
}
}  // namespace

void Engine::GroupPushFlow(Ctx& c) {
  const Provisioning& p = c.app.prov;
  std::optional<PushState> ps;
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    ps = LoadPush(org_.store(), c.app.id, c.job.mapping_id);
  }
  if (!ps || ps->mapping.status == "INACTIVE") return;
  if (!ps->mapping.target_group_id.empty()) return GroupMembers(c, true);
  std::string name = ps->mapping.target_group_name.empty() ? ps->group.name : ps->mapping.target_group_name;
  c.subject = name;
  ScimExchange ex;
  std::string target;
  if (p.group_lookup_before_create || ps->mapping.link_existing) {
    std::string what = "find group '" + name + "'";
    if (!Exchange(c, what, FindGroupRequest(c.wire, name), &ex)) {
      LogStep(c, "application.provision.group_push.push", "Push group to external application", false, c.message);
      return;
    }
    if (ex.status == 200) {
      auto list = core::ParseJson(ex.body);
      if (list.ok()) {
        auto res = ListResources(*list);
        if (!res.empty()) {
          if (const Json* id = core::FindKeyCi(res[0], "id"); id && id->is_string()) target = id->get<std::string>();
        }
      }
    } else if (ex.status != 404) {
      Fail(c, what, ex);
      LogStep(c, "application.provision.group_push.push", "Push group to external application", false, c.message);
      return;
    }
    if (!target.empty() && !ps->mapping.link_existing) {
      // The create fails unless the admin chose Link Group. [O] S31, [D] S10
      c.kind = Ctx::kFailed;
      c.message = "Error while trying to create group '" + name +
                  "': a group with this name already exists in the app; link it instead";
      LogStep(c, "application.provision.group_push.push", "Push group to external application", false, c.message);
      return;
    }
    if (target.empty() && ps->mapping.link_existing) {
      c.kind = Ctx::kFailed;
      c.message = "Error while trying to link group '" + name + "': no group with this name in the app";
      LogStep(c, "application.provision.group_push.push", "Push group to external application", false, c.message);
      return;
    }
  }
  if (target.empty()) {
    std::string what = "create group '" + name + "'";
    if (!Exchange(c, what, BodyRequest(c.wire, "POST", "/Groups", GroupCreateBody(name)), &ex)) {
      LogStep(c, "application.provision.group_push.push", "Push group to external application", false, c.message);
      return;
    }
    if (!Is2xx(ex.status)) {
      Fail(c, what, ex);
    } else {
      auto body = core::ParseJson(ex.body);
      const Json* id = body.ok() ? core::FindKeyCi(*body, "id") : nullptr;
      if (!id || !id->is_string()) {
        c.kind = Ctx::kFailed;
        c.message = "Create new group returned empty group.";
      } else {
        target = id->get<std::string>();
      }
    }
    if (c.kind != Ctx::kOk) {
      LogStep(c, "application.provision.group_push.push", "Push group to external application", false, c.message);
      return;
    }
  }
  LogStep(c, "application.provision.group_push.push", "Push group to external application", true, "");
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    if (auto m = org_.store().LookupGroupPush(c.job.mapping_id)) {
      m->target_group_id = target;
      m->pushed_name = name;
      m->pushed_member_ids.clear();
      m->status = "ACTIVE";
      m->error_summary.clear();
      m->last_push = m->last_updated = org_.Now();
      (void)org_.store().PutGroupPush(*m);
    }
  }
  GroupMembers(c, false);
}

void Engine::GroupMembers(Ctx& c, bool push_now) {
  const Provisioning& p = c.app.prov;
  std::optional<PushState> ps;
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    ps = LoadPush(org_.store(), c.app.id, c.job.mapping_id);
  }
  if (!ps || ps->mapping.target_group_id.empty() || ps->mapping.status == "INACTIVE") return;
  const std::string& gid = ps->mapping.target_group_id;
  std::string name = ps->mapping.pushed_name.empty() ? ps->group.name : ps->mapping.pushed_name;
  if (p.rename_groups) name = ps->group.name;
  c.subject = name;
  std::string path = "/Groups/" + gid;

  std::set<std::string> want(ps->member_user_ids.begin(), ps->member_user_ids.end());
  std::set<std::string> had(ps->mapping.pushed_member_ids.begin(), ps->mapping.pushed_member_ids.end());
  std::vector<std::string> remove_ids;
  for (const auto& uid : ps->mapping.pushed_member_ids) {
    if (!want.count(uid) && ps->remote_of.count(uid)) remove_ids.push_back(ps->remote_of[uid]);
  }
  std::vector<Member> add;
  for (size_t i = 0; i < ps->member_user_ids.size(); ++i) {
    if (!had.count(ps->member_user_ids[i])) add.push_back(ps->members[i]);
  }
  bool changed = !remove_ids.empty() || !add.empty();
  if (!push_now && !changed) return;

  std::string what = "push memberships of group '" + name + "'";
  ScimExchange ex;
  bool ok = true;
  if (c.profile == ClientProfile::kOinPatch) {
    if (push_now) {
      ok = Exchange(c, what, BodyRequest(c.wire, "PATCH", path, GroupReplaceMembersPatchBody(ps->members)), &ex);
      if (ok && !Is2xx(ex.status)) Fail(c, what, ex), ok = false;
    } else {
      for (const auto& body : BatchedMembersPatches(remove_ids, add, p.patch_batch_size)) {
        ok = Exchange(c, what, BodyRequest(c.wire, "PATCH", path, body), &ex);
        if (ok && !Is2xx(ex.status)) Fail(c, what, ex), ok = false;
        if (!ok) break;
      }
    }
    // "The group name update is triggered with each membership update." [D] S1, [O] S36
    if (ok && p.rename_after_membership_patch) {
      ok = Exchange(c, what, GetRequest(c.wire, path), &ex);
      if (ok && ex.status != 200) Fail(c, what, ex), ok = false;
      if (ok) {
        ok = Exchange(c, what, BodyRequest(c.wire, "PATCH", path, GroupRenamePatchBody(gid, name)), &ex);
        if (ok && !Is2xx(ex.status)) Fail(c, what, ex), ok = false;
      }
    }
  } else {
    ok = Exchange(c, what, GetRequest(c.wire, path), &ex);
    if (ok && ex.status != 200) Fail(c, what, ex), ok = false;
    if (ok) {
      Json put = GroupPutBody(p.group_put_includes_id ? gid : "", name, ps->members);
      ok = Exchange(c, what, BodyRequest(c.wire, "PUT", path, put), &ex);
      if (ok && !Is2xx(ex.status)) Fail(c, what, ex), ok = false;
    }
  }
  LogStep(c, "application.provision.group_push.push_memberships", "Push group memberships to external application",
          ok, ok ? "" : c.message);
  if (!ok) return;
  std::lock_guard<std::mutex> lk(org_.mu());
  if (auto m = org_.store().LookupGroupPush(c.job.mapping_id)) {
    m->pushed_member_ids = ps->member_user_ids;
    m->pushed_name = name;
    m->last_push = m->last_updated = org_.Now();
    m->status = "ACTIVE";
    m->error_summary.clear();
    (void)org_.store().PutGroupPush(*m);
  }
}

void Engine::GroupRename(Ctx& c) {
  std::optional<PushState> ps;
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    ps = LoadPush(org_.store(), c.app.id, c.job.mapping_id);
  }
  if (!ps || ps->mapping.target_group_id.empty() || ps->mapping.status != "ACTIVE") return;
  if (ps->group.name == ps->mapping.pushed_name) return;
  const std::string& gid = ps->mapping.target_group_id;
  std::string path = "/Groups/" + gid;
  std::string name = ps->group.name;
  c.subject = name;
  std::string what = "rename group '" + ps->mapping.pushed_name + "' to '" + name + "'";
  ScimExchange ex;
  bool ok;
  if (c.profile == ClientProfile::kOinPatch) {
    ok = Exchange(c, what, BodyRequest(c.wire, "PATCH", path, GroupRenamePatchBody(gid, name)), &ex);
    if (ok && !Is2xx(ex.status)) Fail(c, what, ex), ok = false;
  } else {
    ok = Exchange(c, what, GetRequest(c.wire, path), &ex);
    if (ok && ex.status != 200) Fail(c, what, ex), ok = false;
    if (ok) {
      std::vector<Member> pushed;
      for (const auto& uid : ps->mapping.pushed_member_ids) {
        for (size_t i = 0; i < ps->member_user_ids.size(); ++i) {
          if (ps->member_user_ids[i] == uid) pushed.push_back(ps->members[i]);
        }
      }
      Json put = GroupPutBody(c.app.prov.group_put_includes_id ? gid : "", name, pushed);
      ok = Exchange(c, what, BodyRequest(c.wire, "PUT", path, put), &ex);
      if (ok && !Is2xx(ex.status)) Fail(c, what, ex), ok = false;
    }
  }
  LogStep(c, "application.provision.group_push.updated", "Update pushed group in external application", ok,
          ok ? "" : c.message);
  if (!ok) return;
  std::lock_guard<std::mutex> lk(org_.mu());
  if (auto m = org_.store().LookupGroupPush(c.job.mapping_id)) {
    m->pushed_name = name;
    m->last_push = m->last_updated = org_.Now();
    (void)org_.store().PutGroupPush(*m);
  }
}

void Engine::GroupDelete(Ctx& c) {
  std::string path = "/Groups/" + c.job.target_id;
  std::string what = "delete group '" + c.job.target_id + "'";
  ScimExchange ex;
  bool ok = Exchange(c, what, DeleteRequest(c.wire, path), &ex);
  if (ok && !Is2xx(ex.status)) Fail(c, what, ex), ok = false;
  LogStep(c, "application.provision.group_push.deleted", "Delete pushed group in external application", ok,
          ok ? "" : c.message);
}

void Engine::Import(Ctx& c) {
  bool groups = c.job.kind == "import_groups";
  Json items = Json::array();
  int start = 1;
  bool ok = true;
  std::string what = groups ? "import groups" : "import users";
  while (true) {
    ScimExchange ex;
    auto req = groups ? ListGroupsRequest(c.wire, start, 100) : ListUsersRequest(c.wire, start, 100);
    ok = Exchange(c, what, req, &ex);
    if (ok && ex.status != 200) Fail(c, what, ex), ok = false;
    if (!ok) break;
    auto list = core::ParseJson(ex.body);
    std::optional<long long> total = list.ok() ? ListTotal(*list) : std::nullopt;
    if (!total) {
      c.kind = Ctx::kFailed;
      c.message = "Error while trying to " + what + ": Invalid response: totalResults must be an integer";
      ok = false;
      break;
    }
    auto res = ListResources(*list);
    for (auto& r : res) {
      const Json* active = core::FindKeyCi(r, "active");
      if (!groups && active && active->is_boolean() && !active->get<bool>()) continue;  // inactive users are not imported
      items.push_back(r);
    }
    start += 100;
    if (res.empty() || start > *total) break;
  }
  LogStep(c, groups ? "application.provision.group.import" : "application.provision.user.import",
          groups ? "Import groups from external application" : "Import users from external application", ok,
          ok ? std::to_string(items.size()) + " imported" : c.message);
  if (!ok) return;
  std::lock_guard<std::mutex> lk(q_mu_);
  imports_[c.app.id][groups ? "groups" : "users"] = items;
  imports_[c.app.id]["completed"] = core::FormatIso8601(clock_.Now());
}

// ---- Test Connector Configuration ------------------------------------------------

Json Engine::TestConnector(const std::string& app_id) {
  App app;
  {
    std::lock_guard<std::mutex> lk(org_.mu());
    auto a = org_.store().LookupApp(app_id);
    if (!a) return Json{{"status", "FAILURE"}, {"message", "App not found"}};
    app = *a;
  }
  WireSettings w = Wire(app);
  std::vector<ScimRequest> reqs = {ListUsersRequest(w, 1, 2)};
  if (app.prov.import_groups) reqs.push_back(ListGroupsRequest(w, 1, 100));
  std::string failure;
  for (const auto& req : reqs) {
    auto started = clock_.Now();
    ScimExchange ex = sender_.Send(app.prov.base_url, req, app.prov.timeout_ms);
    Record(nullptr, app.id, "test connector", req, ex, started, app.prov.base_url);
    if (ex.status == 0) {
      failure = "Could not connect to the SCIM connector base URL " + app.prov.base_url + ": " + ex.error;
    } else if (ex.status == 401 || ex.status == 403) {
      failure = "Error authenticating: " + std::to_string(ex.status) + " " + ReasonPhrase(ex.status) +
                ". Errors reported by remote server: " + RemoteErrorDetail(ex.body);
    } else if (ex.status != 200) {
      failure = "Failed to query " + req.path + ": " + std::to_string(ex.status) + " " + ReasonPhrase(ex.status) +
                ". Errors reported by remote server: " + RemoteErrorDetail(ex.body);
    } else {
      auto list = core::ParseJson(ex.body);
      if (!list.ok()) {
        failure = "Invalid response from " + req.path + ": " + RemoteErrorDetail(ex.body);
      } else {
        for (const char* k : {"totalResults", "startIndex", "itemsPerPage"}) {
          const Json* v = core::FindKeyCi(*list, k);
          if (v && !v->is_number_integer()) failure = std::string("Invalid response from ") + req.path + ": " + k + " must be an integer";
        }
        if (!ListTotal(*list)) failure = "Invalid response from " + req.path + ": totalResults must be an integer";
      }
    }
    if (!failure.empty()) break;
  }
  Json caps = Json{{"importNewUsers", app.prov.import_users},
                   {"importProfileUpdates", app.prov.import_users},
                   {"pushNewUsers", app.prov.push_new_users},
                   {"pushProfileUpdates", app.prov.push_profile_updates},
                   {"pushGroups", app.prov.push_groups},
                   {"importGroups", app.prov.import_groups}};
  Json targets = Json::array({Json{{"id", app.id}, {"type", "AppInstance"}, {"alternateId", app.label},
                                   {"displayName", app.label}}});
  org_.Log("application.provision.connector.test", "Test connector configuration",
           failure.empty() ? "SUCCESS" : "FAILURE", failure, targets, Json::object());
  if (failure.empty()) {
    return Json{{"status", "SUCCESS"}, {"message", "Connector configured successfully"}, {"capabilities", caps}};
  }
  return Json{{"status", "FAILURE"}, {"message", failure}, {"capabilities", caps}};
}

}  // namespace okta
