#include "scenarios/expectations.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/http.h"
#include "scenarios/match.h"
#include "scenarios/run_context.h"
#include "scenarios/traffic.h"

namespace scenarios {

namespace {

std::string Lower(const std::string& s) { return core::ToLower(s); }

// ----------------------------------------------------------------- traffic

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

Json ParsedOrNull(const std::string& body) {
  if (body.empty()) return nullptr;
  auto j = core::ParseJson(body);
  return j.ok() ? *j : Json(nullptr);
}

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
  s.body = ParsedOrNull(req.value("body", ""));
  if (rec.contains("response") && rec["response"].is_object()) {
    s.status = rec["response"].value("status", 0);
    s.response_body = ParsedOrNull(rec["response"].value("body", ""));
  }
  return s;
}

// An expected request: "METHOD PATH[?QUERY] [-> STATUS]" or an object
// {method, path, query (string glob or object subset), body, status,
// response{status,body}, step, jobKind}, as text for messages.
std::string WantText(const Json& spec) {
  if (spec.is_string()) return spec.get<std::string>();
  std::string s = spec.value("method", "*") + " " + spec.value("path", "*");
  if (spec.contains("query")) s += "?" + (spec["query"].is_string() ? spec["query"].get<std::string>() : Brief(spec["query"]));
  if (spec.contains("status")) s += " -> " + Brief(spec["status"]);
  if (spec.contains("body")) s += "  body ⊇ " + Brief(spec["body"], 120);
  return s;
}

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

void MatchQuery(const Json& want, const Seen& seen, std::vector<Mismatch>* why) {
  if (want.is_string()) {
    std::string got = UrlDecode(seen.query);
    if (!GlobMatch(UrlDecode(want.get<std::string>(), false), got)) why->push_back({"query", Brief(want), Brief(Json(got))});
  } else {
    Json got = Json::object();
    for (auto& [k, v] : ParseQuery(seen.query)) got[k] = v;
    MatchSubset(want, got, "query", why);
  }
}

// Appends the reasons `seen` does not match `want`; true when it does.
bool MatchRequest(const Json& want_in, const Seen& seen, std::vector<Mismatch>* why) {
  Json want = want_in.is_string() ? ParseShorthand(want_in) : want_in;
  size_t before = why->size();
  if (want.contains("method") && want["method"] != "*" && want["method"] != seen.method)
    why->push_back({"method", Brief(want["method"]), seen.method});
  if (want.contains("path") && !GlobMatch(want["path"].get<std::string>(), seen.path))
    why->push_back({"path", Brief(want["path"]), seen.path});
  if (want.contains("query")) MatchQuery(want["query"], seen, why);
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

bool Matches(const Json& want, const Seen& seen) {
  std::vector<Mismatch> ms;
  return MatchRequest(want, seen, &ms);
}

// "actual requests (N):" and up to 60 of them, `mark` pointed at.
std::string Listing(const std::vector<Seen>& seen, size_t mark) {
  std::string s = "actual requests (" + std::to_string(seen.size()) + "):";
  for (size_t i = 0; i < seen.size() && i < 60; ++i) s += "\n  " + std::string(i == mark ? "> " : "  ") + seen[i].Line();
  if (seen.size() > 60) s += "\n    … " + std::to_string(seen.size() - 60) + " more";
  return s;
}

void CheckTrafficCounts(RunContext& run, const Json& spec, const std::vector<Seen>& seen) {
  if (spec.contains("count")) {
    if (!(spec["count"].is_number() && spec["count"].get<size_t>() == seen.size()))
      run.Fail("traffic", "expected " + Brief(spec["count"]) + " requests, got " + std::to_string(seen.size()));
  }
  if (!spec.contains("counts")) return;
  for (auto it = spec["counts"].begin(); it != spec["counts"].end(); ++it) {
    Json want = run.Subst(Json(it.key()));
    size_t n = std::count_if(seen.begin(), seen.end(), [&](const Seen& s) { return Matches(want, s); });
    if (!(it.value().is_number() && it.value().get<size_t>() == n))
      run.Fail("traffic", "expected " + Brief(it.value()) + " requests matching " + it.key() + ", got " + std::to_string(n));
  }
}

// Request i of the expected list is request i of the actual ones, and there are no others.
void CheckTrafficExact(RunContext& run, const Json& wants, const std::vector<Seen>& seen) {
  for (size_t i = 0; i < wants.size() || i < seen.size(); ++i) {
    if (i >= wants.size()) {
      run.Fail("traffic", "unexpected request " + std::to_string(i + 1) + ": " + seen[i].Line() + "\n" + Listing(seen, i));
      return;
    }
    std::string nth = "request " + std::to_string(i + 1) + " of " + std::to_string(wants.size());
    if (i >= seen.size()) {
      run.Fail("traffic", nth + " was not sent: " + WantText(wants[i]) + "\n" + Listing(seen, i));
      return;
    }
    std::vector<Mismatch> ms;
    if (!MatchRequest(wants[i], seen[i], &ms)) {
      run.Fail("traffic", nth + " differs\n" + "expected: " + WantText(wants[i]) + "\nactual:   " + seen[i].Line() + "\n" +
                              JoinMismatches(ms, "  ") + "\n" + Listing(seen, i));
      return;
    }
  }
}

// inOrder: each expected request appears after the previous one.
void CheckTrafficInOrder(RunContext& run, const Json& wants, const std::vector<Seen>& seen) {
  size_t pos = 0;
  for (size_t i = 0; i < wants.size(); ++i) {
    bool found = false;
    for (; pos < seen.size(); ++pos) {
      if (Matches(wants[i], seen[pos])) {
        found = true;
        ++pos;
        break;
      }
    }
    if (!found) {
      run.Fail("traffic", "expected request " + std::to_string(i + 1) + " (in order) not found: " + WantText(wants[i]) +
                              "\n" + Listing(seen, seen.size()));
      return;
    }
  }
}

void ExpectTraffic(RunContext& run, const Json& spec_in) {
  Json spec = spec_in.is_array() ? Json{{"requests", spec_in}} : spec_in;
  std::string mode = spec.value("mode", "exact");
  int64_t from = spec.value("since", "last") == "start" ? 0 : run.traffic_cursor();
  auto t = FetchTraffic(run.endpoints().okta_url, from);
  if (!t.ok()) throw StepFailed{"cannot read /sandbox/traffic: " + t.error().detail};
  std::vector<Seen> seen;
  for (const auto& r : *t) {
    run.set_traffic_cursor(std::max(run.traffic_cursor(), r.value("seq", int64_t{0})));
    if (!IsSignOnRecord(r)) seen.push_back(ToSeen(r));
  }
  CheckTrafficCounts(run, spec, seen);
  if (!spec.contains("requests")) return;
  Json wants = run.Subst(spec["requests"]);
  if (mode == "exact") {
    CheckTrafficExact(run, wants, seen);
  } else {
    CheckTrafficInOrder(run, wants, seen);
  }
}

// -------------------------------------------------------------------- SCIM

Json ScimList(RunContext& run, const std::string& resource) {
  Json all = Json::array();
  for (int start = 1;; start += 1000) {
    Json page = run.scim().Must("GET", "/" + resource + "?startIndex=" + std::to_string(start) + "&count=1000");
    Json res = page.value("Resources", Json::array());
    for (auto& r : res) all.push_back(std::move(r));
    int64_t total = page.value("totalResults", int64_t{0});
    if (res.empty() || static_cast<int64_t>(all.size()) >= total) break;
  }
  return all;
}

void ExpectScimUsers(RunContext& run, const Json& spec, const Json& users) {
  std::map<std::string, const Json*> by_name;
  for (const auto& u : users) by_name[Lower(u.value("userName", ""))] = &u;
  if (spec.contains("totalUsers") && spec["totalUsers"] != users.size())
    run.Fail("scim users", "expected " + Brief(spec["totalUsers"]) + " users, the server has " + std::to_string(users.size()));
  if (spec.contains("users")) {
    for (const auto& want : spec["users"]) {
      std::string name = want.value("userName", "");
      auto it = by_name.find(Lower(name));
      if (it == by_name.end()) {
        std::string have;
        for (size_t i = 0; i < users.size() && i < 20; ++i) have += (i ? ", " : "") + users[i].value("userName", "");
        run.Fail("scim users", "no user with userName " + name + " (the server has: " + have + ")");
        continue;
      }
      std::vector<Mismatch> ms;
      if (!MatchSubset(want, *it->second, "User[" + name + "]", &ms))
        run.Fail("scim users", JoinMismatches(ms) + "\nactual: " + Brief(*it->second, 600));
    }
  }
  if (spec.contains("absentUsers")) {
    for (const auto& n : spec["absentUsers"])
      if (by_name.count(Lower(n))) run.Fail("scim users", "user " + n.get<std::string>() + " should not exist on the server");
  }
}

// Group members compared as sets of userNames (ids of unknown users as they are).
void CheckGroupMembers(RunContext& run, const std::string& name, const Json& want, const Json& group,
                       const std::map<std::string, std::string>& name_of_id) {
  std::set<std::string> exp, got;
  for (const auto& m : want) exp.insert(Lower(m));
  for (const auto& m : group.value("members", Json::array())) {
    std::string id = m.value("value", "");
    auto it = name_of_id.find(id);
    got.insert(Lower(it != name_of_id.end() ? it->second : id));
  }
  if (exp == got) return;
  std::string missing, extra;
  for (const auto& x : exp)
    if (!got.count(x)) missing += " " + x;
  for (const auto& x : got)
    if (!exp.count(x)) extra += " " + x;
  run.Fail("scim groups", "Group[" + name + "].members (by userName): missing:" + (missing.empty() ? " -" : missing) +
                              "; unexpected:" + (extra.empty() ? " -" : extra));
}

void ExpectScimGroups(RunContext& run, const Json& spec, const Json& users) {
  std::map<std::string, std::string> name_of_id;
  for (const auto& u : users) name_of_id[u.value("id", "")] = u.value("userName", "");
  Json groups = ScimList(run, "Groups");
  if (spec.contains("totalGroups") && spec["totalGroups"] != groups.size())
    run.Fail("scim groups", "expected " + Brief(spec["totalGroups"]) + " groups, the server has " + std::to_string(groups.size()));
  std::map<std::string, const Json*> gby;
  for (const auto& g : groups) gby[Lower(g.value("displayName", ""))] = &g;
  if (spec.contains("absentGroups")) {
    for (const auto& n : spec["absentGroups"])
      if (gby.count(Lower(n))) run.Fail("scim groups", "group " + n.get<std::string>() + " should not exist on the server");
  }
  if (!spec.contains("groups")) return;
  for (Json want : spec["groups"]) {
    std::string name = want.value("displayName", "");
    auto it = gby.find(Lower(name));
    if (it == gby.end()) {
      std::string have;
      for (const auto& g : groups) have += (have.empty() ? "" : ", ") + g.value("displayName", "");
      run.Fail("scim groups", "no group with displayName " + name + " (the server has: " + have + ")");
      continue;
    }
    if (want.contains("members")) {
      CheckGroupMembers(run, name, want["members"], *it->second, name_of_id);
      want.erase("members");
    }
    std::vector<Mismatch> ms;
    if (!MatchSubset(want, *it->second, "Group[" + name + "]", &ms)) run.Fail("scim groups", JoinMismatches(ms));
  }
}

void ExpectScim(RunContext& run, const Json& spec_in) {
  Json spec = run.Subst(spec_in);
  Json users = ScimList(run, "Users");
  ExpectScimUsers(run, spec, users);
  if (!spec.contains("groups") && !spec.contains("totalGroups") && !spec.contains("absentGroups")) return;
  ExpectScimGroups(run, spec, users);
}

// ------------------------------------------------------------------- tasks

Json TaskMatcher(RunContext& run, const Json& w) {
  Json m = w;
  if (m.contains("user")) {
    m["userId"] = run.UserId(m["user"]);
    m.erase("user");
  }
  if (m.contains("group")) {
    m["groupId"] = run.GroupId(m["group"]);
    m.erase("group");
  }
  return run.Subst(m);
}

void ExpectTasks(RunContext& run, const Json& spec_in) {
  Json tasks = run.sandbox().Must("GET", "/sandbox/tasks");
  Json spec = spec_in.is_array() ? Json{{"exactly", spec_in}} : spec_in;
  auto listing = [&] {
    std::string s = "actual tasks (" + std::to_string(tasks.size()) + "):";
    for (const auto& t : tasks) s += "\n  " + t.value("status", "") + " " + t.value("jobKind", "") + ": " + t.value("message", "");
    return s;
  };
  if (spec.contains("count") && spec["count"] != tasks.size())
    run.Fail("tasks", "expected " + Brief(spec["count"]) + " tasks, got " + std::to_string(tasks.size()) + "\n" + listing());
  if (spec.contains("exactly")) {
    const Json& want = spec["exactly"];
    if (want.size() != tasks.size()) {
      run.Fail("tasks", "expected " + std::to_string(want.size()) + " tasks, got " + std::to_string(tasks.size()) + "\n" + listing());
      return;
    }
    for (size_t i = 0; i < want.size(); ++i) {
      std::vector<Mismatch> ms;
      if (!MatchSubset(TaskMatcher(run, want[i]), tasks[i], "tasks[" + std::to_string(i) + "]", &ms))
        run.Fail("tasks", JoinMismatches(ms) + "\n" + listing());
    }
  }
  if (spec.contains("contains")) {
    for (const auto& w : spec["contains"]) {
      Json m = TaskMatcher(run, w);
      bool found = std::any_of(tasks.begin(), tasks.end(), [&](const Json& t) {
        std::vector<Mismatch> ms;
        return MatchSubset(m, t, "$", &ms);
      });
      if (!found) run.Fail("tasks", "no task matches " + Brief(m) + "\n" + listing());
    }
  }
}

// -------------------------------------------------------------- System Log

// The path of the rel="next" Link of a /api/v1/logs page, or "".
std::string NextLogsPath(const httplib::Headers& headers) {
  std::string next;
  auto range = headers.equal_range("Link");
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.find("rel=\"next\"") == std::string::npos) continue;
    auto b = it->second.find('<'), e = it->second.find('>');
    auto u = core::ParseUrl(it->second.substr(b + 1, e - b - 1));
    auto slash = it->second.find("/api/v1/logs");
    if (u.ok() && slash != std::string::npos) next = it->second.substr(slash, e - slash);
  }
  return next;
}

