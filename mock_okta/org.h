// Org: the mock Okta's domain. Directory (users, groups, memberships), app
// integrations, assignments and group push mappings; every change that Okta
// would provision becomes a job handed to a JobSink (the engine). Knows
// nothing about HTTP or the engine's workings.
//
// Thread-safe: each public method takes the one domain lock itself; nothing
// outside reaches the store. The engine reads and writes back through the
// narrow interface at the end (LoadJob, ApplyEffect, the task writes).
// Files: org.cpp (users, groups), org_apps.cpp (apps, assignments, group
// push), org_jobs.cpp (the engine's interface and read views).
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
#include "mock_okta/flows.h"
#include "mock_okta/job.h"
#include "mock_okta/model.h"
#include "mock_okta/okta_ids.h"
#include "mock_okta/okta_store.h"

namespace okta {

class Org {
 public:
  Org(OktaStore& store, OktaIds& ids, const core::Clock& clock, std::chrono::milliseconds default_timeout);
  // Where provisioning jobs go; null: nowhere (nothing is provisioned). Set before use.
  void set_job_sink(JobSink* sink) { jobs_ = sink; }
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

  // ---- the engine's interface (org_jobs.cpp) ----
  // What a job reads when it starts: the app, the user and assignment (user
  // jobs), the push mapping as a flow sees it (group jobs). nullopt when the
  // app or the user is gone (the job is dropped).
  std::optional<FlowInput> LoadJob(const Job& job);
  // Writes back a flow's effect (links, provisioned state, pushed members, …).
  core::Status ApplyEffect(const Job& job, const Effect& effect);
  // The System Log line of a job step, with the app, user and group as targets.
  void LogJobStep(const Job& job, const std::string& subject, const std::string& subject_display, const App& app,
                  const LogLine& line);
  void LogConnectorTest(const App& app, const std::string& failure);
  // A traffic record (the shape of executor.h TrafficRecordText); a failed write is reported to the process log.
  void AddTraffic(const core::Json& record);
  // The same, with the record built later on the store's writing thread.
  void AddTrafficLater(std::function<std::string()> make);
  // Tasks: a failed job opens (or re-opens) one with a Retry of `retry`; the
  // app user or mapping shows ERROR. A 429 keeps one RATE_LIMITED task per
  // job and returns its id. A job that succeeds resolves the task it came from
  // and any other task whose work it did (ResolveTasks).
  core::Status OpenTask(const Job& job, const std::string& message, const std::string& failure, const Job& retry);
  core::Result<std::string> SaveRateLimitedTask(const Job& job, const std::string& message, const Job& retry);
  // Resolves each unresolved task of the app that `done_by` accepts
  // (the engine's JobResolvesTask), under the directory's lock.
  core::Status ResolveTasks(const std::string& app_id, const std::function<bool(const Task&)>& done_by);
  // OPEN → RETRYING; kNotFound, kInvalidValue (not open).
  core::Result<Task> MarkTaskRetrying(const std::string& task_id);
  std::string NewJobId();
  std::string NewPlaceholderPassword();

  // ---- read-only views for the routes (each takes the lock itself) ----
  std::vector<Task> ListTasks();
  std::vector<std::pair<int64_t, core::Json>> ListLogs(int64_t after_seq, int limit);
  std::vector<std::pair<int64_t, core::Json>> ListTraffic(int64_t after_seq, int limit);
  // Empties every table (reset everything). The caller pauses the engine first.
  core::Status ResetAll();

  // System Log. Thread-safe (the store is); a failed write is reported to the process log.
  void Log(const std::string& event_type, const std::string& display, const std::string& result,
           const std::string& reason, const core::Json& targets, const core::Json& debug);

 private:
  // Enqueue helpers; caller holds mu_.
  void Enqueue(Job job);
  void EnqueueGroupJob(JobKind kind, const GroupPush& m);
  std::optional<PushState> LoadPushLocked(const std::string& app_id, const std::string& mapping_id);
  core::Status ApplyUserEffect(const Job& job, const Effect& e);
  core::Status ApplyGroupEffect(const Job& job, const Effect& e);
  bool Provisions(const App& app) const;
  void OnAssigned(const App& app, AppUser& au, const User& u);
  core::Status OnUnassigned(const App& app, AppUser& au);
  void OnMembershipChanged(const std::string& group_id);
  core::Status SyncGroupAssignment(const std::string& group_id, const std::string& user_id, bool added);
  // Stores an assignment whose groups changed, with the scope they give it.
  core::Status PutScoped(AppUser& au);
  core::Result<AppUser> AssignLocked(const App& app, const User& u, const std::string& user_name,
                                     const std::string& via_group);

  OktaStore& store_;
  OktaIds& ids_;
  const core::Clock& clock_;
  std::chrono::milliseconds default_timeout_;
  JobSink* jobs_ = nullptr;
  std::mutex mu_;
};

}  // namespace okta
