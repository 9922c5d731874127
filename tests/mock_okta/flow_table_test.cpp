// The flow table: every provisioning flow × both client profiles (aiw_put,
// oin_patch), run through the real Org → Engine → Executor path against a
// RecordingSender (no sockets), and compared with the exact request sequence
// Okta sends: "METHOD target", the header block in Okta's order and the body
// bytes. Expected bodies are literals from docs/okta-behaviour.md (§1.0–§1.8)
// and the byte-level examples in planner_test.cpp, never made with the
// production builders. The in-memory server's own representation (what a PUT
// echoes) is the RecordingSender's: "id" first, the created body without
// "password", then "meta":{"resourceType":…}.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"
#include "mock_okta/engine.h"
#include "mock_okta/okta_ids.h"
#include "mock_okta/okta_store.h"
#include "mock_okta/org.h"
#include "tests/mock_okta/recording_sender.h"

using core::Json;
using namespace testing_okta;

namespace {

constexpr const char* kBaseUrl = "http://scim.test/scim/v2";
constexpr const char* kToken = "tok-123";
constexpr const char* kPlaceholder = "PWPWPWPW";  // stands for Okta's generated 8-character create password

// ---- the server's side, as literals -------------------------------------------------------
const std::string kLookup1 =
    "GET /Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100";
// POST /Users of test.user (§1.2, the reference example with our ids).
const std::string kCreate1 =
    R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User","locale":"en-US","externalId":"{U1}","groups":[],"password":"PWPWPWPW","active":true})";
// What the server holds for it afterwards (and answers GET /Users/scim-u-1 with).
const std::string kStored1 =
    R"({"id":"scim-u-1","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User","locale":"en-US","externalId":"{U1}","groups":[],"active":true,"meta":{"resourceType":"User"}})";
const std::string kStored1Inactive =
    R"({"id":"scim-u-1","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User","locale":"en-US","externalId":"{U1}","groups":[],"active":false,"meta":{"resourceType":"User"}})";
// §1.4 Profile A: 118 bytes.
const std::string kPatchInactive =
    R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]})";
const std::string kPatchActive =
    R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]})";
const std::string kGroupLookupTestScim =
    "GET /Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100";
const std::string kMember1 = R"({"value":"scim-u-1","display":"test.user@okta.local"})";
const std::string kMember2 = R"({"value":"scim-u-2","display":"b@okta.local"})";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// One expected request: "METHOD target" and the body ("" = none).
struct Want {
  std::string line;
  std::string body;
};

// Okta's header block (§1.0), in Okta's order; Content-Type and Content-Length only with a body.
std::vector<std::string> OktaHeaders(const std::string& body) {
  std::vector<std::string> h = {"Accept: application/scim+json", "Accept-Charset: utf-8"};
  if (!body.empty()) h.push_back("Content-Type: application/scim+json; charset=utf-8");
  h.push_back("User-Agent: Okta SCIM Client 1.0.0");
  h.push_back("Authorization: Bearer tok-123");
  if (!body.empty()) h.push_back("Content-Length: " + std::to_string(body.size()));
  h.push_back("Host: scim.test");
  h.push_back("Connection: Keep-Alive");
  h.push_back("Accept-Encoding: gzip,deflate");
  return h;
}

std::vector<std::string> HeaderLines(const std::vector<okta::Header>& hs) {
  std::vector<std::string> out;
  for (const auto& h : hs) out.push_back(h.name + ": " + h.value);
  return out;
}

// A create body's generated password, replaced by the placeholder once its shape is checked.
std::string MaskPassword(const RecordedRequest& r) {
  if (!(r.method == "POST" && r.target == "/Users")) return r.body;
  static const std::regex pw(R"re("password":"([a-z0-9]{8})")re");
  std::smatch m;
  CHECK(std::regex_search(r.body, m, pw));
  return std::regex_replace(r.body, pw, std::string(R"("password":")") + kPlaceholder + "\"");
}

