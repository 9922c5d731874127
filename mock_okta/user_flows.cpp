// The user flows. Stages are named per flow; each function reads top to
// bottom in the order Okta sends its requests.
#include <set>

#include "mock_okta/flows.h"

namespace okta {

using core::Json;

namespace {

constexpr const char* kVerify = "application.provision.user.verify_exists";
constexpr const char* kVerifyText = "Verify user exists in external application";
constexpr const char* kPush = "application.provision.user.push";
constexpr const char* kPushText = "Push new user to external application";
constexpr const char* kReactivate = "application.provision.user.reactivate";
constexpr const char* kReactivateText = "Push user reactivation";
constexpr const char* kProfile = "application.provision.user.push_profile";
constexpr const char* kProfileText = "Push user's profile";
constexpr const char* kDeactivate = "application.provision.user.deactivate";
constexpr const char* kDeactivateText = "Deactivate user in external application";
constexpr const char* kPassword = "application.provision.user.push_password";
constexpr const char* kPasswordText = "Push user's password";

std::string Quoted(const AppUser& au) { return "'" + au.user_name + "'"; }
std::string UserPath(const std::string& remote_id) { return "/Users/" + remote_id; }
MappedUser Mapped(const FlowInput& in) {
  return MapUser(in.user->id, in.user->profile, in.app_user->user_name, in.app.prov.locale);
}
bool Linked(const FlowInput& in) {
  return in.user && in.app_user && !in.app_user->external_id.empty() && in.app_user->remote_active;
}

// ---- user push: lookup → create, or link and push the profile ---------------------
enum PushStage {
  kLookup,
  kReadLookup,
  kCreateOrLink,
  kReadCreate,
  kLinkActivate,   // Profile A: PATCH active:true when the found user is inactive or on reactivation
  kLinkGet,        // GET the linked user
  kLinkPut,        // PUT it back with Okta's profile (Profile B: and active:true)
  kReactivatedGet, // Profile B reactivation: a second GET …
  kReactivatedPut, // … and PUT of the profile
  kProvisioned,
};

Step Lookup(const FlowInput& in, FlowState& st) {
  const AppUser& au = *in.app_user;
  st.mapped = Mapped(in);
  st.stage = kReadLookup;
  // 1. Verify the user exists in the external application (lookup by the unique identifier field).
  return Send(FindUserRequest(in.wire, in.app.prov.unique_field, au.user_name), "find user " + Quoted(au),
              Expect::k200or404, Failed(kVerify, kVerifyText));
}

Step ReadLookup(const FlowInput& in, FlowState& st, const ScimExchange& ex) {
  std::string look = "find user " + Quoted(*in.app_user);
  st.stage = kCreateOrLink;
  if (ex.status != 200) return Continue({Ok(kVerify, kVerifyText, "not found")});
  auto list = core::ParseJson(ex.body);
  std::string message;
  if (!list.ok()) {
    message = "Error while trying to " + look + ": " + RemoteErrorDetail(ex.body);
  } else if (!ListTotal(*list)) {
    message = "Error while trying to " + look + ": Invalid response: totalResults must be an integer";
  }
  if (!message.empty()) return Fail(message, {Failed(kVerify, kVerifyText, message)});
  auto res = ListResources(*list);
  if (*ListTotal(*list) > 0 && !res.empty()) {
    st.found = true;
    const Json* id = core::FindKeyCi(res[0], "id");
    if (!id || !id->is_string()) {
      return Fail("Error while trying to " + look + ": the matching user has no id",
                  {Ok(kVerify, kVerifyText, "found")});
    }
    st.remote_id = id->get<std::string>();
    const Json* active = core::FindKeyCi(res[0], "active");
    st.found_active = !active || !active->is_boolean() || active->get<bool>();
  }
  return Continue({Ok(kVerify, kVerifyText, st.found ? "found" : "not found")});
}

Step CreateOrLink(const FlowInput& in, FlowState& st) {
  const Provisioning& p = in.app.prov;
  if (st.found) {
    // 3. Found: link to it (Okta stores the id), then push the profile.
    bool oin = in.profile == ClientProfile::kOinPatch;
    bool reactivation = in.job.kind == JobKind::kUserReactivate;
    st.stage = oin && (!st.found_active || reactivation) ? kLinkActivate : kLinkGet;
    Effect link{Effect::Kind::kLinkUser, st.remote_id, "", {}, {}};
    return Continue({}, {link});
  }
  // 2. Not found: create, unless To App → Create Users is off.
  if (!p.create_users) return Fail("Matching user not found.", {Failed(kPush, kPushText, "Matching user not found.")});
  st.stage = kReadCreate;
  return Send(BodyRequest(in.wire, "POST", "/Users", UserCreateBody(st.mapped, in.new_password())),
              "create user " + Quoted(*in.app_user), Expect::k2xx, Failed(kPush, kPushText));
}

Step ReadCreate(FlowState& st, const ScimExchange& ex) {
  auto body = core::ParseJson(ex.body);
  st.remote_id = body.ok() ? IdOf(*body) : "";
  if (st.remote_id.empty()) {
    return Fail("Create new user returned empty user.", {Failed(kPush, kPushText, "Create new user returned empty user.")});
  }
  st.stage = kProvisioned;
  return Continue({Ok(kPush, kPushText)});
}

// Linking: Profile A activates with a path-less PATCH, then GET + PUT of the
// profile [I] order. Profile B (observed) sends GET → PUT active:true, with the
// profile merged in on a first link; on reactivation a second GET → PUT pushes
// the profile. [O] S13, S14, S20
Step Link(const FlowInput& in, FlowState& st, const ScimExchange* last) {
  const AppUser& au = *in.app_user;
  bool oin = in.profile == ClientProfile::kOinPatch;
  bool reactivation = in.job.kind == JobKind::kUserReactivate;
  std::string path = UserPath(st.remote_id);
  std::string profile_what = "push profile update for " + Quoted(au);
  switch (st.stage) {
    case kLinkActivate:
      st.stage = kLinkGet;
      return Send(BodyRequest(in.wire, "PATCH", path, PatchActiveBody(true)), "reactivate user " + Quoted(au),
                  Expect::k2xx);
    case kLinkGet: {
      if (oin && last) return Continue({Ok(kReactivate, kReactivateText)});  // after the PATCH
      st.stage = kLinkPut;
      std::string what = oin ? profile_what : (reactivation ? "reactivate user " : "link user ") + Quoted(au);
      return Send(GetRequest(in.wire, path), what, Expect::k200);
    }
    case kLinkPut: {
      std::set<std::string> attrs = oin || !reactivation ? AllAttributes() : std::set<std::string>{};
      std::optional<bool> active = oin ? std::nullopt : std::optional<bool>(true);
      std::string what = oin ? profile_what : (reactivation ? "reactivate user " : "link user ") + Quoted(au);
      st.stage = !oin && reactivation ? kReactivatedGet : kProvisioned;
      return Send(BodyRequest(in.wire, "PUT", path, MergeUserForPut(BodyOrEmpty(last), st.mapped, attrs, active,
                                                                     std::nullopt)),
                  what, Expect::k2xx);
    }
    case kReactivatedGet:
      if (last) return Continue({Ok(kReactivate, kReactivateText)});
      st.stage = kReactivatedPut;
      return Send(GetRequest(in.wire, path), profile_what, Expect::k200);
    default:  // kReactivatedPut
      st.stage = kProvisioned;
      return Send(BodyRequest(in.wire, "PUT", path,
                              MergeUserForPut(BodyOrEmpty(last), st.mapped, AllAttributes(), std::nullopt, std::nullopt)),
                  profile_what, Expect::k2xx);
  }
}

}  // namespace

Step UserPushStep(const FlowInput& in, FlowState& st, const ScimExchange* last) {
  switch (st.stage) {
    case kLookup:
      if (!in.user || !in.app_user || in.app_user->status == AppUserStatus::kDeprovisioned) return Done();
      return Lookup(in, st);
    case kReadLookup: return ReadLookup(in, st, *last);
    case kCreateOrLink: return CreateOrLink(in, st);
    case kReadCreate: return ReadCreate(st, *last);
    case kProvisioned: {
      std::vector<LogLine> logs;
      if (st.found) logs.push_back(Ok(kProfile, kProfileText));
      Effect done{Effect::Kind::kUserProvisioned, st.remote_id, "", st.mapped, {}};
      return Done(std::move(logs), {done});
    }
    default: return Link(in, st, last);
  }
}

// ---- profile update: GET, then PUT with the changed attributes ------------------------
Step UserUpdateStep(const FlowInput& in, FlowState& st, const ScimExchange* last) {
  if (st.stage == 0) {
    if (!Linked(in)) return Done();
    st.mapped = Mapped(in);
    if (ChangedAttributes(LastPushed(*in.app_user), st.mapped).empty()) return Done();
  }
  std::string path = UserPath(in.app_user->external_id);
  std::string what = "push profile update for " + Quoted(*in.app_user);
  switch (st.stage++) {
    case 0: return Send(GetRequest(in.wire, path), what, Expect::k200, Failed(kProfile, kProfileText));
    case 1: {
      auto changed = ChangedAttributes(LastPushed(*in.app_user), st.mapped);
      Json put = MergeUserForPut(BodyOrEmpty(last), st.mapped, changed, std::nullopt, std::nullopt);
      return Send(BodyRequest(in.wire, "PUT", path, put), what, Expect::k2xx, Failed(kProfile, kProfileText));
    }
    default: return Done({Ok(kProfile, kProfileText)}, {Effect{Effect::Kind::kUserUpdated, "", "", st.mapped, {}}});
  }
}

// ---- deactivation: Profile A PATCH active:false (no PUT fallback [O] S12); Profile B GET + PUT ----
Step UserDeactivateStep(const FlowInput& in, FlowState& st, const ScimExchange* last) {
  if (!in.user || !in.app_user) return Done();
  const AppUser& au = *in.app_user;
  if (au.external_id.empty()) {
    // Never linked (an earlier push failed): Okta sends nothing. [O] S26
    return Done({Ok(kDeactivate, kDeactivateText, "user was never provisioned to the app; nothing sent")});
  }
  std::string path = UserPath(au.external_id);
  std::string what = "deactivate user " + Quoted(au);
  LogLine failed = Failed(kDeactivate, kDeactivateText);
  bool oin = in.profile == ClientProfile::kOinPatch;
  switch (st.stage++) {
    case 0:
      if (oin) {
        st.stage = 2;
        return Send(BodyRequest(in.wire, "PATCH", path, PatchActiveBody(false)), what, Expect::k2xx, failed);
      }
      return Send(GetRequest(in.wire, path), what, Expect::k200, failed);
    case 1: {
      Json put = MergeUserForPut(BodyOrEmpty(last), Mapped(in), {}, false, std::nullopt);
      return Send(BodyRequest(in.wire, "PUT", path, put), what, Expect::k2xx, failed);
    }
    default:
      return Done({Ok(kDeactivate, kDeactivateText)}, {Effect{Effect::Kind::kUserDeactivated, "", "", {}, {}}});
  }
}

// ---- password sync: Profile A PATCH password [I]; Profile B GET + PUT with the password ----
Step UserPasswordStep(const FlowInput& in, FlowState& st, const ScimExchange* last) {
  if (!Linked(in)) return Done();
  const AppUser& au = *in.app_user;
  std::string path = UserPath(au.external_id);
  std::string what = "push password update for " + Quoted(au);
  LogLine failed = Failed(kPassword, kPasswordText);
  switch (st.stage++) {
    case 0:
      if (in.profile == ClientProfile::kOinPatch) {
        st.stage = 2;
        return Send(BodyRequest(in.wire, "PATCH", path, PatchPasswordBody(in.job.password)), what, Expect::k2xx,
                    failed);
      }
      return Send(GetRequest(in.wire, path), what, Expect::k200, failed);
    case 1: {
      Json put = MergeUserForPut(BodyOrEmpty(last), Mapped(in), {}, std::nullopt, in.job.password);
      return Send(BodyRequest(in.wire, "PUT", path, put), what, Expect::k2xx, failed);
    }
    default: return Done({Ok(kPassword, kPasswordText)});
  }
}

}  // namespace okta
