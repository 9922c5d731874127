// The group checks: Okta's Group Push (okta-behaviour §1.7) through the
// engine for one app (r.profile), each with a fresh group and fresh members.
#include <algorithm>
#include <set>

#include "mock_okta/checker/checks.h"
#include "mock_okta/flows.h"

namespace okta::check {

using core::Json;

namespace {

constexpr int kBatchMembers = 101;  // more than one PATCH batch of 100 (patchBatchSize)


// A failure message as the task an admin would see it.
std::vector<Task> AsTasks(const std::string& message) {
  std::vector<Task> t(1);
  t[0].message = message;
  return t;
}

// n new users assigned to the profile's app and provisioned (one wait for all).
std::vector<Provisioned> ProvisionMany(CheckContext& c, const std::string& profile, const std::string& tag, int n,
                                       std::string* why) {
  std::vector<Provisioned> out;
  for (int i = 0; i < n; ++i) {
    Provisioned p;
    p.login = c.Login(tag + "-" + std::to_string(i + 1));
    auto uid = c.NewUser(p.login, "Check", "Member");
    if (!uid.ok() || !c.Assign(profile, *uid).ok()) {
      *why = "could not create or assign an Okta user";
      return {};
    }
    p.uid = *uid;
    out.push_back(p);
  }
  c.Settle();
  auto tasks = c.NewTasks();
  for (auto& p : out) {
    auto au = c.AppUserOf(profile, p.uid);
    if (!au || au->external_id.empty()) {
      *why = tasks.empty() ? "a member was not provisioned" : tasks.back().message;
      return {};
    }
    p.remote_id = au->external_id;
  }
  return out;
}

std::vector<std::string> Uids(const std::vector<Provisioned>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.uid);
  return out;
}

std::set<std::string> RemoteIds(const std::vector<Provisioned>& ps) {
  std::set<std::string> out;
  for (const auto& p : ps) out.insert(p.remote_id);
  return out;
}

// GET /Groups/{id}: the group, or null.
Json GetGroup(CheckContext& c, const std::string& remote_id, int* status = nullptr) {
  ScimExchange ex = c.Direct(GetRequest(c.Wire(), "/Groups/" + remote_id));
  if (status) *status = ex.status;
  return ex.status == 200 ? BodyJson(ex.body) : Json();
}

// Checks the server's member list against `want`; false (and r set) when it differs.
bool MembersAre(CheckContext& c, CheckResult& r, const std::string& remote_gid, const std::set<std::string>& want) {
  Json g = GetGroup(c, remote_gid);
  const Json* members = g.is_object() ? core::FindKeyCi(g, "members") : nullptr;
  if (!members || !members->is_array()) {
    Warn(r, "GET /Groups/" + remote_gid + " shows no members array, so the checker could not confirm the membership.");
    return true;
  }
  std::set<std::string> got;
  for (const auto& m : *members) {
    if (m.is_object() && m.contains("value") && m["value"].is_string()) got.insert(m["value"].get<std::string>());
  }
  if (got == want) return true;
  Fail(r, "The server accepted Okta's membership requests, but GET /Groups/" + remote_gid + " lists " +
              std::to_string(got.size()) + " member(s) where Okta pushed " + std::to_string(want.size()) +
              " (members are the users' SCIM ids, sent as {\"value\",\"display\"} without type or $ref, §3 item 4).");
  return false;
}

// Setup shared by the checks that start from a pushed group of `n` members.
struct PushedSetup {
  std::vector<Provisioned> users;
  Pushed pushed;
};
std::optional<PushedSetup> PushedGroup(CheckContext& c, CheckResult& r, const std::string& tag, int n, int in_group) {
  std::string why;
  PushedSetup s;
  s.users = ProvisionMany(c, r.profile, tag + "-" + Short(r.profile), n, &why);
  if (s.users.empty()) {
    Skip(r, "Setup failed: could not provision the members: " + why);
    return std::nullopt;
  }
  std::vector<std::string> uids = Uids(s.users);
  uids.resize(static_cast<size_t>(in_group));
  auto gid = c.NewGroup("group-" + tag + "-" + Short(r.profile), uids);
  if (!gid.ok()) {
    Skip(r, "Setup failed: " + gid.error().detail);
    return std::nullopt;
  }
  auto pushed = c.Push(r.profile, *gid, &why);
  if (!pushed) {
    Skip(r, "Setup failed: the group push failed: " + why);
    return std::nullopt;
  }
  s.pushed = *pushed;
  return s;
}

std::string MembersWhat(const CheckResult& r) {
  return IsOin(r) ? "Okta's membership PATCH (remove by path members[value eq \"…\"], add with an array of "
                    "{value, display}, then GET and a PATCH repeating the name) failed."
                  : "Okta's membership update (GET the group, then PUT it with the whole member list) failed.";
}

}  // namespace