Json AllLogs(RunContext& run) {
  Json all = Json::array();
  std::string path = "/api/v1/logs?limit=1000";
  for (int guard = 0; guard < 1000; ++guard) {
    Reply r = run.okta().Call("GET", path);
    if (!r.ok()) throw StepFailed{"GET /api/v1/logs -> " + r.Describe()};
    for (auto& e : r.json) all.push_back(std::move(e));
    std::string next = NextLogsPath(r.headers);
    if (next.empty()) break;
    path = next;
  }
  return all;
}

void ExpectLogs(RunContext& run, const Json& spec) {
  Json logs = AllLogs(run);
  for (const auto& w_in : spec) {
    Json w = w_in.is_string() ? Json{{"eventType", w_in}} : run.Subst(w_in);
    Json count;
    if (w.contains("count")) {
      count = w["count"];
      w.erase("count");
    }
    size_t n = std::count_if(logs.begin(), logs.end(), [&](const Json& e) {
      std::vector<Mismatch> ms;
      return MatchSubset(w, e, "$", &ms);
    });
    if (count.is_null() ? n == 0 : count != n) {
      std::map<std::string, int> types;
      for (const auto& e : logs) types[e.value("eventType", "") + " " + e["outcome"].value("result", "")]++;
      std::string have;
      for (auto& [k, v] : types) have += "\n  " + k + " ×" + std::to_string(v);
      run.Fail("logs", "System Log events matching " + Brief(w) + ": expected " +
                           (count.is_null() ? std::string("at least 1") : Brief(count)) + ", got " + std::to_string(n) +
                           "\nevents by type:" + have);
    }
  }
}

