// Integration tests: each Okta action of docs/okta-behaviour.md §1.1–§1.8 and
// each To App toggle, for both client profiles, against a recording SCIM
// server; plus the failure paths and the tasks and System Log they leave.
#include <catch2/catch.hpp>

#include <tuple>

#include "tests/mock_okta/harness.h"

using namespace testing_okta;
using core::Json;

namespace {
const std::string kPatchDeactivate =
    R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]})";

Json BodyOf(const Received& r) { return *core::ParseJson(r.body); }

// Provisions a user end to end and returns {okta id, scim id}. Callers unpack it with std::tie, not a
// structured binding: clang 14 (the sanitizer build) cannot capture those in lambdas.
std::pair<std::string, std::string> Provisioned(Harness& h, const std::string& login = "test.user@okta.local") {
  std::string uid = h.CreateUser(login, "Test", "User");
  h.Do([&] { REQUIRE(h.Assign(uid).status == 200); });
  std::string ext = h.ExternalId(uid);
  REQUIRE(!ext.empty());
  return {uid, ext};
}
}  // namespace

// ---- §1.1 Test Connector Configuration ----

TEST_CASE("test connector sends GET /Users?startIndex=1&count=2 and reports success", "[okta][engine][connector]") {
  Harness h;
  auto rs = h.Do([&] {
    auto r = h.Call("POST", "/sandbox/apps/" + h.app_id + "/test-connector");
    CHECK(r.body["status"] == "SUCCESS");
    CHECK(r.body["message"] == "Connector configured successfully");
    CHECK(r.body["capabilities"]["pushNewUsers"] == true);
  });
  CHECK(Lines(rs) == std::vector<std::string>{"GET /scim/v2/Users?startIndex=1&count=2"});
  CHECK(rs[0].Header("Authorization") == "Bearer scim-token");
  CHECK(rs[0].Header("User-Agent") == "Okta SCIM Client 1.0.0");
  CHECK(rs[0].Header("Accept") == "application/scim+json");
  CHECK(rs[0].Header("Accept-Charset") == "utf-8");
  CHECK(rs[0].Header("Accept-Encoding") == "gzip,deflate");
  CHECK_FALSE(rs[0].headers.count("Content-Type"));
}

TEST_CASE("test connector also reads /Groups when Import Groups is on", "[okta][engine][connector]") {
  Harness h("aiw_put", Json{{"importGroups", true}});
  auto rs = h.Do([&] { h.Call("POST", "/sandbox/apps/" + h.app_id + "/test-connector"); });
  CHECK(Lines(rs) == std::vector<std::string>{"GET /scim/v2/Users?startIndex=1&count=2",
                                              "GET /scim/v2/Groups?startIndex=1&count=100"});
}

TEST_CASE("test connector reports Okta's failure text on 401 and on string integers", "[okta][engine][connector]") {
  Harness h;
  h.scim.Script("GET", "/Users", 401, R"({"detail":"bad token","status":"401"})");
  auto r = h.Call("POST", "/sandbox/apps/" + h.app_id + "/test-connector");
  CHECK(r.body["status"] == "FAILURE");
  CHECK(r.body["message"] == "Error authenticating: 401 Unauthorized. Errors reported by remote server: bad token");
  h.scim.Script("GET", "/Users", 200, R"({"totalResults":0,"startIndex":"1","itemsPerPage":0,"Resources":[]})");
  r = h.Call("POST", "/sandbox/apps/" + h.app_id + "/test-connector");
  CHECK(r.body["status"] == "FAILURE");
  CHECK(r.body["message"].get<std::string>().find("startIndex must be an integer") != std::string::npos);
}

// ---- §1.2 Assign user / Push New Users ----

TEST_CASE("assigning a user looks it up by userName and POSTs Okta's create body", "[okta][engine][assign]") {
  for (std::string profile : {"aiw_put", "oin_patch"}) {
    Harness h(profile);
    std::string uid = h.CreateUser("test.user@okta.local", "Test", "User");
    auto rs = h.Do([&] { REQUIRE(h.Assign(uid).status == 200); });
    REQUIRE(Lines(rs) ==
            std::vector<std::string>{
                "GET /scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100",
                "POST /scim/v2/Users"});
    Json body = BodyOf(rs[1]);
    std::string pw = body["password"];
    CHECK(pw.size() == 8);
    CHECK(
        rs[1].body ==
        R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User","locale":"en-US","externalId":")" +
            uid + R"(","groups":[],"password":")" + pw + R"(","active":true})");
    CHECK(rs[1].Header("Content-Type") == "application/scim+json; charset=utf-8");
    CHECK(rs[1].Header("Content-Length") == std::to_string(rs[1].body.size()));
    CHECK(uid.size() == 20);
    CHECK(uid.rfind("00u", 0) == 0);
    CHECK(h.ExternalId(uid) == "u1");
    auto au = h.Call("GET", "/api/v1/apps/" + h.app_id + "/users/" + uid).body;
    CHECK(au["status"] == "PROVISIONED");
    CHECK(au["syncState"] == "SYNCHRONIZED");
    auto logs = h.Logs("application.provision.user.push");
    REQUIRE(logs.size() == 1);
    CHECK(logs[0]["outcome"]["result"] == "SUCCESS");
  }
}