void GroupCreate(CheckContext& c, CheckResult& r) {
  std::string why;
  auto users = ProvisionMany(c, r.profile, "gcreate-" + Short(r.profile), 2, &why);
  if (users.empty()) return Skip(r, "Setup failed: could not provision the members: " + why);
  auto gid = c.NewGroup("group-create-" + Short(r.profile), Uids(users));
  if (!gid.ok()) return Skip(r, "Setup failed: " + gid.error().detail);
  auto pushed = c.Push(r.profile, *gid, &why);
  if (!pushed) {
    return FailFromTasks(r, AsTasks(why),
                         "Okta's group push (lookup by displayName, POST /Groups with members:[], "
                         "then the members) failed.",
                         c.opts.base_url);
  }
  if (!MembersAre(c, r, pushed->remote_id, RemoteIds(users))) return;
  auto posts = Find(r, "POST", "/Groups");
  if (!posts.empty() && posts.back()->status != 201) {
    Warn(r, "The group create answered " + std::to_string(posts.back()->status) + "; Okta expects 201 Created.");
  }
}

void GroupMembers(CheckContext& c, CheckResult& r) {
  auto s = PushedGroup(c, r, "members", 3, 2);
  if (!s) return;
  auto gid = s->pushed.group_id;
  Logged(c.org().AddGroupMember(gid, s->users[2].uid), "AddGroupMember");
  Logged(c.org().RemoveGroupMember(gid, s->users[0].uid), "RemoveGroupMember");
  c.Settle();
  auto tasks = c.NewTasks();
  if (!tasks.empty()) return FailFromTasks(r, tasks, MembersWhat(r), c.opts.base_url);
  MembersAre(c, r, s->pushed.remote_id, {s->users[1].remote_id, s->users[2].remote_id});
}

void GroupBatch(CheckContext& c, CheckResult& r) {
  std::string why;
  auto users = ProvisionMany(c, r.profile, "batch-" + Short(r.profile), kBatchMembers, &why);
  if (users.empty()) return Skip(r, "Setup failed: could not provision the members: " + why);
  auto gid = c.NewGroup("group-batch-" + Short(r.profile), Uids(users));
  if (!gid.ok()) return Skip(r, "Setup failed: " + gid.error().detail);
  auto pushed = c.Push(r.profile, *gid, &why);
  if (!pushed) {
    return FailFromTasks(r, AsTasks(why),
                         IsOin(r) ? "Pushing 101 members (PATCH batches of at most 100 changes) failed."
                                  : "Pushing 101 members (one PUT with the whole list) failed.",
                         c.opts.base_url);
  }
  MembersAre(c, r, pushed->remote_id, RemoteIds(users));
}

void GroupRename(CheckContext& c, CheckResult& r) {
  auto s = PushedGroup(c, r, "rename", 1, 1);
  if (!s) return;
  std::string name = c.prefix + "group-renamed-" + Short(r.profile);
  Logged(c.org().UpdateGroup(s->pushed.group_id, name, "created by okta-sandbox check"), "UpdateGroup");
  c.Settle();
  auto tasks = c.NewTasks();
  if (!tasks.empty()) {
    return FailFromTasks(r, tasks,
                         IsOin(r) ? "Okta's rename (PATCH replace without a path, whose value repeats the "
                                    "group's id) failed."
                                  : "Okta's rename (GET, then PUT of the group) failed.",
                         c.opts.base_url);
  }
  Json g = GetGroup(c, s->pushed.remote_id);
  const Json* dn = g.is_object() ? core::FindKeyCi(g, "displayName") : nullptr;
  if (!dn || *dn != name) {
    Fail(r, "The rename was accepted, but GET afterwards shows displayName " +
                (dn ? dn->dump() : std::string("missing")) + ".");
  }
}

void GroupPushNow(CheckContext& c, CheckResult& r) {
  auto s = PushedGroup(c, r, "pushnow", 2, 2);
  if (!s) return;
  Logged(c.org().PushNow(c.AppId(r.profile), s->pushed.mapping_id), "PushNow");
  c.Settle();
  auto tasks = c.NewTasks();
  if (!tasks.empty()) {
    return FailFromTasks(r, tasks,
                         IsOin(r) ? "Okta's Push Now (PATCH replace of path members with every member) failed."
                                  : "Okta's Push Now (GET, then PUT with every member) failed.",
                         c.opts.base_url);
  }
  MembersAre(c, r, s->pushed.remote_id, RemoteIds(s->users));
}

void GroupDelete(CheckContext& c, CheckResult& r) {
  auto s = PushedGroup(c, r, "delete", 1, 1);
  if (!s) return;
  Logged(c.org().SetGroupPushStatus(c.AppId(r.profile), s->pushed.mapping_id, false), "SetGroupPushStatus");
  Logged(c.org().DeleteGroupPush(c.AppId(r.profile), s->pushed.mapping_id, true), "DeleteGroupPush");
  c.Settle();
  auto tasks = c.NewTasks();
  if (!tasks.empty()) {
    return FailFromTasks(r, tasks,
                         "Okta's unlink with \"delete the group in the target app\" (DELETE /Groups/{id}) failed.",
                         c.opts.base_url);
  }
  int status = 0;
  GetGroup(c, s->pushed.remote_id, &status);
  if (status != 404) {
    return Fail(r, "The DELETE was accepted, but GET /Groups/" + s->pushed.remote_id + " then answered " +
                       std::to_string(status) + " instead of 404.");
  }
  auto dels = Find(r, "DELETE", "/Groups/");
  if (!dels.empty() && dels.back()->status != 204) {
    Warn(r, "The DELETE answered " + std::to_string(dels.back()->status) + "; Okta expects 204 No Content.");
  }
}

}  // namespace okta::check
