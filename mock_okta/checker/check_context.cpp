#include "mock_okta/checker/check_context.h"

#include <algorithm>
#include <thread>

#include "core/http.h"
#include "mock_okta/flows.h"

namespace okta::check {

using core::Json;

// ---- CheckSender --------------------------------------------------------------------

namespace {
Exchange ToExchange(const std::string& base_url, const ScimRequest& req, const ScimExchange& ex,
                    core::TimePoint started) {
  Exchange e;
  e.method = req.method;
  e.url = base_url + req.Target();
  for (const auto& h : req.headers) e.request_headers.emplace_back(h.name, h.value);
  e.request_body = req.body;
  e.status = ex.status;
  for (const auto& h : ex.headers) e.response_headers.emplace_back(h.name, h.value);
  e.response_body = ex.body;
  e.error = ex.error;
  e.started = core::FormatIso8601(started);
  e.duration_ms = ex.elapsed_ms;
  return e;
}
}  // namespace

ScimExchange CheckSender::Send(const std::string& base_url, const ScimRequest& req, int timeout_ms) {
  auto started = std::chrono::system_clock::now();
  bool capped = false;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (limit_ >= 0 && count_ >= limit_) capped = hit_ = true;
    ++count_;
  }
  ScimExchange ex;
  if (capped) {
    ex.error = "the checker stopped here: " + std::to_string(limit_) + " requests and the flow had not finished";
  } else {
    ex = inner_.Send(base_url, req, timeout_ms);
    if (ex.elapsed_ms == 0) {
      ex.elapsed_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now() - started).count();
    }
  }
  Hook hook;
  {
    std::lock_guard<std::mutex> lk(mu_);
    Exchange e = ToExchange(base_url, req, ex, started);
    if (sink_) sink_->push_back(e);
    all_.push_back(std::move(e));
    hook = hook_;
  }
  if (hook && !capped) hook(req, ex);
  return ex;
}

void CheckSender::Begin(std::vector<Exchange>* sink, int limit) {
  std::lock_guard<std::mutex> lk(mu_);
  sink_ = sink;
  limit_ = limit;
  count_ = 0;
  hit_ = false;
  hook_ = nullptr;
}

bool CheckSender::limit_hit() {
  std::lock_guard<std::mutex> lk(mu_);
  return hit_;
}

void CheckSender::SetHook(Hook hook) {
  std::lock_guard<std::mutex> lk(mu_);
  hook_ = std::move(hook);
}

std::vector<Exchange> CheckSender::All() {
  std::lock_guard<std::mutex> lk(mu_);
  return all_;
}

// ---- CheckContext -----------------------------------------------------------------------

CheckContext::CheckContext(const CheckOptions& o, ScimSender& inner, std::string p)
    : opts(o), prefix(std::move(p)), sender(inner), clock_(system_clock_), ids_(std::nullopt) {}

CheckContext::~CheckContext() {
  if (engine_) engine_->Stop();
}

core::Status CheckContext::Setup() {
  if (!core::ParseUrl(opts.base_url).ok()) {
    return core::MakeError(core::ErrorCode::kInvalidValue, "the SCIM base URL is not an http(s) URL: " + opts.base_url);
  }
  std::string mode = opts.auth == "header"     ? "header_bearer"
                     : opts.auth == "basic"    ? "basic"
                     : opts.auth == "verbatim" ? "header_verbatim"
                                               : "";
  if (mode.empty()) return core::MakeError(core::ErrorCode::kInvalidValue, "auth must be header, basic or verbatim");
  if (opts.profiles.empty()) return core::MakeError(core::ErrorCode::kInvalidValue, "no client profile to check");
  for (const auto& p : opts.profiles) {
    if (!ParseClientProfile(p)) return core::MakeError(core::ErrorCode::kInvalidValue, "unknown profile " + p);
  }
  auto store = OktaStore::Open(":memory:");
  if (!store.ok()) return store.error();
  store_ = std::move(*store);
  org_ = std::make_unique<Org>(*store_, ids_, clock_, std::chrono::milliseconds(opts.timeout_ms));
  engine_ = std::make_unique<Engine>(*org_, sender, clock_, 1);
  org_->set_job_sink(engine_.get());
  engine_->Start();
  for (const auto& profile : opts.profiles) {
    App a;
    a.label = "okta-sandbox check (" + profile + ")";
    a.name = "oktasandboxcheck_" + std::to_string(apps_.size() + 1);
    a.sign_on_mode = "AUTO_LOGIN";
    auto created = org_->CreateApp(a, true);
    if (!created.ok()) return created.error();
    Provisioning p;
    p.scim_enabled = p.enabled = true;
    p.base_url = opts.base_url;
    p.auth_mode = mode;
    p.token = opts.token;
    p.basic_username = opts.username;
    p.basic_password = opts.password;
    p.unique_field = opts.unique_field;
    p.create_users = p.update_attributes = p.deactivate_users = true;  // off on a new app (model.h)
    p.sync_password = true;
    p.client_profile = profile;
    p.timeout_ms = opts.timeout_ms;
    auto set = org_->SetProvisioning(created->id, p);
    if (!set.ok()) return set.error();
    apps_[profile] = created->id;
  }
  NewTasks();
  return core::Status::Ok();
}

WireSettings CheckContext::Wire(const std::string& profile) {
  auto app = org_->GetApp(AppId(profile.empty() ? FirstProfile() : profile));
  return app.ok() ? WireFor(*app) : WireSettings{};
}

Provisioning CheckContext::Prov(const std::string& profile) {
  auto app = org_->GetApp(AppId(profile));
  return app.ok() ? app->prov : Provisioning{};
}

