#include "mock_okta/scim_dialect.h"

#include <catch2/catch.hpp>

using core::Json;
using namespace okta;

namespace {
WireSettings Bearer() {
  WireSettings w;
  w.token = "s3cret";
  w.host = "scim.example.com";
  return w;
}
Json Profile() {
  return Json{{"login", "test.user@okta.local"}, {"email", "test.user@okta.local"},
              {"firstName", "Test"}, {"lastName", "User"}};
}
}  // namespace

TEST_CASE("the PATCH deactivate body is Okta's 118 bytes, path-less, lower-case op", "[okta][planner]") {
  std::string body = core::DumpCompact(PatchActiveBody(false));
  CHECK(body ==
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]})");
  CHECK(body.size() == 118);
}

TEST_CASE("the user create body matches the reference example byte for byte", "[okta][planner]") {
  MappedUser u = MapUser("00ujl29u0le5T6Aj10h7", Profile(), "test.user@okta.local", "en-US");
  CHECK(core::DumpCompact(UserCreateBody(u, "1mz050nq")) ==
        R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true})");
}

TEST_CASE("a mapped department adds the enterprise extension and its URN to schemas", "[okta][planner]") {
  Json p = Profile();
  p["department"] = "Sales";
  MappedUser u = MapUser("00ujl29u0le5T6Aj10h7", p, "test.user@okta.local", "en-US");
  Json b = UserCreateBody(u, "pw");
  CHECK(b["schemas"] == Json::array({kUserSchema, kEnterpriseSchema}));
  CHECK(core::DumpCompact(b[kEnterpriseSchema]) == R"({"department":"Sales"})");
}

TEST_CASE("headers come in Okta's order and Content-Type only with a body", "[okta][planner]") {
  auto get = ListUsersRequest(Bearer(), 1, 2);
  std::vector<Header> want = {{"Accept", "application/scim+json"},
                              {"Accept-Charset", "utf-8"},
                              {"User-Agent", "Okta SCIM Client 1.0.0"},
                              {"Authorization", "Bearer s3cret"},
                              {"Host", "scim.example.com"},
                              {"Connection", "Keep-Alive"},
                              {"Accept-Encoding", "gzip,deflate"}};
  CHECK(get.headers == want);
  CHECK(get.Target() == "/Users?startIndex=1&count=2");

  auto patch = BodyRequest(Bearer(), "PATCH", "/Users/abc", PatchActiveBody(false));
  std::vector<Header> want_body = {{"Accept", "application/scim+json"},
                                   {"Accept-Charset", "utf-8"},
                                   {"Content-Type", "application/scim+json; charset=utf-8"},
                                   {"User-Agent", "Okta SCIM Client 1.0.0"},
                                   {"Authorization", "Bearer s3cret"},
                                   {"Content-Length", "118"},
                                   {"Host", "scim.example.com"},
                                   {"Connection", "Keep-Alive"},
                                   {"Accept-Encoding", "gzip,deflate"}};
  CHECK(patch.headers == want_body);
}

TEST_CASE("authorization follows the auth mode", "[okta][planner]") {
  WireSettings w = Bearer();
  CHECK(AuthorizationValue(w) == "Bearer s3cret");
  w.auth = AuthMode::kHeaderVerbatim;
  w.token = "Token abc";
  CHECK(AuthorizationValue(w) == "Token abc");
  w.auth = AuthMode::kBasic;
  w.username = "Aladdin";
  w.password = "open sesame";
  CHECK(AuthorizationValue(w) == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST_CASE("the lookup filter is percent-encoded with %20 by default and '+' when set", "[okta][planner]") {
  WireSettings w = Bearer();
  CHECK(FindUserRequest(w, "userName", "test.user@okta.local").Target() ==
        "/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100");
  w.query_plus = true;
  CHECK(FindUserRequest(w, "userName", "jane.doe@example.com").Target() ==
        "/Users?filter=userName+eq+%22jane.doe%40example.com%22&startIndex=1&count=100");
  CHECK(FindUserRequest(w, "email", "a@b.c").query.rfind("filter=email+eq+", 0) == 0);
  CHECK(FindGroupRequest(Bearer(), "Test SCIMv2").Target() ==
        "/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100");
}

TEST_CASE("quotes in filter values are escaped", "[okta][planner]") {
  CHECK(EqFilter("userName", "a\"b") == "userName eq \"a\\\"b\"");
}

TEST_CASE("group bodies match the reference examples", "[okta][planner]") {
  CHECK(core::DumpCompact(GroupCreateBody("Test SCIMv2")) ==
        R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]})");
  CHECK(core::DumpCompact(GroupMembersPatchBody(
            {"89bb1940-b905-4575-9e7f-6f887cfb368e"},
            {{"23a35c27-23d3-4c03-b4c5-6443c09e7173", "test.user@okta.local"}})) ==
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"89bb1940-b905-4575-9e7f-6f887cfb368e\"]"},{"op":"add","path":"members","value":[{"value":"23a35c27-23d3-4c03-b4c5-6443c09e7173","display":"test.user@okta.local"}]}]})");
  CHECK(core::DumpCompact(GroupRenamePatchBody("abf4dd94-a4c0-4f67-89c9-76b03340cb9b", "Test SCIMv2")) ==
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"abf4dd94-a4c0-4f67-89c9-76b03340cb9b","displayName":"Test SCIMv2"}}]})");
  CHECK(core::DumpCompact(GroupPutBody("g1", "Eng", {{"u1", "a@x"}})) ==
        R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Eng","members":[{"value":"u1","display":"a@x"}]})");
  CHECK(core::DumpCompact(GroupReplaceMembersPatchBody({{"u1", "a@x"}})) ==
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"members","value":[{"value":"u1","display":"a@x"}]}]})");
}