// The whole comparison: the sequence, then each request's base URL, timeout, headers and body bytes.
void CheckRequests(const std::vector<RecordedRequest>& got, const std::vector<Want>& want) {
  std::vector<std::string> got_lines, want_lines;
  for (const auto& r : got) got_lines.push_back(r.Line());
  for (const auto& w : want) want_lines.push_back(w.line);
  CHECK(got_lines == want_lines);  // CHECK, not REQUIRE: a REQUIRE would skip the table's later rows
  if (got_lines != want_lines) return;
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("request " << i << ": " << want[i].line);
    CHECK(got[i].base_url == kBaseUrl);
    CHECK(got[i].timeout_ms == 60000);
    CHECK(MaskPassword(got[i]) == want[i].body);
    CHECK(HeaderLines(got[i].headers) == OktaHeaders(want[i].body));
  }
}

core::TimePoint Start() { return *core::ParseIso8601("2026-01-01T00:00:00.000Z"); }

// The mock Okta without HTTP: store, ids, clock, org, engine and the recording sender.
struct Sandbox {
  explicit Sandbox(const std::string& profile, const std::function<void(okta::Provisioning&)>& tweak = {})
      : base(Start()), clock(base), store(OpenStore()), ids(42),
        org(*store, ids, clock, std::chrono::milliseconds(60000)), engine(org, sender, clock, 1) {
    org.set_job_sink(&engine);
    engine.Start();
    okta::App a;
    a.label = "Test App";
    a.name = "testapp_1";
    a.sign_on_mode = "AUTO_LOGIN";
    auto created = org.CreateApp(a, true);
    REQUIRE(created.ok());
    app_id = created->id;
    okta::Provisioning p;
    p.scim_enabled = true;
    p.enabled = true;
    p.base_url = kBaseUrl;
    p.auth_mode = "header_bearer";
    p.token = kToken;
    p.unique_field = "userName";
    p.push_new_users = p.push_profile_updates = p.push_groups = true;
    p.import_users = p.import_groups = false;
    p.create_users = p.update_attributes = p.deactivate_users = true;
    p.sync_password = false;
    p.client_profile = profile;
    if (tweak) tweak(p);
    REQUIRE(org.SetProvisioning(app_id, p).ok());
  }
  static std::unique_ptr<okta::OktaStore> OpenStore() {
    auto s = okta::OktaStore::Open(":memory:");
    REQUIRE(s.ok());
    return std::move(*s);
  }

  std::string NewUser(const std::string& login, const std::string& first, const std::string& last) {
    auto u = org.CreateUser(Json{{"login", login}, {"email", login}, {"firstName", first}, {"lastName", last}},
                            "Passw0rd!x", true);
    REQUIRE(u.ok());
    return u->id;
  }
  void Settle() { REQUIRE(engine.WaitIdle(std::chrono::seconds(20))); }
  void Assign(const std::string& uid) { REQUIRE(org.AssignUser(app_id, uid, "").ok()); }
  std::string Provisioned(const std::string& login, const std::string& first, const std::string& last) {
    std::string uid = NewUser(login, first, last);
    Assign(uid);
    Settle();
    auto au = org.GetAppUser(app_id, uid);
    REQUIRE(au.ok());
    REQUIRE(!au->external_id.empty());
    return uid;
  }
  std::string Group(const std::string& name, const std::vector<std::string>& members) {
    auto g = org.CreateGroup(name, "");
    REQUIRE(g.ok());
    for (const auto& m : members) REQUIRE(org.AddGroupMember(g->id, m).ok());
    return g->id;
  }
  // Creates an active push mapping for the group and waits for its push.
  std::string Pushed(const std::string& gid) {
    auto m = org.CreateGroupPush(app_id, gid, "", "", false, true);
    REQUIRE(m.ok());
    Settle();
    auto after = org.GetGroupPush(app_id, m->id);
    REQUIRE(after.ok());
    REQUIRE(after->target_group_id == "scim-g-1");
    return m->id;
  }

  core::ManualClock base;
  okta::SandboxClock clock;
  std::unique_ptr<okta::OktaStore> store;
  okta::OktaIds ids;
  okta::Org org;
  RecordingSender sender;
  okta::Engine engine;
  std::string app_id;
  // Filled by a flow's setup: the Okta ids that stand for {U1} and {U2} in expected bodies.
  std::string u1, u2, group_id, mapping_id;
};

