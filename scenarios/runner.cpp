#include "scenarios/runner.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "core/http.h"
#include "scenarios/match.h"
#include "scenarios/traffic.h"

namespace scenarios {

namespace {

using Clock = std::chrono::steady_clock;

// A step or setup action that could not be done; ends the scenario.
struct StepFailed {
  std::string message;
};

struct Reply {
  int status = 0;
  std::string body;
  Json json;
  std::string error;  // transport error
  httplib::Headers headers;
  bool ok() const { return status >= 200 && status < 300; }
  std::string Describe() const {
    if (status == 0) return "no answer (" + error + ")";
    return std::to_string(status) + " " + (body.size() > 300 ? body.substr(0, 300) + "…" : body);
  }
};

// A service reached over HTTP: origin client, path prefix, fixed headers.
class Service {
 public:
  Service() = default;
  void Open(const std::string& url, httplib::Headers headers) {
    auto u = core::ParseUrl(url);
    if (!u.ok()) throw StepFailed{"bad URL " + url + ": " + u.error().detail};
    client_ = core::MakeClient(u->Origin(), 5, 120);
    prefix_ = u->path;
    headers_ = std::move(headers);
  }
  bool open() const { return client_ != nullptr; }

  Reply Call(const std::string& method, const std::string& path, const Json& body = nullptr) {
    httplib::Request req;
    req.method = method;
    req.path = prefix_ + path;
    req.headers = headers_;
    if (!body.is_null()) {
      req.body = core::DumpCompact(body);
      req.headers.emplace("Content-Type", "application/json");
    }
    Reply r;
    auto res = client_->send(req);
    if (!res) {
      r.error = httplib::to_string(res.error());
      return r;
    }
    r.status = res->status;
    r.body = res->body;
    r.headers = res->headers;
    if (!r.body.empty()) {
      auto j = core::ParseJson(r.body);
      if (j.ok()) r.json = std::move(*j);
    }
    return r;
  }
  // Like Call, but a non-2xx answer ends the step.
  Json Must(const std::string& method, const std::string& path, const Json& body = nullptr) {
    Reply r = Call(method, path, body);
    if (!r.ok()) throw StepFailed{method + " " + prefix_ + path + " -> " + r.Describe()};
    return r.json;
  }

 private:
  std::unique_ptr<httplib::Client> client_;
  std::string prefix_;
  httplib::Headers headers_;
};

std::string Lower(const std::string& s) { return core::ToLower(s); }

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

// App settings as written in a scenario → /sandbox/apps/{id}/provisioning keys.
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

std::string Indent(const std::string& text, const std::string& pad = "      ") {
  std::string out;
  std::istringstream in(text);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (!first) out += "\n";
    out += pad + line;
    first = false;
  }
  return out;
}

// A traffic record reduced to what expectations look at.
struct Seen {
  int64_t seq = 0;
  std::string method, path, query, step, job_kind;
  Json body;  // parsed request body, or null
  int status = 0;
  Json response_body;
  std::string Line() const {
    std::string s = "#" + std::to_string(seq) + " " + method + " " + path + (query.empty() ? "" : "?" + UrlDecode(query));
    s += " -> " + (status ? std::to_string(status) : std::string("no answer"));
    if (!step.empty()) s += "  [" + step + "]";
    return s;
  }
};

Seen ToSeen(const Json& rec) {
  Seen s;
  s.seq = rec.value("seq", int64_t{0});
  const Json& req = rec["request"];
  s.method = req.value("method", "");
  std::string target = req.value("target", "");
  auto q = target.find('?');
  s.path = target.substr(0, q);
  s.query = q == std::string::npos ? "" : target.substr(q + 1);
  s.step = rec.value("step", "");
  s.job_kind = rec.value("jobKind", "");
  std::string body = req.value("body", "");
  if (!body.empty()) {
    auto j = core::ParseJson(body);
    if (j.ok()) s.body = *j;
  }
  if (rec.contains("response") && rec["response"].is_object()) {
    s.status = rec["response"].value("status", 0);
    std::string rb = rec["response"].value("body", "");
    if (!rb.empty()) {
      auto j = core::ParseJson(rb);
      if (j.ok()) s.response_body = *j;
    }
  }
  return s;
}

// An expected request: "METHOD PATH[?QUERY] [-> STATUS]" or an object
// {method, path, query (string glob or object subset), body, status,
// response{status,body}, step, jobKind}.
struct Want {
  Json spec;
  std::string Text() const {
    if (spec.is_string()) return spec.get<std::string>();
    std::string s = spec.value("method", "*") + " " + spec.value("path", "*");
    if (spec.contains("query")) s += "?" + (spec["query"].is_string() ? spec["query"].get<std::string>() : Brief(spec["query"]));
    if (spec.contains("status")) s += " -> " + Brief(spec["status"]);
    if (spec.contains("body")) s += "  body ⊇ " + Brief(spec["body"], 120);
    return s;
  }
};

Json ParseShorthand(const std::string& text) {
  Json o = Json::object();
  std::string t = text;
  auto arrow = t.find("->");
  if (arrow != std::string::npos) {
    std::string st = t.substr(arrow + 2);
    st.erase(0, st.find_first_not_of(' '));
    o["status"] = std::atoi(st.c_str());
    t = t.substr(0, arrow);
  }
  while (!t.empty() && t.back() == ' ') t.pop_back();
  auto sp = t.find(' ');
  o["method"] = t.substr(0, sp);
  std::string target = sp == std::string::npos ? "*" : t.substr(sp + 1);
  auto q = target.find('?');
  o["path"] = target.substr(0, q);
  if (q != std::string::npos) o["query"] = target.substr(q + 1);
  return o;
}

// Appends the reasons `seen` does not match `want`; true when it does.
bool MatchRequest(const Json& want_in, const Seen& seen, std::vector<Mismatch>* why) {
  Json want = want_in.is_string() ? ParseShorthand(want_in) : want_in;
  size_t before = why->size();
  if (want.contains("method") && want["method"] != "*" && want["method"] != seen.method)
    why->push_back({"method", Brief(want["method"]), seen.method});
  if (want.contains("path") && !GlobMatch(want["path"].get<std::string>(), seen.path))
    why->push_back({"path", Brief(want["path"]), seen.path});
  if (want.contains("query")) {
    if (want["query"].is_string()) {
      std::string got = UrlDecode(seen.query);
      if (!GlobMatch(UrlDecode(want["query"].get<std::string>(), false), got))
        why->push_back({"query", Brief(want["query"]), Brief(Json(got))});
    } else {
      Json got = Json::object();
      for (auto& [k, v] : ParseQuery(seen.query)) got[k] = v;
      MatchSubset(want["query"], got, "query", why);
    }
  }
  if (want.contains("body")) MatchSubset(want["body"], seen.body, "body", why);
  if (want.contains("status") && want["status"] != "*" &&
      !(want["status"].is_number() && want["status"].get<int>() == seen.status))
    why->push_back({"status", Brief(want["status"]), std::to_string(seen.status)});
  if (want.contains("response") && want["response"].is_object()) {
    const Json& r = want["response"];
    if (r.contains("status") && r["status"] != seen.status)
      why->push_back({"response.status", Brief(r["status"]), std::to_string(seen.status)});
    if (r.contains("body")) MatchSubset(r["body"], seen.response_body, "response.body", why);
  }
  if (want.contains("step") && !GlobMatch(want["step"].get<std::string>(), seen.step))
    why->push_back({"step", Brief(want["step"]), seen.step});
  if (want.contains("jobKind") && want["jobKind"] != seen.job_kind)
    why->push_back({"jobKind", Brief(want["jobKind"]), seen.job_kind});
  return why->size() == before;
}

std::string Join(const std::vector<Mismatch>& ms, const std::string& pad = "") {
  std::string out;
  for (const auto& m : ms) out += (out.empty() ? "" : "\n") + pad + m.ToString();
  return out;
}

class Runner {
 public:
  Runner(const Scenario& s, const Endpoints& e, const ProgressFn& p) : s_(s), ep_(e), progress_(p) {}