TEST_CASE("with unique identifier field email and '+' encoding the lookup filters on email", "[okta][engine][assign]") {
  Harness h("aiw_put", Json{{"uniqueField", "email"}, {"queryPlus", true}});
  std::string uid = h.CreateUser("jane.doe@example.com", "Jane", "Doe");
  auto rs = h.Do([&] { h.Assign(uid); });
  REQUIRE(!rs.empty());
  CHECK(rs[0].Line() == "GET /scim/v2/Users?filter=email+eq+%22jane.doe%40example.com%22&startIndex=1&count=100");
}

TEST_CASE("a user found by the lookup is linked with GET and PUT active:true (Profile B)", "[okta][engine][assign]") {
  Harness h;
  std::string sid = h.scim.AddUser(Json{{"userName", "test.user@okta.local"}, {"active", false}});
  std::string uid = h.CreateUser("test.user@okta.local", "Test", "User");
  auto rs = h.Do([&] { h.Assign(uid); });
  REQUIRE(Lines(rs) ==
          std::vector<std::string>{
              "GET /scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100",
              "GET /scim/v2/Users/" + sid, "PUT /scim/v2/Users/" + sid});
  Json put = BodyOf(rs[2]);
  CHECK(put["id"] == sid);
  CHECK(put["active"] == true);
  CHECK(put["name"]["givenName"] == "Test");
  CHECK(h.ExternalId(uid) == sid);
}

TEST_CASE("a found inactive user is activated with PATCH then GET + PUT (Profile A)", "[okta][engine][assign]") {
  Harness h("oin_patch");
  std::string sid = h.scim.AddUser(Json{{"userName", "test.user@okta.local"}, {"active", false}});
  std::string uid = h.CreateUser("test.user@okta.local", "Test", "User");
  auto rs = h.Do([&] { h.Assign(uid); });
  REQUIRE(Lines(rs).size() == 4);
  CHECK(rs[1].Line() == "PATCH /scim/v2/Users/" + sid);
  CHECK(
      rs[1].body ==
      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]})");
  CHECK(rs[2].Line() == "GET /scim/v2/Users/" + sid);
  CHECK(rs[3].Line() == "PUT /scim/v2/Users/" + sid);
}

TEST_CASE("Create Users off and no match leaves a 'Matching user not found' task", "[okta][engine][toggles]") {
  Harness h("aiw_put", Json{{"createUsers", false}});
  std::string uid = h.CreateUser("nobody@okta.local", "No", "Body");
  auto rs = h.Do([&] { h.Assign(uid); });
  CHECK(rs.size() == 1);
  CHECK(rs[0].method == "GET");
  auto tasks = h.Tasks();
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0]["message"] ==
        "Automatic provisioning of user No Body to app Test App failed: Matching user not found.");
  CHECK(h.scim.user_count() == 0);
}

TEST_CASE("application username format decides userName", "[okta][engine][assign]") {
  Harness h("aiw_put", Json{{"usernameFormat", "email_prefix"}});
  std::string uid = h.CreateUser("jdoe@corp.test", "J", "Doe");
  auto rs = h.Do([&] { h.Assign(uid); });
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].target.find("userName%20eq%20%22jdoe%22") != std::string::npos);
  CHECK(BodyOf(rs[1])["userName"] == "jdoe");
}

TEST_CASE("users assigned before provisioning are pushed only by Provision User", "[okta][engine][assign]") {
  Harness h;
  REQUIRE(h.Call("POST", "/api/v1/apps/" + h.app_id + "/connections/default/lifecycle/deactivate").status / 100 == 2);
  std::string uid = h.CreateUser("early@okta.local", "Early", "Bird");
  auto none = h.Do([&] { CHECK(h.Assign(uid).status == 200); });  // assigned, and nothing sent
  CHECK(none.empty());
  REQUIRE(h.Call("POST", "/api/v1/apps/" + h.app_id + "/connections/default/lifecycle/activate").status / 100 == 2);
  auto still = h.Do([] {});
  CHECK(still.empty());
  auto rs = h.Do([&] { CHECK(h.Call("POST", "/sandbox/apps/" + h.app_id + "/provision-users").body["queued"] == 1); });
  REQUIRE(Lines(rs).size() == 2);
  CHECK(Lines(rs)[1] == "POST /scim/v2/Users");
  CHECK_FALSE(h.ExternalId(uid).empty());
}

// ---- §1.3 Profile update ----

TEST_CASE("a profile update sends GET then PUT echoing the server body with changed attributes",
          "[okta][engine][update]") {
  for (std::string profile : {"aiw_put", "oin_patch"}) {
    Harness h(profile);
    std::string uid, sid;
    std::tie(uid, sid) = Provisioned(h);
    auto rs = h.Do([&] {
      auto r = h.Call("POST", "/api/v1/users/" + uid, Json{{"profile", Json{{"firstName", "Tess"}}}});
      CHECK(r.status == 200);
    });
    REQUIRE(Lines(rs) == std::vector<std::string>{"GET /scim/v2/Users/" + sid, "PUT /scim/v2/Users/" + sid});
    Json put = BodyOf(rs[1]);
    CHECK(put["name"]["givenName"] == "Tess");
    CHECK(put["displayName"] == "Tess User");
    CHECK(put["id"] == sid);                // echoed
    CHECK(put.contains("meta"));            // echoed
    CHECK(put["active"] == true);           // carried through
    CHECK_FALSE(put.contains("password"));  // not synced
    auto logs = h.Logs("application.provision.user.push_profile");
    CHECK(logs.back()["outcome"]["result"] == "SUCCESS");
  }
}

