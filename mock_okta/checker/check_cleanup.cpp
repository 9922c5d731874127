// What a run leaves on the server, and the verdict helpers the checks share.
#include <set>

#include "mock_okta/checker/check_context.h"
#include "mock_okta/flows.h"

namespace okta::check {

using core::Json;

// ---- cleanup ----------------------------------------------------------------------------

std::vector<std::string> CheckContext::Cleanup() {
  sender.Begin(nullptr);
  std::vector<std::string> left;
  if (opts.keep) {
    for (const auto& [profile, mid] : mappings_) {
      auto m = org_->GetGroupPush(AppId(profile), mid);
      if (m.ok() && !m->target_group_id.empty())
        left.push_back("group " + m->pushed_name + " (id " + m->target_group_id + "), kept");
    }
    std::set<std::string> seen;
    for (const auto& [profile, uid] : assigned_) {
      auto au = AppUserOf(profile, uid);
      if (!au || au->external_id.empty() || !seen.insert(au->external_id).second) continue;
      left.push_back("user " + au->user_name + " (id " + au->external_id + "), kept" +
                     (au->remote_active ? "" : ", deactivated"));
    }
    for (const auto& [id, login] : direct_users_) {
      if (seen.insert(id).second) left.push_back("user " + login + " (id " + id + "), kept");
    }
    return left;
  }
  CleanupGroups(left);
  CleanupUsers(left);
  return left;
}

// Okta's "unlink pushed group → delete the group in the target app" for every mapping.
void CheckContext::CleanupGroups(std::vector<std::string>& left) {
  for (const auto& [profile, mid] : mappings_) {
    auto m = org_->GetGroupPush(AppId(profile), mid);
    if (!m.ok()) continue;  // a check deleted it already
    Logged(org_->SetGroupPushStatus(AppId(profile), mid, false), "SetGroupPushStatus");
    if (m->target_group_id.empty()) {
      Logged(org_->DeleteGroupPush(AppId(profile), mid, false), "DeleteGroupPush");
      continue;
    }
    if (auto s = org_->DeleteGroupPush(AppId(profile), mid, true); !s.ok()) {
      left.push_back("group " + m->pushed_name + " (id " + m->target_group_id + "): " + s.error().detail);
      continue;
    }
    Settle();
    for (const auto& t : NewTasks())
      left.push_back("group " + m->pushed_name + " (id " + m->target_group_id + "): " + t.message);
  }
}

// Users: unassigned (Okta deactivates them remotely), or deleted with --delete.
void CheckContext::CleanupUsers(std::vector<std::string>& left) {
  std::set<std::string> done;
  std::vector<std::pair<std::string, std::string>> deactivated;  // (id, userName)
  for (const auto& [profile, uid] : assigned_) {
    auto au = AppUserOf(profile, uid);
    if (!au || au->external_id.empty() || !done.insert(au->external_id).second) continue;
    if (opts.delete_created) {
      ScimExchange ex = Direct(DeleteRequest(Wire(profile), "/Users/" + au->external_id));
      if (ex.status != 204 && ex.status != 200 && ex.status != 404) {
        left.push_back("user " + au->user_name + " (id " + au->external_id + "): DELETE answered " +
                       (ex.status ? std::to_string(ex.status) : ex.error));
      }
      continue;
    }
    if (au->status != AppUserStatus::kDeprovisioned) {
      Logged(org_->UnassignUser(AppId(profile), uid), "UnassignUser");
      Settle();
      auto tasks = NewTasks();
      if (!tasks.empty()) {
        left.push_back("user " + au->user_name + " (id " + au->external_id +
                       "), still active: " + tasks.back().message);
        continue;
      }
    } else if (au->remote_active) {
      left.push_back("user " + au->user_name + " (id " + au->external_id + "), still active (its deactivation failed)");
      continue;
    }
    deactivated.emplace_back(au->external_id, au->user_name);
  }
  for (const auto& [id, login] : direct_users_) {
    if (!done.insert(id).second) continue;
    if (opts.delete_created) {
      ScimExchange ex = Direct(DeleteRequest(Wire(), "/Users/" + id));
      if (ex.status != 204 && ex.status != 200 && ex.status != 404) {
        left.push_back("user " + login + " (id " + id + "): DELETE answered " +
                       (ex.status ? std::to_string(ex.status) : ex.error));
      }
      continue;
    }
    if (DeactivateDirect(id, login, left)) deactivated.emplace_back(id, login);
  }
  for (const auto& [id, login] : deactivated) {
    left.push_back("user " + login + " (id " + id + "), deactivated, not deleted (--delete removes it)");
  }
}

// A user created by a direct request: GET, then PUT with active:false (Profile B's deactivation).
bool CheckContext::DeactivateDirect(const std::string& id, const std::string& login, std::vector<std::string>& left) {
  WireSettings w = Wire();
  ScimExchange got = Direct(GetRequest(w, "/Users/" + id));
  if (got.status == 404) return false;
  Json body = BodyJson(got.body);
  ScimExchange put =
      Direct(BodyRequest(w, "PUT", "/Users/" + id, MergeUserForPut(body, MappedUser{}, {}, false, std::nullopt)));
  if (got.status != 200 || put.status < 200 || put.status >= 300) {
    left.push_back("user " + login + " (id " + id + "), still active: its deactivation answered " +
                   std::to_string(got.status != 200 ? got.status : put.status));
    return false;
  }
  return true;
}

// ---- verdict helpers ------------------------------------------------------------------------

void Fail(CheckResult& r, std::string explanation, std::string task_message) {
  r.verdict = Verdict::kFail;
  r.explanation = std::move(explanation);
  r.task_message = std::move(task_message);
}

void Warn(CheckResult& r, std::string explanation) {
  if (r.verdict == Verdict::kFail) return;
  r.verdict = Verdict::kWarn;
  r.explanation = r.explanation.empty() ? std::move(explanation) : r.explanation + " " + explanation;
}

void Skip(CheckResult& r, std::string why) {
  r.verdict = Verdict::kSkip;
  r.explanation = std::move(why);
}

Json BodyJson(const std::string& body) {
  auto j = core::ParseJson(body);
  return j.ok() ? *j : Json();
}

std::string Trim(const std::string& s, size_t max) { return s.size() <= max ? s : s.substr(0, max) + "…"; }

const Exchange* LastFailing(const CheckResult& r) {
  for (auto it = r.exchanges.rbegin(); it != r.exchanges.rend(); ++it) {
    if (it->status == 0 || it->status >= 400) return &*it;
  }
  return nullptr;
}

std::string Brief(const Exchange& e, const std::string& base) {
  std::string target = e.url.rfind(base, 0) == 0 ? e.url.substr(base.size()) : e.url;
  std::string s = e.method + " " + target;
  if (e.status == 0) return s + " got no answer (" + e.error + ")";
  s += " answered " + std::to_string(e.status);
  if (!e.response_body.empty()) s += ": " + Trim(RemoteErrorDetail(e.response_body), 200);
  return s;
}

std::vector<const Exchange*> Find(const CheckResult& r, const std::string& method, const std::string& part) {
  std::vector<const Exchange*> out;
  for (const auto& e : r.exchanges) {
    if (e.method == method && e.url.find(part) != std::string::npos) out.push_back(&e);
  }
  return out;
}

namespace {
std::string Pitfall(const Exchange& e) {
  bool bad = e.status >= 400;
  const std::string& b = e.request_body;
  if (e.status == 0) {
    return e.error.find("timed out") != std::string::npos
               ? " Okta gives up after its timeout (60 s) and fails the operation (§1.0)."
               : " Okta reports this as a connection failure.";
  }
  if (e.status == 401 || e.status == 403) return " The server refused Okta's credentials.";
  if (bad && e.method == "PATCH" && b.find("members[value eq") != std::string::npos) {
    return " The server refused a member removal by value-filter path (members[value eq \"…\"]), which is how "
           "Okta removes group members (okta-behaviour §1.7, §3 item 3).";
  }
  if (bad && e.method == "PATCH" && b.find("\"path\"") == std::string::npos) {
    return " The server refused a PATCH without a \"path\" (a replace whose value is an object). Okta sends "
           "deactivation, reactivation, password and group renames this way and never falls back to PUT "
           "(okta-behaviour §3 items 1 and 12).";
  }
  if (bad && e.method == "PUT" && b.find("\"meta\"") != std::string::npos) {
    return " The server refused Okta's PUT, which echoes the server's own GET answer back (id, meta and all): "
           "a server has to ignore read-only attributes in a PUT (okta-behaviour §1.3, §3 item 6).";
  }
  if (e.status >= 500 && e.method == "GET" && e.url.find("filter=") != std::string::npos) {
    return " The lookup filter failed with a server error; Okta looks every user up by filter before it creates "
           "or links one (okta-behaviour §1.2).";
  }
  if (e.status == 429) return " The server kept answering 429; Okta gives up after 10 attempts (§1.0).";
  return "";
}
}  // namespace

std::string Diagnose(const CheckResult& r, const std::string& base) {
  if (const Exchange* e = LastFailing(r)) return Brief(*e, base) + "." + Pitfall(*e);
  for (auto it = r.exchanges.rbegin(); it != r.exchanges.rend(); ++it) {
    if (it->method == "POST" && it->status >= 200 && it->status < 300 && IdOf(BodyJson(it->response_body)).empty()) {
      return Brief(*it, base) + (it->response_body.empty() ? " with an empty body" : " without an \"id\"") +
             ". Okta needs the created resource with its \"id\" in the answer: it keeps that id for every later "
             "request (okta-behaviour §1.2, §3 item 21).";
    }
  }
  return "";
}

void FailFromTasks(CheckResult& r, const std::vector<Task>& tasks, const std::string& what, const std::string& base) {
  std::string d = Diagnose(r, base);
  std::string task = tasks.empty() ? "" : tasks.back().message;
  std::string e = what;
  if (!d.empty()) e += " " + d;
  if (d.empty() && !task.empty()) e += " " + task;
  Fail(r, e, task);
}

}  // namespace okta::check
