// Helpers shared by the Org's source files (org.cpp, org_apps.cpp,
// org_jobs.cpp). Not part of the Org's interface.
#pragma once

#include <string>

#include "core/json_util.h"
#include "core/result.h"
#include "mock_okta/job.h"
#include "mock_okta/model.h"

namespace okta {

inline core::Error NotFound(const std::string& id, const std::string& type) {
  return core::MakeError(core::ErrorCode::kNotFound, "Not found: Resource not found: " + id + " (" + type + ")");
}

// Assigned directly or through at least one group.
inline bool Assigned(const AppUser& au) { return au.direct || !au.via_groups.empty(); }

inline Job MakeJob(JobKind kind, const std::string& app_id, const std::string& user_id) {
  Job j;
  j.kind = kind;
  j.app_id = app_id;
  j.user_id = user_id;
  return j;
}

// Pushing a mapping that is already linked is a Push Now.
inline JobKind PushKind(const GroupPush& m) {
  return m.target_group_id.empty() ? JobKind::kGroupPush : JobKind::kGroupPushNow;
}

// A System Log event as Okta's API renders it, as JSON text (org.cpp);
// `targets_json` and `debug_json` are JSON text too.
std::string LogEventText(const std::string& uuid, const std::string& published, const std::string& event_type,
                         const std::string& display, const std::string& result, const std::string& reason,
                         std::string_view targets_json, const std::string& job_id, std::string_view debug_json);

}  // namespace okta
