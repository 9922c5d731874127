// The group push flows and imports. A group flow knows its whole request
// sequence once it has read the mapping, so it plans it up front and the
// remaining stage only walks the plan.
#include <set>

#include "mock_okta/flows.h"

namespace okta {

using core::Json;

namespace {

constexpr const char* kGroupPush = "application.provision.group_push.push";
constexpr const char* kGroupPushText = "Push group to external application";
constexpr const char* kMemberships = "application.provision.group_push.push_memberships";
constexpr const char* kMembershipsText = "Push group memberships to external application";
constexpr const char* kUpdated = "application.provision.group_push.updated";
constexpr const char* kUpdatedText = "Update pushed group in external application";
constexpr const char* kDeleted = "application.provision.group_push.deleted";
constexpr const char* kDeletedText = "Delete pushed group in external application";

constexpr int kMembersStart = 100;  // GroupPushStep hands over to the members flow here
constexpr int kWalkPlan = 101;

std::string GroupPath(const std::string& id) { return "/Groups/" + id; }

// The next planned request, or `finished` once all were answered.
Step WalkPlan(FlowState& st, const LogLine& failed, Step finished) {
  if (st.next < st.planned.size()) {
    const PlannedRequest& p = st.planned[st.next++];
    return Send(p.request, st.what, p.expect, failed);
  }
  return finished;
}

void Plan(FlowState& st, ScimRequest req, Expect expect) { st.planned.push_back({std::move(req), expect}); }

// ---- group push: lookup → create or link, then the members ----------------------------
enum GroupPushStage { kStart, kReadLookup, kCreate, kReadCreate, kLinked };

Step GroupLookupOrCreate(const FlowInput& in, FlowState& st) {
  const PushState& ps = *st.push;
  const Provisioning& p = in.app.prov;
  st.name = ps.mapping.target_group_name.empty() ? ps.group.name : ps.mapping.target_group_name;
  st.subject = st.name;
  if (p.group_lookup_before_create || ps.mapping.link_existing) {
    st.stage = kReadLookup;
    return Send(FindGroupRequest(in.wire, st.name), "find group '" + st.name + "'", Expect::k200or404,
                Failed(kGroupPush, kGroupPushText));
  }
  st.stage = kCreate;
  return Continue();
}

Step ReadGroupLookup(FlowState& st, const ScimExchange& ex) {
  bool link_existing = st.push->mapping.link_existing;
  if (ex.status == 200) {
    auto list = core::ParseJson(ex.body);
    if (list.ok()) {
      auto res = ListResources(*list);
      if (!res.empty()) st.remote_id = IdOf(res[0]);
    }
  }
  if (!st.remote_id.empty() && !link_existing) {
    // The create fails unless the admin chose Link Group. [O] S31, [D] S10
    std::string m = "Error while trying to create group '" + st.name +
                    "': a group with this name already exists in the app; link it instead";
    return Fail(m, {Failed(kGroupPush, kGroupPushText, m)});
  }
  if (st.remote_id.empty() && link_existing) {
    std::string m = "Error while trying to link group '" + st.name + "': no group with this name in the app";
    return Fail(m, {Failed(kGroupPush, kGroupPushText, m)});
  }
  st.stage = kCreate;
  return Continue();
}

}  // namespace

Step GroupPushStep(const FlowInput& in, FlowState& st, const ScimExchange* last) {
  if (st.stage >= kMembersStart) return GroupMembersStep(in, st, last);
  switch (st.stage) {
    case kStart:
      st.push = in.push;
      if (!st.push || st.push->mapping.status == "INACTIVE") return Done();
      if (!st.push->mapping.target_group_id.empty()) {  // already linked: Push Now
        st.push_now = true;
        st.stage = kMembersStart;
        return GroupMembersStep(in, st, nullptr);
      }
      return GroupLookupOrCreate(in, st);
    case kReadLookup: return ReadGroupLookup(st, *last);
    case kCreate:
      if (!st.remote_id.empty()) {
        st.stage = kLinked;
        return Continue();
      }
      st.stage = kReadCreate;
      return Send(BodyRequest(in.wire, "POST", "/Groups", GroupCreateBody(st.name)), "create group '" + st.name + "'",
                  Expect::k2xx, Failed(kGroupPush, kGroupPushText));
    case kReadCreate: {
      auto body = core::ParseJson(last->body);
      st.remote_id = body.ok() ? IdOf(*body) : "";
      if (st.remote_id.empty()) {
        return Fail("Create new group returned empty group.",
                    {Failed(kGroupPush, kGroupPushText, "Create new group returned empty group.")});
      }
      st.stage = kLinked;
      return Continue();
    }
    default: {  // kLinked: the mapping now points at the SCIM group; push the members
      GroupPush& m = st.push->mapping;
      m.target_group_id = st.remote_id;
      m.pushed_name = st.name;
      m.pushed_member_ids.clear();
      m.status = "ACTIVE";
      st.stage = kMembersStart;
      return Continue({Ok(kGroupPush, kGroupPushText)}, {Effect{Effect::Kind::kGroupLinked, st.remote_id, st.name, {}, {}}});
    }
  }
}

// ---- members: the diff since the last push (or all of them on Push Now) -----------------
namespace {
// Profile A: PATCH batches (or one replace on Push Now), then — "the group name
// update is triggered with each membership update" [D] S1, [O] S36 — GET and a
// rename PATCH. Profile B: GET, then PUT of the whole group.
bool PlanMembers(const FlowInput& in, FlowState& st) {
  const PushState& ps = *st.push;
  const Provisioning& p = in.app.prov;
  const std::string& gid = ps.mapping.target_group_id;
  std::string path = GroupPath(gid);
  std::set<std::string> want(ps.member_user_ids.begin(), ps.member_user_ids.end());
  std::set<std::string> had(ps.mapping.pushed_member_ids.begin(), ps.mapping.pushed_member_ids.end());
  std::vector<std::string> remove_ids;
  for (const auto& uid : ps.mapping.pushed_member_ids) {
    auto remote = ps.remote_of.find(uid);
    if (!want.count(uid) && remote != ps.remote_of.end()) remove_ids.push_back(remote->second);
  }
  std::vector<Member> add;
  for (size_t i = 0; i < ps.member_user_ids.size(); ++i) {
    if (!had.count(ps.member_user_ids[i])) add.push_back(ps.members[i]);
  }
  if (!st.push_now && remove_ids.empty() && add.empty()) return false;
  if (in.profile == ClientProfile::kAiwPut) {
    Plan(st, GetRequest(in.wire, path), Expect::k200);
    Plan(st, BodyRequest(in.wire, "PUT", path, GroupPutBody(p.group_put_includes_id ? gid : "", st.name, ps.members)),
         Expect::k2xx);
    return true;
  }
  if (st.push_now) {
    Plan(st, BodyRequest(in.wire, "PATCH", path, GroupReplaceMembersPatchBody(ps.members)), Expect::k2xx);
  } else {
    for (const auto& body : BatchedMembersPatches(remove_ids, add, p.patch_batch_size)) {
      Plan(st, BodyRequest(in.wire, "PATCH", path, body), Expect::k2xx);
    }
  }
  if (p.rename_after_membership_patch) {
    Plan(st, GetRequest(in.wire, path), Expect::k200);
    Plan(st, BodyRequest(in.wire, "PATCH", path, GroupRenamePatchBody(gid, st.name)), Expect::k2xx);
  }
  return true;
}
}  // namespace

Step GroupMembersStep(const FlowInput& in, FlowState& st, const ScimExchange*) {
  if (st.stage < kMembersStart) {  // a group_members or group_push_now job
    st.push = in.push;
    st.push_now = in.job.kind == JobKind::kGroupPushNow;
    st.stage = kMembersStart;
  }
  if (st.stage == kMembersStart) {
    if (!st.push || st.push->mapping.target_group_id.empty() || st.push->mapping.status == "INACTIVE") return Done();
    const PushState& ps = *st.push;
    st.name = ps.mapping.pushed_name.empty() ? ps.group.name : ps.mapping.pushed_name;
    if (in.app.prov.rename_groups) st.name = ps.group.name;
    st.subject = st.name;
    st.what = "push memberships of group '" + st.name + "'";
    st.planned.clear();
    st.next = 0;
    if (!PlanMembers(in, st)) return Done();
    st.stage = kWalkPlan;
  }
  Effect pushed{Effect::Kind::kGroupMembersPushed, "", st.name, {}, st.push->member_user_ids};
  return WalkPlan(st, Failed(kMemberships, kMembershipsText), Done({Ok(kMemberships, kMembershipsText)}, {pushed}));
}

// ---- rename: Profile A path-less PATCH; Profile B GET + PUT with the pushed members ----
Step GroupRenameStep(const FlowInput& in, FlowState& st, const ScimExchange*) {
  if (st.stage == 0) {
    const std::optional<PushState>& ps = in.push;
    if (!ps || ps->mapping.target_group_id.empty() || ps->mapping.status != "ACTIVE") return Done();
    if (ps->group.name == ps->mapping.pushed_name) return Done();
    const std::string& gid = ps->mapping.target_group_id;
    std::string path = GroupPath(gid);
    st.name = ps->group.name;
    st.subject = st.name;
    st.what = "rename group '" + ps->mapping.pushed_name + "' to '" + st.name + "'";
    if (in.profile == ClientProfile::kOinPatch) {
      Plan(st, BodyRequest(in.wire, "PATCH", path, GroupRenamePatchBody(gid, st.name)), Expect::k2xx);
    } else {
      std::vector<Member> pushed;
      for (const auto& uid : ps->mapping.pushed_member_ids) {
        for (size_t i = 0; i < ps->member_user_ids.size(); ++i) {
          if (ps->member_user_ids[i] == uid) pushed.push_back(ps->members[i]);
        }
      }
      Plan(st, GetRequest(in.wire, path), Expect::k200);
      Plan(st, BodyRequest(in.wire, "PUT", path, GroupPutBody(in.app.prov.group_put_includes_id ? gid : "", st.name, pushed)),
           Expect::k2xx);
    }
    st.stage = 1;
  }
  Effect renamed{Effect::Kind::kGroupRenamed, "", st.name, {}, {}};
  return WalkPlan(st, Failed(kUpdated, kUpdatedText), Done({Ok(kUpdated, kUpdatedText)}, {renamed}));
}

// ---- unlink with "delete the group in the app": DELETE [D] S1, S10 ------------------------
Step GroupDeleteStep(const FlowInput& in, FlowState& st, const ScimExchange*) {
  if (st.stage++ == 0) {
    return Send(DeleteRequest(in.wire, GroupPath(in.job.target_id)), "delete group '" + in.job.target_id + "'",
                Expect::k2xx, Failed(kDeleted, kDeletedText));
  }
  return Done({Ok(kDeleted, kDeletedText)});
}

// ---- imports: pages of 100 from startIndex 1 until totalResults ----------------------------
Step ImportStep(const FlowInput& in, FlowState& st, const ScimExchange* last) {
  bool groups = in.job.kind == JobKind::kImportGroups;
  const char* event = groups ? "application.provision.group.import" : "application.provision.user.import";
  const char* display = groups ? "Import groups from external application" : "Import users from external application";
  std::string what = groups ? "import groups" : "import users";
  if (last) {
    auto list = core::ParseJson(last->body);
    std::optional<long long> total = list.ok() ? ListTotal(*list) : std::nullopt;
    if (!total) {
      std::string m = "Error while trying to " + what + ": Invalid response: totalResults must be an integer";
      return Fail(m, {Failed(event, display, m)});
    }
    auto res = ListResources(*list);
    for (auto& r : res) {
      const Json* active = core::FindKeyCi(r, "active");
      if (!groups && active && active->is_boolean() && !active->get<bool>()) continue;  // inactive users are not imported
      st.items.push_back(r);
    }
    st.start_index += 100;
    if (res.empty() || st.start_index > *total) {
      return Done({Ok(event, display, std::to_string(st.items.size()) + " imported")});
    }
  }
  auto req = groups ? ListGroupsRequest(in.wire, st.start_index, 100) : ListUsersRequest(in.wire, st.start_index, 100);
  return Send(req, what, Expect::k200, Failed(event, display));
}

}  // namespace okta