// A row of the table: how to get there (not recorded), the action, and what each profile sends.
struct Flow {
  std::string name;
  std::function<void(okta::Provisioning&)> tweak;
  std::function<void(Sandbox&)> setup;
  std::function<void(Sandbox&)> act;
  std::vector<Want> aiw_put;
  std::vector<Want> oin_patch;
};

std::vector<Flow> FlowTable() {
  const std::string put1 = "PUT /Users/scim-u-1";
  const std::string get1 = "GET /Users/scim-u-1";
  const std::string patch1 = "PATCH /Users/scim-u-1";
  const std::string getg = "GET /Groups/scim-g-1";
  const std::string putg = "PUT /Groups/scim-g-1";
  const std::string patchg = "PATCH /Groups/scim-g-1";
  auto provision1 = [](Sandbox& s) { s.u1 = s.Provisioned("test.user@okta.local", "Test", "User"); };
  // The group "Eng" with test.user, pushed (scim-g-1).
  auto pushed_eng = [](Sandbox& s) {
    s.u1 = s.Provisioned("test.user@okta.local", "Test", "User");
    s.group_id = s.Group("Eng", {s.u1});
    s.mapping_id = s.Pushed(s.group_id);
  };
  // Profile A's name update after every membership PATCH (§1.7, §3 item 5).
  const Want rename_eng = {
      patchg,
      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"scim-g-1","displayName":"Eng"}}]})"};
  const std::string eng_with_1 =
      R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"scim-g-1","displayName":"Eng","members":[)" +
      kMember1 + "]}";
  // A found user, linked: the server's record with Okta's profile merged in (keys appended in
  // the server's order) — §1.2 step 3.
  const std::string linked =
      R"({"id":"scim-u-1","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","active":true,"meta":{"resourceType":"User"},"name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User","locale":"en-US"})";

  std::vector<Flow> t;
  t.push_back(Flow{"user push: not found, so create (§1.2)",
                   {},
                   [](Sandbox& s) { s.u1 = s.NewUser("test.user@okta.local", "Test", "User"); },
                   [](Sandbox& s) { s.Assign(s.u1); },
                   {{kLookup1, ""}, {"POST /Users", kCreate1}},
                   {{kLookup1, ""}, {"POST /Users", kCreate1}}});
  t.push_back(Flow{"user push: an inactive user found, so link (§1.2 step 3)",
                   {},
                   [](Sandbox& s) {
                     s.sender.AddUser(Json{{"schemas", Json::array({"urn:ietf:params:scim:schemas:core:2.0:User"})},
                                           {"userName", "test.user@okta.local"},
                                           {"active", false}});
                     s.u1 = s.NewUser("test.user@okta.local", "Test", "User");
                   },
                   [](Sandbox& s) { s.Assign(s.u1); },
                   {{kLookup1, ""}, {get1, ""}, {put1, linked}},
                   {{kLookup1, ""}, {patch1, kPatchActive}, {get1, ""}, {put1, linked}}});
  t.push_back(Flow{"user push: an active user found, so link without the PATCH (§1.2 step 3)",
                   {},
                   [](Sandbox& s) {
                     s.sender.AddUser(Json{{"schemas", Json::array({"urn:ietf:params:scim:schemas:core:2.0:User"})},
                                           {"userName", "test.user@okta.local"},
                                           {"active", true}});
                     s.u1 = s.NewUser("test.user@okta.local", "Test", "User");
                   },
                   [](Sandbox& s) { s.Assign(s.u1); },
                   {{kLookup1, ""}, {get1, ""}, {put1, linked}},
                   {{kLookup1, ""}, {get1, ""}, {put1, linked}}});
  t.push_back(Flow{"user push through a group assignment (§1.2)",
                   {},
                   [](Sandbox& s) {
                     s.u1 = s.NewUser("test.user@okta.local", "Test", "User");
                     s.group_id = s.Group("Test SCIMv2", {s.u1});
                   },
                   [](Sandbox& s) { REQUIRE(s.org.AssignGroup(s.app_id, s.group_id, 0).ok()); },
                   {{kLookup1, ""}, {"POST /Users", kCreate1}},
                   {{kLookup1, ""}, {"POST /Users", kCreate1}}});
  {
    // §1.3: GET, then PUT of the server's body with the changed attributes written over it.
    std::string put =
        R"({"id":"scim-u-1","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","name":{"givenName":"Tess","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Tess User","locale":"en-US","externalId":"{U1}","groups":[],"active":true,"meta":{"resourceType":"User"}})";
    t.push_back(Flow{"profile update (§1.3)",
                     {},
                     provision1,
                     [](Sandbox& s) { REQUIRE(s.org.UpdateUser(s.u1, Json{{"firstName", "Tess"}}, true, std::nullopt).ok()); },
                     {{get1, ""}, {put1, put}},
                     {{get1, ""}, {put1, put}}});
  }
  t.push_back(Flow{"deactivate by unassignment (§1.4)",
                   {},
                   provision1,
                   [](Sandbox& s) { REQUIRE(s.org.UnassignUser(s.app_id, s.u1).ok()); },
                   {{get1, ""}, {put1, kStored1Inactive}},
                   {{patch1, kPatchInactive}}});
  t.push_back(Flow{"deactivate by deactivating the Okta user (§1.4)",
                   {},
                   provision1,
                   [](Sandbox& s) { REQUIRE(s.org.UserLifecycle(s.u1, "deactivate").ok()); },
                   {{get1, ""}, {put1, kStored1Inactive}},
                   {{patch1, kPatchInactive}}});
  t.push_back(Flow{"reactivate by assigning again (§1.5)",
                   {},
                   [](Sandbox& s) {
                     s.u1 = s.Provisioned("test.user@okta.local", "Test", "User");
                     REQUIRE(s.org.UnassignUser(s.app_id, s.u1).ok());
                     s.Settle();
                   },
                   [](Sandbox& s) { s.Assign(s.u1); },
                   {{kLookup1, ""}, {get1, ""}, {put1, kStored1}, {get1, ""}, {put1, kStored1}},
                   {{kLookup1, ""}, {patch1, kPatchActive}, {get1, ""}, {put1, kStored1}}});
  t.push_back(Flow{
      "password sync (§1.6)",
      [](okta::Provisioning& p) { p.sync_password = true; },
      provision1,
      [](Sandbox& s) { REQUIRE(s.org.UpdateUser(s.u1, Json(), true, std::string("Sync-Pass-42")).ok()); },
      {{get1, ""},
       {put1,
        R"({"id":"scim-u-1","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User","locale":"en-US","externalId":"{U1}","groups":[],"active":true,"meta":{"resourceType":"User"},"password":"Sync-Pass-42"})"}},
      {{patch1,
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"password":"Sync-Pass-42"}}]})"}}});
  t.push_back(Flow{
      "group push: lookup, create, members (§1.7)",
      {},
      [](Sandbox& s) {
        s.u1 = s.NewUser("test.user@okta.local", "Test", "User");
        s.group_id = s.Group("Test SCIMv2", {s.u1});
        REQUIRE(s.org.AssignGroup(s.app_id, s.group_id, 0).ok());
        s.Settle();
      },
      [](Sandbox& s) { REQUIRE(s.org.CreateGroupPush(s.app_id, s.group_id, "", "", false, true).ok()); },
      {{kGroupLookupTestScim, ""},
       {"POST /Groups", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]})"},
       {getg, ""},
       {putg, R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"scim-g-1","displayName":"Test SCIMv2","members":[)" +
                  kMember1 + "]}"}},
      {{kGroupLookupTestScim, ""},
       {"POST /Groups", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]})"},
       {patchg, R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[)" +
                    kMember1 + "]}]}"},
       {getg, ""},
       {patchg,
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"scim-g-1","displayName":"Test SCIMv2"}}]})"}}});
  t.push_back(Flow{
      "members change: one leaves, one joins (§1.7)",
      {},
      [](Sandbox& s) {
        s.u1 = s.Provisioned("test.user@okta.local", "Test", "User");
        s.u2 = s.Provisioned("b@okta.local", "Bea", "Two");
        s.group_id = s.Group("Eng", {s.u1});
        s.mapping_id = s.Pushed(s.group_id);
      },
      [](Sandbox& s) {
        s.engine.SetPaused(true);  // both changes reach one coalesced job
        REQUIRE(s.org.RemoveGroupMember(s.group_id, s.u1).ok());
        REQUIRE(s.org.AddGroupMember(s.group_id, s.u2).ok());
        s.engine.SetPaused(false);
      },
      {{getg, ""},
       {putg, R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"scim-g-1","displayName":"Eng","members":[)" +
                  kMember2 + "]}"}},
      {{patchg,
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"scim-u-1\"]"},{"op":"add","path":"members","value":[)" +
            kMember2 + "]}]}"},
       {getg, ""},
       rename_eng}});
  t.push_back(Flow{
      "members change: the only member leaves (§1.7, §3 item 3)",
      {},
      pushed_eng,
      [](Sandbox& s) { REQUIRE(s.org.RemoveGroupMember(s.group_id, s.u1).ok()); },
      {{getg, ""}, {putg, R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"scim-g-1","displayName":"Eng","members":[]})"}},
      {{patchg,
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"scim-u-1\"]"}]})"},
       {getg, ""},
       rename_eng}});
  t.push_back(Flow{
      "Push Now: the whole member list (§1.7)",
      {},
      pushed_eng,
      [](Sandbox& s) { REQUIRE(s.org.PushNow(s.app_id, s.mapping_id).ok()); },
      {{getg, ""}, {putg, eng_with_1}},
      {{patchg, R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"members","value":[)" +
                    kMember1 + "]}]}"},
       {getg, ""},
       rename_eng}});
  t.push_back(Flow{
      "rename a pushed group (§1.7)",
      {},
      pushed_eng,
      [](Sandbox& s) { REQUIRE(s.org.UpdateGroup(s.group_id, "Engineering", "").ok()); },
      {{getg, ""},
       {putg, R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"scim-g-1","displayName":"Engineering","members":[)" +
                  kMember1 + "]}"}},
      {{patchg,
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"scim-g-1","displayName":"Engineering"}}]})"}}});
  t.push_back(Flow{"unlink a pushed group and delete it in the app (§1.7)",
                   {},
                   pushed_eng,
                   [](Sandbox& s) {
                     REQUIRE(s.org.SetGroupPushStatus(s.app_id, s.mapping_id, false).ok());
                     REQUIRE(s.org.DeleteGroupPush(s.app_id, s.mapping_id, true).ok());
                   },
                   {{"DELETE /Groups/scim-g-1", ""}},
                   {{"DELETE /Groups/scim-g-1", ""}}});
  t.push_back(Flow{"import users and groups, paged until totalResults (§1.8)",
                   [](okta::Provisioning& p) { p.import_users = p.import_groups = true; },
                   [](Sandbox& s) {
                     for (int i = 0; i < 150; ++i) {
                       s.sender.AddUser(Json{{"userName", "u" + std::to_string(i) + "@x"}, {"active", i != 3}});
                     }
                     s.sender.AddGroup(Json{{"displayName", "G1"}, {"members", Json::array()}});
                     s.sender.AddGroup(Json{{"displayName", "G2"}, {"members", Json::array()}});
                   },
                   [](Sandbox& s) { REQUIRE(s.org.ImportNow(s.app_id).ok()); },
                   {{"GET /Users?startIndex=1&count=100", ""},
                    {"GET /Users?startIndex=101&count=100", ""},
                    {"GET /Groups?startIndex=1&count=100", ""}},
                   {{"GET /Users?startIndex=1&count=100", ""},
                    {"GET /Users?startIndex=101&count=100", ""},
                    {"GET /Groups?startIndex=1&count=100", ""}}});
  return t;
}