TEST_CASE("Update User Attributes off sends nothing on a profile change", "[okta][engine][toggles]") {
  Harness h;
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  auto feature = h.Call("PUT", "/api/v1/apps/" + h.app_id + "/features/USER_PROVISIONING",
                        Json{{"capabilities", Json{{"update", Json{{"profile", Json{{"status", "DISABLED"}}}}}}}});
  REQUIRE(feature.status == 200);
  auto rs = h.Do([&] {
    CHECK(h.Call("POST", "/api/v1/users/" + uid, Json{{"profile", Json{{"firstName", "Tess"}}}}).status == 200);
  });
  CHECK(h.Call("GET", "/api/v1/users/" + uid).body["profile"]["firstName"] == "Tess");  // the change happened
  CHECK(rs.empty());
}

// ---- §1.4 Deactivate ----

TEST_CASE("unassigning deactivates with Okta's path-less PATCH on Profile A", "[okta][engine][deactivate]") {
  Harness h("oin_patch");
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  auto rs = h.Do([&] { CHECK(h.Call("DELETE", "/api/v1/apps/" + h.app_id + "/users/" + uid).status == 204); });
  REQUIRE(Lines(rs) == std::vector<std::string>{"PATCH /scim/v2/Users/" + sid});
  CHECK(rs[0].body == kPatchDeactivate);
  CHECK(rs[0].Header("Content-Length") == "118");
  CHECK(h.scim.user(sid)["active"] == false);
  CHECK(h.Logs("application.provision.user.deactivate").back()["outcome"]["result"] == "SUCCESS");
}

TEST_CASE("unassigning deactivates with GET then PUT active:false on Profile B", "[okta][engine][deactivate]") {
  Harness h;
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  auto rs = h.Do([&] { h.Call("DELETE", "/api/v1/apps/" + h.app_id + "/users/" + uid); });
  REQUIRE(Lines(rs) == std::vector<std::string>{"GET /scim/v2/Users/" + sid, "PUT /scim/v2/Users/" + sid});
  CHECK(BodyOf(rs[1])["active"] == false);
  CHECK(BodyOf(rs[1])["userName"] == "test.user@okta.local");
}

TEST_CASE("deactivating the Okta user deactivates it in the app; suspending sends nothing",
          "[okta][engine][deactivate]") {
  Harness h;
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  auto s = h.Do([&] { CHECK(h.Call("POST", "/api/v1/users/" + uid + "/lifecycle/suspend").status == 200); });
  CHECK(h.Call("GET", "/api/v1/users/" + uid).body["status"] == "SUSPENDED");
  CHECK(s.empty());
  REQUIRE(h.Call("POST", "/api/v1/users/" + uid + "/lifecycle/unsuspend").status == 200);
  auto rs = h.Do([&] { CHECK(h.Call("POST", "/api/v1/users/" + uid + "/lifecycle/deactivate").status == 200); });
  REQUIRE(Lines(rs) == std::vector<std::string>{"GET /scim/v2/Users/" + sid, "PUT /scim/v2/Users/" + sid});
  CHECK(BodyOf(rs[1])["active"] == false);
  CHECK(h.scim.user(sid)["active"] == false);
}

TEST_CASE("Deactivate Users off: unassigning sends nothing", "[okta][engine][toggles]") {
  Harness h("oin_patch", Json{{"deactivateUsers", false}});
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  auto rs = h.Do([&] { CHECK(h.Call("DELETE", "/api/v1/apps/" + h.app_id + "/users/" + uid).status == 204); });
  CHECK(h.Call("GET", "/api/v1/apps/" + h.app_id + "/users/" + uid).status == 404);  // unassigned
  CHECK(rs.empty());
  CHECK(h.scim.user(sid)["active"] == true);
}

TEST_CASE("a user whose first push failed is never linked, so unassigning sends nothing",
          "[okta][engine][deactivate]") {
  Harness h;
  h.scim.Script("POST", "/Users", 500, R"({"detail":"boom","status":"500"})");
  std::string uid = h.CreateUser("orphan@okta.local", "Or", "Phan");
  auto push = h.Do([&] { CHECK(h.Assign(uid).status == 200); });
  REQUIRE(Lines(push).size() == 2);  // the lookup, then the create that failed
  CHECK(Lines(push)[1] == "POST /scim/v2/Users");
  CHECK(h.ExternalId(uid).empty());  // never linked
  CHECK(h.scim.user_count() == 0);
  auto rs = h.Do([&] { CHECK(h.Call("DELETE", "/api/v1/apps/" + h.app_id + "/users/" + uid).status == 204); });
  CHECK(h.Call("GET", "/api/v1/apps/" + h.app_id + "/users/" + uid).status == 404);  // unassigned
  CHECK(rs.empty());
}

// ---- §1.5 Reactivate ----

