// Provisioning vocabulary shared by the directory (Org) and the engine: the
// kinds of job, the task and app-user statuses as enums with their Okta
// names, and JobSink, the one way the directory hands work to the engine.
// Org depends on this header only, never on the engine.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace okta {

// What a job does. Names are what /sandbox/jobs, tasks and the traffic log show.
enum class JobKind {
  kUserPush,        // "user_push": assign → lookup → create or link
  kUserReactivate,  // "user_reactivate": re-assign of a deactivated app user
  kUserUpdate,      // "user_update": profile change → GET + PUT (changed attributes)
  kUserDeactivate,  // "user_deactivate": unassign / Okta deactivation
  kUserPassword,    // "user_password": password sync
  kGroupPush,       // "group_push": lookup → create or link the group, then members
  kGroupMembers,    // "group_members": membership diff since the last push
  kGroupPushNow,    // "group_push_now": Push Now, the full member list
  kGroupRename,     // "group_rename": the Okta group was renamed
  kGroupDelete,     // "group_delete": unlink with "delete the group in the app"
  kImportUsers,     // "import_users": paged GET /Users
  kImportGroups,    // "import_groups": paged GET /Groups
};
const char* JobKindName(JobKind k);
std::optional<JobKind> ParseJobKind(const std::string& s);
// A job of this kind that is queued and not yet started absorbs a new one
// for the same subject: the flow computes the diff when it runs.
bool JobKindCoalesces(JobKind k);

// Dashboard → Tasks. OPEN: failed, Retry offered. RETRYING: its retry is
// queued. RATE_LIMITED: the app answered 429 and the job waits for its
// back-off (it retries by itself; no Retry button). RESOLVED: a later run
// of the job succeeded.
enum class TaskStatus { kOpen, kRetrying, kRateLimited, kResolved };
const char* TaskStatusName(TaskStatus s);

// An assignment's provisioning status (Okta's AppUser.status).
enum class AppUserStatus { kStaged, kProvisioned, kDeprovisioned };
const char* AppUserStatusName(AppUserStatus s);

// An assignment's sync state (Okta's AppUser.syncState).
enum class SyncState { kPending, kSynchronized, kError, kDisabled };
const char* SyncStateName(SyncState s);

NLOHMANN_JSON_SERIALIZE_ENUM(JobKind, {{JobKind::kUserPush, "user_push"},
                                       {JobKind::kUserReactivate, "user_reactivate"},
                                       {JobKind::kUserUpdate, "user_update"},
                                       {JobKind::kUserDeactivate, "user_deactivate"},
                                       {JobKind::kUserPassword, "user_password"},
                                       {JobKind::kGroupPush, "group_push"},
                                       {JobKind::kGroupMembers, "group_members"},
                                       {JobKind::kGroupPushNow, "group_push_now"},
                                       {JobKind::kGroupRename, "group_rename"},
                                       {JobKind::kGroupDelete, "group_delete"},
                                       {JobKind::kImportUsers, "import_users"},
                                       {JobKind::kImportGroups, "import_groups"}})
NLOHMANN_JSON_SERIALIZE_ENUM(TaskStatus, {{TaskStatus::kOpen, "OPEN"},
                                          {TaskStatus::kRetrying, "RETRYING"},
                                          {TaskStatus::kRateLimited, "RATE_LIMITED"},
                                          {TaskStatus::kResolved, "RESOLVED"}})
NLOHMANN_JSON_SERIALIZE_ENUM(AppUserStatus, {{AppUserStatus::kStaged, "STAGED"},
                                             {AppUserStatus::kProvisioned, "PROVISIONED"},
                                             {AppUserStatus::kDeprovisioned, "DEPROVISIONED"}})
NLOHMANN_JSON_SERIALIZE_ENUM(SyncState, {{SyncState::kPending, "PENDING"},
                                         {SyncState::kSynchronized, "SYNCHRONIZED"},
                                         {SyncState::kError, "ERROR"},
                                         {SyncState::kDisabled, "DISABLED"}})

// A unit of provisioning work.
struct Job {
  std::string id;
  JobKind kind = JobKind::kUserPush;
  std::string app_id, user_id, group_id, mapping_id;
  std::string target_id;  // remote id when the job outlives the mapping (group_delete)
  std::string password;   // user_password
  int attempts = 0;       // 429 answers so far
  int64_t last_wait_s = 0;
  std::string due;  // ISO time; "" = now
  std::string created;
  std::string task_id;  // set when retried from a task
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Job, id, kind, app_id, user_id, group_id, mapping_id, target_id,
                                                password, attempts, last_wait_s, due, created, task_id)

// The jobs of one subject run in order, one at a time: one key per user and
// app, per group push mapping (group_delete carries the id of the mapping it
// unlinks), or per app and kind (imports).
std::string JobOrderKey(const Job& j);

// Where the directory sends provisioning work. Implemented by the engine.
class JobSink {
 public:
  virtual ~JobSink() = default;
  // Thread-safe; called with the Org's lock held, so it must not call back into the Org.
  virtual void Enqueue(Job job) = 0;
};

// Where queued jobs are kept so they survive a restart (the store). Called
// by the JobQueue with its lock held: implementations must only hand the
// write off (OktaStore writes it on its own thread), never block or call back.
class JobJournal {
 public:
  virtual ~JobJournal() = default;
  virtual void Saved(const Job& job) = 0;            // queued or parked (again): upsert by id
  virtual void Done(const std::string& job_id) = 0;  // finished or dropped
};

}  // namespace okta
