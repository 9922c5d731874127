// Provisioning flows as plans. Each flow (user push, update, deactivate,
// reactivate, password, group push, members, push now, rename, delete,
// imports) is a pure step function: given what the job read when it started
// (FlowInput), its own progress (FlowState) and the answer to the request it
// asked for last, it returns the next Step: a SCIM request to send, or done,
// or a failure with Okta's message. Every Okta decision ("lookup, then create
// or link", "PATCH or GET + PUT", what a membership push sends) lives here
// and nowhere else. No I/O, no clock: the Executor (executor.h) sends,
// records, checks each answer against the step's expectation, writes the
// System Log lines and applies the effects the flow returns.
// Section marks (§n) and evidence tags ([D], [O], [I], Sn) refer to
// docs/okta-behaviour.md.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "mock_okta/model.h"
#include "mock_okta/scim_client.h"
#include "mock_okta/scim_dialect.h"

namespace okta {

// A group push mapping as a flow sees it.
struct PushState {
  GroupPush mapping;
  Group group;
  std::vector<std::string> member_user_ids;      // eligible Okta users, in membership order
  std::vector<Member> members;                   // their SCIM ids and app usernames
  std::map<std::string, std::string> remote_of;  // Okta user id → SCIM id (incl. formerly pushed)
};

// What a job reads when it starts (Org::LoadJob) plus what the engine adds.
struct FlowInput {
  Job job;
  App app;
  WireSettings wire;
  ClientProfile profile = ClientProfile::kAiwPut;
  std::optional<User> user;          // user jobs
  std::optional<AppUser> app_user;   // user jobs: the assignment, if any
  std::optional<PushState> push;     // group push jobs
  std::string subject;               // the user's login or the group's name
  std::string subject_display;       // the user's display name
  // Okta's placeholder password for creates; called only when a create is sent.
  std::function<std::string()> new_password;
};

// The wire settings of an app's provisioning connection.
WireSettings WireFor(const App& app);

// A System Log line a flow asks for.
struct LogLine {
  std::string event_type;  // e.g. "application.provision.user.push"
  std::string display;     // e.g. "Push new user to external application"
  bool ok = true;
  std::string reason;
};

// A change to the org that a flow's result makes (applied by Org::ApplyEffect).
struct Effect {
  enum class Kind {
    kLinkUser,            // remote_id: the app user is linked to an existing SCIM user
    kUserProvisioned,     // remote_id, mapped: created or linked and pushed
    kUserUpdated,         // mapped: profile pushed
    kUserDeactivated,     // deactivated in the app
    kGroupLinked,         // remote_id, name: the mapping points at a SCIM group
    kGroupMembersPushed,  // ids (Okta user ids), name
    kGroupRenamed,        // name
  };
  Kind kind;
  std::string remote_id;
  std::string name;
  MappedUser mapped;
  std::vector<std::string> ids;
};

// Which answers let the flow go on; anything else fails the job with
// "Error while trying to <what>: <reason>. Errors reported by remote server: …".
enum class Expect { k2xx, k200, k200or404 };

struct Step {
  enum class Kind { kSend, kContinue, kDone, kFail };
  Kind kind = Kind::kDone;
  // kSend
  ScimRequest request;
  std::string what;                   // "create user 'x'": traffic step and messages
  Expect expect = Expect::k2xx;
  std::optional<LogLine> on_failure;  // logged with the message if this exchange fails
  // Any kind: written / applied in this order before the request is sent.
  std::vector<LogLine> logs;
  std::vector<Effect> effects;
  std::string message;  // kFail: Okta's message
};

// A request decided in advance (group flows know their whole sequence up front).
struct PlannedRequest {
  ScimRequest request;
  Expect expect = Expect::k2xx;
};

// A flow's progress between steps. Flows start at stage 0.
struct FlowState {
  int stage = 0;
  std::string subject;  // the subject as the flow names it in log lines (starts as FlowInput::subject)
  std::string name;     // group name being pushed
  std::string remote_id;
  bool found = false, found_active = true, push_now = false;
  std::optional<PushState> push;     // group flows: the mapping as this run changes it
  std::string what;                      // group flows: the step name for every planned request
  std::vector<PlannedRequest> planned;   // group flows: the requests still to send, from `next`
  size_t next = 0;
  core::Json items = core::Json::array();  // imports
  int start_index = 1;
  MappedUser mapped;
};

// The next step of the job's flow. `last` is the answer to the previous
// kSend step (null at the start and after kContinue).
Step NextStep(const FlowInput& in, FlowState& st, const ScimExchange* last);

// The user flows (user_flows.cpp) and group flows (group_flows.cpp).
Step UserPushStep(const FlowInput& in, FlowState& st, const ScimExchange* last);
Step UserUpdateStep(const FlowInput& in, FlowState& st, const ScimExchange* last);
Step UserDeactivateStep(const FlowInput& in, FlowState& st, const ScimExchange* last);
Step UserPasswordStep(const FlowInput& in, FlowState& st, const ScimExchange* last);
Step GroupPushStep(const FlowInput& in, FlowState& st, const ScimExchange* last);
Step GroupMembersStep(const FlowInput& in, FlowState& st, const ScimExchange* last);
Step GroupRenameStep(const FlowInput& in, FlowState& st, const ScimExchange* last);
Step GroupDeleteStep(const FlowInput& in, FlowState& st, const ScimExchange* last);
Step ImportStep(const FlowInput& in, FlowState& st, const ScimExchange* last);

// ---- building steps (flow_steps.cpp) ------------------------------------------
Step Send(ScimRequest request, std::string what, Expect expect, std::optional<LogLine> on_failure = std::nullopt);
Step Done(std::vector<LogLine> logs = {}, std::vector<Effect> effects = {});
Step Continue(std::vector<LogLine> logs = {}, std::vector<Effect> effects = {});
Step Fail(std::string message, std::vector<LogLine> logs = {});
LogLine Ok(const char* event_type, const char* display, std::string reason = "");
// reason "": the executor fills in the failure message (on_failure lines).
LogLine Failed(const char* event_type, const char* display, std::string reason = "");
// The SCIM id in a create answer or a list entry (case-insensitive "id"), or "".
std::string IdOf(const core::Json& resource);
// What was last pushed for an app user (empty when never pushed).
MappedUser LastPushed(const AppUser& au);
// The body of the last answer as JSON, or an empty object.
core::Json BodyOrEmpty(const ScimExchange* last);

}  // namespace okta