TEST_CASE("re-assigning reactivates: filter, GET, PUT, GET, PUT on Profile B", "[okta][engine][reactivate]") {
  Harness h;
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  h.Do([&] { h.Call("DELETE", "/api/v1/apps/" + h.app_id + "/users/" + uid); });
  auto rs = h.Do([&] { h.Assign(uid); });
  REQUIRE(Lines(rs) ==
          std::vector<std::string>{
              "GET /scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100",
              "GET /scim/v2/Users/" + sid, "PUT /scim/v2/Users/" + sid, "GET /scim/v2/Users/" + sid,
              "PUT /scim/v2/Users/" + sid});
  CHECK(BodyOf(rs[2])["active"] == true);
  CHECK(h.scim.user(sid)["active"] == true);
  CHECK(h.Logs("application.provision.user.reactivate").size() == 1);
}

TEST_CASE("re-assigning reactivates: filter, PATCH active:true, GET, PUT on Profile A", "[okta][engine][reactivate]") {
  Harness h("oin_patch");
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  h.Do([&] { h.Call("DELETE", "/api/v1/apps/" + h.app_id + "/users/" + uid); });
  auto rs = h.Do([&] { h.Assign(uid); });
  REQUIRE(Lines(rs).size() == 4);
  CHECK(rs[1].Line() == "PATCH /scim/v2/Users/" + sid);
  CHECK(BodyOf(rs[1])["Operations"][0]["value"]["active"] == true);
  CHECK(rs[2].Line() == "GET /scim/v2/Users/" + sid);
  CHECK(rs[3].Line() == "PUT /scim/v2/Users/" + sid);
}

// ---- §1.6 Password sync ----

TEST_CASE("Sync Password pushes the new password: PATCH on Profile A, GET + PUT on Profile B",
          "[okta][engine][password]") {
  {
    Harness h("oin_patch", Json{{"syncPassword", true}});
    std::string uid, sid;
    std::tie(uid, sid) = Provisioned(h);
    auto rs = h.Do([&] {
      h.Call("POST", "/api/v1/users/" + uid, Json{{"credentials", Json{{"password", Json{{"value", "N3wPass!"}}}}}});
    });
    REQUIRE(Lines(rs) == std::vector<std::string>{"PATCH /scim/v2/Users/" + sid});
    CHECK(
        rs[0].body ==
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"password":"N3wPass!"}}]})");
    // The wire carries the password and the token; the traffic records (and HAR exports) never do,
    // not even when a server echoes the password back (this fake does).
    std::string traffic = core::DumpCompact(h.Call("GET", "/sandbox/traffic").body);
    CHECK(traffic.find("N3wPass!") == std::string::npos);
    CHECK(traffic.find("scim-token") == std::string::npos);
    CHECK(traffic.find(R"({\"password\":\"***\"})") != std::string::npos);
    CHECK(traffic.find(R"("value":"Bearer ***")") != std::string::npos);
  }
  {
    Harness h("aiw_put", Json{{"syncPassword", true}});
    std::string uid, sid;
    std::tie(uid, sid) = Provisioned(h);
    auto rs = h.Do([&] {
      h.Call("POST", "/api/v1/users/" + uid, Json{{"credentials", Json{{"password", Json{{"value", "N3wPass!"}}}}}});
    });
    REQUIRE(Lines(rs) == std::vector<std::string>{"GET /scim/v2/Users/" + sid, "PUT /scim/v2/Users/" + sid});
    CHECK(BodyOf(rs[1])["password"] == "N3wPass!");
  }
  {
    Harness h("aiw_put");
    std::string uid, sid;
    std::tie(uid, sid) = Provisioned(h);
    auto rs = h.Do([&] {
      h.Call("POST", "/api/v1/users/" + uid, Json{{"credentials", Json{{"password", Json{{"value", "N3wPass!"}}}}}});
    });
    CHECK(rs.empty());
  }
}

// ---- §1.7 Push Groups ----

namespace {
struct PushedGroup {
  std::string gid, mapping, remote;
};
PushedGroup PushGroup(Harness& h, const std::string& name, const std::vector<std::string>& members,
                      std::vector<Received>* out) {
  std::string gid = h.CreateGroup(name);
  for (const auto& m : members) h.Call("PUT", "/api/v1/groups/" + gid + "/users/" + m);
  std::string mid;
  auto rs = h.Do([&] {
    auto r = h.Call("POST", "/api/v1/apps/" + h.app_id + "/group-push/mappings",
                    Json{{"sourceGroupId", gid}, {"targetGroupName", name}, {"status", "ACTIVE"}});
    REQUIRE(r.status == 201);  // Okta: 201 Created (API_GAPS G2)
    mid = r.body["id"].get<std::string>();
  });
  if (out) *out = rs;
  auto m = h.Call("GET", "/api/v1/apps/" + h.app_id + "/group-push/mappings/" + mid).body;
  return {gid, mid, m["targetGroupId"].is_string() ? m["targetGroupId"].get<std::string>() : ""};
}
}  // namespace

TEST_CASE("pushing a group on Profile B: filter, POST members:[], GET, PUT full member list",
          "[okta][engine][groups]") {
  Harness h;
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  std::vector<Received> rs;
  auto g = PushGroup(h, "Test SCIMv2", {uid}, &rs);
  REQUIRE(Lines(rs) == std::vector<std::string>{
                           "GET /scim/v2/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100",
                           "POST /scim/v2/Groups", "GET /scim/v2/Groups/" + g.remote,
                           "PUT /scim/v2/Groups/" + g.remote});
  CHECK(rs[1].body ==
        R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]})");
  CHECK(rs[3].body == R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":")" + g.remote +
                          R"(","displayName":"Test SCIMv2","members":[{"value":")" + sid +
                          R"(","display":"test.user@okta.local"}]})");
  CHECK(h.Logs("application.provision.group_push.push_memberships").back()["outcome"]["result"] == "SUCCESS");
}