core::Status CheckContext::SetProv(const std::string& profile, const Provisioning& p) {
  auto r = org_->SetProvisioning(AppId(profile), p);
  return r.ok() ? core::Status::Ok() : core::Status(r.error());
}

// Okta waits out a 429 (Retry-After, else 5 minutes, doubling); the run moves
// the mock's clock instead, pausing a second of real time so a server's own
// rate limiter gets some air.
bool CheckContext::Settle() {
  for (int round = 0; round < 64; ++round) {
    if (!engine_->WaitIdle(std::chrono::minutes(30))) return false;
    Json jobs = engine_->ListJobs();
    if (jobs.empty()) return true;
    auto earliest = core::TimePoint::max();
    for (const auto& j : jobs) {
      if (auto t = core::ParseIso8601(j.value("due", ""))) earliest = std::min(earliest, *t);
    }
    auto now = clock_.Now();
    if (earliest != core::TimePoint::max() && earliest > now) {
      clock_.Advance(std::chrono::duration_cast<std::chrono::milliseconds>(earliest - now) +
                     std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(round < 2 ? 200 : 1000));
    engine_->Notify();
  }
  return false;
}

std::vector<Task> CheckContext::NewTasks() {
  std::vector<Task> out;
  for (const auto& t : org_->ListTasks()) {
    std::string key = t.last_updated + TaskStatusName(t.status);
    auto& seen = seen_tasks_[t.id];
    if (seen == key) continue;
    seen = key;
    if (t.status != TaskStatus::kResolved) out.push_back(t);
  }
  return out;
}

std::string CheckContext::Login(const std::string& tag) const { return prefix + tag + "@example.com"; }

core::Result<std::string> CheckContext::NewUser(const std::string& login, const std::string& first,
                                                const std::string& last) {
  auto u = org_->CreateUser(Json{{"login", login}, {"email", login}, {"firstName", first}, {"lastName", last}},
                            "Okta-Sandbox-Check-1", true);
  if (!u.ok()) return u.error();
  return u->id;
}

core::Status CheckContext::Assign(const std::string& profile, const std::string& uid) {
  assigned_.emplace_back(profile, uid);
  auto r = org_->AssignUser(AppId(profile), uid, "");
  return r.ok() ? core::Status::Ok() : core::Status(r.error());
}

std::optional<AppUser> CheckContext::AppUserOf(const std::string& profile, const std::string& uid) {
  auto au = org_->GetAppUser(AppId(profile), uid);
  if (!au.ok()) return std::nullopt;
  return *au;
}

std::optional<Provisioned> CheckContext::Provision(const std::string& profile, const std::string& tag,
                                                   std::string* why) {
  Provisioned p;
  p.login = Login(tag);
  auto uid = NewUser(p.login, "Check", "User");
  if (!uid.ok()) {
    *why = "could not create the Okta user: " + uid.error().detail;
    return std::nullopt;
  }
  p.uid = *uid;
  if (auto s = Assign(profile, p.uid); !s.ok()) {
    *why = "could not assign the user: " + s.error().detail;
    return std::nullopt;
  }
  if (!Settle()) {
    *why = "the provisioning engine did not finish";
    return std::nullopt;
  }
  auto tasks = NewTasks();
  auto au = AppUserOf(profile, p.uid);
  if (!tasks.empty() || !au || au->external_id.empty()) {
    *why = tasks.empty() ? "the user was not provisioned" : tasks.back().message;
    return std::nullopt;
  }
  p.remote_id = au->external_id;
  return p;
}

core::Result<std::string> CheckContext::NewGroup(const std::string& tag, const std::vector<std::string>& members) {
  auto g = org_->CreateGroup(prefix + tag, "created by okta-sandbox check");
  if (!g.ok()) return g.error();
  groups_.push_back(g->id);
  for (const auto& uid : members) {
    if (auto s = org_->AddGroupMember(g->id, uid); !s.ok()) return s.error();
  }
  return g->id;
}

std::optional<Pushed> CheckContext::Push(const std::string& profile, const std::string& group_id, std::string* why) {
  auto m = org_->CreateGroupPush(AppId(profile), group_id, "", "", false, true);
  if (!m.ok()) {
    *why = "could not create the push mapping: " + m.error().detail;
    return std::nullopt;
  }
  mappings_.emplace_back(profile, m->id);
  if (!Settle()) {
    *why = "the provisioning engine did not finish";
    return std::nullopt;
  }
  auto tasks = NewTasks();
  auto after = org_->GetGroupPush(AppId(profile), m->id);
  if (!tasks.empty() || !after.ok() || after->target_group_id.empty()) {
    *why = tasks.empty() ? "the group was not pushed" : tasks.back().message;
    return std::nullopt;
  }
  return Pushed{group_id, m->id, after->target_group_id};
}

ScimExchange CheckContext::Direct(const ScimRequest& req) { return sender.Send(opts.base_url, req, opts.timeout_ms); }

std::string CheckContext::DirectCreate(const std::string& login, ScimExchange* ex, const Json& extra_profile) {
  Json profile = Json{{"login", login}, {"email", login}, {"firstName", "Check"}, {"lastName", "Direct"}};
  for (auto it = extra_profile.begin(); it != extra_profile.end(); ++it) profile[it.key()] = it.value();
  MappedUser m = MapUser(ids_.NewId("00u"), profile, login, "en-US");
  *ex = Direct(BodyRequest(Wire(), "POST", "/Users", UserCreateBody(m, ids_.NewPassword())));
  Json body = BodyJson(ex->body);
  std::string id = ex->status >= 200 && ex->status < 300 ? IdOf(body) : "";
  if (!id.empty()) NoteDirectUser(id, login);
  return id;
}

void CheckContext::NoteDirectUser(const std::string& id, const std::string& login) {
  direct_users_.emplace_back(id, login);
}

}  // namespace okta::check
