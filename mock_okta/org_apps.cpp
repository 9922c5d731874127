#include "mock_okta/org.h"

#include <algorithm>

#include "core/http.h"
#include "mock_okta/org_internal.h"

namespace okta {

using core::ErrorCode;
using core::Json;
using core::MakeError;

// ---- apps ------------------------------------------------------------------------------

core::Result<App> Org::CreateApp(App app, bool activate) {
  std::lock_guard<std::mutex> lk(mu_);
  if (app.label.empty()) return MakeError(ErrorCode::kInvalidValue, "label: The field cannot be left blank");
  if (app.sign_on_mode == "SWA") app.sign_on_mode = "AUTO_LOGIN";
  if (app.sign_on_mode != "AUTO_LOGIN" && app.sign_on_mode != "BROWSER_PLUGIN" && app.sign_on_mode != "SAML_2_0" &&
      app.sign_on_mode != "BOOKMARK" && app.sign_on_mode != "OPENID_CONNECT") {
    return MakeError(ErrorCode::kInvalidValue, "signOnMode: the sandbox models AUTO_LOGIN (SWA), BROWSER_PLUGIN, "
                                               "SAML_2_0, OPENID_CONNECT and BOOKMARK apps");
  }
  app.id = ids_.NewId("0oa");
  if (app.name.empty()) {
    std::string n;
    for (char ch : app.label) {
      if (std::isalnum(static_cast<unsigned char>(ch))) n += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    app.name = n + "_1";
  }
  app.status = activate ? "ACTIVE" : "INACTIVE";
  app.created = app.last_updated = Now();
  app.prov.timeout_ms = static_cast<int>(default_timeout_.count());
  if (auto s = store_.PutApp(app); !s.ok()) return s.error();
  Log("application.lifecycle.create", "Create application", "SUCCESS", "",
      Json::array({Json{{"id", app.id}, {"type", "AppInstance"}, {"alternateId", app.label}, {"displayName", app.label}}}),
      Json::object());
  return app;
}

core::Result<App> Org::GetApp(const std::string& id) {
  std::lock_guard<std::mutex> lk(mu_);
  if (auto a = store_.LookupApp(id)) return *a;
  return NotFound(id, "AppInstance");
}

std::vector<App> Org::ListApps(int64_t after_seq, int limit) {
  std::lock_guard<std::mutex> lk(mu_);
  return store_.ListApps(after_seq, limit);
}

core::Result<App> Org::UpdateApp(const App& app) {
  std::lock_guard<std::mutex> lk(mu_);
  auto cur = store_.LookupApp(app.id);
  if (!cur) return NotFound(app.id, "AppInstance");
  if (app.label.empty()) return MakeError(ErrorCode::kInvalidValue, "label: The field cannot be left blank");
  cur->label = app.label;
  cur->settings = app.settings;
  cur->last_updated = Now();
  if (auto s = store_.PutApp(*cur); !s.ok()) return s.error();
  return *cur;
}

core::Result<App> Org::SetAppStatus(const std::string& id, bool active) {
  std::lock_guard<std::mutex> lk(mu_);
  auto cur = store_.LookupApp(id);
  if (!cur) return NotFound(id, "AppInstance");
  cur->status = active ? "ACTIVE" : "INACTIVE";
  cur->last_updated = Now();
  if (auto s = store_.PutApp(*cur); !s.ok()) return s.error();
  return *cur;
}

core::Status Org::DeleteApp(const std::string& id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto cur = store_.LookupApp(id);
  if (!cur) return NotFound(id, "AppInstance");
  if (cur->status == "ACTIVE") {
    return MakeError(ErrorCode::kInvalidValue, "Cannot delete an active application; deactivate it first");
  }
  return store_.Batch([&]() -> core::Status {
    for (const auto& au : store_.ListAppUsers(id)) {
      if (auto s = store_.DeleteAppUser(id, au.user_id); !s.ok()) return s;
    }
    for (const auto& ag : store_.ListAppGroups(id)) {
      if (auto s = store_.DeleteAppGroup(id, ag.group_id); !s.ok()) return s;
    }
    for (const auto& m : store_.ListGroupPushes(id)) {
      if (auto s = store_.DeleteGroupPush(m.id); !s.ok()) return s;
    }
    return store_.DeleteApp(id);
  });
}

core::Result<App> Org::SetProvisioning(const std::string& id, const Provisioning& prov) {
  std::lock_guard<std::mutex> lk(mu_);
  auto cur = store_.LookupApp(id);
  if (!cur) return NotFound(id, "AppInstance");
  if (!ParseAuthMode(prov.auth_mode)) return MakeError(ErrorCode::kInvalidValue, "authMode: must be header_bearer, basic or header_verbatim");
  if (!ParseClientProfile(prov.client_profile)) return MakeError(ErrorCode::kInvalidValue, "clientProfile: must be aiw_put or oin_patch");
  if (!ParseUsernameFormat(prov.username_format)) {
    return MakeError(ErrorCode::kInvalidValue, "usernameFormat: must be okta_username, email, email_prefix or custom_prefix");
  }
  if (!prov.base_url.empty() && !core::ParseUrl(prov.base_url).ok()) {
    return MakeError(ErrorCode::kInvalidValue, "baseUrl: not an http(s) URL");
  }
  if (prov.timeout_ms < 1 || prov.patch_batch_size < 1) {
    return MakeError(ErrorCode::kInvalidValue, "timeoutMs and patchBatchSize must be positive");
  }
  cur->prov = prov;
  cur->last_updated = Now();
  if (auto s = store_.PutApp(*cur); !s.ok()) return s.error();
  return *cur;
}

// ---- assignments --------------------------------------------------------------------------

void Org::OnAssigned(const App& app, AppUser& au, const User& u) {
  if (!Provisions(app) || !app.prov.push_new_users) return;
  if (u.status != "ACTIVE" && u.status != "PROVISIONED") return;
  if (au.external_id.empty()) {
    Enqueue(MakeJob(JobKind::kUserPush, app.id, u.id));
  } else if (!au.remote_active && app.prov.deactivate_users) {
    Enqueue(MakeJob(JobKind::kUserReactivate, app.id, u.id));
  }
}

core::Status Org::OnUnassigned(const App& app, AppUser& au) {
  bool linked_active = !au.external_id.empty() && au.remote_active;
  au.direct = false;
  au.via_groups.clear();
  au.status = AppUserStatus::kDeprovisioned;
  au.status_changed = au.last_updated = Now();
  if (auto s = store_.PutAppUser(au); !s.ok()) return s;
  Log("application.user_membership.remove", "Remove user from application membership", "SUCCESS", "",
      Json::array({Json{{"id", au.user_id}, {"type", "User"}}, Json{{"id", app.id}, {"type", "AppInstance"}, {"displayName", app.label}}}),
      Json::object());
  // Deactivate Users off: nothing is sent. Never linked: nothing is sent (the worker logs it).
  if (Provisions(app) && app.prov.deactivate_users && (linked_active || au.external_id.empty())) {
    if (!au.external_id.empty()) Enqueue(MakeJob(JobKind::kUserDeactivate, app.id, au.user_id));
  }
  for (const auto& gid : store_.ListGroupIdsOfUser(au.user_id)) OnMembershipChanged(gid);
  return core::Status::Ok();
}

core::Result<AppUser> Org::AssignLocked(const App& app, const User& u, const std::string& user_name,
                                        const std::string& via_group) {
  auto existing = store_.LookupAppUser(app.id, u.id);
  AppUser au = existing ? *existing : AppUser{};
  // A new assignment is direct only when made directly: one made through a
  // group ends when the user leaves the group (was: direct by default, so it
  // never ended for apps without provisioning).
  if (!existing) au.direct = false;
  bool was_assigned = existing && Assigned(*existing) && existing->status != AppUserStatus::kDeprovisioned;
  au.app_id = app.id;
  au.user_id = u.id;
  if (via_group.empty()) {
    au.direct = true;
  } else if (std::find(au.via_groups.begin(), au.via_groups.end(), via_group) == au.via_groups.end()) {
    au.via_groups.push_back(via_group);
  }
  au.scope = au.via_groups.empty() ? "USER" : "GROUP";
  std::string name = user_name;
  if (name.empty()) {
    name = AppUsername(u.profile, ParseUsernameFormat(app.prov.username_format).value_or(UsernameFormat::kOktaUsername),
                       app.prov.username_prefix);
  }
  au.user_name = name;
  if (!existing) au.created = Now();
  au.last_updated = Now();
  if (!was_assigned) {
    au.status = au.external_id.empty() ? AppUserStatus::kStaged : AppUserStatus::kProvisioned;
    au.status_changed = au.last_updated;
    au.sync_state = Provisions(app) ? SyncState::kPending : SyncState::kDisabled;
  }
  if (auto s = store_.PutAppUser(au); !s.ok()) return s.error();
  if (!was_assigned) {
    Log("application.user_membership.add", "Add user to application membership", "SUCCESS", "",
        Json::array({Json{{"id", u.id}, {"type", "User"}, {"alternateId", u.profile.value("login", "")}},
                     Json{{"id", app.id}, {"type", "AppInstance"}, {"displayName", app.label}}}),
        Json::object());
    OnAssigned(app, au, u);
  }
  return au;
}

core::Result<AppUser> Org::AssignUser(const std::string& app_id, const std::string& user_id,
                                      const std::string& user_name) {
  std::lock_guard<std::mutex> lk(mu_);
  auto app = store_.LookupApp(app_id);
  if (!app) return NotFound(app_id, "AppInstance");
  auto u = store_.LookupUser(user_id);
  if (!u) return NotFound(user_id, "User");
  if (u->status == "DEPROVISIONED") return MakeError(ErrorCode::kInvalidValue, "Cannot assign a deactivated user to an app");
  return AssignLocked(*app, *u, user_name, "");
}

core::Result<AppUser> Org::GetAppUser(const std::string& app_id, const std::string& user_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto au = store_.LookupAppUser(app_id, user_id);
  if (!au || !Assigned(*au)) return NotFound(user_id, "AppUser");
  return *au;
}

std::vector<AppUser> Org::ListAppUsers(const std::string& app_id) {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<AppUser> out;
  for (auto& au : store_.ListAppUsers(app_id)) {
    if (Assigned(au)) out.push_back(std::move(au));
  }
  return out;
}

core::Result<AppUser> Org::UpdateAppUser(const std::string& app_id, const std::string& user_id,
                                         const std::string& user_name) {
  std::lock_guard<std::mutex> lk(mu_);
  auto app = store_.LookupApp(app_id);
  if (!app) return NotFound(app_id, "AppInstance");
  auto au = store_.LookupAppUser(app_id, user_id);
  if (!au || !Assigned(*au)) return NotFound(user_id, "AppUser");
  if (!user_name.empty() && user_name != au->user_name) {
    au->user_name = user_name;
    au->last_updated = Now();
    if (auto s = store_.PutAppUser(*au); !s.ok()) return s.error();
    if (Provisions(*app) && app->prov.push_profile_updates && app->prov.update_attributes && !au->external_id.empty() &&
        au->remote_active) {
      Enqueue(MakeJob(JobKind::kUserUpdate, app_id, user_id));
    }
  }
  return *au;
}

core::Status Org::UnassignUser(const std::string& app_id, const std::string& user_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto app = store_.LookupApp(app_id);
  if (!app) return NotFound(app_id, "AppInstance");
  auto au = store_.LookupAppUser(app_id, user_id);
  if (!au || !Assigned(*au)) return NotFound(user_id, "AppUser");
  if (!au->via_groups.empty()) {
    au->direct = false;
    au->scope = "GROUP";
    if (auto s = store_.PutAppUser(*au); !s.ok()) return s;
    return MakeError(ErrorCode::kInvalidValue, "Cannot remove a user assigned through a group; remove the group assignment instead");
  }
  return OnUnassigned(*app, *au);
}

core::Result<AppGroup> Org::AssignGroup(const std::string& app_id, const std::string& group_id, int priority) {
  std::lock_guard<std::mutex> lk(mu_);
  auto app = store_.LookupApp(app_id);
  if (!app) return NotFound(app_id, "AppInstance");
  if (!store_.LookupGroup(group_id)) return NotFound(group_id, "UserGroup");
  AppGroup ag;
  ag.app_id = app_id;
  ag.group_id = group_id;
  ag.priority = priority;
  ag.last_updated = Now();
  // One transaction for the whole group: assigning 10,000 members is one commit.
  core::Status saved = store_.Batch([&]() -> core::Status {
    if (auto s = store_.PutAppGroup(ag); !s.ok()) return s;
    for (const auto& uid : store_.ListMemberIds(group_id)) {
      auto u = store_.LookupUser(uid);
      if (!u || u->status == "DEPROVISIONED") continue;
      if (auto a = AssignLocked(*app, *u, "", group_id); !a.ok()) return a.error();
    }
    return core::Status::Ok();
  });
  if (!saved.ok()) return saved.error();
  return ag;
}

core::Result<AppGroup> Org::GetAppGroup(const std::string& app_id, const std::string& group_id) {
  std::lock_guard<std::mutex> lk(mu_);
  if (auto ag = store_.LookupAppGroup(app_id, group_id)) return *ag;
  return NotFound(group_id, "AppGroup");
}

std::vector<AppGroup> Org::ListAppGroups(const std::string& app_id) {
  std::lock_guard<std::mutex> lk(mu_);
  return store_.ListAppGroups(app_id);
}

core::Status Org::UnassignGroup(const std::string& app_id, const std::string& group_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto app = store_.LookupApp(app_id);
  if (!app) return NotFound(app_id, "AppInstance");
  if (!store_.LookupAppGroup(app_id, group_id)) return NotFound(group_id, "AppGroup");
  return store_.Batch([&]() -> core::Status {
    if (auto s = store_.DeleteAppGroup(app_id, group_id); !s.ok()) return s;
    for (const auto& uid : store_.ListMemberIds(group_id)) {
      auto au = store_.LookupAppUser(app_id, uid);
      if (!au) continue;
      au->via_groups.erase(std::remove(au->via_groups.begin(), au->via_groups.end(), group_id), au->via_groups.end());
      core::Status s = Assigned(*au) ? PutScoped(*au) : OnUnassigned(*app, *au);
      if (!s.ok()) return s;
    }
    return core::Status::Ok();
  });
}

core::Result<int> Org::ProvisionAssigned(const std::string& app_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto app = store_.LookupApp(app_id);
  if (!app) return NotFound(app_id, "AppInstance");
  if (!Provisions(*app)) return MakeError(ErrorCode::kInvalidValue, "Provisioning is not enabled for this app");
  int n = 0;
  for (auto& au : store_.ListAppUsers(app_id)) {
    if (!Assigned(au) || !au.external_id.empty()) continue;
    auto u = store_.LookupUser(au.user_id);
    if (!u || (u->status != "ACTIVE" && u->status != "PROVISIONED")) continue;
    Enqueue(MakeJob(JobKind::kUserPush, app_id, au.user_id));
    ++n;
  }
  return n;
}

// ---- group push ---------------------------------------------------------------------------

core::Result<GroupPush> Org::CreateGroupPush(const std::string& app_id, const std::string& source_group_id,
                                             const std::string& target_group_name, const std::string& target_group_id,
                                             bool link_existing, bool active) {
  std::lock_guard<std::mutex> lk(mu_);
  auto app = store_.LookupApp(app_id);
  if (!app) return NotFound(app_id, "AppInstance");
  auto g = store_.LookupGroup(source_group_id);
  if (!g) return MakeError(ErrorCode::kInvalidValue, "sourceGroupId: group " + source_group_id + " not found");
  if (!app->prov.push_groups) return MakeError(ErrorCode::kInvalidValue, "Push Groups is not enabled for this app");
  if (!target_group_name.empty() && !target_group_id.empty()) {
    return MakeError(ErrorCode::kInvalidValue, "targetGroupId: Provide either targetGroupId or targetGroupName, not both");
  }
  for (const auto& m : store_.ListGroupPushes(app_id)) {
    if (m.source_group_id == source_group_id) {
      return MakeError(ErrorCode::kConflict, "sourceGroupId: a push mapping for this group already exists");
    }
  }
  GroupPush m;
  m.id = ids_.NewId("gPm");
  m.app_id = app_id;
  m.source_group_id = source_group_id;
  m.target_group_name = target_group_name.empty() ? g->name : target_group_name;
  m.target_group_id = target_group_id;
  m.link_existing = link_existing;
  m.status = active ? "ACTIVE" : "INACTIVE";
  m.created = m.last_updated = Now();
  if (auto s = store_.PutGroupPush(m); !s.ok()) return s.error();
  Log("application.provision.group_push.mapping.created", "Create group push mapping", "SUCCESS", "",
      Json::array({Json{{"id", g->id}, {"type", "UserGroup"}, {"displayName", g->name}},
                   Json{{"id", app_id}, {"type", "AppInstance"}, {"displayName", app->label}}}),
      Json::object());
  if (active && Provisions(*app)) EnqueueGroupJob(PushKind(m), m);
  return m;
}

core::Result<GroupPush> Org::GetGroupPush(const std::string& app_id, const std::string& id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto m = store_.LookupGroupPush(id);
  if (!m || m->app_id != app_id) return NotFound(id, "GroupPushMapping");
  return *m;
}

std::vector<GroupPush> Org::ListGroupPushes(const std::string& app_id) {
  std::lock_guard<std::mutex> lk(mu_);
  return store_.ListGroupPushes(app_id);
}

core::Result<GroupPush> Org::SetGroupPushStatus(const std::string& app_id, const std::string& id, bool active) {
  std::lock_guard<std::mutex> lk(mu_);
  auto m = store_.LookupGroupPush(id);
  if (!m || m->app_id != app_id) return NotFound(id, "GroupPushMapping");
  bool was_active = m->status == "ACTIVE";
  m->status = active ? "ACTIVE" : "INACTIVE";
  m->last_updated = Now();
  if (auto s = store_.PutGroupPush(*m); !s.ok()) return s.error();
  auto app = store_.LookupApp(app_id);
  if (active && !was_active && app && Provisions(*app)) EnqueueGroupJob(PushKind(*m), *m);
  return *m;
}

core::Result<GroupPush> Org::PushNow(const std::string& app_id, const std::string& id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto m = store_.LookupGroupPush(id);
  if (!m || m->app_id != app_id) return NotFound(id, "GroupPushMapping");
  EnqueueGroupJob(PushKind(*m), *m);
  return *m;
}

core::Status Org::DeleteGroupPush(const std::string& app_id, const std::string& id, bool delete_target) {
  std::lock_guard<std::mutex> lk(mu_);
  auto m = store_.LookupGroupPush(id);
  if (!m || m->app_id != app_id) return NotFound(id, "GroupPushMapping");
  if (m->status == "ACTIVE") {
    // As in Okta's API: deactivate the mapping before deleting it.
    return MakeError(ErrorCode::kInvalidValue, "status: Group push mapping must be INACTIVE before it can be deleted");
  }
  if (auto s = store_.DeleteGroupPush(id); !s.ok()) return s;
  auto app = store_.LookupApp(app_id);
  // "Unlink pushed group → Delete the group in the target app" sends DELETE;
  // "Leave the group in the target app" sends nothing. [D] S1, S10
  if (delete_target && !m->target_group_id.empty() && app && Provisions(*app)) {
    Job j = MakeJob(JobKind::kGroupDelete, app_id, "");
    j.group_id = m->source_group_id;
    j.mapping_id = m->id;  // ordered after the mapping's jobs still queued or running
    j.target_id = m->target_group_id;
    Enqueue(j);
  }
  return core::Status::Ok();
}

core::Status Org::ImportNow(const std::string& app_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto app = store_.LookupApp(app_id);
  if (!app) return NotFound(app_id, "AppInstance");
  if (!Provisions(*app)) return MakeError(ErrorCode::kInvalidValue, "Provisioning is not enabled for this app");
  if (!app->prov.import_users && !app->prov.import_groups) {
    return MakeError(ErrorCode::kInvalidValue, "Neither Import New Users nor Import Groups is enabled");
  }
  if (app->prov.import_users) Enqueue(MakeJob(JobKind::kImportUsers, app_id, ""));
  if (app->prov.import_groups) Enqueue(MakeJob(JobKind::kImportGroups, app_id, ""));
  return core::Status::Ok();
}

}  // namespace okta
