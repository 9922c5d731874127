// Org: the mock Okta's domain. Directory (users, groups, memberships), app
// integrations, assignments and group push mappings; every change that Okta
// would provision becomes a job for the Engine. Knows nothing about HTTP.
//
// Thread-safe: each public method runs under one lock (mu()); the engine
// takes the same lock for its reads and write-backs between SCIM requests.
// Errors: kNotFound (unknown id), kInvalidValue (validation), kConflict
// (login taken, duplicate), with Okta-style detail texts.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/result.h"
#include "mock_okta/model.h"
#include "mock_okta/okta_ids.h"
#include "mock_okta/okta_store.h"

namespace okta {

class Engine;

class Org {
 public:
  Org(OktaStore& store, OktaIds& ids, const core::Clock& clock, std::chrono::milliseconds default_timeout);
  void set_engine(Engine* e) { engine_ = e; }
  std::mutex& mu() { return mu_; }
  OktaStore& store() { return store_; }
  OktaIds& ids() { return ids_; }
  std::string Now() const;

  // ---- users ----
  // activate: ACTIVE (or PROVISIONED without a password); else STAGED.
  core::Result<User> CreateUser(const core::Json& profile, const std::string& password, bool activate);
  // By id or login.
  core::Result<User> GetUser(const std::string& id_or_login);
  std::vector<User> ListUsers(int64_t after_seq, int limit);
  // partial: merge into the profile (POST); else replace it (PUT).
  core::Result<User> UpdateUser(const std::string& id, const core::Json& profile, bool partial,
                                const std::optional<std::string>& password);
  // action: activate | deactivate | reactivate | suspend | unsuspend | unlock
  core::Result<User> UserLifecycle(const std::string& id, const std::string& action);
  // Deactivates an active user; deletes a DEPROVISIONED one.
  core::Status DeleteUser(const std::string& id);
  std::vector<Group> ListGroupsOfUser(const std::string& user_id);

  // ---- groups ----
  core::Result<Group> CreateGroup(const std::string& name, const std::string& description);
  core::Result<Group> GetGroup(const std::string& id);
  std::vector<Group> ListGroups(int64_t after_seq, int limit);
  core::Result<Group> UpdateGroup(const std::string& id, const std::string& name, const std::string& description);
  core::Status DeleteGroup(const std::string& id);
  core::Status AddGroupMember(const std::string& group_id, const std::string& user_id);
  core::Status RemoveGroupMember(const std::string& group_id, const std::string& user_id);
  std::vector<User> ListGroupMembers(const std::string& group_id);

  // ---- apps ----
  core::Result<App> CreateApp(App app, bool activate);
  core::Result<App> GetApp(const std::string& id);
  std::vector<App> ListApps(int64_t after_seq, int limit);
  core::Result<App> UpdateApp(const App& app);  // label, settings, sign-on mode
  core::Result<App> SetAppStatus(const std::string& id, bool active);
  core::Status DeleteApp(const std::string& id);
  // Replaces the provisioning settings (connection, features, toggles, sandbox settings).
  core::Result<App> SetProvisioning(const std::string& id, const Provisioning& prov);

  // ---- assignments ----
  core::Result<AppUser> AssignUser(const std::string& app_id, const std::string& user_id,
                                   const std::string& user_name);
  core::Result<AppUser> GetAppUser(const std::string& app_id, const std::string& user_id);
  std::vector<AppUser> ListAppUsers(const std::string& app_id);  // assigned only
  core::Result<AppUser> UpdateAppUser(const std::string& app_id, const std::string& user_id,
                                      const std::string& user_name);
  core::Status UnassignUser(const std::string& app_id, const std::string& user_id);
  core::Result<AppGroup> AssignGroup(const std::string& app_id, const std::string& group_id, int priority);
  core::Result<AppGroup> GetAppGroup(const std::string& app_id, const std::string& group_id);
  std::vector<AppGroup> ListAppGroups(const std::string& app_id);
  core::Status UnassignGroup(const std::string& app_id, const std::string& group_id);
  // "Provision User": pushes assigned users that were never provisioned.
  core::Result<int> ProvisionAssigned(const std::string& app_id);

  // ---- group push ----
  // target_group_id non-empty: link to that SCIM group; link_existing: link
  // to the group of the same name found by the lookup.
  core::Result<GroupPush> CreateGroupPush(const std::string& app_id, const std::string& source_group_id,
                                          const std::string& target_group_name, const std::string& target_group_id,
                                          bool link_existing, bool active);
  core::Result<GroupPush> GetGroupPush(const std::string& app_id, const std::string& id);
  std::vector<GroupPush> ListGroupPushes(const std::string& app_id);
  core::Result<GroupPush> SetGroupPushStatus(const std::string& app_id, const std::string& id, bool active);
  core::Result<GroupPush> PushNow(const std::string& app_id, const std::string& id);
  core::Status DeleteGroupPush(const std::string& app_id, const std::string& id, bool delete_target);

  core::Status ImportNow(const std::string& app_id);

  // ---- read-only views for the routes (each takes the lock itself) ----
  std::vector<Task> ListTasks();
  std::vector<std::pair<int64_t, core::Json>> ListLogs(int64_t after_seq, int limit);
  std::vector<std::pair<int64_t, core::Json>> ListTraffic(int64_t after_seq, int limit);
  // Empties every table (reset everything). The caller pauses the engine first.
  core::Status ResetAll();

  // System Log (used by the engine too). Caller holds mu() or not: the store is thread-safe.
  void Log(const std::string& event_type, const std::string& display, const std::string& result,
           const std::string& reason, const core::Json& targets, const core::Json& debug);

 private:
  // Enqueue helpers; caller holds mu_.
  void Enqueue(Job job);
  bool Provisions(const App& app) const;
  void OnAssigned(const App& app, AppUser& au, const User& u);
  void OnUnassigned(const App& app, AppUser& au);
  void OnMembershipChanged(const std::string& group_id);
  void SyncGroupAssignment(const std::string& group_id, const std::string& user_id, bool added);
  core::Result<AppUser> AssignLocked(const App& app, const User& u, const std::string& user_name,
                                     const std::string& via_group);

  OktaStore& store_;
  OktaIds& ids_;
  const core::Clock& clock_;
  std::chrono::milliseconds default_timeout_;
  Engine* engine_ = nullptr;
  std::mutex mu_;
};

}  // namespace okta
