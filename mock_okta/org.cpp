#include "mock_okta/org.h"

#include <algorithm>

#include "core/http.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "mock_okta/org_internal.h"

namespace okta {

using core::ErrorCode;
using core::Json;
using core::MakeError;

Org::Org(OktaStore& store, OktaIds& ids, const core::Clock& clock, std::chrono::milliseconds default_timeout)
    : store_(store), ids_(ids), clock_(clock), default_timeout_(default_timeout) {}

std::string Org::Now() const { return core::FormatIso8601(clock_.Now()); }

std::string LogEventText(const std::string& uuid, const std::string& published, const std::string& event_type,
                         const std::string& display, const std::string& result, const std::string& reason,
                         std::string_view targets_json, const std::string& job_id, std::string_view debug_json) {
  core::JsonWriter w;
  w.BeginObject().Member("uuid", uuid).Member("published", published).Member("eventType", event_type);
  w.Member("version", "0").Member("severity", result == "FAILURE" ? "WARN" : "INFO");
  w.Key("legacyEventType").Null().Member("displayMessage", display);
  w.Key("actor").BeginObject().Member("id", "0oa00000000000000000").Member("type", "PublicClientApp");
  w.Member("alternateId", "Okta System").Member("displayName", "Okta System").Key("detailEntry").Null().EndObject();
  w.Key("client").Null();
  w.Key("outcome").BeginObject().Member("result", result).Key("reason");
  if (reason.empty()) {
    w.Null();
  } else {
    w.String(reason);
  }
  w.EndObject();
  w.Key("target").Raw(targets_json);
  w.Key("transaction").BeginObject().Member("type", "JOB").Member("id", job_id);
  w.Key("detail").BeginObject().EndObject().EndObject();
  w.Key("debugContext").BeginObject().Key("debugData").Raw(debug_json).EndObject();
  w.Key("authenticationContext").BeginObject().EndObject();
  w.Key("securityContext").BeginObject().EndObject();
  w.EndObject();
  return w.Take();
}

void Org::Log(const std::string& event_type, const std::string& display, const std::string& result,
              const std::string& reason, const Json& targets, const Json& debug) {
  // The id and time are taken now, in order; the event is built on the
  // store's writing thread.
  store_.AddLogLater([uuid = ids_.NewUuid(), published = Now(), event_type, display, result, reason, targets, debug] {
    return LogEventText(uuid, published, event_type, display, result, reason, core::DumpCompact(targets),
                        debug.value("jobId", ""), core::DumpCompact(debug));
  });
}

void Org::Enqueue(Job job) {
  if (job.id.empty()) job.id = ids_.NewId("job");
  if (jobs_) jobs_->Enqueue(std::move(job));
}

void Org::EnqueueGroupJob(JobKind kind, const GroupPush& m) {
  Job j = MakeJob(kind, m.app_id, "");
  j.group_id = m.source_group_id;
  j.mapping_id = m.id;
  Enqueue(j);
}

core::Status Org::PutScoped(AppUser& au) {
  au.scope = au.via_groups.empty() ? "USER" : "GROUP";
  return store_.PutAppUser(au);
}

bool Org::Provisions(const App& app) const {
  return app.status == "ACTIVE" && app.prov.scim_enabled && app.prov.enabled && !app.prov.base_url.empty();
}

// ---- users ----------------------------------------------------------------------

core::Result<User> Org::CreateUser(const Json& profile, const std::string& password, bool activate) {
  std::lock_guard<std::mutex> lk(mu_);
  if (!profile.is_object()) return MakeError(ErrorCode::kInvalidValue, "profile: The field is required");
  for (const char* k : {"login", "email", "firstName", "lastName"}) {
    auto it = profile.find(k);
    if (it == profile.end() || !it->is_string() || it->get<std::string>().empty()) {
      return MakeError(ErrorCode::kInvalidValue, std::string(k) + ": The field cannot be left blank");
    }
  }
  User u;
  u.id = ids_.NewId("00u");
  u.profile = profile;
  u.password = password;
  u.created = u.last_updated = u.status_changed = Now();
  if (activate) {
    u.status = password.empty() ? "PROVISIONED" : "ACTIVE";
    u.activated = u.created;
  }
  if (!password.empty()) u.password_changed = u.created;
  if (auto s = store_.PutUser(u); !s.ok()) return s.error();
  Log("user.lifecycle.create", "Create okta user", "SUCCESS", "",
      Json::array({Json{{"id", u.id}, {"type", "User"}, {"alternateId", profile.value("login", "")},
                        {"displayName", profile.value("firstName", "") + " " + profile.value("lastName", "")}}}),
      Json::object());
  return u;
}

core::Result<User> Org::GetUser(const std::string& id_or_login) {
  std::lock_guard<std::mutex> lk(mu_);
  if (auto u = store_.LookupUser(id_or_login)) return *u;
  if (auto u = store_.LookupUserByLogin(id_or_login)) return *u;
  return NotFound(id_or_login, "User");
}

std::vector<User> Org::ListUsers(int64_t after_seq, int limit) {
  std::lock_guard<std::mutex> lk(mu_);
  return store_.ListUsers(after_seq, limit);
}

core::Result<User> Org::UpdateUser(const std::string& id, const Json& profile, bool partial,
                                   const std::optional<std::string>& password) {
  std::lock_guard<std::mutex> lk(mu_);
  auto u = store_.LookupUser(id);
  if (!u) return NotFound(id, "User");
  if (!profile.is_null() && !profile.is_object()) return MakeError(ErrorCode::kInvalidValue, "profile: must be an object");
  if (profile.is_object()) {
    if (partial) {
      for (auto it = profile.begin(); it != profile.end(); ++it) u->profile[it.key()] = it.value();
    } else {
      u->profile = profile;
    }
  }
  for (const char* k : {"login", "email", "firstName", "lastName"}) {
    if (!u->profile.contains(k) || !u->profile[k].is_string() || u->profile[k].get<std::string>().empty()) {
      return MakeError(ErrorCode::kInvalidValue, std::string(k) + ": The field cannot be left blank");
    }
  }
  u->last_updated = Now();
  if (password) {
    u->password = *password;
    u->password_changed = u->last_updated;
  }
  if (auto s = store_.PutUser(*u); !s.ok()) return s.error();
  for (auto& au : store_.ListAppUsersOfUser(id)) {
    auto app = store_.LookupApp(au.app_id);
    if (!app || !Provisions(*app) || !Assigned(au)) continue;
    // The application username follows the Okta profile ("Create and update").
    std::string fmt_name = AppUsername(u->profile, ParseUsernameFormat(app->prov.username_format).value_or(UsernameFormat::kOktaUsername),
                                       app->prov.username_prefix);
    if (!fmt_name.empty() && fmt_name != au.user_name) {
      au.user_name = fmt_name;
      au.last_updated = Now();
      if (auto s = store_.PutAppUser(au); !s.ok()) return s.error();
    }
    if (au.external_id.empty() || !au.remote_active) continue;
    if (app->prov.push_profile_updates && app->prov.update_attributes && profile.is_object()) {
      Enqueue(MakeJob(JobKind::kUserUpdate, app->id, id));
    }
    if (password && app->prov.sync_password) {
      Job j = MakeJob(JobKind::kUserPassword, app->id, id);
      j.password = *password;
      Enqueue(j);
    }
  }
  return *u;
}

core::Result<User> Org::UserLifecycle(const std::string& id, const std::string& action) {
  std::lock_guard<std::mutex> lk(mu_);
  auto u = store_.LookupUser(id);
  if (!u) return NotFound(id, "User");
  std::string before = u->status;
  auto invalid = [&] {
    return MakeError(ErrorCode::kInvalidValue, "Cannot " + action + " a user whose status is " + before);
  };
  std::string event;
  if (action == "activate") {
    if (before != "STAGED" && before != "PROVISIONED" && before != "DEPROVISIONED") return invalid();
    u->status = "ACTIVE";
    u->activated = Now();
    event = "user.lifecycle.activate";
  } else if (action == "reactivate") {
    if (before != "PROVISIONED" && before != "DEPROVISIONED") return invalid();
    u->status = before == "DEPROVISIONED" ? "ACTIVE" : "PROVISIONED";
    event = "user.lifecycle.reactivate";
  } else if (action == "deactivate") {
    if (before == "DEPROVISIONED") return invalid();
    u->status = "DEPROVISIONED";
    event = "user.lifecycle.deactivate";
  } else if (action == "suspend") {
    if (before != "ACTIVE") return invalid();
    u->status = "SUSPENDED";
    event = "user.lifecycle.suspend";
  } else if (action == "unsuspend") {
    if (before != "SUSPENDED") return invalid();
    u->status = "ACTIVE";
    event = "user.lifecycle.unsuspend";
  } else if (action == "unlock") {
    event = "user.account.unlock";
  } else {
    return MakeError(ErrorCode::kNotFound, "Not found: Resource not found: " + action + " (Lifecycle)");
  }
  u->status_changed = u->last_updated = Now();
  if (auto s = store_.PutUser(*u); !s.ok()) return s.error();
  Log(event, event, "SUCCESS", "",
      Json::array({Json{{"id", u->id}, {"type", "User"}, {"alternateId", u->profile.value("login", "")},
                        {"displayName", u->profile.value("login", "")}}}),
      Json::object());

  if (u->status == "DEPROVISIONED" && before != "DEPROVISIONED") {
    // Deactivating the Okta user removes its app assignments and
    // deactivates it in provisioned apps; it leaves pushed groups.
    for (auto& au : store_.ListAppUsersOfUser(id)) {
      auto app = store_.LookupApp(au.app_id);
      bool was_assigned = Assigned(au);
      au.direct = false;
      au.status = AppUserStatus::kDeprovisioned;
      au.status_changed = au.last_updated = Now();
      if (auto s = store_.PutAppUser(au); !s.ok()) return s.error();
      if (app && Provisions(*app) && was_assigned && app->prov.deactivate_users && au.remote_active) {
        Enqueue(MakeJob(JobKind::kUserDeactivate, app->id, id));
      }
    }
    for (const auto& gid : store_.ListGroupIdsOfUser(id)) OnMembershipChanged(gid);
  } else if (u->status == "ACTIVE" && before == "DEPROVISIONED") {
    // Re-provisions automatically only for group-based assignments. [D] S10
    for (const auto& gid : store_.ListGroupIdsOfUser(id)) {
      for (const auto& ag : store_.ListAppGroupsOfGroup(gid)) {
        auto app = store_.LookupApp(ag.app_id);
        if (!app) continue;
        if (auto a = AssignLocked(*app, *u, "", gid); !a.ok()) return a.error();
      }
      OnMembershipChanged(gid);
    }
  }
  return *u;
}

core::Status Org::DeleteUser(const std::string& id) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto u = store_.LookupUser(id);
    if (!u) return NotFound(id, "User");
    if (u->status == "DEPROVISIONED") {
      // Deleting an already-deactivated user sends nothing. [D] S1
      return store_.Batch([&]() -> core::Status {
        for (const auto& gid : store_.ListGroupIdsOfUser(id)) {
          if (auto s = store_.RemoveMember(gid, id); !s.ok()) return s;
        }
        return store_.DeleteUser(id);
      });
    }
  }
  auto r = UserLifecycle(id, "deactivate");
  if (!r.ok()) return r.error();
  return core::Status::Ok();
}

