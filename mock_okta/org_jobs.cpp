// The Org's interface to the provisioning engine, and its read views.
#include "mock_okta/org.h"

#include "core/json_writer.h"
#include "core/log.h"
#include "mock_okta/org_internal.h"

namespace okta {

using core::ErrorCode;
using core::Json;
using core::MakeError;

namespace {
std::string DisplayOf(const User& u) {
  std::string f = u.profile.value("firstName", ""), l = u.profile.value("lastName", "");
  std::string d = f + (f.empty() || l.empty() ? "" : " ") + l;
  return d.empty() ? u.profile.value("login", u.id) : d;
}

bool IsGroupPushKind(JobKind k) {
  return k == JobKind::kGroupPush || k == JobKind::kGroupMembers || k == JobKind::kGroupPushNow ||
         k == JobKind::kGroupRename;
}
}  // namespace

std::string Org::NewJobId() { return ids_.NewId("job"); }
std::string Org::NewPlaceholderPassword() { return ids_.NewPassword(); }

// Members pushed are active Okta users already provisioned and linked on the app. [D] S32
std::optional<PushState> Org::LoadPushLocked(const std::string& app_id, const std::string& mapping_id) {
  auto m = store_.LookupGroupPush(mapping_id);
  if (!m) return std::nullopt;
  auto g = store_.LookupGroup(m->source_group_id);
  if (!g) return std::nullopt;
  PushState ps{*m, *g, {}, {}, {}};
  for (const auto& uid : store_.ListMemberIds(g->id)) {
    auto u = store_.LookupUser(uid);
    auto au = store_.LookupAppUser(app_id, uid);
    if (au && !au->external_id.empty()) ps.remote_of[uid] = au->external_id;
    if (!u || u->status != "ACTIVE" || !au || au->external_id.empty() || !au->remote_active) continue;
    ps.member_user_ids.push_back(uid);
    ps.members.push_back({au->external_id, au->user_name});
  }
  for (const auto& uid : m->pushed_member_ids) {
    if (ps.remote_of.count(uid)) continue;
    if (auto au = store_.LookupAppUser(app_id, uid); au && !au->external_id.empty()) ps.remote_of[uid] = au->external_id;
  }
  return ps;
}

std::optional<FlowInput> Org::LoadJob(const Job& job) {
  std::lock_guard<std::mutex> lk(mu_);
  auto app = store_.LookupApp(job.app_id);
  if (!app) return std::nullopt;
  FlowInput in;
  in.job = job;
  in.app = *app;
  if (!job.user_id.empty()) {
    auto u = store_.LookupUser(job.user_id);
    if (!u) return std::nullopt;
    in.subject = u->profile.value("login", u->id);
    in.subject_display = DisplayOf(*u);
    in.user = std::move(*u);
    in.app_user = store_.LookupAppUser(job.app_id, job.user_id);
  }
  if (!job.group_id.empty()) {
    if (auto g = store_.LookupGroup(job.group_id)) in.subject = g->name;
  }
  if (IsGroupPushKind(job.kind)) in.push = LoadPushLocked(job.app_id, job.mapping_id);
  return in;
}

core::Status Org::ApplyEffect(const Job& job, const Effect& e) {
  std::lock_guard<std::mutex> lk(mu_);
  switch (e.kind) {
    case Effect::Kind::kLinkUser:
    case Effect::Kind::kUserProvisioned:
    case Effect::Kind::kUserUpdated:
    case Effect::Kind::kUserDeactivated: return ApplyUserEffect(job, e);
    default: return ApplyGroupEffect(job, e);
  }
}

core::Status Org::ApplyUserEffect(const Job& job, const Effect& e) {
  // One write transaction reads the app user and writes it back; unassigned
  // meanwhile: nothing to write back.
  auto updated = store_.UpdateAppUser(job.app_id, job.user_id, [&](AppUser& au) {
    switch (e.kind) {
      case Effect::Kind::kLinkUser: au.external_id = e.remote_id; break;
      case Effect::Kind::kUserProvisioned:
        au.external_id = e.remote_id;
        au.status = AppUserStatus::kProvisioned;
        au.sync_state = SyncState::kSynchronized;
        au.remote_active = true;
        au.last_pushed = Json(nlohmann::json(e.mapped));
        au.last_sync = au.last_updated = Now();
        break;
      case Effect::Kind::kUserUpdated:
        au.last_pushed = Json(nlohmann::json(e.mapped));
        au.user_name = e.mapped.user_name;
        au.sync_state = SyncState::kSynchronized;
        au.last_sync = Now();
        break;
      default:  // kUserDeactivated
        au.remote_active = false;
        au.sync_state = SyncState::kSynchronized;
        au.last_sync = Now();
        break;
    }
    return true;
  });
  if (!updated.ok()) return updated.error();
  if (!*updated || e.kind != Effect::Kind::kUserProvisioned) return core::Status::Ok();
  // Group Push references provisioned users only: now that this one is
  // linked, pushed groups it belongs to get a membership update.
  if (!store_.AppHasGroupPushes(job.app_id)) return core::Status::Ok();
  for (const auto& gid : store_.ListGroupIdsOfUser(job.user_id)) {
    for (const auto& mp : store_.ListGroupPushesOfGroup(gid)) {
      if (mp.app_id != job.app_id || mp.status != "ACTIVE" || mp.target_group_id.empty()) continue;
      EnqueueGroupJob(JobKind::kGroupMembers, mp);
    }
  }
  return core::Status::Ok();
}

core::Status Org::ApplyGroupEffect(const Job& job, const Effect& e) {
  auto m = store_.LookupGroupPush(job.mapping_id);
  if (!m) return core::Status::Ok();  // the mapping was deleted meanwhile
  m->pushed_name = e.name;
  m->last_push = m->last_updated = Now();
  if (e.kind == Effect::Kind::kGroupLinked) {
    m->target_group_id = e.remote_id;
    m->pushed_member_ids.clear();
  } else if (e.kind == Effect::Kind::kGroupMembersPushed) {
    m->pushed_member_ids = e.ids;
  }
  if (e.kind != Effect::Kind::kGroupRenamed) {
    m->status = "ACTIVE";
    m->error_summary.clear();
  }
  return store_.PutGroupPush(*m);
}

void Org::LogJobStep(const Job& job, const std::string& subject, const std::string& subject_display, const App& app,
                     const LogLine& line) {
  // Logged for every step of every job: the event, targets included, is
  // built on the store's writing thread (Log does the same for the rest).
  store_.AddLogLater([uuid = ids_.NewUuid(), published = Now(), job_id = job.id, kind = job.kind,
                      user_id = job.user_id, group_id = job.group_id, app_id = app.id, label = app.label, subject,
                      subject_display, line] {
    core::JsonWriter t;
    t.BeginArray();
    t.BeginObject().Member("id", app_id).Member("type", "AppInstance").Member("alternateId", label);
    t.Member("displayName", label).EndObject();
    if (!user_id.empty()) {
      t.BeginObject().Member("id", user_id).Member("type", "User").Member("alternateId", subject);
      t.Member("displayName", subject_display).EndObject();
    }
    if (!group_id.empty()) {
      t.BeginObject().Member("id", group_id).Member("type", "UserGroup").Member("alternateId", subject);
      t.Member("displayName", subject).EndObject();
    }
    t.EndArray();
    core::JsonWriter d;
    d.BeginObject().Member("jobId", job_id).Member("jobKind", JobKindName(kind)).EndObject();
    return LogEventText(uuid, published, line.event_type, line.display, line.ok ? "SUCCESS" : "FAILURE", line.reason,
                        t.text(), job_id, d.text());
  });
}

void Org::LogConnectorTest(const App& app, const std::string& failure) {
  Json targets = Json::array({Json{{"id", app.id}, {"type", "AppInstance"}, {"alternateId", app.label},
                                   {"displayName", app.label}}});
  Log("application.provision.connector.test", "Test connector configuration", failure.empty() ? "SUCCESS" : "FAILURE",
      failure, targets, Json::object());
}

void Org::AddTraffic(const Json& record) {
  if (auto s = store_.AddTraffic(record); !s.ok()) spdlog::error("mock_okta: traffic write failed: {}", s.error().detail);
}

void Org::AddTrafficLater(std::function<std::string()> make) { store_.AddTrafficLater(std::move(make)); }

core::Status Org::OpenTask(const Job& job, const std::string& message, const std::string& failure, const Job& retry) {
  std::lock_guard<std::mutex> lk(mu_);
  Task t;
  t.id = ids_.NewId("tsk");
  t.app_id = job.app_id;
  t.user_id = job.user_id;
  t.group_id = job.group_id;
  t.created = t.last_updated = Now();
  t.message = message;
  t.job = retry;
  if (!job.task_id.empty()) {
    if (auto old = store_.LookupTask(job.task_id)) {
      t.id = old->id;
      t.created = old->created;
    }
  }
  t.job.task_id = t.id;
  if (auto s = store_.PutTask(t); !s.ok()) return s;
  if (!job.user_id.empty()) {
    if (auto au = store_.LookupAppUser(job.app_id, job.user_id)) {
      au->sync_state = SyncState::kError;
      if (auto s = store_.PutAppUser(*au); !s.ok()) return s;
    }
  }
  if (!job.mapping_id.empty()) {
    if (auto m = store_.LookupGroupPush(job.mapping_id)) {
      m->status = "ERROR";
      m->error_summary = failure;
      if (auto s = store_.PutGroupPush(*m); !s.ok()) return s;
    }
  }
  return core::Status::Ok();
}

core::Result<std::string> Org::SaveRateLimitedTask(const Job& job, const std::string& message, const Job& retry) {
  std::lock_guard<std::mutex> lk(mu_);
  Task t;
  if (!job.task_id.empty()) {
    if (auto old = store_.LookupTask(job.task_id)) t = *old;
  }
  if (t.id.empty()) {
    t.id = ids_.NewId("tsk");
    t.created = Now();
  }
  t.status = TaskStatus::kRateLimited;
  t.app_id = job.app_id;
  t.user_id = job.user_id;
  t.group_id = job.group_id;
  t.last_updated = Now();
  t.message = message;
  t.job = retry;
  t.job.task_id = t.id;
  if (auto s = store_.PutTask(t); !s.ok()) return s.error();
  return t.id;
}

core::Status Org::ResolveTasks(const std::string& app_id, const std::function<bool(const Task&)>& done_by) {
  std::lock_guard<std::mutex> lk(mu_);
  for (Task& t : store_.ListUnresolvedTasks(app_id)) {
    if (!done_by(t)) continue;
    t.status = TaskStatus::kResolved;
    t.last_updated = Now();
    if (auto s = store_.PutTask(t); !s.ok()) return s;
  }
  return core::Status::Ok();
}

core::Result<Task> Org::MarkTaskRetrying(const std::string& task_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto found = store_.LookupTask(task_id);
  if (!found) return NotFound(task_id, "Task");
  if (found->status != TaskStatus::kOpen) return MakeError(ErrorCode::kInvalidValue, "Task is not open");
  Task t = *found;
  t.status = TaskStatus::kRetrying;
  t.last_updated = Now();
  if (auto s = store_.PutTask(t); !s.ok()) return s.error();
  return t;
}

// ---- read views -----------------------------------------------------------------------

std::vector<Task> Org::ListTasks() {
  std::lock_guard<std::mutex> lk(mu_);
  return store_.ListTasks();
}

std::vector<std::pair<int64_t, core::Json>> Org::ListLogs(int64_t after_seq, int limit) {
  return store_.ListLogs(after_seq, limit);
}

std::vector<std::pair<int64_t, core::Json>> Org::ListTraffic(int64_t after_seq, int limit) {
  return store_.ListTraffic(after_seq, limit);
}

core::Status Org::ResetAll() {
  std::lock_guard<std::mutex> lk(mu_);
  return store_.ResetAll();
}

}  // namespace okta
