#include "scenarios/run_context.h"

#include <algorithm>
#include <sstream>
#include <thread>

#include "core/http.h"
#include "scenarios/traffic.h"

namespace scenarios {

namespace {

std::string Lower(const std::string& s) { return core::ToLower(s); }

bool EqualsCi(const Json& a, const std::string& b) { return a.is_string() && core::EqualsCi(a.get<std::string>(), b); }

}  // namespace

std::string Indent(const std::string& text, const std::string& pad) {
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

RunContext::RunContext(const Scenario& scenario, const Endpoints& endpoints, const ProgressFn& progress)
    : scenario_(scenario), endpoints_(endpoints), progress_(progress) {}

// ------------------------------------------------------------------ names

std::string RunContext::UserId(const std::string& ref) {
  auto it = users_.find(Lower(ref));
  if (it != users_.end()) return it->second;
  Reply r = okta().Call("GET", "/api/v1/users/" + core::UrlEncode(ref));
  if (!r.ok()) throw StepFailed{"unknown user " + ref + " (" + r.Describe() + ")"};
  users_[Lower(ref)] = r.json["id"];
  return r.json["id"];
}

std::string RunContext::GroupId(const std::string& ref) {
  auto it = groups_.find(Lower(ref));
  if (it != groups_.end()) return it->second;
  Json list = okta().Must("GET", "/api/v1/groups?q=" + core::UrlEncode(ref));
  for (const auto& g : list)
    if (EqualsCi(g["profile"]["name"], ref)) return groups_[Lower(ref)] = g["id"];
  throw StepFailed{"unknown group " + ref};
}

std::string RunContext::MappingId(const std::string& group_ref) {
  std::string gid = GroupId(group_ref);
  auto it = mappings_.find(gid);
  if (it != mappings_.end()) return it->second;
  Json list = okta().Must("GET", "/api/v1/apps/" + app_id_ + "/group-push/mappings");
  for (const auto& m : list)
    if (m["sourceGroupId"] == gid) return mappings_[gid] = m["id"];
  throw StepFailed{"group " + group_ref + " has no push mapping (use pushGroup first)"};
}

std::string RunContext::ScimUserId(const std::string& ref) {
  Reply au = okta().Call("GET", "/api/v1/apps/" + app_id_ + "/users/" + UserId(ref));
  if (au.ok() && au.json["externalId"].is_string()) return au.json["externalId"];
  Json list = scim().Must("GET", "/Users?filter=" + core::UrlEncode("userName eq \"" + ref + "\""));
  if (list.contains("Resources") && !list["Resources"].empty()) return list["Resources"][0]["id"];
  throw StepFailed{"user " + ref + " has no SCIM id yet"};
}

std::string RunContext::ScimGroupId(const std::string& ref) {
  auto gid = groups_.find(Lower(ref));
  if (gid != groups_.end() && mappings_.count(gid->second)) {
    Json m = okta().Must("GET", "/api/v1/apps/" + app_id_ + "/group-push/mappings/" + mappings_[gid->second]);
    if (m["targetGroupId"].is_string()) return m["targetGroupId"];
  }
  Json list = scim().Must("GET", "/Groups?filter=" + core::UrlEncode("displayName eq \"" + ref + "\""));
  if (list.contains("Resources") && !list["Resources"].empty()) return list["Resources"][0]["id"];
  throw StepFailed{"group " + ref + " has no SCIM id"};
}

void RunContext::RememberUser(const std::string& login, const std::string& id) { users_[Lower(login)] = id; }
void RunContext::RememberGroup(const std::string& name, const std::string& id) { groups_[Lower(name)] = id; }
void RunContext::RememberMapping(const std::string& group_id, const std::string& mapping_id) {
  mappings_[group_id] = mapping_id;
}
void RunContext::ForgetMapping(const std::string& group_id) { mappings_.erase(group_id); }
void RunContext::RememberScimUser(const std::string& user_name, const std::string& id) {
  scim_users_[Lower(user_name)] = id;
}
const std::string* RunContext::LookupScimUser(const std::string& user_name) const {
  auto it = scim_users_.find(Lower(user_name));
  return it == scim_users_.end() ? nullptr : &it->second;
}

void RunContext::RememberOidcApp(OidcApp app) {
  std::string key = Lower(app.label);
  oidc_apps_[key] = std::move(app);
}

const OidcApp& RunContext::FindOidcApp(const std::string& label) const {
  if (label.empty()) {
    if (oidc_apps_.size() == 1) return oidc_apps_.begin()->second;
    throw StepFailed{oidc_apps_.empty() ? "no OIDC app yet (create one with the oidcApp step)"
                                        : "several OIDC apps: say which one with \"app\": \"<label>\""};
  }
  auto it = oidc_apps_.find(Lower(label));
  if (it != oidc_apps_.end()) return it->second;
  std::string have;
  for (const auto& [k, a] : oidc_apps_) have += (have.empty() ? "" : ", ") + a.label;
  throw StepFailed{"no OIDC app labelled " + label + " (this scenario created: " + (have.empty() ? "none" : have) +
                   ")"};
}

void RunContext::RememberSamlApp(SamlApp app) {
  std::string key = Lower(app.label);
  saml_apps_[key] = std::move(app);
}

const SamlApp& RunContext::FindSamlApp(const std::string& label) const {
  if (label.empty()) {
    if (saml_apps_.size() == 1) return saml_apps_.begin()->second;
    throw StepFailed{saml_apps_.empty() ? "no SAML app yet (create one with the samlApp step)"
                                        : "several SAML apps: say which one with \"app\": \"<label>\""};
  }
  auto it = saml_apps_.find(Lower(label));
  if (it != saml_apps_.end()) return it->second;
  std::string have;
  for (const auto& [k, a] : saml_apps_) have += (have.empty() ? "" : ", ") + a.label;
  throw StepFailed{"no SAML app labelled " + label + " (this scenario created: " + (have.empty() ? "none" : have) +
                   ")"};
}

void RunContext::RememberPassword(const std::string& login, const std::string& password) {
  passwords_[Lower(login)] = password;
}

std::string RunContext::Password(const std::string& login) const {
  auto it = passwords_.find(Lower(login));
  return it == passwords_.end() ? kDefaultPassword : it->second;
}

// ----------------------------------------------------------- placeholders

std::string RunContext::Resolve(const std::string& kind, const std::string& arg) {
  if (kind == "appId") return app_id_;
  if (kind == "userId") return UserId(arg);
  if (kind == "groupId") return GroupId(arg);
  if (kind == "scimUserId") return ScimUserId(arg);
  if (kind == "scimGroupId") return ScimGroupId(arg);
  if (kind == "mappingId") return MappingId(arg);
  if (kind == "clientId") return FindOidcApp(arg).client_id;
  if (kind == "samlAppId") return FindSamlApp(arg).id;
  throw StepFailed{"unknown placeholder ${" + kind + ":" + arg + "}"};
}

Json RunContext::Subst(const Json& j) {
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

// ------------------------------------------------------ provisioning queue

// Between the Okta calls of one step (assign three users): with autoWait,
// each call's provisioning finishes before the next call, so the mock's
// seeded id stream is drawn in the same order on every run.
void RunContext::Settle() {
  if (scenario_.auto_wait) WaitIdle(120);
}

void RunContext::WaitIdle(int timeout_s) {
  auto deadline = SteadyClock::now() + std::chrono::seconds(timeout_s);
  auto started = SteadyClock::now();
  auto next_report = started + std::chrono::seconds(3);
  if (!endpoints_.wait_idle) return PollUntilQuiet(deadline, timeout_s);
  while (!endpoints_.wait_idle(std::chrono::milliseconds(1000))) {
    if (SteadyClock::now() >= deadline)
      throw StepFailed{"the provisioning queue is still busy after " + std::to_string(timeout_s) + " s"};
    if (SteadyClock::now() >= next_report) {
      ReportQueue(started);
      next_report = SteadyClock::now() + std::chrono::seconds(3);
    }
  }
}

// Remote mock: quiet when no job is due and the traffic log stops growing.
void RunContext::PollUntilQuiet(SteadyClock::time_point deadline, int timeout_s) {
  int quiet = 0;
  int64_t last = -1;
  while (quiet < 3) {
    if (SteadyClock::now() >= deadline)
      throw StepFailed{"the provisioning queue is still busy after " + std::to_string(timeout_s) + " s"};
    Json jobs = sandbox().Must("GET", "/sandbox/jobs");
    Json time = sandbox().Must("GET", "/sandbox/time");
    bool due = false;
    for (const auto& j : jobs)
      if (j.value("due", "") <= time.value("now", "")) due = true;
    auto t = FetchTraffic(endpoints_.okta_url, std::max<int64_t>(last, 0));
    int64_t count = last;
    if (t.ok() && !t->empty()) count = t->back()["seq"];
    quiet = (!due && count == last) ? quiet + 1 : 0;
    last = std::max<int64_t>(count, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void RunContext::ReportQueue(SteadyClock::time_point started) {
  Reply jobs = sandbox().Call("GET", "/sandbox/jobs");
  int secs = static_cast<int>(std::chrono::duration<double>(SteadyClock::now() - started).count());
  std::string n = jobs.json.is_array() ? std::to_string(jobs.json.size()) : "?";
  Progress("    … provisioning: " + n + " jobs queued, waiting " + std::to_string(secs) + " s");
}

void RunContext::Progress(const std::string& line) {
  if (progress_) progress_(line);
}

// ---------------------------------------------------------------- failures

void RunContext::FailHere(const std::string& message) { failures_.push_back({where_, Indent(message)}); }

void RunContext::Fail(const std::string& what, const std::string& detail) {
  failures_.push_back({where_ + " → " + what, Indent(detail)});
}

}  // namespace scenarios