  Outcome Run() {
    Outcome out;
    out.name = s_.name;
    out.file = s_.file;
    auto start = Clock::now();
    if (s_.requires_server == "builtin" && ep_.scim_admin_url.empty()) {
      out.skipped = true;
      out.passed = true;
      out.skip_reason = "needs the built-in SCIM server (faults or admin API); not available with --against";
      return out;
    }
    try {
      okta_.Open(ep_.okta_url, {{"Authorization", "SSWS " + ep_.okta_token}, {"Accept", "application/json"}});
      sandbox_.Open(ep_.okta_url, {{"Accept", "application/json"}});
      scim_.Open(ep_.scim_base_url, {{"Authorization", "Bearer " + ep_.scim_token}, {"Accept", "application/scim+json"}});
      if (!ep_.scim_admin_url.empty()) admin_.Open(ep_.scim_admin_url, {});
      if (!ep_.encryption_url.empty())
        enc_.Open(ep_.encryption_url, {{"Authorization", "Bearer " + ep_.encryption_secret}});
      where_ = "setup";
      Setup();
    } catch (const StepFailed& f) {
      failures_.push_back({where_, Indent(f.message)});
      return Finish(out, start);
    }
    for (size_t i = 0; i < s_.steps.size(); ++i) {
      const Json& step = s_.steps[i];
      std::string kind;
      for (auto it = step.begin(); it != step.end(); ++it)
        if (it.key() != "comment" && it.key().rfind("//", 0) != 0) kind = it.key();
      where_ = "step " + std::to_string(i + 1) + " (" + kind + ")";
      std::string label = where_ + StepSummary(kind, step[kind]);
      if (step.contains("comment") && step["comment"].is_string()) label += "  — " + step["comment"].get<std::string>();
      Progress("  " + label);
      try {
        RunStep(kind, step[kind]);
        if (s_.auto_wait && kind != "expect" && kind != "note" && kind != "waitIdle") WaitIdle(120);
      } catch (const StepFailed& f) {
        failures_.push_back({where_, Indent(f.message)});
        out.steps = i + 1;
        return Finish(out, start);
      }
      out.steps = i + 1;
    }
    if (!s_.expect.empty()) {
      where_ = "final expect";
      try {
        WaitIdle(120);
        Expect(s_.expect);
      } catch (const StepFailed& f) {
        failures_.push_back({where_, Indent(f.message)});
      }
    }
    return Finish(out, start);
  }

 private:
  Outcome& Finish(Outcome& out, Clock::time_point start) {
    out.failures = failures_;
    out.passed = failures_.empty();
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    auto t = sandbox_.open() ? FetchTraffic(ep_.okta_url, 0) : core::Result<Json>(Json::array());
    out.requests = t.ok() ? static_cast<int64_t>(t->size()) : 0;
    return out;
  }

  void Progress(const std::string& line) {
    if (progress_) progress_(line);
  }

  static std::string StepSummary(const std::string& kind, const Json& a) {
    (void)kind;
    if (a.is_string()) return ": " + a.get<std::string>();
    if (a.is_number() || a.is_boolean()) return ": " + a.dump();
    if (a.is_array()) return ": " + std::to_string(a.size()) + " items";
    if (!a.is_object()) return "";
    for (const char* k : {"user", "login", "group", "name", "userName", "displayName"}) {
      if (a.contains(k) && a[k].is_string()) return ": " + a[k].get<std::string>();
    }
    if (a.contains("users") && a["users"].is_array()) return ": " + std::to_string(a["users"].size()) + " users";
    return "";
  }