TEST_CASE("pushing a group on Profile A: filter, POST, PATCH add, GET, rename PATCH", "[okta][engine][groups]") {
  Harness h("oin_patch");
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  std::vector<Received> rs;
  auto g = PushGroup(h, "Eng", {uid}, &rs);
  REQUIRE(Lines(rs) ==
          std::vector<std::string>{"GET /scim/v2/Groups?filter=displayName%20eq%20%22Eng%22&startIndex=1&count=100",
                                   "POST /scim/v2/Groups", "PATCH /scim/v2/Groups/" + g.remote,
                                   "GET /scim/v2/Groups/" + g.remote, "PATCH /scim/v2/Groups/" + g.remote});
  CHECK(
      rs[2].body ==
      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":")" +
          sid + R"(","display":"test.user@okta.local"}]}]})");
  CHECK(
      rs[4].body ==
      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":")" +
          g.remote + R"(","displayName":"Eng"}}]})");
}

TEST_CASE("membership changes in a pushed group: PATCH remove/add on Profile A, PUT on Profile B",
          "[okta][engine][groups]") {
  for (std::string profile : {"oin_patch", "aiw_put"}) {
    Harness h(profile);
    std::string u1, s1;
    std::tie(u1, s1) = Provisioned(h, "a@okta.local");
    std::string u2, s2;
    std::tie(u2, s2) = Provisioned(h, "b@okta.local");
    auto g = PushGroup(h, "Eng", {u1}, nullptr);
    auto rs = h.Do([&] {
      h.Call("POST", "/sandbox/engine", Json{{"paused", true}});
      h.Call("DELETE", "/api/v1/groups/" + g.gid + "/users/" + u1);
      h.Call("PUT", "/api/v1/groups/" + g.gid + "/users/" + u2);
      CHECK(h.Call("GET", "/sandbox/jobs").body.size() == 1);  // coalesced
      h.Call("POST", "/sandbox/engine", Json{{"paused", false}});
    });
    if (profile == "oin_patch") {
      REQUIRE(Lines(rs) == std::vector<std::string>{"PATCH /scim/v2/Groups/" + g.remote,
                                                    "GET /scim/v2/Groups/" + g.remote,
                                                    "PATCH /scim/v2/Groups/" + g.remote});
      CHECK(
          rs[0].body ==
          R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \")" +
              s1 + R"(\"]"},{"op":"add","path":"members","value":[{"value":")" + s2 +
              R"(","display":"b@okta.local"}]}]})");
    } else {
      REQUIRE(Lines(rs) ==
              std::vector<std::string>{"GET /scim/v2/Groups/" + g.remote, "PUT /scim/v2/Groups/" + g.remote});
      CHECK(BodyOf(rs[1])["members"] == Json::array({Json{{"value", s2}, {"display", "b@okta.local"}}}));
    }
    CHECK(h.scim.group(g.remote)["members"].size() == 1);
  }
}

TEST_CASE("renaming a pushed group: rename PATCH on Profile A, GET + PUT on Profile B", "[okta][engine][groups]") {
  for (std::string profile : {"oin_patch", "aiw_put"}) {
    Harness h(profile);
    auto g = PushGroup(h, "Old", {}, nullptr);
    auto rs = h.Do([&] { h.Call("PUT", "/api/v1/groups/" + g.gid, Json{{"profile", Json{{"name", "New"}}}}); });
    if (profile == "oin_patch") {
      REQUIRE(Lines(rs) == std::vector<std::string>{"PATCH /scim/v2/Groups/" + g.remote});
      CHECK(BodyOf(rs[0])["Operations"][0]["value"]["displayName"] == "New");
    } else {
      REQUIRE(Lines(rs) ==
              std::vector<std::string>{"GET /scim/v2/Groups/" + g.remote, "PUT /scim/v2/Groups/" + g.remote});
    }
    CHECK(h.scim.group(g.remote)["displayName"] == "New");
  }
}

TEST_CASE("Push Now on Profile A replaces the whole member list", "[okta][engine][groups]") {
  Harness h("oin_patch");
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  auto g = PushGroup(h, "Eng", {uid}, nullptr);
  auto rs =
      h.Do([&] { h.Call("POST", "/sandbox/apps/" + h.app_id + "/group-push/mappings/" + g.mapping + "/push-now"); });
  REQUIRE(rs.size() >= 1);
  CHECK(BodyOf(rs[0])["Operations"][0]["op"] == "replace");
  CHECK(BodyOf(rs[0])["Operations"][0]["path"] == "members");
}