std::vector<Want> WithIds(std::vector<Want> want, const Sandbox& s) {
  for (auto& w : want) {
    w.body = Replace(w.body, "{U1}", s.u1);
    w.body = Replace(w.body, "{U2}", s.u2);
  }
  return want;
}

}  // namespace

TEST_CASE("every flow sends Okta's exact requests on both client profiles", "[okta][flow_table]") {
  for (const Flow& flow : FlowTable()) {
    for (std::string profile : {"aiw_put", "oin_patch"}) {
      DYNAMIC_SECTION(flow.name << " / " << profile) {
        Sandbox s(profile, flow.tweak);
        if (flow.setup) flow.setup(s);
        s.Settle();
        s.sender.Clear();
        size_t traffic_before = s.org.ListTraffic(0, 100000).size();
        flow.act(s);
        s.Settle();
        CheckRequests(s.sender.requests(), WithIds(profile == "aiw_put" ? flow.aiw_put : flow.oin_patch, s));
        // The executor records every exchange it makes.
        CHECK(s.org.ListTraffic(0, 100000).size() - traffic_before == s.sender.requests().size());
        CHECK(s.org.ListTasks().empty());
      }
    }
  }
}

TEST_CASE("the flows leave the org as Okta would: links, states and the import result", "[okta][flow_table]") {
  for (std::string profile : {"aiw_put", "oin_patch"}) {
    DYNAMIC_SECTION("deactivate and reactivate / " << profile) {
      Sandbox s(profile);
      std::string uid = s.Provisioned("test.user@okta.local", "Test", "User");
      CHECK(s.org.GetAppUser(s.app_id, uid)->external_id == "scim-u-1");
      REQUIRE(s.org.UnassignUser(s.app_id, uid).ok());
      s.Settle();
      CHECK(s.sender.User("scim-u-1")["active"] == false);
      s.Assign(uid);
      s.Settle();
      CHECK(s.sender.User("scim-u-1")["active"] == true);
      auto au = s.org.GetAppUser(s.app_id, uid);
      REQUIRE(au.ok());
      CHECK(au->external_id == "scim-u-1");
      CHECK(au->status == okta::AppUserStatus::kProvisioned);
    }
    DYNAMIC_SECTION("import result / " << profile) {
      Sandbox s(profile, [](okta::Provisioning& p) { p.import_users = p.import_groups = true; });
      for (int i = 0; i < 150; ++i) s.sender.AddUser(Json{{"userName", "u" + std::to_string(i) + "@x"}, {"active", i != 3}});
      s.sender.AddGroup(Json{{"displayName", "G1"}});
      REQUIRE(s.org.ImportNow(s.app_id).ok());
      s.Settle();
      Json last = s.engine.LastImport(s.app_id);
      CHECK(last["users"].size() == 149);  // the inactive user is not imported
      CHECK(last["groups"].size() == 1);
    }
  }
}