  // ---------------------------------------------------------------- setup
  void Setup() {
    Json apps = okta_.Must("GET", "/api/v1/apps");
    if (!apps.is_array() || apps.empty()) throw StepFailed{"the mock Okta has no app (expected the preset app)"};
    app_id_ = apps[0]["id"];
    const Json& setup = s_.setup;
    if (setup.contains("app")) {
      const Json& app = setup["app"];
      if (app.contains("label")) okta_.Must("PUT", "/api/v1/apps/" + app_id_, Json{{"label", app["label"]}});
      Json settings = ProvisioningSettings(app);
      if (!settings.empty()) sandbox_.Must("PATCH", "/sandbox/apps/" + app_id_ + "/provisioning", settings);
    }
    if (setup.contains("scim")) {
      const Json& sc = setup["scim"];
      if (sc.contains("groupProvisioning")) RunStep("groupProvisioning", sc["groupProvisioning"]);
      if (sc.contains("users")) RunStep("scimCreateUser", sc["users"]);
      if (sc.contains("groups"))
        for (const auto& g : sc["groups"]) RunStep("scimCreateGroup", g);
      if (sc.contains("faults")) RunStep("scimFault", sc["faults"]);
    }
    if (setup.contains("directory")) {
      const Json& d = setup["directory"];
      // Groups first (users may name them), members once the users exist.
      Json groups = d.value("groups", Json::array());
      for (const auto& g : groups) {
        Json bare = g.is_object() ? g : Json{{"name", g}};
        bare.erase("members");
        RunStep("createGroup", bare);
      }
      if (d.contains("users")) RunStep("createUser", d["users"]);
      if (d.contains("generate")) Generate(d["generate"]);
      for (const auto& g : groups)
        if (g.is_object() && g.contains("members"))
          RunStep("addToGroup", Json{{"group", g["name"]}, {"users", g["members"]}});
    }
    if (setup.contains("encryption")) {
      const Json& e = setup["encryption"];
      std::string state = e.value("state", "up");
      if (state == "down") RunStep("encryptionDown", Json::object());
      if (e.contains("delayMs") || e.contains("failStatus")) RunStep("encryptionFault", e);
    }
    WaitIdle(120);
  }

  // {"count": N, "login": "user{n}@x.test", "firstName": "User", "lastName": "{n}", "groups": ["All"]}
  void Generate(const Json& spec_in) {
    Json specs = spec_in.is_array() ? spec_in : Json::array({spec_in});
    for (const auto& spec : specs) {
      int count = spec.value("count", 0);
      std::string login = spec.value("login", "user{n}@example.com");
      Progress("  setup: creating " + std::to_string(count) + " users like " + login);
      auto fill = [](std::string t, int n) {
        for (auto p = t.find("{n}"); p != std::string::npos; p = t.find("{n}")) t.replace(p, 3, std::to_string(n));
        return t;
      };
      for (int n = 1; n <= count; ++n) {
        Json u = Json::object();
        u["login"] = fill(login, n);
        u["firstName"] = fill(spec.value("firstName", "User"), n);
        u["lastName"] = fill(spec.value("lastName", "{n}"), n);
        if (spec.contains("groups")) u["groups"] = spec["groups"];
        CreateUser(u);
      }
    }
  }

  // ---------------------------------------------------------------- names
  std::string UserId(const std::string& ref) {
    auto it = users_.find(Lower(ref));
    if (it != users_.end()) return it->second;
    Reply r = okta_.Call("GET", "/api/v1/users/" + core::UrlEncode(ref));
    if (!r.ok()) throw StepFailed{"unknown user " + ref + " (" + r.Describe() + ")"};
    users_[Lower(ref)] = r.json["id"];
    return r.json["id"];
  }
  std::string GroupId(const std::string& ref) {
    auto it = groups_.find(Lower(ref));
    if (it != groups_.end()) return it->second;
    Json list = okta_.Must("GET", "/api/v1/groups?q=" + core::UrlEncode(ref));
    for (const auto& g : list)
      if (EqualsCi(g["profile"]["name"], ref)) return groups_[Lower(ref)] = g["id"];
    throw StepFailed{"unknown group " + ref};
  }
  static bool EqualsCi(const Json& a, const std::string& b) { return a.is_string() && core::EqualsCi(a.get<std::string>(), b); }
  std::string MappingId(const std::string& group_ref) {
    std::string gid = GroupId(group_ref);
    auto it = mappings_.find(gid);
    if (it != mappings_.end()) return it->second;
    Json list = okta_.Must("GET", "/api/v1/apps/" + app_id_ + "/group-push/mappings");
    for (const auto& m : list)
      if (m["sourceGroupId"] == gid) return mappings_[gid] = m["id"];
    throw StepFailed{"group " + group_ref + " has no push mapping (use pushGroup first)"};
  }
  std::string ScimUserId(const std::string& ref) {
    Reply au = okta_.Call("GET", "/api/v1/apps/" + app_id_ + "/users/" + UserId(ref));
    if (au.ok() && au.json["externalId"].is_string()) return au.json["externalId"];
    Json list = scim_.Must("GET", "/Users?filter=" + core::UrlEncode("userName eq \"" + ref + "\""));
    if (list.contains("Resources") && !list["Resources"].empty()) return list["Resources"][0]["id"];
    throw StepFailed{"user " + ref + " has no SCIM id yet"};
  }
  std::string ScimGroupId(const std::string& ref) {
    auto gid = groups_.find(Lower(ref));
    if (gid != groups_.end() && mappings_.count(gid->second)) {
      Json m = okta_.Must("GET", "/api/v1/apps/" + app_id_ + "/group-push/mappings/" + mappings_[gid->second]);
      if (m["targetGroupId"].is_string()) return m["targetGroupId"];
    }
    Json list = scim_.Must("GET", "/Groups?filter=" + core::UrlEncode("displayName eq \"" + ref + "\""));
    if (list.contains("Resources") && !list["Resources"].empty()) return list["Resources"][0]["id"];
    throw StepFailed{"group " + ref + " has no SCIM id"};
  }

