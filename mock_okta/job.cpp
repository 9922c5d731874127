#include "mock_okta/job.h"

namespace okta {

const char* JobKindName(JobKind k) {
  switch (k) {
    case JobKind::kUserPush: return "user_push";
    case JobKind::kUserReactivate: return "user_reactivate";
    case JobKind::kUserUpdate: return "user_update";
    case JobKind::kUserDeactivate: return "user_deactivate";
    case JobKind::kUserPassword: return "user_password";
    case JobKind::kGroupPush: return "group_push";
    case JobKind::kGroupMembers: return "group_members";
    case JobKind::kGroupPushNow: return "group_push_now";
    case JobKind::kGroupRename: return "group_rename";
    case JobKind::kGroupDelete: return "group_delete";
    case JobKind::kImportUsers: return "import_users";
    case JobKind::kImportGroups: return "import_groups";
  }
  return "user_push";
}

std::optional<JobKind> ParseJobKind(const std::string& s) {
  for (JobKind k : {JobKind::kUserPush, JobKind::kUserReactivate, JobKind::kUserUpdate, JobKind::kUserDeactivate,
                    JobKind::kUserPassword, JobKind::kGroupPush, JobKind::kGroupMembers, JobKind::kGroupPushNow,
                    JobKind::kGroupRename, JobKind::kGroupDelete, JobKind::kImportUsers, JobKind::kImportGroups}) {
    if (s == JobKindName(k)) return k;
  }
  return std::nullopt;
}

bool JobKindCoalesces(JobKind k) {
  return k == JobKind::kUserUpdate || k == JobKind::kGroupMembers || k == JobKind::kGroupRename;
}

const char* TaskStatusName(TaskStatus s) {
  switch (s) {
    case TaskStatus::kOpen: return "OPEN";
    case TaskStatus::kRetrying: return "RETRYING";
    case TaskStatus::kRateLimited: return "RATE_LIMITED";
    case TaskStatus::kResolved: return "RESOLVED";
  }
  return "OPEN";
}

const char* AppUserStatusName(AppUserStatus s) {
  switch (s) {
    case AppUserStatus::kStaged: return "STAGED";
    case AppUserStatus::kProvisioned: return "PROVISIONED";
    case AppUserStatus::kDeprovisioned: return "DEPROVISIONED";
  }
  return "STAGED";
}

const char* SyncStateName(SyncState s) {
  switch (s) {
    case SyncState::kPending: return "PENDING";
    case SyncState::kSynchronized: return "SYNCHRONIZED";
    case SyncState::kError: return "ERROR";
    case SyncState::kDisabled: return "DISABLED";
  }
  return "PENDING";
}

std::string JobOrderKey(const Job& j) {
  if (!j.mapping_id.empty()) return "g:" + j.app_id + ":" + j.mapping_id;
  if (!j.user_id.empty()) return "u:" + j.app_id + ":" + j.user_id;
  return std::string("a:") + j.app_id + ":" + JobKindName(j.kind);
}

}  // namespace okta
