// The check table and the run: each row is one check (checks.h); a run walks
// the table in order, skips a check whose prerequisites failed, and cleans up.
#include "mock_okta/checker/checker.h"

#include <map>
#include <random>

#include "mock_okta/checker/check_context.h"
#include "mock_okta/checker/checks.h"

namespace okta::check {

namespace {

const char* kDoc = "documented";
const char* kObs = "observed";
const char* kInf = "inferred";

// clang-format off: one row per check
std::vector<CheckDef> BuildTable() {
  const std::string conn = "connector.test";
  return {
      {"connector.test", "connector", false, false, "Test Connector Configuration: GET /Users?startIndex=1&count=2 answers a ListResponse with numeric counts", kDoc, {}, ConnectorTest},
      {"connector.import_groups", "connector", false, true, "Test Connector with Import Groups on also reads GET /Groups?startIndex=1&count=100", kObs, {conn}, ConnectorImportGroups},
      {"spec.create", "spec", false, false, "Spec test: POST /Users answers 201 with id, the names sent and active:true", kDoc, {conn}, SpecCreate},
      {"spec.list", "spec", false, false, "Spec test: GET /Users?count=1 lists users with id, userName, name, active and emails", kDoc, {conn}, SpecList},
      {"spec.get", "spec", false, false, "Spec test: GET /Users/{id} answers the user", kDoc, {"spec.create"}, SpecGet},
      {"spec.filter_none", "spec", false, false, "Spec test: a filter that matches nobody answers 200 with totalResults 0", kDoc, {conn}, SpecFilterNone},
      {"spec.not_found", "spec", false, false, "Spec test: GET of an unknown id answers 404 with a SCIM error", kDoc, {conn}, SpecNotFound},
      {"spec.duplicate", "spec", false, false, "Spec test: creating the same userName twice answers 409", kDoc, {"spec.create"}, SpecDuplicate},
      {"spec.filter_case", "spec", false, false, "Spec test: a userName filter upper-cased answers 200 (and should match)", kDoc, {"spec.create"}, SpecFilterCase},
      {"spec.auth", "spec", false, false, "Spec test: bad credentials answer 401 with a SCIM error", kDoc, {conn}, SpecAuth},
      {"users.create", "users", true, false, "Assign a new user: lookup by filter, then POST /Users answers 201 with the id", kDoc, {conn}, UserCreate},
      {"users.update", "users", true, false, "Profile update: GET, then PUT echoing the server's own answer with the change", kObs, {"users.create.{p}"}, UserUpdate},
      {"users.link", "users", true, false, "Assign a user who already exists: the lookup finds it and Okta links instead of creating", kDoc, {"users.update.{p}"}, UserLink},
      {"users.link_case", "users", true, false, "Link when the server's userName differs in case from Okta's", kInf, {"users.link.{p}"}, UserLinkCase},
      {"users.deactivate", "users", true, false, "Unassign: deactivate (oin_patch: path-less PATCH; aiw_put: GET + PUT active:false)", kDoc, {"users.create.{p}", "aiw_put:users.update.{p}"}, UserDeactivate},
      {"users.reactivate", "users", true, false, "Assign again: the deactivated user is found and reactivated", kObs, {"users.deactivate.{p}", "users.update.{p}"}, UserReactivate},
      {"users.password", "users", true, false, "Password sync (oin_patch: PATCH password; aiw_put: GET + PUT with password)", kInf, {"users.create.{p}", "aiw_put:users.update.{p}", "oin_patch:users.deactivate.{p}"}, UserPassword},
      {"users.conflict", "users", false, false, "A create whose userName was taken meanwhile answers 409 with a SCIM error", kDoc, {"users.create.{p}"}, UserConflict},
      {"users.chars.plus", "users", false, false, "A userName with '+' is created and found again by Okta's filter", kObs, {"users.create.{p}"}, UserPlus},
      {"users.chars.quotes", "users", false, false, "A userName with quotes is created and found again by Okta's filter", kInf, {"users.create.{p}"}, UserQuotes},
      {"users.chars.unicode", "users", false, false, "A userName with non-ASCII characters is created and found again", kInf, {"users.create.{p}"}, UserUnicode},
      {"groups.create", "groups", true, true, "Group Push: lookup by displayName, POST /Groups, then the members", kDoc, {"users.create.{p}", "connector.import_groups"}, GroupCreate},
      {"groups.members", "groups", true, true, "Members join and leave a pushed group (oin_patch: members[value eq \"…\"] removal)", kDoc, {"groups.create.{p}"}, GroupMembers},
      {"groups.batch", "groups", true, true, "A group of 101 members (oin_patch: PATCH batches of 100)", kDoc, {"groups.create.{p}"}, GroupBatch},
      {"groups.rename", "groups", true, true, "Rename a pushed group (oin_patch: path-less PATCH repeating the id)", kDoc, {"groups.create.{p}"}, GroupRename},
      {"groups.push_now", "groups", true, true, "Push Now: the whole member list again", kDoc, {"groups.create.{p}"}, GroupPushNow},
      {"groups.delete", "groups", true, true, "Unlink and delete the group in the app: DELETE /Groups/{id} answers 204", kDoc, {"groups.create.{p}"}, GroupDelete},
      {"import.users", "import", false, false, "Import users: pages of 100 by startIndex until totalResults", kDoc, {conn}, ImportUsers},
      {"import.groups", "import", false, true, "Import groups: pages of 100 by startIndex until totalResults", kDoc, {"connector.import_groups"}, ImportGroups},
      {"robustness.unknown_attributes", "robustness", false, false, "Creates carrying title, phoneNumbers and the enterprise extension are accepted", kObs, {"spec.create"}, RobustUnknownAttributes},
      {"robustness.content_type", "robustness", false, false, "Answers carry a JSON Content-Type", kObs, {conn}, RobustContentType},
      {"robustness.error_bodies", "robustness", false, false, "Error answers carry a SCIM error body with a detail", kDoc, {conn}, RobustErrorBodies},
      {"robustness.rate_limit", "robustness", false, false, "HTTP 429 answers carry an integer Retry-After", kDoc, {conn}, RobustRateLimit},
      {"robustness.timeouts", "robustness", false, false, "Every answer comes within Okta's timeout", kDoc, {}, RobustTimeouts},
  };
}
// clang-format on

// "oktasandbox-check-<6 random [a-z0-9]>-"
std::string NewPrefix() {
  static const char* kChars = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::mt19937 gen(rd());
  std::uniform_int_distribution<int> pick(0, 35);
  std::string s = "oktasandbox-check-";
  for (int i = 0; i < 6; ++i) s += kChars[pick(gen)];
  return s + "-";
}

// An --only/--skip pattern matches the id itself, an id below it ("users" →
// "users.create.aiw_put"), or any id it starts with when it ends in '*'.
bool Matches(const std::string& id, const std::string& pat) {
  if (!pat.empty() && pat.back() == '*') return id.rfind(pat.substr(0, pat.size() - 1), 0) == 0;
  return id == pat || id.rfind(pat + ".", 0) == 0;
}

bool Selected(const std::string& id, const CheckOptions& o) {
  auto any = [&id](const std::vector<std::string>& pats) {
    for (const auto& p : pats) {
      if (Matches(id, p)) return true;
    }
    return false;
  };
  return (o.only.empty() || any(o.only)) && !any(o.skip);
}

// Why the check cannot run ("" when it can).
std::string UnmetNeed(const CheckDef& def, const std::string& profile, const std::map<std::string, Verdict>& done) {
  for (std::string need : def.needs) {
    size_t colon = need.find(':');
    if (colon != std::string::npos) {
      if (need.substr(0, colon) != profile) continue;
      need = need.substr(colon + 1);
    }
    if (size_t at = need.find("{p}"); at != std::string::npos) need.replace(at, 3, profile);
    auto it = done.find(need);
    if (it == done.end()) continue;  // not selected: run anyway
    if (it->second == Verdict::kFail) return "Skipped: needs " + need + ", which failed.";
    if (it->second == Verdict::kSkip) return "Skipped: needs " + need + ", which was skipped.";
  }
  return "";
}

void RunOne(CheckContext& c, const CheckDef& def, CheckResult& r) {
  c.sender.Begin(&r.exchanges);
  c.NewTasks();
  try {
    def.run(c, r);
  } catch (const std::exception& e) {
    Fail(r, std::string("The checker itself failed: ") + e.what());
  }
  c.Settle();
  c.NewTasks();
  c.sender.Begin(nullptr);
}

std::string Now() { return core::FormatIso8601(std::chrono::system_clock::now()); }

}  // namespace

const std::vector<CheckDef>& CheckTable() {
  static const std::vector<CheckDef> table = BuildTable();
  return table;
}

std::string Short(const std::string& profile) { return profile == "oin_patch" ? "oin" : "aiw"; }

std::string Upper(const std::string& s) {
  std::string out = s;
  for (char& ch : out) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return out;
}

CheckReport RunChecks(const CheckOptions& in, ScimSender* sender) {
  CheckOptions opts = in;
  while (!opts.base_url.empty() && opts.base_url.back() == '/') opts.base_url.pop_back();
  HttpScimSender http;
  CheckReport report;
  report.target_url = opts.base_url;
  report.started = Now();
  CheckContext c(opts, sender ? *sender : http, opts.prefix.empty() ? NewPrefix() : opts.prefix);
  if (auto s = c.Setup(); !s.ok()) {
    CheckResult r;
    r.id = "options";
    r.group = "connector";
    r.title = "The options describe a SCIM server the checker can reach";
    Fail(r, s.error().detail);
    report.results.push_back(r);
    report.finished = Now();
    return report;
  }
  std::map<std::string, Verdict> done;
  for (const auto& def : CheckTable()) {
    if (def.needs_groups && !opts.groups) continue;
    std::vector<std::string> profiles = def.per_profile ? opts.profiles : std::vector<std::string>{""};
    for (const auto& p : profiles) {
      CheckResult r;
      r.id = std::string(def.id) + (p.empty() ? "" : "." + p);
      r.group = def.group;
      r.profile = p;
      r.title = def.title;
      r.confidence = def.confidence;
      if (!Selected(r.id, opts)) continue;
      std::string unmet = UnmetNeed(def, p.empty() ? c.FirstProfile() : p, done);
      if (unmet.empty()) {
        RunOne(c, def, r);
      } else {
        Skip(r, unmet);
      }
      done[r.id] = r.verdict;
      report.results.push_back(std::move(r));
    }
  }
  report.left_behind = c.Cleanup();
  report.finished = Now();
  return report;
}

std::vector<std::pair<std::string, std::string>> ListChecks() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& def : CheckTable()) {
    if (!def.per_profile) {
      out.emplace_back(def.id, def.title);
      continue;
    }
    for (const char* p : {"aiw_put", "oin_patch"}) out.emplace_back(std::string(def.id) + "." + p, def.title);
  }
  return out;
}

}  // namespace okta::check