std::vector<Group> Org::ListGroupsOfUser(const std::string& user_id) {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<Group> out;
  for (const auto& gid : store_.ListGroupIdsOfUser(user_id)) {
    if (auto g = store_.LookupGroup(gid)) out.push_back(*g);
  }
  return out;
}

// ---- groups -----------------------------------------------------------------------

core::Result<Group> Org::CreateGroup(const std::string& name, const std::string& description) {
  std::lock_guard<std::mutex> lk(mu_);
  if (name.empty()) return MakeError(ErrorCode::kInvalidValue, "name: The field cannot be left blank");
  for (const auto& g : store_.ListGroups(0, -1)) {
    if (core::EqualsCi(g.name, name)) {
      return MakeError(ErrorCode::kInvalidValue, "name: An object with this field already exists in the current organization");
    }
  }
  Group g;
  g.id = ids_.NewId("00g");
  g.name = name;
  g.description = description;
  g.created = g.last_updated = g.last_membership_updated = Now();
  if (auto s = store_.PutGroup(g); !s.ok()) return s.error();
  Log("group.lifecycle.create", "Create okta group", "SUCCESS", "",
      Json::array({Json{{"id", g.id}, {"type", "UserGroup"}, {"alternateId", g.name}, {"displayName", g.name}}}),
      Json::object());
  return g;
}