TEST_CASE("a 409 on create opens a task with Okta's message and stops the job", "[okta][flow_table]") {
  for (std::string profile : {"aiw_put", "oin_patch"}) {
    DYNAMIC_SECTION(profile) {
      Sandbox s(profile);
      s.sender.Script("POST", "/Users", 409,
                      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"User already exists","status":"409"})");
      s.u1 = s.NewUser("test.user@okta.local", "Test", "User");
      s.Assign(s.u1);
      s.Settle();
      // No search-and-link after the 409 (§1.2, §1.9).
      CheckRequests(s.sender.requests(), WithIds({{kLookup1, ""}, {"POST /Users", kCreate1}}, s));
      auto tasks = s.org.ListTasks();
      REQUIRE(tasks.size() == 1);
      CHECK(tasks[0].status == okta::TaskStatus::kOpen);
      CHECK(tasks[0].message ==
            "Automatic provisioning of user Test User to app Test App failed: Error while trying to create user "
            "'test.user@okta.local': Conflict. Errors reported by remote server: User already exists");
      auto au = s.org.GetAppUser(s.app_id, s.u1);
      REQUIRE(au.ok());
      CHECK(au->external_id.empty());
      CHECK(au->sync_state == okta::SyncState::kError);
    }
  }
}

TEST_CASE("a 429 with Retry-After parks the job until the clock passes it, then the flow restarts",
          "[okta][flow_table]") {
  for (std::string profile : {"aiw_put", "oin_patch"}) {
    DYNAMIC_SECTION(profile) {
      Sandbox s(profile);
      s.sender.Script("GET", "/Users", 429, R"({"detail":"slow down","status":"429"})", {{"Retry-After", "7"}});
      s.u1 = s.NewUser("test.user@okta.local", "Test", "User");
      s.Assign(s.u1);
      s.Settle();
      CheckRequests(s.sender.requests(), {{kLookup1, ""}});
      auto tasks = s.org.ListTasks();
      REQUIRE(tasks.size() == 1);
      CHECK(tasks[0].status == okta::TaskStatus::kRateLimited);
      CHECK(tasks[0].message ==
            "Provisioning of user Test User to app Test App is paused: the app's rate limit was reached (HTTP 429). "
            "Okta will retry at 2026-01-01T00:00:07.000Z (attempt 2 of 10)");
      auto jobs = s.engine.ListJobs();
      REQUIRE(jobs.size() == 1);
      CHECK(jobs[0]["due"] == "2026-01-01T00:00:07.000Z");

      s.clock.Advance(std::chrono::seconds(6));
      s.engine.Notify();
      s.Settle();
      CHECK(s.sender.requests().size() == 1);  // not yet due

      s.clock.Advance(std::chrono::seconds(1));
      s.engine.Notify();
      s.Settle();
      // The flow starts again from its first request (§1.0, HTTP 429).
      CheckRequests(s.sender.requests(), WithIds({{kLookup1, ""}, {kLookup1, ""}, {"POST /Users", kCreate1}}, s));
      tasks = s.org.ListTasks();
      REQUIRE(tasks.size() == 1);
      CHECK(tasks[0].status == okta::TaskStatus::kResolved);
      CHECK(s.org.GetAppUser(s.app_id, s.u1)->external_id == "scim-u-1");
    }
  }
}

