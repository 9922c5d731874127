#include "scenarios/steps.h"

#include <algorithm>

#include "scenarios/expectations.h"
#include "scenarios/match.h"
#include "scenarios/run_context.h"
#include "scenarios/signon_steps.h"

namespace scenarios {

namespace {

// {"user": "a"}, {"users": ["a","b"]}, "a" or ["a","b"].
// `bare`: a plain string or array counts (for users; groups need the key).
std::vector<std::string> Refs(const Json& args, const char* one, const char* many, bool bare = true) {
  std::vector<std::string> out;
  auto add = [&](const Json& v) {
    if (v.is_string()) out.push_back(v);
    if (v.is_array())
      for (const auto& x : v)
        if (x.is_string()) out.push_back(x);
  };
  if (bare && (args.is_string() || args.is_array())) add(args);
  if (args.is_object()) {
    if (args.contains(one)) add(args[one]);
    if (args.contains(many)) add(args[many]);
  }
  return out;
}

// "Name" or {"group": "Name"}.
std::string GroupRef(const Json& a) { return a.is_string() ? a.get<std::string>() : a.value("group", ""); }

std::string AppPath(const RunContext& run) { return "/api/v1/apps/" + run.app_id(); }
std::string SandboxAppPath(const RunContext& run) { return "/sandbox/apps/" + run.app_id(); }

// ------------------------------------------------------------ Okta users

void CreateUser(RunContext& run, const Json& u) {
  Json profile = u.contains("profile") ? u["profile"] : Json::object();
  for (auto it = u.begin(); it != u.end(); ++it) {
    if (it.key() == "profile" || it.key() == "password" || it.key() == "activate" || it.key() == "groups") continue;
    profile[it.key()] = it.value();
  }
  if (!profile.contains("login")) throw StepFailed{"createUser: \"login\" is required"};
  if (!profile.contains("email")) profile["email"] = profile["login"];
  Json body{{"profile", profile}};
  std::string password;
  if (!u.contains("password") || !u["password"].is_null()) {
    password = u.value("password", kDefaultPassword);
    body["credentials"] = Json{{"password", Json{{"value", password}}}};
  }
  bool activate = u.value("activate", true);
  Json created = run.okta().Must("POST", std::string("/api/v1/users?activate=") + (activate ? "true" : "false"), body);
  run.RememberUser(profile["login"], created["id"]);
  run.RememberPassword(profile["login"], password);
  if (u.contains("groups"))
    for (const auto& g : u["groups"])
      run.okta().Must("PUT", "/api/v1/groups/" + run.GroupId(g) + "/users/" + created["id"].get<std::string>());
}

void CreateUsers(RunContext& run, const Json& a) {
  if (a.is_array()) {
    for (const auto& u : a) CreateUser(run, u);
  } else {
    CreateUser(run, a);
  }
}

void UpdateUser(RunContext& run, const Json& a) {
  Json body{{"profile", a.value("profile", Json::object())}};
  if (a.contains("password")) body["credentials"] = Json{{"password", Json{{"value", a["password"]}}}};
  run.okta().Must("POST", "/api/v1/users/" + run.UserId(a.value("user", "")), body);
  if (a.contains("password") && a["password"].is_string()) run.RememberPassword(a.value("user", ""), a["password"]);
}

// POST /api/v1/users/{id}/lifecycle/<action> for each user.
void Lifecycle(RunContext& run, const Json& a, const char* action) {
  for (const auto& u : Refs(a, "user", "users")) {
    run.okta().Must("POST", "/api/v1/users/" + run.UserId(u) + "/lifecycle/" + action);
    run.Settle();
  }
}

void DeleteUsers(RunContext& run, const Json& a) {
  for (const auto& u : Refs(a, "user", "users")) {
    run.okta().Must("DELETE", "/api/v1/users/" + run.UserId(u));
    run.Settle();
  }
}

// ----------------------------------------------------------- Okta groups

void CreateGroup(RunContext& run, const Json& a) {
  std::string name = a.is_string() ? a.get<std::string>() : a.value("name", "");
  Json profile{{"name", name}};
  if (a.is_object() && a.contains("description")) profile["description"] = a["description"];
  Json g = run.okta().Must("POST", "/api/v1/groups", Json{{"profile", profile}});
  run.RememberGroup(name, g["id"]);
  if (a.is_object() && a.contains("members"))
    for (const auto& u : Refs(a["members"], "user", "users"))
      run.okta().Must("PUT", "/api/v1/groups/" + g["id"].get<std::string>() + "/users/" + run.UserId(u));
}

void DeleteGroup(RunContext& run, const Json& a) {
  run.okta().Must("DELETE", "/api/v1/groups/" + run.GroupId(GroupRef(a)));
}

void ChangeMembers(RunContext& run, const Json& a, const char* method) {
  std::string gid = run.GroupId(a.value("group", ""));
  for (const auto& u : Refs(a, "user", "users")) {
    run.okta().Must(method, "/api/v1/groups/" + gid + "/users/" + run.UserId(u));
    run.Settle();
  }
}

void RenameGroup(RunContext& run, const Json& a) {
  std::string gid = run.GroupId(a.value("group", ""));
  Json profile{{"name", a.value("to", "")}};
  if (a.contains("description")) profile["description"] = a["description"];
  run.okta().Must("PUT", "/api/v1/groups/" + gid, Json{{"profile", profile}});
  run.RememberGroup(a.value("to", ""), gid);
}

// ---------------------------------------------------------- assignments

// The preset app, or with {"app": "<label>"} an OIDC app the scenario created.
void Assignments(RunContext& run, const Json& a, bool assign) {
  const std::string app = a.is_object() && a.contains("app") && a["app"].is_string()
                              ? "/api/v1/apps/" + run.FindOidcApp(a["app"]).client_id
                              : AppPath(run);
  for (const auto& g : Refs(a, "group", "groups", false)) {
    if (assign) {
      run.okta().Must("PUT", app + "/groups/" + run.GroupId(g), Json::object());
    } else {
      run.okta().Must("DELETE", app + "/groups/" + run.GroupId(g));
    }
    run.Settle();
  }
  for (const auto& u : Refs(a, "user", "users")) {
    if (assign) {
      Json body{{"id", run.UserId(u)}, {"scope", "USER"}};
      if (a.is_object() && a.contains("userName")) body["credentials"] = Json{{"userName", a["userName"]}};
      run.okta().Must("POST", app + "/users", body);
    } else {
      run.okta().Must("DELETE", app + "/users/" + run.UserId(u));
    }
    run.Settle();
  }
}

void UpdateAppUser(RunContext& run, const Json& a) {
  run.okta().Must("POST", AppPath(run) + "/users/" + run.UserId(a.value("user", "")),
                  Json{{"credentials", Json{{"userName", a.value("userName", "")}}}});
}

// ------------------------------------------------------------ Group Push

void PushGroup(RunContext& run, const Json& a) {
  Json body{{"sourceGroupId", run.GroupId(GroupRef(a))}};
  if (a.is_object()) {
    for (const char* k : {"targetGroupName", "linkExisting", "status"})
      if (a.contains(k)) body[k] = a[k];
    if (a.contains("targetGroupId")) body["targetGroupId"] = run.Subst(a["targetGroupId"]);
  }
  Json m = run.okta().Must("POST", AppPath(run) + "/group-push/mappings", body);
  run.RememberMapping(body["sourceGroupId"], m["id"]);
}

void PushNow(RunContext& run, const Json& a) {
  run.sandbox().Must("POST", SandboxAppPath(run) + "/group-push/mappings/" + run.MappingId(GroupRef(a)) + "/push-now");
}

void SetPushStatus(RunContext& run, const Json& a, const char* status) {
  run.okta().Must("PATCH", AppPath(run) + "/group-push/mappings/" + run.MappingId(GroupRef(a)),
                  Json{{"status", status}});
}

void UnlinkGroup(RunContext& run, const Json& a) {
  const std::string app = AppPath(run);
  std::string ref = GroupRef(a);
  std::string mid = run.MappingId(ref);
  Json m = run.okta().Must("GET", app + "/group-push/mappings/" + mid);
  if (m["status"] == "ACTIVE") run.okta().Must("PATCH", app + "/group-push/mappings/" + mid, Json{{"status", "INACTIVE"}});
  bool del = a.is_object() && a.value("deleteTarget", false);
  run.okta().Must("DELETE", app + "/group-push/mappings/" + mid + "?deleteTargetGroup=" + (del ? "true" : "false"));
  run.ForgetMapping(run.GroupId(ref));
}

// ------------------------------------------------------ the app's buttons

void TestConnector(RunContext& run, const Json& a) {
  Json r = run.sandbox().Must("POST", SandboxAppPath(run) + "/test-connector");
  Json want = a.is_object() && a.contains("expect") ? a["expect"] : Json{{"status", "SUCCESS"}};
  std::vector<Mismatch> ms;
  if (!MatchSubset(run.Subst(want), r, "$", &ms))
    run.FailHere("Test Connector Configuration answered " + Brief(r, 400) + "\n" + JoinMismatches(ms));
}

void Import(RunContext& run, const Json& a) {
  run.sandbox().Must("POST", SandboxAppPath(run) + "/import");
  run.WaitIdle(120);
  if (a.is_object() && a.contains("expect")) {
    Json r = run.sandbox().Must("GET", SandboxAppPath(run) + "/import");
    std::vector<Mismatch> ms;
    if (!MatchSubset(run.Subst(a["expect"]), r, "$", &ms))
      run.FailHere("import result " + Brief(r, 600) + "\n" + JoinMismatches(ms));
  }
}

void ProvisionUsers(RunContext& run, const Json&) {
  run.sandbox().Must("POST", SandboxAppPath(run) + "/provision-users");
}

void Settings(RunContext& run, const Json& a) {
  run.sandbox().Must("PATCH", SandboxAppPath(run) + "/provisioning", ProvisioningSettings(a));
}

void RetryTasks(RunContext& run, const Json& a) {
  std::string status = a.is_object() ? a.value("status", "OPEN") : "OPEN";
  int n = 0;
  for (const auto& t : run.sandbox().Must("GET", "/sandbox/tasks")) {
    if (t["status"] != status) continue;
    if (a.is_object() && a.contains("jobKind") && t["jobKind"] != a["jobKind"]) continue;
    run.sandbox().Must("POST", "/sandbox/tasks/" + t["id"].get<std::string>() + "/retry");
    run.Settle();
    ++n;
  }
  if (n == 0 && !(a.is_object() && a.value("allowNone", false)))
    throw StepFailed{"retryTasks: no " + status + " task to retry"};
}

void EnginePaused(RunContext& run, const Json& a) {
  run.sandbox().Must("POST", "/sandbox/engine", Json{{"paused", a.is_boolean() ? a.get<bool>() : true}});
}

// ----------------------------------------------- the service provider itself

void ScimCreateUser(RunContext& run, const Json& a) {
  Json list = a.is_array() ? a : Json::array({a});
  for (Json u : list) {
    if (!u.contains("schemas")) u["schemas"] = Json::array({"urn:ietf:params:scim:schemas:core:2.0:User"});
    Json created = run.scim().Must("POST", "/Users", run.Subst(u));
    run.RememberScimUser(u.value("userName", ""), created["id"]);
  }
}

void ScimCreateGroup(RunContext& run, const Json& a) {
  Json g = a;
  if (!g.contains("schemas")) g["schemas"] = Json::array({"urn:ietf:params:scim:schemas:core:2.0:Group"});
  if (g.contains("members")) {
    Json members = Json::array();
    for (const auto& m : g["members"]) {
      if (m.is_string()) {
        const std::string* id = run.LookupScimUser(m);
        if (!id) throw StepFailed{"scimCreateGroup: no SCIM user " + m.get<std::string>()};
        members.push_back(Json{{"value", *id}});
      } else {
        members.push_back(m);
      }
    }
    g["members"] = members;
  }
  run.scim().Must("POST", "/Groups", run.Subst(g));
}

// ------------------------------------------------------------------ faults

ServiceClient& Admin(RunContext& run, std::string_view kind) {
  if (!run.services().admin.open())
    throw StepFailed{std::string(kind) + ": needs the built-in SCIM server's admin API (not available with --against)"};
  return run.services().admin;
}

void ScimFault(RunContext& run, const Json& a) {
  ServiceClient& admin = Admin(run, "scimFault");
  Json rules = admin.Must("GET", "/faults").value("rules", Json::array());
  Json add = a.is_array() ? a : Json::array({a});
  for (const auto& r : add) rules.push_back(r);
  admin.Must("PUT", "/faults", Json{{"rules", rules}});
}

void ClearScimFaults(RunContext& run, const Json&) { Admin(run, "clearScimFaults").Must("DELETE", "/faults"); }

void GroupProvisioning(RunContext& run, const Json& a) {
  ServiceClient& admin = Admin(run, "groupProvisioning");
  bool on = a.is_boolean() ? a.get<bool>() : a.value("enabled", true);
  admin.Must("PUT", "/group-provisioning", Json{{"enabled", on}});
}

// Reads the encryption service's fault switches, lets `change` edit them, writes them back.
template <typename Change>
void EditEncryptionFaults(RunContext& run, std::string_view kind, Change change) {
  ServiceClient& enc = run.services().enc;
  if (!enc.open()) throw StepFailed{std::string(kind) + ": no encryption service in this run"};
  Json f = enc.Must("GET", "/v1/admin/faults");
  change(f);
  enc.Must("PUT", "/v1/admin/faults", f);
}

void EncryptionDown(RunContext& run, const Json&) {
  EditEncryptionFaults(run, "encryptionDown", [](Json& f) { f["down"] = true; });
}

void EncryptionUp(RunContext& run, const Json&) {
  EditEncryptionFaults(run, "encryptionUp", [](Json& f) { f = Json{{"down", false}, {"delayMs", 0}, {"failStatus", 0}}; });
}

void EncryptionFault(RunContext& run, const Json& a) {
  EditEncryptionFaults(run, "encryptionFault", [&a](Json& f) {
    if (a.contains("delayMs")) f["delayMs"] = a["delayMs"];
    if (a.contains("failStatus")) f["failStatus"] = a["failStatus"];
    if (a.contains("down")) f["down"] = a["down"];
  });
}

// --------------------------------------------------------- waits and checks

void WaitIdle(RunContext& run, const Json& a) { run.WaitIdle(a.is_object() ? a.value("timeoutSeconds", 120) : 120); }

void AdvanceClock(RunContext& run, const Json& a) {
  double seconds = a.is_number() ? a.get<double>() : a.value("seconds", 0.0);
  run.sandbox().Must("POST", "/sandbox/time", Json{{"advanceSeconds", seconds}});
}

void Expect(RunContext& run, const Json& a) { CheckExpectations(run, a); }

void Note(RunContext&, const Json&) {}

std::vector<std::string_view> ExpectKeys() { return {std::begin(kExpectKeys), std::end(kExpectKeys)}; }

}  // namespace

Json ProvisioningSettings(const Json& app) {
  Json out = Json::object();
  for (auto it = app.begin(); it != app.end(); ++it) {
    const std::string& k = it.key();
    if (k == "label" || k.rfind("//", 0) == 0) continue;
    if ((k == "actions" || k == "toApp") && it.value().is_object()) {
      for (auto in = it.value().begin(); in != it.value().end(); ++in) out[in.key()] = in.value();
    } else if (k == "uniqueIdentifierField") {
      out["uniqueField"] = it.value();
    } else {
      out[k] = it.value();
    }
  }
  return out;
}

const std::vector<StepSpec>& StepTable() {
  using R = RunContext;
  static const std::vector<StepSpec> table = {
      // Okta directory and app actions
      {"createUser", CreateUsers},
      {"updateUser", UpdateUser},
      {"deactivateUser", [](R& r, const Json& a) { Lifecycle(r, a, "deactivate"); }},
      {"reactivateUser", [](R& r, const Json& a) { Lifecycle(r, a, "reactivate"); }},
      {"suspendUser", [](R& r, const Json& a) { Lifecycle(r, a, "suspend"); }},
      {"unsuspendUser", [](R& r, const Json& a) { Lifecycle(r, a, "unsuspend"); }},
      {"deleteUser", DeleteUsers},
      {"createGroup", CreateGroup},
      {"deleteGroup", DeleteGroup},
      {"addToGroup", [](R& r, const Json& a) { ChangeMembers(r, a, "PUT"); }},
      {"removeFromGroup", [](R& r, const Json& a) { ChangeMembers(r, a, "DELETE"); }},
      {"assign", [](R& r, const Json& a) { Assignments(r, a, true); }},
      {"unassign", [](R& r, const Json& a) { Assignments(r, a, false); }},
      {"updateAppUser", UpdateAppUser},
      {"pushGroup", PushGroup},
      {"pushNow", PushNow},
      {"renameGroup", RenameGroup},
      {"unlinkGroup", UnlinkGroup},
      {"deactivatePush", [](R& r, const Json& a) { SetPushStatus(r, a, "INACTIVE"); }},
      {"activatePush", [](R& r, const Json& a) { SetPushStatus(r, a, "ACTIVE"); }},
      {"testConnector", TestConnector},
      {"import", Import},
      {"provisionUsers", ProvisionUsers},
      {"settings", Settings},
      {"retryTasks", RetryTasks},
      {"enginePaused", EnginePaused},
      // the service provider, directly
      {"scimCreateUser", ScimCreateUser},
      {"scimCreateGroup", ScimCreateGroup},
      // faults
      {"scimFault", ScimFault},
      {"clearScimFaults", ClearScimFaults},
      {"encryptionDown", EncryptionDown},
      {"encryptionUp", EncryptionUp},
      {"encryptionFault", EncryptionFault},
      {"groupProvisioning", GroupProvisioning},
      // sign-on (OpenID Connect; scenarios/signon_steps.h)
      {"oidcApp", OidcAppStep, /*waits_after=*/true, OidcAppKeys()},
      {"authServerClaim", AuthServerClaimStep, /*waits_after=*/false, AuthServerClaimKeys()},
      {"signIn", SignInStep, /*waits_after=*/false, SignInKeys()},
      // sign-on (SAML 2.0; scenarios/signon_steps.h)
      {"samlApp", SamlAppStep, /*waits_after=*/true, SamlAppKeys()},
      {"samlSignIn", SamlSignInStep, /*waits_after=*/false, SamlSignInKeys()},
      // waits and checks
      {"waitIdle", WaitIdle, /*waits_after=*/false},
      {"advanceClock", AdvanceClock},
      {"expect", Expect, /*waits_after=*/false, ExpectKeys()},
      {"note", Note, /*waits_after=*/false},
  };
  return table;
}

const StepSpec* FindStep(std::string_view name) {
  const auto& table = StepTable();
  auto it = std::find_if(table.begin(), table.end(), [&](const StepSpec& s) { return s.name == name; });
  return it == table.end() ? nullptr : &*it;
}

void RunStep(RunContext& run, std::string_view kind, const Json& args) {
  const StepSpec* step = FindStep(kind);
  if (!step) throw StepFailed{"unknown step " + std::string(kind)};
  step->run(run, args);
}

const std::vector<std::string>& StepKinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> out;
    for (const auto& s : StepTable()) out.emplace_back(s.name);
    return out;
  }();
  return kinds;
}

}  // namespace scenarios