TEST_CASE("unlinking a pushed group deletes it remotely only when asked", "[okta][engine][groups]") {
  Harness h;
  auto g1 = PushGroup(h, "Keep", {}, nullptr);
  auto g2 = PushGroup(h, "Drop", {}, nullptr);
  std::string base = "/api/v1/apps/" + h.app_id + "/group-push/mappings/";
  CHECK(h.Call("DELETE", base + g1.mapping + "?deleteTargetGroup=false").status == 400);  // still ACTIVE
  auto keep = h.Do([&] {
    h.Call("PATCH", base + g1.mapping, Json{{"status", "INACTIVE"}});
    CHECK(h.Call("DELETE", base + g1.mapping + "?deleteTargetGroup=false").status == 204);
  });
  CHECK(keep.empty());
  auto drop = h.Do([&] {
    h.Call("PATCH", base + g2.mapping, Json{{"status", "INACTIVE"}});
    CHECK(h.Call("DELETE", base + g2.mapping + "?deleteTargetGroup=true").status == 204);
  });
  CHECK(Lines(drop) == std::vector<std::string>{"DELETE /scim/v2/Groups/" + g2.remote});
}

TEST_CASE("pushing a group whose name exists remotely fails unless linking", "[okta][engine][groups]") {
  Harness h;
  // The app already has a group "Eng".
  std::string scim_origin = h.scim.base_url().substr(0, h.scim.base_url().find("/scim/v2"));
  auto created = core::MakeClient(scim_origin)->Post("/scim/v2/Groups", R"({"displayName":"Eng"})",
                                                     "application/scim+json");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  std::string existing = core::ParseJson(created->body)->at("id").get<std::string>();

  // Without linking: only the lookup, no create, no link, and a task.
  std::vector<Received> rs;
  auto g = PushGroup(h, "Eng", {}, &rs);
  REQUIRE(Lines(rs).size() == 1);
  CHECK(Lines(rs)[0].rfind("GET /scim/v2/Groups?filter=displayName%20eq%20%22Eng%22", 0) == 0);
  CHECK(g.remote.empty());
  auto tasks = h.Tasks();
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0]["message"].get<std::string>().find("already exists in the app") != std::string::npos);
  auto again = h.Call("POST", "/api/v1/apps/" + h.app_id + "/group-push/mappings",
                      Json{{"sourceGroupId", g.gid}, {"linkExisting", true}});
  CHECK(again.status == 400);  // one mapping per source group

  // Linking another Okta group to the app's "Eng": the lookup finds it, nothing is created.
  std::string other = h.CreateGroup("Engineering");
  std::string mapping;
  auto linked = h.Do([&] {
    auto r = h.Call("POST", "/api/v1/apps/" + h.app_id + "/group-push/mappings",
                    Json{{"sourceGroupId", other}, {"targetGroupName", "Eng"}, {"linkExisting", true},
                         {"status", "ACTIVE"}});
    REQUIRE(r.status == 201);
    mapping = r.body["id"].get<std::string>();
  });
  REQUIRE_FALSE(Lines(linked).empty());
  CHECK(Lines(linked)[0].rfind("GET /scim/v2/Groups?filter=displayName%20eq%20%22Eng%22", 0) == 0);
  for (const auto& line : Lines(linked)) CHECK(line != "POST /scim/v2/Groups");
  auto m = h.Call("GET", "/api/v1/apps/" + h.app_id + "/group-push/mappings/" + mapping).body;
  CHECK(m["targetGroupId"] == existing);
  CHECK(h.scim.group(existing)["displayName"] == "Eng");
  CHECK(h.Tasks().size() == 1);  // no new task
}

// ---- §1.8 Import ----

TEST_CASE("import pages through users with count=100 and skips inactive users", "[okta][engine][import]") {
  Harness h("aiw_put", Json{{"importUsers", true}});
  for (int i = 0; i < 150; ++i) {
    h.scim.AddUser(Json{{"userName", "u" + std::to_string(i) + "@x"}, {"active", i != 3}});
  }
  auto rs = h.Do([&] { CHECK(h.Call("POST", "/sandbox/apps/" + h.app_id + "/import").status == 202); });
  CHECK(Lines(rs) == std::vector<std::string>{"GET /scim/v2/Users?startIndex=1&count=100",
                                              "GET /scim/v2/Users?startIndex=101&count=100"});
  CHECK(h.Call("GET", "/sandbox/apps/" + h.app_id + "/import").body["users"].size() == 149);
}

// ---- failures ----

TEST_CASE("a 409 on create becomes a task in Okta's format and the job stops", "[okta][engine][failures]") {
  Harness h;
  h.scim.Script(
      "POST", "/Users", 409,
      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"User already exists","status":"409"})");
  std::string uid = h.CreateUser("dup@okta.local", "Dup", "Licate");
  auto rs = h.Do([&] { h.Assign(uid); });
  CHECK(rs.size() == 2);
  auto tasks = h.Tasks();
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0]["message"] ==
        "Automatic provisioning of user Dup Licate to app Test App failed: Error while trying to create user "
        "'dup@okta.local': Conflict. Errors reported by remote server: User already exists");
  CHECK(tasks[0]["status"] == "OPEN");
  CHECK(h.Logs("application.provision.user.push").back()["outcome"]["result"] == "FAILURE");
  auto au = h.Call("GET", "/api/v1/apps/" + h.app_id + "/users/" + uid).body;
  CHECK(au["syncState"] == "ERROR");
  CHECK(au["externalId"].is_null());

  // Retry: the server now accepts; the task resolves.
  std::string tid = tasks[0]["id"];
  auto retry = h.Do([&] { CHECK(h.Call("POST", "/sandbox/tasks/" + tid + "/retry").status == 202); });
  CHECK(retry.size() == 2);
  CHECK(h.Tasks()[0]["status"] == "RESOLVED");
  CHECK(!h.ExternalId(uid).empty());
}