TEST_CASE("System Log and traffic of a user push, line by line", "[okta][flow_table]") {
  for (std::string profile : {"aiw_put", "oin_patch"}) {
    DYNAMIC_SECTION(profile) {
      Sandbox s(profile);
      s.u1 = s.NewUser("test.user@okta.local", "Test", "User");
      auto logs_before = s.org.ListLogs(0, 1000).size();
      s.Assign(s.u1);
      s.Settle();
      std::vector<std::string> tail;
      auto logs = s.org.ListLogs(0, 1000);
      for (size_t i = logs_before; i < logs.size(); ++i) {
        const Json& e = logs[i].second;
        std::string line = e["eventType"].get<std::string>() + " | " + e["displayMessage"].get<std::string>() + " | " +
                           e["outcome"]["result"].get<std::string>();
        if (e["outcome"]["reason"].is_string()) line += " | " + e["outcome"]["reason"].get<std::string>();
        tail.push_back(line);
      }
      CHECK(tail == std::vector<std::string>{
                        "application.user_membership.add | Add user to application membership | SUCCESS",
                        "application.provision.user.verify_exists | Verify user exists in external application | SUCCESS | not found",
                        "application.provision.user.push | Push new user to external application | SUCCESS"});
      auto traffic = s.org.ListTraffic(0, 1000);
      REQUIRE(traffic.size() == 2);
      const Json& create = traffic[1].second;
      CHECK(create["jobKind"] == "user_push");
      CHECK(create["appId"] == s.app_id);
      CHECK(create["step"] == "create user 'test.user@okta.local'");
      CHECK(create["request"]["method"] == "POST");
      CHECK(create["request"]["url"] == "http://scim.test/scim/v2/Users");
      CHECK(create["request"]["headers"].size() == 9);
      CHECK(create["response"]["status"] == 201);
      CHECK(create["response"]["body"].get<std::string>().rfind(R"({"id":"scim-u-1",)", 0) == 0);
      CHECK(traffic[0].second["request"]["target"] == kLookup1.substr(4));
      CHECK(traffic[0].second["response"]["status"] == 200);
    }
  }
}