  // "${kind:arg}" in strings → ids (userId, groupId, scimUserId, scimGroupId, mappingId, appId).
  std::string Resolve(const std::string& kind, const std::string& arg) {
    if (kind == "appId") return app_id_;
    if (kind == "userId") return UserId(arg);
    if (kind == "groupId") return GroupId(arg);
    if (kind == "scimUserId") return ScimUserId(arg);
    if (kind == "scimGroupId") return ScimGroupId(arg);
    if (kind == "mappingId") return MappingId(arg);
    throw StepFailed{"unknown placeholder ${" + kind + ":" + arg + "}"};
  }
  Json Subst(const Json& j) {
    if (j.is_string()) {
      std::string s = j;
      for (size_t p = s.find("${"); p != std::string::npos; p = s.find("${", p)) {
        size_t end = s.find('}', p);
        if (end == std::string::npos) break;
        std::string inner = s.substr(p + 2, end - p - 2);
        auto colon = inner.find(':');
        std::string value = Resolve(inner.substr(0, colon), colon == std::string::npos ? "" : inner.substr(colon + 1));
        s.replace(p, end - p + 1, value);
        p += value.size();
      }
      return s;
    }
    if (j.is_object() || j.is_array()) {
      Json out = j;
      for (auto it = out.begin(); it != out.end(); ++it) *it = Subst(*it);
      return out;
    }
    return j;
  }

  // ---------------------------------------------------------------- steps
  void CreateUser(const Json& u) {
    Json profile = u.contains("profile") ? u["profile"] : Json::object();
    for (auto it = u.begin(); it != u.end(); ++it) {
      if (it.key() == "profile" || it.key() == "password" || it.key() == "activate" || it.key() == "groups") continue;
      profile[it.key()] = it.value();
    }
    if (!profile.contains("login")) throw StepFailed{"createUser: \"login\" is required"};
    if (!profile.contains("email")) profile["email"] = profile["login"];
    Json body{{"profile", profile}};
    if (!u.contains("password") || !u["password"].is_null())
      body["credentials"] = Json{{"password", Json{{"value", u.value("password", "Passw0rd!1")}}}};
    bool activate = u.value("activate", true);
    Json created = okta_.Must("POST", std::string("/api/v1/users?activate=") + (activate ? "true" : "false"), body);
    users_[Lower(profile["login"])] = created["id"];
    if (u.contains("groups"))
      for (const auto& g : u["groups"]) okta_.Must("PUT", "/api/v1/groups/" + GroupId(g) + "/users/" + created["id"].get<std::string>());
  }