core::Result<Group> Org::GetGroup(const std::string& id) {
  std::lock_guard<std::mutex> lk(mu_);
  if (auto g = store_.LookupGroup(id)) return *g;
  return NotFound(id, "UserGroup");
}

std::vector<Group> Org::ListGroups(int64_t after_seq, int limit) {
  std::lock_guard<std::mutex> lk(mu_);
  return store_.ListGroups(after_seq, limit);
}

core::Result<Group> Org::UpdateGroup(const std::string& id, const std::string& name, const std::string& description) {
  std::lock_guard<std::mutex> lk(mu_);
  auto g = store_.LookupGroup(id);
  if (!g) return NotFound(id, "UserGroup");
  if (name.empty()) return MakeError(ErrorCode::kInvalidValue, "name: The field cannot be left blank");
  bool renamed = g->name != name;
  g->name = name;
  g->description = description;
  g->last_updated = Now();
  if (auto s = store_.PutGroup(*g); !s.ok()) return s.error();
  if (renamed) {
    for (const auto& m : store_.ListGroupPushesOfGroup(id)) {
      auto app = store_.LookupApp(m.app_id);
      if (!app || !Provisions(*app) || !app->prov.push_groups || !app->prov.rename_groups) continue;
      if (m.status != "ACTIVE" || m.target_group_id.empty()) continue;
      EnqueueGroupJob(JobKind::kGroupRename, m);
    }
  }
  return *g;
}

