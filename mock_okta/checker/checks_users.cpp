// The user checks: Okta's user flows (okta-behaviour §1.2–§1.6) run through
// the engine for one app (r.profile), each with fresh users.
#include "core/http.h"
#include "mock_okta/checker/checks.h"
#include "mock_okta/flows.h"

namespace okta::check {

using core::Json;

namespace {


// Creates an Okta user, assigns it to the profile's app and waits; the tasks that opened.
std::vector<Task> AssignNew(CheckContext& c, const std::string& profile, const std::string& login,
                            const std::string& first, const std::string& last, std::string* uid) {
  auto u = c.NewUser(login, first, last);
  if (!u.ok()) return {};
  *uid = *u;
  Logged(c.Assign(profile, *uid), "Assign");
  c.Settle();
  return c.NewTasks();
}

// GET /Users/{id} directly; the body (null unless 200).
Json GetUser(CheckContext& c, const std::string& remote_id, int* status = nullptr) {
  ScimExchange ex = c.Direct(GetRequest(c.Wire(), "/Users/" + remote_id));
  if (status) *status = ex.status;
  return ex.status == 200 ? BodyJson(ex.body) : Json();
}

std::optional<bool> ActiveOf(const Json& user) {
  const Json* a = user.is_object() ? core::FindKeyCi(user, "active") : nullptr;
  if (!a || !a->is_boolean()) return std::nullopt;
  return a->get<bool>();
}

// Did a POST /Users go out at or after exchange `from`?
const Exchange* PostAfter(const CheckResult& r, size_t from) {
  for (size_t i = from; i < r.exchanges.size(); ++i) {
    const Exchange& e = r.exchanges[i];
    if (e.method == "POST" && e.url.size() >= 6 && e.url.compare(e.url.size() - 6, 6, "/Users") == 0) return &e;
  }
  return nullptr;
}

void LinkImpl(CheckContext& c, CheckResult& r, bool other_case) {
  const std::string& base = c.opts.base_url;
  std::string login = c.Login(std::string(other_case ? "linkcase-" : "link-") + Short(r.profile));
  std::string server_name = other_case ? Upper(login) : login;
  ScimExchange ex;
  std::string existing = c.DirectCreate(server_name, &ex);
  if (existing.empty()) {
    return Skip(r,
                "Could not create the existing user directly: POST /Users answered " + std::to_string(ex.status) + ".");
  }
  size_t from = r.exchanges.size();
  std::string uid;
  auto tasks = AssignNew(c, r.profile, login, "Check", "Link", &uid);
  auto au = c.AppUserOf(r.profile, uid);
  const Exchange* post = PostAfter(r, from);
  std::string lookup = "Okta's lookup (filter " + c.opts.unique_field + " eq \"" + login +
                       "\") did not find the user \"" + server_name +
                       "\" that already exists on the server, so Okta tried to create it.";
  std::string why = other_case ? " SCIM userName is case-insensitive (RFC 7643 §4.1.1): the username in Okta and the "
                                 "one the server holds can differ in case, and filters must match regardless "
                                 "(okta-behaviour §3 item 9)."
                               : "";
  if (post && (post->status < 200 || post->status >= 300)) {
    return Fail(r, lookup + why + " " + Brief(*post, base) + ".", tasks.empty() ? "" : tasks.back().message);
  }
  if (post) {
    return Fail(r, lookup + why + " The server accepted it and now holds two users for one person (" + existing +
                       " and the new one); Okta linked the new one.");
  }
  if (!tasks.empty() || !au || au->external_id.empty()) {
    return FailFromTasks(r, tasks, "Linking the existing user (GET, then PUT with Okta's profile) failed.", base);
  }
  if (au->external_id != existing) {
    return Fail(r, "Okta linked the user to id " + au->external_id + ", not to the existing user " + existing + ".");
  }
}

void CharsImpl(CheckContext& c, CheckResult& r, const std::string& login, const char* first, const char* last,
               const std::string& what) {
  const std::string& base = c.opts.base_url;
  std::string profile = c.FirstProfile();
  std::string uid;
  auto tasks = AssignNew(c, profile, login, first, last, &uid);
  auto au = c.AppUserOf(profile, uid);
  if (!tasks.empty() || !au || au->external_id.empty()) {
    return FailFromTasks(r, tasks, "Provisioning a user whose username contains " + what + " failed.", base);
  }
  ScimExchange found = c.Direct(FindUserRequest(c.Wire(), c.opts.unique_field, login));
  auto hits = found.status == 200 ? ListResources(BodyJson(found.body)) : std::vector<Json>{};
  if (hits.size() != 1 || IdOf(hits[0]) != au->external_id) {
    return Fail(r, "After the create, Okta's lookup filter for \"" + login + "\" found " + std::to_string(hits.size()) +
                       " user(s) (answer " + std::to_string(found.status) +
                       "). The next assignment or reactivation "
                       "would not find this user. Check how the filter value is decoded: Okta percent-encodes it "
                       "(%2B for '+', %22 for '\"', UTF-8 bytes for other characters) and escapes quotes with a "
                       "backslash (okta-behaviour §1.0).");
  }
  Json user = GetUser(c, au->external_id);
  const Json* name = user.is_object() ? core::FindKeyCi(user, "userName") : nullptr;
  if (!name || !name->is_string() || name->get<std::string>() != login) {
    return Fail(r, "The server stored the userName as " + (name ? name->dump() : std::string("nothing")) +
                       " instead of \"" + login + "\"; Okta matches users by the exact value it sent.");
  }
}

}  // namespace

void UserCreate(CheckContext& c, CheckResult& r) {
  std::string login = c.Login("create-" + Short(r.profile));
  std::string uid;
  auto tasks = AssignNew(c, r.profile, login, "Check", "Create", &uid);
  auto au = c.AppUserOf(r.profile, uid);
  if (!tasks.empty() || !au || au->external_id.empty()) {
    return FailFromTasks(r, tasks, "Assigning a new user did not provision it (lookup by filter, then POST /Users).",
                         c.opts.base_url);
  }
  auto posts = Find(r, "POST", "/Users");
  const Exchange* post = posts.empty() ? nullptr : posts.back();  // after any 429s, the create that worked
  if (!post)
    return Warn(r, "The lookup found a user named " + login + " already, so Okta linked it instead of creating one.");
  Json body = BodyJson(post->response_body);
  if (post->status != 201)
    Warn(r, "The create answered " + std::to_string(post->status) + "; Okta expects 201 Created.");
  const Json* meta = core::FindKeyCi(body, "meta");
  if (!meta || !meta->is_object() || !core::FindKeyCi(*meta, "resourceType")) {
    Warn(r, "The created user has no meta.resourceType; Okta's reference says it should be there (§1.2).");
  }
  const Json* name = core::FindKeyCi(body, "userName");
  if (!name || !name->is_string() || !core::EqualsCi(name->get<std::string>(), login)) {
    Warn(r, "The created user does not echo the userName Okta sent.");
  }
}

void UserLink(CheckContext& c, CheckResult& r) { LinkImpl(c, r, false); }
void UserLinkCase(CheckContext& c, CheckResult& r) { LinkImpl(c, r, true); }

void UserUpdate(CheckContext& c, CheckResult& r) {
  std::string why;
  auto p = c.Provision(r.profile, "update-" + Short(r.profile), &why);
  if (!p) return Skip(r, "Setup failed: could not provision a user: " + why);
  Logged(c.org().UpdateUser(p->uid, Json{{"lastName", "Updated"}}, true, std::nullopt), "UpdateUser");
  c.Settle();
  auto tasks = c.NewTasks();
  if (!tasks.empty()) {
    return FailFromTasks(r, tasks,
                         "Okta's profile update (GET the user, then PUT the server's own answer with the "
                         "change written over it) failed.",
                         c.opts.base_url);
  }
  Json user = GetUser(c, p->remote_id);
  const Json* name = user.is_object() ? core::FindKeyCi(user, "name") : nullptr;
  const Json* family = name && name->is_object() ? core::FindKeyCi(*name, "familyName") : nullptr;
  if (!family || *family != "Updated") {
    return Fail(r, "The PUT was accepted, but a GET afterwards shows name.familyName " +
                       (family ? family->dump() : std::string("missing")) +
                       " instead of \"Updated\": the server did "
                       "not keep Okta's change.");
  }
  auto puts = Find(r, "PUT", "/Users/");
  if (!puts.empty() && puts.back()->status == 204)
    Warn(r, "The PUT answered 204; Okta expects 200 with the user (§1.3).");
}

void UserDeactivate(CheckContext& c, CheckResult& r) {
  std::string why;
  auto p = c.Provision(r.profile, "deactivate-" + Short(r.profile), &why);
  if (!p) return Skip(r, "Setup failed: could not provision a user: " + why);
  Logged(c.org().UnassignUser(c.AppId(r.profile), p->uid), "UnassignUser");
  c.Settle();
  auto tasks = c.NewTasks();
  if (!tasks.empty()) {
    return FailFromTasks(r, tasks,
                         IsOin(r) ? "Okta's deactivation (PATCH with {\"active\":false} and no path) failed."
                                  : "Okta's deactivation (GET, then PUT with \"active\":false) failed.",
                         c.opts.base_url);
  }
  int status = 0;
  Json user = GetUser(c, p->remote_id, &status);
  if (status == 404) {
    return Warn(r,
                "The user is gone after the deactivation. Okta never deletes users: it deactivates them and "
                "reactivates the same id later (okta-behaviour §1.4, §1.5).");
  }
  if (ActiveOf(user) != false) {
    return Fail(r,
                "The deactivation was accepted, but a GET afterwards does not show \"active\": false; the user "
                "keeps access after Okta removed it.");
  }
}

void UserReactivate(CheckContext& c, CheckResult& r) {
  std::string why;
  auto p = c.Provision(r.profile, "reactivate-" + Short(r.profile), &why);
  if (!p) return Skip(r, "Setup failed: could not provision a user: " + why);
  Logged(c.org().UnassignUser(c.AppId(r.profile), p->uid), "UnassignUser");
  c.Settle();
  if (auto t = c.NewTasks(); !t.empty()) return Skip(r, "Setup failed: the deactivation failed: " + t.back().message);
  Logged(c.Assign(r.profile, p->uid), "Assign");
  c.Settle();
  auto tasks = c.NewTasks();
  auto au = c.AppUserOf(r.profile, p->uid);
  if (!tasks.empty() || !au || !au->remote_active) {
    return FailFromTasks(r, tasks,
                         IsOin(r) ? "Okta's reactivation (lookup, PATCH {\"active\":true}, GET, PUT) failed."
                                  : "Okta's reactivation (lookup, GET, PUT active:true, GET, PUT) failed.",
                         c.opts.base_url);
  }
  if (au->external_id != p->remote_id) {
    return Fail(r, "The lookup did not find the deactivated user, so Okta created a new one (" + au->external_id +
                       "): lookups must find inactive users too.");
  }
  if (ActiveOf(GetUser(c, p->remote_id)) != true) {
    return Fail(r, "The reactivation was accepted, but a GET afterwards does not show \"active\": true.");
  }
}

void UserPassword(CheckContext& c, CheckResult& r) {
  std::string why;
  auto p = c.Provision(r.profile, "password-" + Short(r.profile), &why);
  if (!p) return Skip(r, "Setup failed: could not provision a user: " + why);
  Logged(c.org().UpdateUser(p->uid, Json::object(), true, std::string("Chk-New-Passw0rd-2")), "UpdateUser");
  c.Settle();
  auto tasks = c.NewTasks();
  if (!tasks.empty()) {
    return FailFromTasks(r, tasks,
                         IsOin(r) ? "Okta's password push (PATCH replacing \"password\", no path) failed."
                                  : "Okta's password push (GET, then PUT with \"password\") failed.",
                         c.opts.base_url);
  }
}

// A create that collides: the same user is created on the server between
// Okta's lookup and its POST (the race Okta's assignments can run into).
void UserConflict(CheckContext& c, CheckResult& r) {
  std::string profile = c.FirstProfile();
  std::string login = c.Login("conflict");
  auto uid = c.NewUser(login, "Check", "Conflict");
  if (!uid.ok()) return Skip(r, "Setup failed: " + uid.error().detail);
  std::string raced;
  c.sender.SetHook([&c, &raced, login](const ScimRequest& req, const ScimExchange& ex) {
    if (!raced.empty() || req.method != "GET" || req.query.find("filter=") == std::string::npos) return;
    if (req.query.find(core::UrlEncode(login)) == std::string::npos) return;
    auto hits = ex.status == 200 ? ListResources(BodyJson(ex.body)) : std::vector<Json>{};
    if ((ex.status == 200 || ex.status == 404) && hits.empty()) {
      ScimExchange made;
      raced = c.DirectCreate(login, &made);
      if (raced.empty()) raced = "-";
    }
  });
  Logged(c.Assign(profile, *uid), "Assign");
  c.Settle();
  c.sender.SetHook(nullptr);
  auto tasks = c.NewTasks();
  if (raced.empty() || raced == "-") return Skip(r, "Setup failed: could not create the colliding user directly.");
  auto posts = Find(r, "POST", "/Users");
  if (posts.size() < 2) return Skip(r, "Okta did not send its create after the lookup.");
  const Exchange& post = *posts.back();
  if (post.status >= 200 && post.status < 300) {
    return Fail(r, "The server accepted a second user with the same userName \"" + login + "\" (it already held " +
                       raced +
                       "). A create that collides must answer 409 with a SCIM error (uniqueness); otherwise "
                       "one person ends up as two accounts (okta-behaviour §1.2, §1.9).");
  }
  if (post.status != 409) {
    return Fail(r,
                "A create whose userName is taken answered " + std::to_string(post.status) + " instead of 409. " +
                    Brief(post, c.opts.base_url) + ".",
                tasks.empty() ? "" : tasks.back().message);
  }
  Json body = BodyJson(post.response_body);
  const Json* schemas = core::FindKeyCi(body, "schemas");
  if (!schemas || schemas->dump().find("messages:2.0:Error") == std::string::npos) {
    Warn(r, "The 409 has no SCIM error body; the task an Okta admin sees then carries no explanation.");
  }
}

void UserPlus(CheckContext& c, CheckResult& r) { CharsImpl(c, r, c.Login("plus+tag"), "Check", "Plus", "a '+'"); }
void UserQuotes(CheckContext& c, CheckResult& r) {
  CharsImpl(c, r, c.Login("quote-o'neil-\"q\""), "Check", "O'Neil", "quotes");
}
void UserUnicode(CheckContext& c, CheckResult& r) {
  CharsImpl(c, r, c.Login("unicode-jos\xC3\xA9-m\xC3\xBCller-\xE6\x9D\xB1\xE4\xBA\xAC"), "Jos\xC3\xA9", "M\xC3\xBCller",
            "non-ASCII characters");
}

}  // namespace okta::check