TEST_CASE("a 404 on the profile GET and a 500 on PUT become tasks", "[okta][engine][failures]") {
  Harness h;
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  h.scim.Script("GET", "/Users/.*", 404, R"({"detail":"Resource gone","status":"404"})");
  h.Do([&] { h.Call("POST", "/api/v1/users/" + uid, Json{{"profile", Json{{"firstName", "A"}}}}); });
  h.scim.Script("PUT", "/Users/.*", 500, "<html>oops</html>");
  h.Do([&] { h.Call("POST", "/api/v1/users/" + uid, Json{{"profile", Json{{"firstName", "B"}}}}); });
  auto tasks = h.Tasks();
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0]["message"].get<std::string>().find(
            "Error while trying to push profile update for 'test.user@okta.local': Not Found. Errors reported by "
            "remote server: Resource gone") != std::string::npos);
  CHECK(tasks[1]["message"].get<std::string>().find("Internal Server Error. Errors reported by remote server: Invalid "
                                                    "JSON: Unrecognized token '<html>oops</html>'") !=
        std::string::npos);
}

TEST_CASE("a 501 on PATCH deactivate does not fall back to PUT", "[okta][engine][failures]") {
  Harness h("oin_patch");
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  h.scim.Script("PATCH", "/Users/.*", 501, R"({"detail":"PATCH not supported","status":"501"})");
  auto rs = h.Do([&] { h.Call("DELETE", "/api/v1/apps/" + h.app_id + "/users/" + uid); });
  CHECK(Lines(rs) == std::vector<std::string>{"PATCH /scim/v2/Users/" + sid});
  REQUIRE(h.Tasks().size() == 1);
  CHECK(h.Tasks()[0]["message"].get<std::string>().find("Not Implemented") != std::string::npos);
}

TEST_CASE("a 429 with Retry-After parks the job for that many seconds, then doubles", "[okta][engine][ratelimit]") {
  Harness h;
  h.scim.Script("GET", "/Users", 429, R"({"detail":"slow down","status":"429"})", {{"Retry-After", "7"}}, 2);
  std::string uid = h.CreateUser("rl@okta.local", "Rate", "Limited");
  auto first = h.Do([&] { h.Assign(uid); });
  CHECK(first.size() == 1);
  auto jobs = h.Call("GET", "/sandbox/jobs").body;
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0]["due"] == "2026-01-01T00:00:07.000Z");
  auto paused = h.Tasks();
  REQUIRE(paused.size() == 1);
  CHECK(paused[0]["status"] == "RATE_LIMITED");
  CHECK(paused[0]["message"] ==
        "Provisioning of user Rate Limited to app Test App is paused: the app's rate limit was reached (HTTP 429). "
        "Okta will retry at 2026-01-01T00:00:07.000Z (attempt 2 of 10)");
  h.Advance(6);
  CHECK(h.Do([] {}).empty());
  auto second = h.Do([&] { h.Advance(1); });
  CHECK(second.size() == 1);  // 429 again → wait doubles to 14 s
  CHECK(h.Call("GET", "/sandbox/jobs").body[0]["due"] == "2026-01-01T00:00:21.000Z");
  auto third = h.Do([&] { h.Advance(14); });
  CHECK(third.size() == 2);  // lookup + POST
  CHECK(!h.ExternalId(uid).empty());
  REQUIRE(h.Tasks().size() == 1);
  CHECK(h.Tasks()[0]["status"] == "RESOLVED");
  CHECK(h.Logs("application.provision.rate_limit").size() == 2);
}

TEST_CASE("a 429 without Retry-After waits 5 minutes; after 10 attempts the task fails", "[okta][engine][ratelimit]") {
  Harness h;
  h.scim.Script("GET", "/Users", 429, "", {}, 100);
  std::string uid = h.CreateUser("rl@okta.local", "Rate", "Limited");
  h.Do([&] { h.Assign(uid); });
  CHECK(h.Call("GET", "/sandbox/jobs").body[0]["due"] == "2026-01-01T00:05:00.000Z");
  // Waits: 300, 600, 1200, … seconds; each retry comes exactly when due.
  for (int attempt = 2; attempt <= 10; ++attempt) {
    int wait = 300 << (attempt - 2);
    h.Advance(wait - 1);
    h.Wait();
    CHECK(h.scim.requests().size() == static_cast<size_t>(attempt - 1));
    h.Advance(1);
    h.Wait();
    CHECK(h.scim.requests().size() == static_cast<size_t>(attempt));
  }
  h.Advance(1 << 20);
  h.Wait();
  CHECK(h.scim.requests().size() == 10);
  auto tasks = h.Tasks();
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0]["status"] == "OPEN");
  CHECK(tasks[0]["message"].get<std::string>().find("Rate limit exceeded") != std::string::npos);
}

TEST_CASE("a SCIM server slower than the timeout setting gives a timeout task", "[okta][engine][failures]") {
  Harness h("aiw_put", Json{{"timeoutMs", 300}});
  h.scim.Script("GET", "/Users", 200, R"({"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]})", {}, 1,
                1500);
  std::string uid = h.CreateUser("slow@okta.local", "Slow", "Server");
  h.Do([&] { h.Assign(uid); });
  auto tasks = h.Tasks();
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0]["message"].get<std::string>().find("Read timed out") != std::string::npos);
}