core::Status Org::DeleteGroup(const std::string& id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto g = store_.LookupGroup(id);
  if (!g) return NotFound(id, "UserGroup");
  if (!store_.ListGroupPushesOfGroup(id).empty()) {
    // An Okta group used in a push mapping cannot be deleted. [D] S33
    return MakeError(ErrorCode::kInvalidValue, "Cannot delete a group that is linked to a group push mapping");
  }
  return store_.Batch([&]() -> core::Status {
    for (const auto& uid : store_.ListMemberIds(id)) {
      if (auto s = store_.RemoveMember(id, uid); !s.ok()) return s;
    }
    for (const auto& ag : store_.ListAppGroupsOfGroup(id)) {
      if (auto s = store_.DeleteAppGroup(ag.app_id, id); !s.ok()) return s;
    }
    return store_.DeleteGroup(id);
  });
}

void Org::OnMembershipChanged(const std::string& group_id) {
  for (const auto& m : store_.ListGroupPushesOfGroup(group_id)) {
    auto app = store_.LookupApp(m.app_id);
    if (!app || !Provisions(*app) || !app->prov.push_groups) continue;
    if (m.status != "ACTIVE" || m.target_group_id.empty()) continue;
    EnqueueGroupJob(JobKind::kGroupMembers, m);
  }
}

core::Status Org::SyncGroupAssignment(const std::string& group_id, const std::string& user_id, bool added) {
  auto u = store_.LookupUser(user_id);
  if (!u) return core::Status::Ok();
  for (const auto& ag : store_.ListAppGroupsOfGroup(group_id)) {
    auto app = store_.LookupApp(ag.app_id);
    if (!app) continue;
    if (added) {
      if (auto a = AssignLocked(*app, *u, "", group_id); !a.ok()) return a.error();
    } else if (auto au = store_.LookupAppUser(app->id, user_id)) {
      au->via_groups.erase(std::remove(au->via_groups.begin(), au->via_groups.end(), group_id), au->via_groups.end());
      if (au->via_groups.empty() && au->direct == false) au->scope = "USER";
      core::Status s = Assigned(*au) ? PutScoped(*au) : OnUnassigned(*app, *au);
      if (!s.ok()) return s;
    }
  }
  return core::Status::Ok();
}

core::Status Org::AddGroupMember(const std::string& group_id, const std::string& user_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto g = store_.LookupGroup(group_id);
  if (!g) return NotFound(group_id, "UserGroup");
  if (!store_.LookupUser(user_id)) return NotFound(user_id, "User");
  if (store_.IsMember(group_id, user_id)) return core::Status::Ok();
  if (auto s = store_.AddMember(group_id, user_id); !s.ok()) return s;
  g->last_membership_updated = Now();
  if (auto s = store_.PutGroup(*g); !s.ok()) return s;
  Log("group.user_membership.add", "Add user to group membership", "SUCCESS", "",
      Json::array({Json{{"id", user_id}, {"type", "User"}}, Json{{"id", group_id}, {"type", "UserGroup"}, {"displayName", g->name}}}),
      Json::object());
  if (auto s = SyncGroupAssignment(group_id, user_id, true); !s.ok()) return s;
  OnMembershipChanged(group_id);
  return core::Status::Ok();
}

core::Status Org::RemoveGroupMember(const std::string& group_id, const std::string& user_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto g = store_.LookupGroup(group_id);
  if (!g) return NotFound(group_id, "UserGroup");
  if (!store_.IsMember(group_id, user_id)) return core::Status::Ok();
  if (auto s = store_.RemoveMember(group_id, user_id); !s.ok()) return s;
  g->last_membership_updated = Now();
  if (auto s = store_.PutGroup(*g); !s.ok()) return s;
  Log("group.user_membership.remove", "Remove user from group membership", "SUCCESS", "",
      Json::array({Json{{"id", user_id}, {"type", "User"}}, Json{{"id", group_id}, {"type", "UserGroup"}, {"displayName", g->name}}}),
      Json::object());
  if (auto s = SyncGroupAssignment(group_id, user_id, false); !s.ok()) return s;
  OnMembershipChanged(group_id);
  return core::Status::Ok();
}

std::vector<User> Org::ListGroupMembers(const std::string& group_id) {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<User> out;
  for (const auto& uid : store_.ListMemberIds(group_id)) {
    if (auto u = store_.LookupUser(uid)) out.push_back(*u);
  }
  return out;
}

}  // namespace okta
