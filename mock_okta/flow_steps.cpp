#include "mock_okta/flows.h"

#include "core/http.h"

namespace okta {

using core::Json;

WireSettings WireFor(const App& app) {
  WireSettings w;
  w.auth = ParseAuthMode(app.prov.auth_mode).value_or(AuthMode::kHeaderBearer);
  w.token = app.prov.token;
  w.username = app.prov.basic_username;
  w.password = app.prov.basic_password;
  w.query_plus = app.prov.query_plus;
  w.connection_keep_alive = app.prov.connection_keep_alive;
  if (auto u = core::ParseUrl(app.prov.base_url); u.ok()) {
    bool default_port = (u->scheme == "http" && u->port == 80) || (u->scheme == "https" && u->port == 443);
    w.host = default_port ? u->host : u->host + ":" + std::to_string(u->port);
  }
  return w;
}

Step NextStep(const FlowInput& in, FlowState& st, const ScimExchange* last) {
  switch (in.job.kind) {
    case JobKind::kUserPush:
    case JobKind::kUserReactivate: return UserPushStep(in, st, last);
    case JobKind::kUserUpdate: return UserUpdateStep(in, st, last);
    case JobKind::kUserDeactivate: return UserDeactivateStep(in, st, last);
    case JobKind::kUserPassword: return UserPasswordStep(in, st, last);
    case JobKind::kGroupPush: return GroupPushStep(in, st, last);
    case JobKind::kGroupMembers:
    case JobKind::kGroupPushNow: return GroupMembersStep(in, st, last);
    case JobKind::kGroupRename: return GroupRenameStep(in, st, last);
    case JobKind::kGroupDelete: return GroupDeleteStep(in, st, last);
    case JobKind::kImportUsers:
    case JobKind::kImportGroups: return ImportStep(in, st, last);
  }
  return Done();
}

Step Send(ScimRequest request, std::string what, Expect expect, std::optional<LogLine> on_failure) {
  Step s;
  s.kind = Step::Kind::kSend;
  s.request = std::move(request);
  s.what = std::move(what);
  s.expect = expect;
  s.on_failure = std::move(on_failure);
  return s;
}

Step Done(std::vector<LogLine> logs, std::vector<Effect> effects) {
  Step s;
  s.kind = Step::Kind::kDone;
  s.logs = std::move(logs);
  s.effects = std::move(effects);
  return s;
}

Step Continue(std::vector<LogLine> logs, std::vector<Effect> effects) {
  Step s = Done(std::move(logs), std::move(effects));
  s.kind = Step::Kind::kContinue;
  return s;
}

Step Fail(std::string message, std::vector<LogLine> logs) {
  Step s;
  s.kind = Step::Kind::kFail;
  s.message = std::move(message);
  s.logs = std::move(logs);
  return s;
}

LogLine Ok(const char* event_type, const char* display, std::string reason) {
  return LogLine{event_type, display, true, std::move(reason)};
}

LogLine Failed(const char* event_type, const char* display, std::string reason) {
  return LogLine{event_type, display, false, std::move(reason)};
}

std::string IdOf(const Json& resource) {
  const Json* id = core::FindKeyCi(resource, "id");
  return id && id->is_string() ? id->get<std::string>() : "";
}

MappedUser LastPushed(const AppUser& au) {
  return au.last_pushed.is_object() ? au.last_pushed.get<MappedUser>() : MappedUser{};
}

Json BodyOrEmpty(const ScimExchange* last) {
  if (!last) return Json::object();
  auto body = core::ParseJson(last->body);
  return body.ok() ? *body : Json::object();
}

}  // namespace okta