TEST_CASE("a bad SCIM token gives a 401 task", "[okta][engine][failures]") {
  Harness h;
  h.scim.Script("GET", "/Users", 401, R"({"detail":"Invalid bearer token","status":"401"})");
  std::string uid = h.CreateUser("tok@okta.local", "Bad", "Token");
  h.Do([&] { h.Assign(uid); });
  auto tasks = h.Tasks();
  REQUIRE(tasks.size() == 1);
  CHECK(tasks[0]["message"].get<std::string>().find(
            "Unauthorized. Errors reported by remote server: Invalid bearer token") != std::string::npos);
}

TEST_CASE("every exchange is recorded in the traffic log with its job", "[okta][engine][traffic]") {
  Harness h;
  std::string uid, sid;
  std::tie(uid, sid) = Provisioned(h);
  auto traffic = h.Call("GET", "/sandbox/traffic").body;
  REQUIRE(traffic.size() == 2);
  CHECK(traffic[1]["jobKind"] == "user_push");
  CHECK(traffic[1]["request"]["method"] == "POST");
  CHECK(traffic[1]["response"]["status"] == 201);
  CHECK(traffic[1]["request"]["headers"][0]["name"] == "Accept");
  CHECK(traffic[1]["request"]["headers"][2]["name"] == "Content-Type");
}

TEST_CASE("basic and verbatim header auth modes reach the wire", "[okta][engine][auth]") {
  Harness h("aiw_put", Json{{"authMode", "basic"}, {"basicUsername", "Aladdin"}, {"basicPassword", "open sesame"}});
  auto rs = h.Do([&] { h.Call("POST", "/sandbox/apps/" + h.app_id + "/test-connector"); });
  CHECK(rs[0].Header("Authorization") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  h.Settings(Json{{"authMode", "header_verbatim"}, {"token", "Token xyz"}});
  rs = h.Do([&] { h.Call("POST", "/sandbox/apps/" + h.app_id + "/test-connector"); });
  CHECK(rs[0].Header("Authorization") == "Token xyz");
}

// ---- the job journal (issue: queued jobs were lost on restart) ----

TEST_CASE("jobs still queued when the mock stops run after it starts again on the same okta.db",
          "[okta][engine][journal]") {
  FakeScim scim;
  std::string path = "/tmp/okta_journal_test_" + std::to_string(::getpid()) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  core::ManualClock clock(testing_okta::Epoch());
  auto start = [&] {
    okta::Config c;
    c.port = 0;
    c.api_token = "t";
    c.clock = &clock;
    c.db_path = path;
    auto m = std::make_unique<okta::MockOkta>(c);
    REQUIRE(m->Start().ok());
    return m;
  };
  auto call = [](okta::MockOkta& m, const std::string& method, const std::string& target, const Json& body) {
    auto client = core::MakeClient(m.base_url(), 5, 30);
    httplib::Request req;
    req.method = method;
    req.path = target;
    req.headers = {{"Authorization", "SSWS t"}, {"Accept", "application/json"}};
    if (!body.is_null()) {
      req.body = core::DumpCompact(body);
      req.headers.emplace("Content-Type", "application/json");
    }
    auto res = client->send(req);
    REQUIRE(res);
    auto j = core::ParseJson(res->body.empty() ? "{}" : res->body);
    return j.ok() ? *j : Json();
  };
  {
    auto m = start();
    std::string app = call(*m, "POST", "/api/v1/apps", Json{{"label", "J"}, {"signOnMode", "AUTO_LOGIN"}})["id"];
    call(*m, "POST", "/api/v1/apps/" + app + "/connections/default?activate=true",
         Json{{"baseUrl", scim.base_url()}, {"profile", Json{{"authScheme", "TOKEN"}, {"token", "scim-token"}}}});
    call(*m, "PATCH", "/sandbox/apps/" + app + "/provisioning", Json{{"createUsers", true}});  // off on a new app
    call(*m, "POST", "/sandbox/engine", Json{{"paused", true}});
    for (int i = 0; i < 3; ++i) {
      std::string login = "j" + std::to_string(i) + "@example.com";
      std::string uid = call(
          *m, "POST", "/api/v1/users?activate=true",
          Json{{"profile",
                Json{{"login", login}, {"email", login}, {"firstName", "J"}, {"lastName", std::to_string(i)}}}})["id"];
      call(*m, "POST", "/api/v1/apps/" + app + "/users", Json{{"id", uid}});
    }
    CHECK(call(*m, "GET", "/sandbox/jobs", nullptr).size() == 3);
    m->Stop();
  }  // the store writes what is pending as it closes
  CHECK(scim.requests().empty());
  {
    auto m = start();
    REQUIRE(m->WaitIdle(std::chrono::seconds(10)));
    int creates = 0;
    for (const auto& r : scim.requests()) creates += r.method == "POST" && r.target == "/scim/v2/Users";
    CHECK(creates == 3);
    m->Stop();
  }
  {
    // Done jobs leave the journal: a third start has nothing to run.
    size_t before = scim.requests().size();
    auto m = start();
    REQUIRE(m->WaitIdle(std::chrono::seconds(10)));
    CHECK(scim.requests().size() == before);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}