// --------------------------------------------------------------- app users

void ExpectAppUsers(RunContext& run, const Json& spec) {
  for (const auto& w : spec) {
    std::string user = w.value("user", "");
    Reply r = run.okta().Call("GET", "/api/v1/apps/" + run.app_id() + "/users/" + run.UserId(user));
    Json m = run.Subst(w);
    m.erase("user");
    if (m.contains("assigned")) {
      bool want = m["assigned"];
      m.erase("assigned");
      if (want != r.ok()) {
        run.Fail("appUsers", user + ": expected " + (want ? "assigned" : "not assigned") + ", got " + r.Describe());
        continue;
      }
      if (!want) continue;
    }
    if (!r.ok()) {
      run.Fail("appUsers", user + ": " + r.Describe());
      continue;
    }
    std::vector<Mismatch> ms;
    if (!MatchSubset(m, r.json, "AppUser[" + user + "]", &ms)) run.Fail("appUsers", JoinMismatches(ms));
  }
}

}  // namespace

void CheckExpectations(RunContext& run, const Json& e) {
  if (e.contains("traffic")) ExpectTraffic(run, e["traffic"]);
  if (e.contains("scim")) ExpectScim(run, e["scim"]);
  if (e.contains("tasks")) ExpectTasks(run, e["tasks"]);
  if (e.contains("logs")) ExpectLogs(run, e["logs"]);
  if (e.contains("appUsers")) ExpectAppUsers(run, e["appUsers"]);
}

}  // namespace scenarios