  void RunStep(const std::string& kind, const Json& a) {
    const std::string app = "/api/v1/apps/" + app_id_;
    if (kind == "note") {
      return;
    } else if (kind == "createUser") {
      if (a.is_array()) {
        for (const auto& u : a) CreateUser(u);
      } else {
        CreateUser(a);
      }
    } else if (kind == "updateUser") {
      Json body{{"profile", a.value("profile", Json::object())}};
      if (a.contains("password")) body["credentials"] = Json{{"password", Json{{"value", a["password"]}}}};
      okta_.Must("POST", "/api/v1/users/" + UserId(a.value("user", "")), body);
    } else if (kind == "deactivateUser" || kind == "reactivateUser" || kind == "suspendUser" || kind == "unsuspendUser") {
      std::string action = kind.substr(0, kind.size() - 4);
      for (const auto& u : Refs(a, "user", "users")) {
        okta_.Must("POST", "/api/v1/users/" + UserId(u) + "/lifecycle/" + action);
        Settle();
      }
    } else if (kind == "deleteUser") {
      for (const auto& u : Refs(a, "user", "users")) {
        okta_.Must("DELETE", "/api/v1/users/" + UserId(u));
        Settle();
      }
    } else if (kind == "createGroup") {
      std::string name = a.is_string() ? a.get<std::string>() : a.value("name", "");
      Json profile{{"name", name}};
      if (a.is_object() && a.contains("description")) profile["description"] = a["description"];
      Json g = okta_.Must("POST", "/api/v1/groups", Json{{"profile", profile}});
      groups_[Lower(name)] = g["id"];
      if (a.is_object() && a.contains("members"))
        for (const auto& u : Refs(a["members"], "user", "users"))
          okta_.Must("PUT", "/api/v1/groups/" + g["id"].get<std::string>() + "/users/" + UserId(u));
    } else if (kind == "deleteGroup") {
      okta_.Must("DELETE", "/api/v1/groups/" + GroupId(a.is_string() ? a.get<std::string>() : a.value("group", "")));
    } else if (kind == "addToGroup" || kind == "removeFromGroup") {
      std::string gid = GroupId(a.value("group", ""));
      for (const auto& u : Refs(a, "user", "users")) {
        okta_.Must(kind == "addToGroup" ? "PUT" : "DELETE", "/api/v1/groups/" + gid + "/users/" + UserId(u));
        Settle();
      }
    } else if (kind == "assign" || kind == "unassign") {
      bool assign = kind == "assign";
      for (const auto& g : Refs(a, "group", "groups", false)) {
        if (assign) {
          okta_.Must("PUT", app + "/groups/" + GroupId(g), Json::object());
        } else {
          okta_.Must("DELETE", app + "/groups/" + GroupId(g));
        }
        Settle();
      }
      for (const auto& u : Refs(a, "user", "users")) {
        if (assign) {
          Json body{{"id", UserId(u)}, {"scope", "USER"}};
          if (a.is_object() && a.contains("userName")) body["credentials"] = Json{{"userName", a["userName"]}};
          okta_.Must("POST", app + "/users", body);
        } else {
          okta_.Must("DELETE", app + "/users/" + UserId(u));
        }
        Settle();
      }
    } else if (kind == "updateAppUser") {
      okta_.Must("POST", app + "/users/" + UserId(a.value("user", "")),
                 Json{{"credentials", Json{{"userName", a.value("userName", "")}}}});
    } else if (kind == "pushGroup") {
      std::string ref = a.is_string() ? a.get<std::string>() : a.value("group", "");
      Json body{{"sourceGroupId", GroupId(ref)}};
      if (a.is_object()) {
        for (const char* k : {"targetGroupName", "linkExisting", "status"})
          if (a.contains(k)) body[k] = a[k];
        if (a.contains("targetGroupId")) body["targetGroupId"] = Subst(a["targetGroupId"]);
      }
      Json m = okta_.Must("POST", app + "/group-push/mappings", body);
      mappings_[body["sourceGroupId"]] = m["id"];
    } else if (kind == "pushNow") {
      std::string ref = a.is_string() ? a.get<std::string>() : a.value("group", "");
      sandbox_.Must("POST", "/sandbox/apps/" + app_id_ + "/group-push/mappings/" + MappingId(ref) + "/push-now");
    } else if (kind == "renameGroup") {
      std::string gid = GroupId(a.value("group", ""));
      Json profile{{"name", a.value("to", "")}};
      if (a.contains("description")) profile["description"] = a["description"];
      okta_.Must("PUT", "/api/v1/groups/" + gid, Json{{"profile", profile}});
      groups_[Lower(a.value("to", ""))] = gid;
    } else if (kind == "deactivatePush" || kind == "activatePush") {
      std::string ref = a.is_string() ? a.get<std::string>() : a.value("group", "");
      okta_.Must("PATCH", app + "/group-push/mappings/" + MappingId(ref),
                 Json{{"status", kind == "activatePush" ? "ACTIVE" : "INACTIVE"}});
    } else if (kind == "unlinkGroup") {
      std::string ref = a.is_string() ? a.get<std::string>() : a.value("group", "");
      std::string mid = MappingId(ref);
      Json m = okta_.Must("GET", app + "/group-push/mappings/" + mid);
      if (m["status"] == "ACTIVE") okta_.Must("PATCH", app + "/group-push/mappings/" + mid, Json{{"status", "INACTIVE"}});
      bool del = a.is_object() && a.value("deleteTarget", false);
      okta_.Must("DELETE", app + "/group-push/mappings/" + mid + "?deleteTargetGroup=" + (del ? "true" : "false"));
      mappings_.erase(GroupId(ref));
    } else if (kind == "testConnector") {
      Json r = sandbox_.Must("POST", "/sandbox/apps/" + app_id_ + "/test-connector");
      Json want = a.is_object() && a.contains("expect") ? a["expect"] : Json{{"status", "SUCCESS"}};
      std::vector<Mismatch> ms;
      if (!MatchSubset(Subst(want), r, "$", &ms))
        failures_.push_back({where_, Indent("Test Connector Configuration answered " + Brief(r, 400) + "\n" + Join(ms))});
    } else if (kind == "import") {
      sandbox_.Must("POST", "/sandbox/apps/" + app_id_ + "/import");
      WaitIdle(120);
      if (a.is_object() && a.contains("expect")) {
        Json r = sandbox_.Must("GET", "/sandbox/apps/" + app_id_ + "/import");
        std::vector<Mismatch> ms;
        if (!MatchSubset(Subst(a["expect"]), r, "$", &ms))
          failures_.push_back({where_, Indent("import result " + Brief(r, 600) + "\n" + Join(ms))});
      }
    } else if (kind == "provisionUsers") {
      sandbox_.Must("POST", "/sandbox/apps/" + app_id_ + "/provision-users");
    } else if (kind == "settings") {
      sandbox_.Must("PATCH", "/sandbox/apps/" + app_id_ + "/provisioning", ProvisioningSettings(a));
    } else if (kind == "retryTasks") {
      std::string status = a.is_object() ? a.value("status", "OPEN") : "OPEN";
      int n = 0;
      for (const auto& t : sandbox_.Must("GET", "/sandbox/tasks")) {
        if (t["status"] != status) continue;
        if (a.is_object() && a.contains("jobKind") && t["jobKind"] != a["jobKind"]) continue;
        sandbox_.Must("POST", "/sandbox/tasks/" + t["id"].get<std::string>() + "/retry");
        Settle();
        ++n;
      }
      if (n == 0 && !(a.is_object() && a.value("allowNone", false))) throw StepFailed{"retryTasks: no " + status + " task to retry"};
    } else if (kind == "enginePaused") {
      sandbox_.Must("POST", "/sandbox/engine", Json{{"paused", a.is_boolean() ? a.get<bool>() : true}});
    } else if (kind == "scimCreateUser") {
      Json list = a.is_array() ? a : Json::array({a});
      for (Json u : list) {
        if (!u.contains("schemas")) u["schemas"] = Json::array({"urn:ietf:params:scim:schemas:core:2.0:User"});
        Json created = scim_.Must("POST", "/Users", Subst(u));
        scim_users_[Lower(u.value("userName", ""))] = created["id"];
      }
    } else if (kind == "scimCreateGroup") {
      Json g = a;
      if (!g.contains("schemas")) g["schemas"] = Json::array({"urn:ietf:params:scim:schemas:core:2.0:Group"});
      if (g.contains("members")) {
        Json members = Json::array();
        for (const auto& m : g["members"]) {
          if (m.is_string()) {
            auto it = scim_users_.find(Lower(m));
            if (it == scim_users_.end()) throw StepFailed{"scimCreateGroup: no SCIM user " + m.get<std::string>()};
            members.push_back(Json{{"value", it->second}});
          } else {
            members.push_back(m);
          }
        }
        g["members"] = members;
      }
      scim_.Must("POST", "/Groups", Subst(g));
    } else if (kind == "scimFault") {
      RequireAdmin(kind);
      Json rules = admin_.Must("GET", "/faults").value("rules", Json::array());
      Json add = a.is_array() ? a : Json::array({a});
      for (const auto& r : add) rules.push_back(r);
      admin_.Must("PUT", "/faults", Json{{"rules", rules}});
    } else if (kind == "clearScimFaults") {
      RequireAdmin(kind);
      admin_.Must("DELETE", "/faults");
    } else if (kind == "groupProvisioning") {
      RequireAdmin(kind);
      bool on = a.is_boolean() ? a.get<bool>() : a.value("enabled", true);
      admin_.Must("PUT", "/group-provisioning", Json{{"enabled", on}});
    } else if (kind == "encryptionDown" || kind == "encryptionUp" || kind == "encryptionFault") {
      if (!enc_.open()) throw StepFailed{kind + ": no encryption service in this run"};
      Json f = enc_.Must("GET", "/v1/admin/faults");
      if (kind == "encryptionDown") f["down"] = true;
      if (kind == "encryptionUp") f = Json{{"down", false}, {"delayMs", 0}, {"failStatus", 0}};
      if (kind == "encryptionFault") {
        if (a.contains("delayMs")) f["delayMs"] = a["delayMs"];
        if (a.contains("failStatus")) f["failStatus"] = a["failStatus"];
        if (a.contains("down")) f["down"] = a["down"];
      }
      enc_.Must("PUT", "/v1/admin/faults", f);
    } else if (kind == "waitIdle") {
      WaitIdle(a.is_object() ? a.value("timeoutSeconds", 120) : 120);
    } else if (kind == "advanceClock") {
      double seconds = a.is_number() ? a.get<double>() : a.value("seconds", 0.0);
      sandbox_.Must("POST", "/sandbox/time", Json{{"advanceSeconds", seconds}});
    } else if (kind == "expect") {
      Expect(a);
    } else {
      throw StepFailed{"unknown step " + kind};
    }
  }

