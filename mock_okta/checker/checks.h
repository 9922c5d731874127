// The checks of `okta-sandbox check`, one function each, and the table that
// orders them (checker.cpp). A check reads r.profile (its client profile, or
// "" for profile-independent checks), drives the org through the context and
// sets r.verdict / explanation / task_message; its exchanges are recorded
// into r.exchanges by the context's sender. Internal to the checker.
#pragma once

#include <string>
#include <vector>

#include "mock_okta/checker/check_context.h"

namespace okta::check {

using CheckFn = void (*)(CheckContext&, CheckResult&);

struct CheckDef {
  const char* id;     // per-profile checks get ".<profile>" appended
  const char* group;  // connector, users, import, groups, spec, robustness
  bool per_profile;
  bool needs_groups;  // runs only with CheckOptions::groups
  const char* title;
  const char* confidence;  // documented / observed / inferred
  // Checks that must not have failed or been skipped: ids, "{p}" is the
  // profile; "oin_patch:" or "aiw_put:" in front limits a need to that profile.
  std::vector<std::string> needs;
  CheckFn run;
};

// All checks in run order.
const std::vector<CheckDef>& CheckTable();

// "aiw" / "oin", for user and group names.
std::string Short(const std::string& profile);
std::string Upper(const std::string& s);  // ASCII upper-case
// Whether the check runs as the OIN (PATCH) client profile.
inline bool IsOin(const CheckResult& r) { return r.profile == "oin_patch"; }

// connector and import (checks_connector.cpp)
void ConnectorTest(CheckContext& c, CheckResult& r);
void ConnectorImportGroups(CheckContext& c, CheckResult& r);
void ImportUsers(CheckContext& c, CheckResult& r);
void ImportGroups(CheckContext& c, CheckResult& r);
// users (checks_users.cpp)
void UserCreate(CheckContext& c, CheckResult& r);
void UserLink(CheckContext& c, CheckResult& r);
void UserLinkCase(CheckContext& c, CheckResult& r);
void UserUpdate(CheckContext& c, CheckResult& r);
void UserDeactivate(CheckContext& c, CheckResult& r);
void UserReactivate(CheckContext& c, CheckResult& r);
void UserPassword(CheckContext& c, CheckResult& r);
void UserConflict(CheckContext& c, CheckResult& r);
void UserPlus(CheckContext& c, CheckResult& r);
void UserQuotes(CheckContext& c, CheckResult& r);
void UserUnicode(CheckContext& c, CheckResult& r);
// groups (checks_groups.cpp)
void GroupCreate(CheckContext& c, CheckResult& r);
void GroupMembers(CheckContext& c, CheckResult& r);
void GroupBatch(CheckContext& c, CheckResult& r);
void GroupRename(CheckContext& c, CheckResult& r);
void GroupPushNow(CheckContext& c, CheckResult& r);
void GroupDelete(CheckContext& c, CheckResult& r);
// Okta's published spec steps (checks_spec.cpp)
void SpecCreate(CheckContext& c, CheckResult& r);
void SpecList(CheckContext& c, CheckResult& r);
void SpecGet(CheckContext& c, CheckResult& r);
void SpecFilterNone(CheckContext& c, CheckResult& r);
void SpecNotFound(CheckContext& c, CheckResult& r);
void SpecDuplicate(CheckContext& c, CheckResult& r);
void SpecFilterCase(CheckContext& c, CheckResult& r);
void SpecAuth(CheckContext& c, CheckResult& r);
// robustness (checks_robustness.cpp)
void RobustUnknownAttributes(CheckContext& c, CheckResult& r);
void RobustContentType(CheckContext& c, CheckResult& r);
void RobustErrorBodies(CheckContext& c, CheckResult& r);
void RobustRateLimit(CheckContext& c, CheckResult& r);
void RobustTimeouts(CheckContext& c, CheckResult& r);

}  // namespace okta::check
