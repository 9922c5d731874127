#include "mock_okta/org.h"

#include <algorithm>

#include "core/http.h"
#include "mock_okta/engine.h"

namespace okta {

using core::ErrorCode;
using core::Json;
using core::MakeError;

namespace {
core::Error NotFound(const std::string& id, const std::string& type) {
  return MakeError(ErrorCode::kNotFound, "Not found: Resource not found: " + id + " (" + type + ")");
}
bool Assigned(const AppUser& au) { return au.direct || !au.via_groups.empty(); }
}  // namespace

Org::Org(OktaStore& store, OktaIds& ids, const core::Clock& clock, std::chrono::milliseconds default_timeout)
    : store_(store), ids_(ids), clock_(clock), default_timeout_(default_timeout) {}

std::string Org::Now() const { return core::FormatIso8601(clock_.Now()); }

void Org::Log(const std::string& event_type, const std::string& display, const std::string& result,
              const std::string& reason, const Json& targets, const Json& debug) {
  Json e = Json::object();
  e["uuid"] = ids_.NewUuid();
  e["published"] = Now();
  e["eventType"] = event_type;
  e["version"] = "0";
  e["severity"] = result == "FAILURE" ? "WARN" : "INFO";
  e["legacyEventType"] = nullptr;
  e["displayMessage"] = display;
  e["actor"] = Json{{"id", "0oa00000000000000000"}, {"type", "PublicClientApp"}, {"alternateId", "Okta System"},
                    {"displayName", "Okta System"}, {"detailEntry", nullptr}};
  e["client"] = nullptr;
  e["outcome"] = Json{{"result", result}, {"reason", reason.empty() ? Json(nullptr) : Json(reason)}};
  e["target"] = targets;
  e["transaction"] = Json{{"type", "JOB"}, {"id", debug.value("jobId", "")}, {"detail", Json::object()}};
  e["debugContext"] = Json{{"debugData", debug}};
  e["authenticationContext"] = Json::object();
  e["securityContext"] = Json::object();
  (void)store_.AddLog(e);
}

void Org::Enqueue(Job job) {
  if (job.id.empty()) job.id = ids_.NewId("job");
  if (engine_) engine_->Enqueue(std::move(job));
}

bool Org::Provisions(const App& app) const {
  return app.status == "ACTIVE" && app.prov.scim_enabled && app.prov.enabled && !app.prov.base_url.empty();
}

namespace {
Job MakeJob(const std::string& kind, const std::string& app_id, const std::string& user_id) {
  Job j;
  j.kind = kind;
  j.app_id = app_id;
  j.user_id = user_id;
  return j;
}
}  // namespace

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
      (void)store_.PutAppUser(au);
    }
    if (au.external_id.empty() || !au.remote_active) continue;
    if (app->prov.push_profile_updates && app->prov.update_attributes && profile.is_object()) {
      Enqueue(MakeJob("user_update", app->id, id));
    }
    if (password && app->prov.sync_password) {
      Job j = MakeJob("user_password", app->id, id);
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
      au.status = "DEPROVISIONED";
      au.status_changed = au.last_updated = Now();
      (void)store_.PutAppUser(au);
      if (app && Provisions(*app) && was_assigned && app->prov.deactivate_users && au.remote_active) {
        Enqueue(MakeJob("user_deactivate", app->id, id));
      }
    }
    for (const auto& gid : store_.ListGroupIdsOfUser(id)) OnMembershipChanged(gid);
  } else if (u->status == "ACTIVE" && before == "DEPROVISIONED") {
    // Re-provisions automatically only for group-based assignments. [D] S10
    for (const auto& gid : store_.ListGroupIdsOfUser(id)) {
      for (const auto& ag : store_.ListAppGroupsOfGroup(gid)) {
        auto app = store_.LookupApp(ag.app_id);
        if (!app) continue;
        (void)AssignLocked(*app, *u, "", gid);
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
      for (const auto& gid : store_.ListGroupIdsOfUser(id)) (void)store_.RemoveMember(gid, id);
      return store_.DeleteUser(id);
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
      Job j = MakeJob("group_rename", m.app_id, "");
      j.group_id = id;
      j.mapping_id = m.id;
      Enqueue(j);
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
  for (const auto& uid : store_.ListMemberIds(id)) (void)store_.RemoveMember(id, uid);
  for (const auto& ag : store_.ListAppGroupsOfGroup(id)) (void)store_.DeleteAppGroup(ag.app_id, id);
  return store_.DeleteGroup(id);
}

void Org::OnMembershipChanged(const std::string& group_id) {
  for (const auto& m : store_.ListGroupPushesOfGroup(group_id)) {
    auto app = store_.LookupApp(m.app_id);
    if (!app || !Provisions(*app) || !app->prov.push_groups) continue;
    if (m.status != "ACTIVE" || m.target_group_id.empty()) continue;
    Job j = MakeJob("group_members", m.app_id, "");
    j.group_id = group_id;
    j.mapping_id = m.id;
    Enqueue(j);
  }
}

void Org::SyncGroupAssignment(const std::string& group_id, const std::string& user_id, bool added) {
  auto u = store_.LookupUser(user_id);
  if (!u) return;
  for (const auto& ag : store_.ListAppGroupsOfGroup(group_id)) {
    auto app = store_.LookupApp(ag.app_id);
    if (!app) continue;
    if (added) {
      (void)AssignLocked(*app, *u, "", group_id);
    } else if (auto au = store_.LookupAppUser(app->id, user_id)) {
      au->via_groups.erase(std::remove(au->via_groups.begin(), au->via_groups.end(), group_id), au->via_groups.end());
      if (au->via_groups.empty() && au->direct == false) au->scope = "USER";
      if (!Assigned(*au)) {
        OnUnassigned(*app, *au);
      } else {
        au->scope = au->via_groups.empty() ? "USER" : "GROUP";
        (void)store_.PutAppUser(*au);
      }
    }
  }
}

core::Status Org::AddGroupMember(const std::string& group_id, const std::string& user_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto g = store_.LookupGroup(group_id);
  if (!g) return NotFound(group_id, "UserGroup");
  if (!store_.LookupUser(user_id)) return NotFound(user_id, "User");
  if (store_.IsMember(group_id, user_id)) return core::Status::Ok();
  if (auto s = store_.AddMember(group_id, user_id); !s.ok()) return s;
  g->last_membership_updated = Now();
  (void)store_.PutGroup(*g);
  Log("group.user_membership.add", "Add user to group membership", "SUCCESS", "",
      Json::array({Json{{"id", user_id}, {"type", "User"}}, Json{{"id", group_id}, {"type", "UserGroup"}, {"displayName", g->name}}}),
      Json::object());
  SyncGroupAssignment(group_id, user_id, true);
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
  (void)store_.PutGroup(*g);
  Log("group.user_membership.remove", "Remove user from group membership", "SUCCESS", "",
      Json::array({Json{{"id", user_id}, {"type", "User"}}, Json{{"id", group_id}, {"type", "UserGroup"}, {"displayName", g->name}}}),
      Json::object());
  SyncGroupAssignment(group_id, user_id, false);
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

// ---- apps ------------------------------------------------------------------------------

core::Result<App> Org::CreateApp(App app, bool activate) {
  std::lock_guard<std::mutex> lk(mu_);
  if (app.label.empty()) return MakeError(ErrorCode::kInvalidValue, "label: The field cannot be left blank");
  if (app.sign_on_mode == "SWA") app.sign_on_mode = "AUTO_LOGIN";
  if (app.sign_on_mode != "AUTO_LOGIN" && app.sign_on_mode != "BROWSER_PLUGIN" && app.sign_on_mode != "SAML_2_0" &&
      app.sign_on_mode != "BOOKMARK") {
    return MakeError(ErrorCode::kInvalidValue,
                     "signOnMode: SCIM provisioning needs an SWA or SAML app (AUTO_LOGIN, BROWSER_PLUGIN, SAML_2_0)");
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
  for (const auto& au : store_.ListAppUsers(id)) (void)store_.DeleteAppUser(id, au.user_id);
  for (const auto& ag : store_.ListAppGroups(id)) (void)store_.DeleteAppGroup(id, ag.group_id);
  for (const auto& m : store_.ListGroupPushes(id)) (void)store_.DeleteGroupPush(m.id);
  return store_.DeleteApp(id);
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
    Enqueue(MakeJob("user_push", app.id, u.id));
  } else if (!au.remote_active && app.prov.deactivate_users) {
    Enqueue(MakeJob("user_reactivate", app.id, u.id));
  }
}

void Org::OnUnassigned(const App& app, AppUser& au) {
  bool linked_active = !au.external_id.empty() && au.remote_active;
  au.direct = false;
  au.via_groups.clear();
  au.status = "DEPROVISIONED";
  au.status_changed = au.last_updated = Now();
  (void)store_.PutAppUser(au);
  Log("application.user_membership.remove", "Remove user from application membership", "SUCCESS", "",
      Json::array({Json{{"id", au.user_id}, {"type", "User"}}, Json{{"id", app.id}, {"type", "AppInstance"}, {"displayName", app.label}}}),
      Json::object());
  // Deactivate Users off: nothing is sent. Never linked: nothing is sent (the worker logs it).
  if (Provisions(app) && app.prov.deactivate_users && (linked_active || au.external_id.empty())) {
    if (!au.external_id.empty()) Enqueue(MakeJob("user_deactivate", app.id, au.user_id));
  }
  for (const auto& gid : store_.ListGroupIdsOfUser(au.user_id)) OnMembershipChanged(gid);
}

core::Result<AppUser> Org::AssignLocked(const App& app, const User& u, const std::string& user_name,
                                        const std::string& via_group) {
  auto existing = store_.LookupAppUser(app.id, u.id);
  AppUser au = existing ? *existing : AppUser{};
  bool was_assigned = existing && Assigned(*existing) && existing->status != "DEPROVISIONED";
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
    au.status = au.external_id.empty() ? "STAGED" : "PROVISIONED";
    au.status_changed = au.last_updated;
    au.sync_state = Provisions(app) ? "PENDING" : "DISABLED";
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
    (void)store_.PutAppUser(*au);
    if (Provisions(*app) && app->prov.push_profile_updates && app->prov.update_attributes && !au->external_id.empty() &&
        au->remote_active) {
      Enqueue(MakeJob("user_update", app_id, user_id));
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
    (void)store_.PutAppUser(*au);
    return MakeError(ErrorCode::kInvalidValue, "Cannot remove a user assigned through a group; remove the group assignment instead");
  }
  OnUnassigned(*app, *au);
  return core::Status::Ok();
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
  if (auto s = store_.PutAppGroup(ag); !s.ok()) return s.error();
  for (const auto& uid : store_.ListMemberIds(group_id)) {
    auto u = store_.LookupUser(uid);
    if (u && u->status != "DEPROVISIONED") (void)AssignLocked(*app, *u, "", group_id);
  }
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
  (void)store_.DeleteAppGroup(app_id, group_id);
  for (const auto& uid : store_.ListMemberIds(group_id)) {
    auto au = store_.LookupAppUser(app_id, uid);
    if (!au) continue;
    au->via_groups.erase(std::remove(au->via_groups.begin(), au->via_groups.end(), group_id), au->via_groups.end());
    if (!Assigned(*au)) {
      OnUnassigned(*app, *au);
    } else {
      au->scope = au->via_groups.empty() ? "USER" : "GROUP";
      (void)store_.PutAppUser(*au);
    }
  }
  return core::Status::Ok();
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
    Enqueue(MakeJob("user_push", app_id, au.user_id));
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
  if (active && Provisions(*app)) {
    Job j = MakeJob(target_group_id.empty() ? "group_push" : "group_push_now", app_id, "");
    j.group_id = source_group_id;
    j.mapping_id = m.id;
    Enqueue(j);
  }
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
  (void)store_.PutGroupPush(*m);
  auto app = store_.LookupApp(app_id);
  if (active && !was_active && app && Provisions(*app)) {
    Job j = MakeJob(m->target_group_id.empty() ? "group_push" : "group_push_now", app_id, "");
    j.group_id = m->source_group_id;
    j.mapping_id = m->id;
    Enqueue(j);
  }
  return *m;
}

core::Result<GroupPush> Org::PushNow(const std::string& app_id, const std::string& id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto m = store_.LookupGroupPush(id);
  if (!m || m->app_id != app_id) return NotFound(id, "GroupPushMapping");
  Job j = MakeJob(m->target_group_id.empty() ? "group_push" : "group_push_now", app_id, "");
  j.group_id = m->source_group_id;
  j.mapping_id = m->id;
  Enqueue(j);
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
  (void)store_.DeleteGroupPush(id);
  auto app = store_.LookupApp(app_id);
  // "Unlink pushed group → Delete the group in the target app" sends DELETE;
  // "Leave the group in the target app" sends nothing. [D] S1, S10
  if (delete_target && !m->target_group_id.empty() && app && Provisions(*app)) {
    Job j = MakeJob("group_delete", app_id, "");
    j.group_id = m->source_group_id;
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
  if (app->prov.import_users) Enqueue(MakeJob("import_users", app_id, ""));
  if (app->prov.import_groups) Enqueue(MakeJob("import_groups", app_id, ""));
  return core::Status::Ok();
}

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