TEST_CASE("membership changes are batched by the patch batch size", "[okta][planner]") {
  std::vector<Member> add;
  for (int i = 0; i < 5; ++i) add.push_back({"u" + std::to_string(i), "d"});
  auto patches = BatchedMembersPatches({"r1"}, add, 2);
  REQUIRE(patches.size() == 3);
  CHECK(patches[0]["Operations"].size() == 2);  // remove r1 + add [u0]
  CHECK(patches[2]["Operations"][0]["value"].size() == 2);
}

TEST_CASE("the PUT echo keeps the server's keys and order and overwrites only changed attributes",
          "[okta][planner]") {
  auto server = core::ParseJson(
      R"({"id":"abc","meta":{"resourceType":"User","location":"http://x/Users/abc"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"old@x","name":{"formatted":"Old N","givenName":"Old","familyName":"N"},"emails":[{"value":"old@x","type":"work","primary":true}],"displayName":"Old N","active":true,"extra":1})");
  REQUIRE(server.ok());
  Json p{{"login", "new@x"}, {"email", "new@x"}, {"firstName", "New"}, {"lastName", "N"}};
  MappedUser before = MapUser("00u1", Json{{"login", "old@x"}, {"email", "old@x"}, {"firstName", "Old"}, {"lastName", "N"}},
                              "old@x", "en-US");
  MappedUser after = MapUser("00u1", p, "new@x", "en-US");
  auto changed = ChangedAttributes(before, after);
  CHECK(changed == std::set<std::string>{"userName", "name.givenName", "emails", "displayName"});
  Json put = MergeUserForPut(*server, after, changed, std::nullopt, std::nullopt);
  CHECK(core::DumpCompact(put) ==
        R"({"id":"abc","meta":{"resourceType":"User","location":"http://x/Users/abc"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new@x","name":{"formatted":"Old N","givenName":"New","familyName":"N"},"emails":[{"value":"new@x","type":"work","primary":true}],"displayName":"New N","active":true,"extra":1})");
  Json deact = MergeUserForPut(*server, after, {}, false, std::nullopt);
  CHECK(deact["active"] == false);
  CHECK(deact["userName"] == "old@x");
}

TEST_CASE("application username formats derive the userName", "[okta][planner]") {
  Json p{{"login", "jdoe@corp.test"}, {"email", "john.doe@mail.test"}};
  CHECK(AppUsername(p, UsernameFormat::kOktaUsername, "") == "jdoe@corp.test");
  CHECK(AppUsername(p, UsernameFormat::kEmail, "") == "john.doe@mail.test");
  CHECK(AppUsername(p, UsernameFormat::kEmailPrefix, "") == "john.doe");
  CHECK(AppUsername(p, UsernameFormat::kCustomPrefix, "np_") == "np_jdoe@corp.test");
}

TEST_CASE("list answers need integer totals; lower-case resources are tolerated", "[okta][planner]") {
  auto ok = core::ParseJson(R"({"totalResults":1,"resources":[{"id":"a"}]})");
  CHECK(ListTotal(*ok) == 1);
  CHECK(ListResources(*ok).size() == 1);
  auto bad = core::ParseJson(R"({"totalResults":"1","Resources":[]})");
  CHECK_FALSE(ListTotal(*bad).has_value());
  CHECK(RemoteErrorDetail(R"({"detail":"boom","status":"400"})") == "boom");
  CHECK(RemoteErrorDetail("<html>") == "Invalid JSON: Unrecognized token '<html>'");
}
