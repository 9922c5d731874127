// Issue 16 item 15: inputs that an external RFC 7643/7644 suite (python-scim's
// scim2-tester) sends and the server used to refuse or answer differently:
// the extension object with its own `schemas` key inside, and empty
// multi-valued attributes in responses (RFC 7643 §2.5: `[]` is "unassigned").
#include <catch2/catch.hpp>

#include <algorithm>

#include "test_server.h"

using core::Json;
using scimtest::TestServer;

namespace {

constexpr const char* kEnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr const char* kPatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

Json PatchOf(Json operation) { return Json{{"schemas", {kPatchOp}}, {"Operations", Json::array({operation})}}; }

Json EnterpriseObject(const std::string& department) {
  return Json{{"schemas", {kEnterpriseSchema}}, {"department", department}};
}

}  // namespace

TEST_CASE("PATCH with the enterprise extension object carrying its own schemas key is applied",
          "[scim][patch][liberal]") {
  TestServer s;
  std::string id = s.CreateUser("ext@example.com");
  std::string path = "/Users/" + id;

  SECTION("path-less add") {
    auto r = s.Patch(path, PatchOf({{"op", "add"}, {"value", {{kEnterpriseSchema, EnterpriseObject("Sales")}}}}));
    REQUIRE(r.status == 200);
    CHECK(r.json[kEnterpriseSchema]["department"] == "Sales");
    CHECK_FALSE(r.json[kEnterpriseSchema].contains("schemas"));
  }
  SECTION("path-less replace") {
    auto r = s.Patch(path, PatchOf({{"op", "replace"}, {"value", {{kEnterpriseSchema, EnterpriseObject("Ops")}}}}));
    REQUIRE(r.status == 200);
    CHECK(r.json[kEnterpriseSchema]["department"] == "Ops");
  }
  SECTION("path = the extension URN, add and replace") {
    auto a = s.Patch(path, PatchOf({{"op", "add"}, {"path", kEnterpriseSchema}, {"value", EnterpriseObject("R&D")}}));
    REQUIRE(a.status == 200);
    CHECK(a.json[kEnterpriseSchema]["department"] == "R&D");
    auto r = s.Patch(path, PatchOf({{"op", "replace"}, {"path", kEnterpriseSchema}, {"value", EnterpriseObject("Legal")}}));
    REQUIRE(r.status == 200);
    CHECK(r.json[kEnterpriseSchema]["department"] == "Legal");
  }
  // Whatever the form, the URN is listed once in the resource's schemas and the change is stored.
  auto stored = s.Get(path);
  REQUIRE(stored.status == 200);
  CHECK(stored.json[kEnterpriseSchema]["department"].is_string());
  CHECK(std::count(stored.json["schemas"].begin(), stored.json["schemas"].end(), Json(kEnterpriseSchema)) == 1);
}

TEST_CASE("POST and PUT accept the extension object with its own schemas key", "[scim][liberal]") {
  TestServer s;
  Json body = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User", kEnterpriseSchema}},
               {"userName", "post.ext@example.com"},
               {kEnterpriseSchema, EnterpriseObject("Finance")}};
  auto created = s.Post("/Users", body);
  REQUIRE(created.status == 201);
  CHECK(created.json[kEnterpriseSchema] == Json{{"department", "Finance"}});
  body[kEnterpriseSchema]["department"] = "Audit";
  auto put = s.Put("/Users/" + created.json["id"].get<std::string>(), body);
  REQUIRE(put.status == 200);
  CHECK(put.json[kEnterpriseSchema] == Json{{"department", "Audit"}});
}

TEST_CASE("a Group whose members are all removed comes back without members", "[scim][liberal][groups]") {
  TestServer s;
  std::string a = s.CreateUser("a@example.com");
  std::string b = s.CreateUser("b@example.com");
  std::string gid = s.CreateGroup("Emptied", {a, b});

  auto removed = s.Patch("/Groups/" + gid, PatchOf({{"op", "remove"}, {"path", "members"}}));
  REQUIRE(removed.status == 200);
  CHECK(removed.json["displayName"] == "Emptied");
  CHECK_FALSE(removed.json.contains("members"));
  auto got = s.Get("/Groups/" + gid);
  REQUIRE(got.status == 200);
  CHECK_FALSE(got.json.contains("members"));
  auto listed = s.Get("/Groups?filter=displayName%20eq%20%22Emptied%22");
  REQUIRE(listed.json["Resources"].size() == 1);
  CHECK_FALSE(listed.json["Resources"][0].contains("members"));

  // Created empty, or replaced by an empty list: the same.
  auto fresh = s.Post("/Groups", {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:Group"}},
                                  {"displayName", "Never filled"}, {"members", Json::array()}});
  REQUIRE(fresh.status == 201);
  CHECK_FALSE(fresh.json.contains("members"));
  std::string g2 = s.CreateGroup("Replaced", {a});
  auto replaced = s.Patch("/Groups/" + g2, PatchOf({{"op", "replace"}, {"path", "members"}, {"value", Json::array()}}));
  REQUIRE(replaced.status == 200);
  CHECK_FALSE(replaced.json.contains("members"));
  // A group with members still lists them.
  std::string g3 = s.CreateGroup("Kept", {b});
  CHECK(s.Get("/Groups/" + g3).json["members"].size() == 1);
}

TEST_CASE("emptied multi-valued User attributes are left out of responses", "[scim][liberal]") {
  TestServer s;
  std::string id = s.CreateUser("multi@example.com");
  std::string path = "/Users/" + id;
  REQUIRE(s.Get(path).json["emails"].size() == 1);

  auto removed = s.Patch(path, PatchOf({{"op", "remove"}, {"path", "emails"}}));
  REQUIRE(removed.status == 200);
  CHECK_FALSE(removed.json.contains("emails"));

  auto replaced = s.Patch(path, PatchOf({{"op", "replace"}, {"value", {{"phoneNumbers", Json::array()},
                                                                       {"emails", Json::array()}}}}));
  REQUIRE(replaced.status == 200);
  CHECK_FALSE(replaced.json.contains("phoneNumbers"));
  CHECK_FALSE(replaced.json.contains("emails"));

  Json put = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
              {"userName", "multi@example.com"},
              {"emails", Json::array()},
              {"addresses", Json::array()},
              {"displayName", "Multi"}};
  auto r = s.Put(path, put);
  REQUIRE(r.status == 200);
  CHECK(r.json["displayName"] == "Multi");
  CHECK_FALSE(r.json.contains("emails"));
  CHECK_FALSE(r.json.contains("addresses"));
  auto got = s.Get(path);
  CHECK_FALSE(got.json.contains("emails"));
  CHECK_FALSE(got.json.contains("addresses"));
  // A filter on presence agrees: the emptied attribute is absent.
  auto present = s.Get("/Users?filter=emails%20pr");
  REQUIRE(present.status == 200);
  CHECK(present.json["totalResults"] == 0);
}