  void RequireAdmin(const std::string& kind) {
    if (!admin_.open()) throw StepFailed{kind + ": needs the built-in SCIM server's admin API (not available with --against)"};
  }

  // Between the Okta calls of one step (assign three users): with autoWait,
  // each call's provisioning finishes before the next call, so the mock's
  // seeded id stream is drawn in the same order on every run.
  void Settle() {
    if (s_.auto_wait) WaitIdle(120);
  }

  // Waits until the provisioning queue has nothing running or due.
  void WaitIdle(int timeout_s) {
    auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
    auto started = Clock::now();
    auto next_report = started + std::chrono::seconds(3);
    if (ep_.wait_idle) {
      while (!ep_.wait_idle(std::chrono::milliseconds(1000))) {
        if (Clock::now() >= deadline) throw StepFailed{"the provisioning queue is still busy after " + std::to_string(timeout_s) + " s"};
        if (Clock::now() >= next_report) {
          ReportQueue(started);
          next_report = Clock::now() + std::chrono::seconds(3);
        }
      }
      return;
    }
    // Remote mock: quiet when no job is due and the traffic log stops growing.
    int quiet = 0;
    int64_t last = -1;
    while (quiet < 3) {
      if (Clock::now() >= deadline) throw StepFailed{"the provisioning queue is still busy after " + std::to_string(timeout_s) + " s"};
      Json jobs = sandbox_.Must("GET", "/sandbox/jobs");
      Json time = sandbox_.Must("GET", "/sandbox/time");
      bool due = false;
      for (const auto& j : jobs)
        if (j.value("due", "") <= time.value("now", "")) due = true;
      auto t = FetchTraffic(ep_.okta_url, std::max<int64_t>(last, 0));
      int64_t count = last;
      if (t.ok() && !t->empty()) count = t->back()["seq"];
      quiet = (!due && count == last) ? quiet + 1 : 0;
      last = std::max<int64_t>(count, 0);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  void ReportQueue(Clock::time_point started) {
    Reply jobs = sandbox_.Call("GET", "/sandbox/jobs");
    int secs = static_cast<int>(std::chrono::duration<double>(Clock::now() - started).count());
    std::string n = jobs.json.is_array() ? std::to_string(jobs.json.size()) : "?";
    Progress("    … provisioning: " + n + " jobs queued, waiting " + std::to_string(secs) + " s");
  }

  // ---------------------------------------------------------- expectations
  void Fail(const std::string& what, const std::string& detail) {
    failures_.push_back({where_ + " → " + what, Indent(detail)});
  }

  void Expect(const Json& e) {
    if (e.contains("traffic")) ExpectTraffic(e["traffic"]);
    if (e.contains("scim")) ExpectScim(e["scim"]);
    if (e.contains("tasks")) ExpectTasks(e["tasks"]);
    if (e.contains("logs")) ExpectLogs(e["logs"]);
    if (e.contains("appUsers")) ExpectAppUsers(e["appUsers"]);
  }

  void ExpectTraffic(const Json& spec_in) {
    Json spec = spec_in.is_array() ? Json{{"requests", spec_in}} : spec_in;
    std::string mode = spec.value("mode", "exact");
    int64_t from = spec.value("since", "last") == "start" ? 0 : traffic_cursor_;
    auto t = FetchTraffic(ep_.okta_url, from);
    if (!t.ok()) throw StepFailed{"cannot read /sandbox/traffic: " + t.error().detail};
    std::vector<Seen> seen;
    for (const auto& r : *t) seen.push_back(ToSeen(r));
    if (!seen.empty()) traffic_cursor_ = std::max(traffic_cursor_, seen.back().seq);
    auto listing = [&](size_t mark) {
      std::string s = "actual requests (" + std::to_string(seen.size()) + "):";
      for (size_t i = 0; i < seen.size() && i < 60; ++i) s += "\n  " + std::string(i == mark ? "> " : "  ") + seen[i].Line();
      if (seen.size() > 60) s += "\n    … " + std::to_string(seen.size() - 60) + " more";
      return s;
    };
    if (spec.contains("count")) {
      if (!(spec["count"].is_number() && spec["count"].get<size_t>() == seen.size()))
        Fail("traffic", "expected " + Brief(spec["count"]) + " requests, got " + std::to_string(seen.size()));
    }
    if (spec.contains("counts")) {
      for (auto it = spec["counts"].begin(); it != spec["counts"].end(); ++it) {
        Json want = Subst(Json(it.key()));
        size_t n = 0;
        for (const auto& s : seen) {
          std::vector<Mismatch> ms;
          if (MatchRequest(want, s, &ms)) ++n;
        }
        if (!(it.value().is_number() && it.value().get<size_t>() == n))
          Fail("traffic", "expected " + Brief(it.value()) + " requests matching " + it.key() + ", got " + std::to_string(n));
      }
    }
    if (!spec.contains("requests")) return;
    Json wants = Subst(spec["requests"]);
    if (mode == "exact") {
      for (size_t i = 0; i < wants.size() || i < seen.size(); ++i) {
        if (i >= wants.size()) {
          Fail("traffic", "unexpected request " + std::to_string(i + 1) + ": " + seen[i].Line() + "\n" + listing(i));
          return;
        }
        if (i >= seen.size()) {
          Fail("traffic", "request " + std::to_string(i + 1) + " of " + std::to_string(wants.size()) +
                              " was not sent: " + Want{wants[i]}.Text() + "\n" + listing(i));
          return;
        }
        std::vector<Mismatch> ms;
        if (!MatchRequest(wants[i], seen[i], &ms)) {
          Fail("traffic", "request " + std::to_string(i + 1) + " of " + std::to_string(wants.size()) + " differs\n" +
                              "expected: " + Want{wants[i]}.Text() + "\nactual:   " + seen[i].Line() + "\n" +
                              Join(ms, "  ") + "\n" + listing(i));
          return;
        }
      }
    } else {  // inOrder: each expected request appears after the previous one
      size_t pos = 0;
      for (size_t i = 0; i < wants.size(); ++i) {
        bool found = false;
        for (; pos < seen.size(); ++pos) {
          std::vector<Mismatch> ms;
          if (MatchRequest(wants[i], seen[pos], &ms)) {
            found = true;
            ++pos;
            break;
          }
        }
        if (!found) {
          Fail("traffic", "expected request " + std::to_string(i + 1) + " (in order) not found: " + Want{wants[i]}.Text() +
                              "\n" + listing(seen.size()));
          return;
        }
      }
    }
  }

  Json ScimList(const std::string& resource) {
    Json all = Json::array();
    for (int start = 1;; start += 1000) {
      Json page = scim_.Must("GET", "/" + resource + "?startIndex=" + std::to_string(start) + "&count=1000");
      Json res = page.value("Resources", Json::array());
      for (auto& r : res) all.push_back(std::move(r));
      int64_t total = page.value("totalResults", int64_t{0});
      if (res.empty() || static_cast<int64_t>(all.size()) >= total) break;
    }
    return all;
  }

  void ExpectScim(const Json& spec_in) {
    Json spec = Subst(spec_in);
    Json users = ScimList("Users");
    std::map<std::string, const Json*> by_name;
    std::map<std::string, std::string> name_of_id;
    for (const auto& u : users) {
      by_name[Lower(u.value("userName", ""))] = &u;
      name_of_id[u.value("id", "")] = u.value("userName", "");
    }
    if (spec.contains("totalUsers") && spec["totalUsers"] != users.size())
      Fail("scim users", "expected " + Brief(spec["totalUsers"]) + " users, the server has " + std::to_string(users.size()));
    if (spec.contains("users")) {
      for (const auto& want : spec["users"]) {
        std::string name = want.value("userName", "");
        auto it = by_name.find(Lower(name));
        if (it == by_name.end()) {
          std::string have;
          for (size_t i = 0; i < users.size() && i < 20; ++i) have += (i ? ", " : "") + users[i].value("userName", "");
          Fail("scim users", "no user with userName " + name + " (the server has: " + have + ")");
          continue;
        }
        std::vector<Mismatch> ms;
        if (!MatchSubset(want, *it->second, "User[" + name + "]", &ms))
          Fail("scim users", Join(ms) + "\nactual: " + Brief(*it->second, 600));
      }
    }
    if (spec.contains("absentUsers")) {
      for (const auto& n : spec["absentUsers"])
        if (by_name.count(Lower(n))) Fail("scim users", "user " + n.get<std::string>() + " should not exist on the server");
    }
    if (!spec.contains("groups") && !spec.contains("totalGroups") && !spec.contains("absentGroups")) return;
    Json groups = ScimList("Groups");
    if (spec.contains("totalGroups") && spec["totalGroups"] != groups.size())
      Fail("scim groups", "expected " + Brief(spec["totalGroups"]) + " groups, the server has " + std::to_string(groups.size()));
    std::map<std::string, const Json*> gby;
    for (const auto& g : groups) gby[Lower(g.value("displayName", ""))] = &g;
    if (spec.contains("absentGroups")) {
      for (const auto& n : spec["absentGroups"])
        if (gby.count(Lower(n))) Fail("scim groups", "group " + n.get<std::string>() + " should not exist on the server");
    }
    if (!spec.contains("groups")) return;
    for (Json want : spec["groups"]) {
      std::string name = want.value("displayName", "");
      auto it = gby.find(Lower(name));
      if (it == gby.end()) {
        std::string have;
        for (const auto& g : groups) have += (have.empty() ? "" : ", ") + g.value("displayName", "");
        Fail("scim groups", "no group with displayName " + name + " (the server has: " + have + ")");
        continue;
      }
      if (want.contains("members")) {
        std::set<std::string> exp, got;
        for (const auto& m : want["members"]) exp.insert(Lower(m));
        for (const auto& m : it->second->value("members", Json::array())) {
          std::string id = m.value("value", "");
          got.insert(Lower(name_of_id.count(id) ? name_of_id[id] : id));
        }
        if (exp != got) {
          std::string missing, extra;
          for (const auto& x : exp)
            if (!got.count(x)) missing += " " + x;
          for (const auto& x : got)
            if (!exp.count(x)) extra += " " + x;
          Fail("scim groups", "Group[" + name + "].members (by userName): missing:" + (missing.empty() ? " -" : missing) +
                                  "; unexpected:" + (extra.empty() ? " -" : extra));
        }
        want.erase("members");
      }
      std::vector<Mismatch> ms;
      if (!MatchSubset(want, *it->second, "Group[" + name + "]", &ms)) Fail("scim groups", Join(ms));
    }
  }

  Json TaskMatcher(const Json& w) {
    Json m = w;
    if (m.contains("user")) {
      m["userId"] = UserId(m["user"]);
      m.erase("user");
    }
    if (m.contains("group")) {
      m["groupId"] = GroupId(m["group"]);
      m.erase("group");
    }
    return Subst(m);
  }

  void ExpectTasks(const Json& spec_in) {
    Json tasks = sandbox_.Must("GET", "/sandbox/tasks");
    Json spec = spec_in.is_array() ? Json{{"exactly", spec_in}} : spec_in;
    auto listing = [&] {
      std::string s = "actual tasks (" + std::to_string(tasks.size()) + "):";
      for (const auto& t : tasks)
        s += "\n  " + t.value("status", "") + " " + t.value("jobKind", "") + ": " + t.value("message", "");
      return s;
    };
    if (spec.contains("count") && spec["count"] != tasks.size())
      Fail("tasks", "expected " + Brief(spec["count"]) + " tasks, got " + std::to_string(tasks.size()) + "\n" + listing());
    if (spec.contains("exactly")) {
      const Json& want = spec["exactly"];
      if (want.size() != tasks.size()) {
        Fail("tasks", "expected " + std::to_string(want.size()) + " tasks, got " + std::to_string(tasks.size()) + "\n" + listing());
        return;
      }
      for (size_t i = 0; i < want.size(); ++i) {
        std::vector<Mismatch> ms;
        if (!MatchSubset(TaskMatcher(want[i]), tasks[i], "tasks[" + std::to_string(i) + "]", &ms))
          Fail("tasks", Join(ms) + "\n" + listing());
      }
    }
    if (spec.contains("contains")) {
      for (const auto& w : spec["contains"]) {
        Json m = TaskMatcher(w);
        bool found = std::any_of(tasks.begin(), tasks.end(), [&](const Json& t) {
          std::vector<Mismatch> ms;
          return MatchSubset(m, t, "$", &ms);
        });
        if (!found) Fail("tasks", "no task matches " + Brief(m) + "\n" + listing());
      }
    }
  }

  Json AllLogs() {
    Json all = Json::array();
    std::string path = "/api/v1/logs?limit=1000";
    for (int guard = 0; guard < 1000; ++guard) {
      Reply r = okta_.Call("GET", path);
      if (!r.ok()) throw StepFailed{"GET /api/v1/logs -> " + r.Describe()};
      for (auto& e : r.json) all.push_back(std::move(e));
      std::string next;
      auto range = r.headers.equal_range("Link");
      for (auto it = range.first; it != range.second; ++it) {
        if (it->second.find("rel=\"next\"") == std::string::npos) continue;
        auto b = it->second.find('<'), e = it->second.find('>');
        auto u = core::ParseUrl(it->second.substr(b + 1, e - b - 1));
        auto slash = it->second.find("/api/v1/logs");
        if (u.ok() && slash != std::string::npos) next = it->second.substr(slash, e - slash);
      }
      if (next.empty()) break;
      path = next;
    }
    return all;
  }

  void ExpectLogs(const Json& spec) {
    Json logs = AllLogs();
    for (const auto& w_in : spec) {
      Json w = w_in.is_string() ? Json{{"eventType", w_in}} : Subst(w_in);
      Json count;
      if (w.contains("count")) {
        count = w["count"];
        w.erase("count");
      }
      size_t n = 0;
      for (const auto& e : logs) {
        std::vector<Mismatch> ms;
        if (MatchSubset(w, e, "$", &ms)) ++n;
      }
      if (count.is_null() ? n == 0 : count != n) {
        std::map<std::string, int> types;
        for (const auto& e : logs) types[e.value("eventType", "") + " " + e["outcome"].value("result", "")]++;
        std::string have;
        for (auto& [k, v] : types) have += "\n  " + k + " ×" + std::to_string(v);
        Fail("logs", "System Log events matching " + Brief(w) + ": expected " +
                         (count.is_null() ? std::string("at least 1") : Brief(count)) + ", got " + std::to_string(n) +
                         "\nevents by type:" + have);
      }
    }
  }

  void ExpectAppUsers(const Json& spec) {
    for (const auto& w : spec) {
      std::string user = w.value("user", "");
      Reply r = okta_.Call("GET", "/api/v1/apps/" + app_id_ + "/users/" + UserId(user));
      Json m = Subst(w);
      m.erase("user");
      if (m.contains("assigned")) {
        bool want = m["assigned"];
        m.erase("assigned");
        if (want != r.ok()) {
          Fail("appUsers", user + ": expected " + (want ? "assigned" : "not assigned") + ", got " + r.Describe());
          continue;
        }
        if (!want) continue;
      }
      if (!r.ok()) {
        Fail("appUsers", user + ": " + r.Describe());
        continue;
      }
      std::vector<Mismatch> ms;
      if (!MatchSubset(m, r.json, "AppUser[" + user + "]", &ms)) Fail("appUsers", Join(ms));
    }
  }

  const Scenario& s_;
  const Endpoints& ep_;
  const ProgressFn& progress_;
  Service okta_, sandbox_, scim_, admin_, enc_;
  std::string app_id_;
  std::string where_;
  std::map<std::string, std::string> users_, groups_, mappings_, scim_users_;
  int64_t traffic_cursor_ = 0;
  std::vector<Failure> failures_;
};

}  // namespace

Outcome RunScenario(const Scenario& scenario, const Endpoints& endpoints, const ProgressFn& progress) {
  Runner r(scenario, endpoints, progress);
  return r.Run();
}

}  // namespace scenarios
