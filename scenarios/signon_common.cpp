#include "scenarios/signon_common.h"

#include <cstring>

#include "scenarios/match.h"
#include "scenarios/run_context.h"

namespace scenarios {

std::vector<std::string> Strings(const Json& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.push_back(v);
  if (v.is_array())
    for (const auto& x : v)
      if (x.is_string()) out.push_back(x);
  return out;
}

std::string Form(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string s;
  for (const auto& [k, v] : kv) s += (s.empty() ? "" : "&") + core::UrlEncode(k) + "=" + core::UrlEncode(v);
  return s;
}

std::string Header(const httplib::Headers& hs, const std::string& name) {
  for (const auto& [k, v] : hs)
    if (core::EqualsCi(k, name)) return v;
  return "";
}

std::string HtmlUnescape(std::string s) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities) {
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + 1)) s.replace(p, strlen(from), to);
  }
  return s;
}

std::string PageMessage(const std::string& html) {
  auto p = html.find("id=\"error-description\">");
  if (p == std::string::npos) return html.substr(0, 200);
  p = html.find('>', p) + 1;
  return HtmlUnescape(html.substr(p, html.find("</p>", p) - p));
}

Json SignInFailure(const char* stage, const std::string& error, const std::string& description, int status) {
  return Json{{"stage", stage}, {"error", error}, {"errorDescription", description}, {"status", status}};
}

std::string FailureSummary(const Json& outcome) {
  return outcome.value("stage", "") + " → " + outcome.value("error", "") + ": " + outcome.value("errorDescription", "");
}

void MustAnswer(const Reply& r, const std::string& step, const std::string& what) {
  if (r.status == 0) throw StepFailed{step + ": " + what + " -> " + r.Describe()};
}

AuthnResult Authn(RunContext& run, const Json& a, const std::string& step) {
  std::string user = a.value("user", "");
  std::string password = a.contains("password") ? a.value("password", "") : run.Password(user);
  Reply authn = run.sandbox().Call("POST", "/api/v1/authn", Json{{"username", user}, {"password", password}});
  MustAnswer(authn, step, "POST /api/v1/authn");
  AuthnResult out;
  if (authn.status != 200 || authn.json.value("status", "") != "SUCCESS") {
    Json f = SignInFailure("authn", "authentication_failed", authn.json.value("errorSummary", authn.Describe()), authn.status);
    if (authn.json.contains("errorCode")) f["errorCode"] = authn.json["errorCode"];
    if (authn.status == 200) f["authnStatus"] = authn.json.value("status", "");
    out.failure = f;
    return out;
  }
  out.session_token = authn.json.value("sessionToken", "");
  return out;
}

void AssignApp(RunContext& run, const std::string& app_id, const Json& a) {
  std::string path = "/api/v1/apps/" + app_id;
  for (const auto& g : Strings(a.value("assignGroups", Json::array()))) {
    run.okta().Must("PUT", path + "/groups/" + run.GroupId(g), Json::object());
    run.Settle();
  }
  for (const auto& u : Strings(a.value("assignUsers", Json::array()))) {
    run.okta().Must("POST", path + "/users", Json{{"id", run.UserId(u)}, {"scope", "USER"}});
    run.Settle();
  }
}

std::optional<std::pair<std::string, Json>> GroupFilter(const Json& f) {
  static const std::pair<const char*, const char*> kFilters[] = {
      {"startsWith", "STARTS_WITH"}, {"equals", "EQUALS"}, {"contains", "CONTAINS"}, {"regex", "REGEX"}};
  if (!f.is_object() || f.size() != 1) return std::nullopt;
  for (const auto& [key, type] : kFilters)
    if (f.contains(key)) return std::pair<std::string, Json>{type, f[key]};
  return std::nullopt;
}

void ExpectOutcome(RunContext& run, const Json& a, const Json& outcome, const std::string& step,
                   const std::string& what, const std::string& summary) {
  run.Progress("    " + summary);
  Json want = a.contains("expect") ? run.Subst(a["expect"]) : Json::object();
  if (!want.is_object()) throw StepFailed{step + ": \"expect\" must be an object"};
  if (!want.contains("error")) want["error"] = nullptr;  // no error expected: the sign-in must succeed
  std::vector<Mismatch> ms;
  if (!MatchSubset(want, outcome, "$", &ms))
    run.FailHere(what + ": " + summary + "\n" + JoinMismatches(ms) + "\noutcome: " + Brief(outcome, 1200));
}

}  // namespace scenarios
