#include "scim_server/patch_apply.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace scim {
namespace {

using core::ErrorCode;
using core::Json;

Json J(const char* text) { return Json::parse(text); }

std::vector<PatchOperation> Parse(const char* body) {
  auto ops = ParsePatchRequest(Json::parse(body));
  INFO(body);
  REQUIRE(ops.ok());
  return std::move(ops).value();
}

ErrorCode ParseError(const char* body) {
  auto ops = ParsePatchRequest(Json::parse(body));
  INFO(body);
  REQUIRE_FALSE(ops.ok());
  return ops.error().code;
}

// Parses `body` and applies it; REQUIREs success.
void Apply(Json& resource, const char* body, ResourceKind kind = ResourceKind::kUser,
           std::vector<MemberChange>* changes = nullptr) {
  auto ops = Parse(body);
  auto s = ApplyPatch(resource, ops, kind, changes);
  INFO(body << (s.ok() ? std::string() : " → " + s.error().detail));
  REQUIRE(s.ok());
}

// Parses `body`, applies it expecting failure; checks the resource is unchanged.
core::Error ApplyFails(Json& resource, const char* body, ResourceKind kind = ResourceKind::kUser) {
  auto ops = Parse(body);
  Json before = resource;
  std::vector<MemberChange> changes;
  auto s = ApplyPatch(resource, ops, kind, &changes);
  INFO(body);
  REQUIRE_FALSE(s.ok());
  CHECK(resource == before);
  CHECK(changes.empty());
  return s.error();
}

std::string Body(const std::string& operations) {
  return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" + operations + "}";
}

Json BaseUser() {
  return J(R"({
    "schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
    "externalId":"00u1",
    "userName":"bjensen@example.com",
    "name":{"givenName":"Barbara","familyName":"Jensen"},
    "displayName":"Babs",
    "active":true,
    "emails":[{"value":"bjensen@example.com","type":"work","primary":true},
              {"value":"babs@jensen.org","type":"home"}],
    "addresses":[{"type":"work","streetAddress":"100 Universal City Plaza","locality":"Hollywood"},
                 {"type":"home","streetAddress":"456 Hollywood Blvd","locality":"Hollywood"}]
  })");
}

Json BaseGroup() {
  return J(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering"})");
}

constexpr const char* kEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

// ---------------------------------------------------------------------------
// Okta's exact bodies (docs/okta-behaviour.md §1.4, §1.5, §1.7)

TEST_CASE("Okta's path-less replace of active:false deactivates the user", "[scim][patch][okta]") {
  const char* body =
      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]})";
  REQUIRE(std::string(body).size() == 118);  // the Content-Length Okta sends
  Json user = BaseUser();
  Json expected = user;
  expected["active"] = false;
  Apply(user, body);
  CHECK(user == expected);
}

TEST_CASE("Okta's path-less replace of active:true reactivates the user", "[scim][patch][okta]") {
  Json user = BaseUser();
  user["active"] = false;
  Apply(user,
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]})");
  CHECK(user["active"] == true);
}

TEST_CASE("Okta's group rename ignores the id inside the value", "[scim][patch][okta]") {
  Json group = BaseGroup();
  std::vector<MemberChange> changes;
  Apply(group,
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"abf4dd94-a4c0-4f67-89c9-76b03340cb9b","displayName":"New Name"}}]})",
        ResourceKind::kGroup, &changes);
  CHECK(group == J(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"New Name"})"));
  CHECK(changes.empty());
}

TEST_CASE("Okta's rename with an unchanged name is idempotent", "[scim][patch][okta]") {
  Json group = BaseGroup();
  Json before = group;
  std::vector<MemberChange> changes;
  Apply(group, Body(R"([{"op":"replace","value":{"id":"g1","displayName":"Engineering"}}])").c_str(),
        ResourceKind::kGroup, &changes);
  CHECK(group == before);
  CHECK(changes.empty());
}

TEST_CASE("Okta's membership PATCH removes by value filter and adds by array", "[scim][patch][okta]") {
  Json group = BaseGroup();
  Json before = group;
  std::vector<MemberChange> changes;
  Apply(group,
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"89bb1940-b905-4575-9e7f-6f887cfb368e\"]"},{"op":"add","path":"members","value":[{"value":"23a35c27-23d3-4c03-b4c5-6443c09e7173","display":"test.user@okta.local"}]}]})",
        ResourceKind::kGroup, &changes);
  CHECK(group == before);  // members never go into the JSON
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].kind == MemberChange::Kind::kRemove);
  CHECK(changes[0].ids == std::vector<std::string>{"89bb1940-b905-4575-9e7f-6f887cfb368e"});
  CHECK(changes[1].kind == MemberChange::Kind::kAdd);
  CHECK(changes[1].ids == std::vector<std::string>{"23a35c27-23d3-4c03-b4c5-6443c09e7173"});
}

TEST_CASE("remove with members[value eq x] drops only that member", "[scim][patch][okta]") {
  Json group = BaseGroup();
  std::vector<MemberChange> changes;
  Apply(group, Body(R"([{"op":"remove","path":"members[value eq \"u2\"]"}])").c_str(), ResourceKind::kGroup,
        &changes);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == MemberChange::Kind::kRemove);
  CHECK(changes[0].ids == std::vector<std::string>{"u2"});
}

TEST_CASE("Okta's Push Now replace of members becomes remove-all then add", "[scim][patch][okta]") {
  Json group = BaseGroup();
  std::vector<MemberChange> changes;
  Apply(group,
        Body(R"([{"op":"replace","path":"members","value":[{"value":"u1","display":"a@x"},{"value":"u2","display":"b@x"}]}])")
            .c_str(),
        ResourceKind::kGroup, &changes);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].kind == MemberChange::Kind::kRemoveAll);
  CHECK(changes[0].ids.empty());
  CHECK(changes[1].kind == MemberChange::Kind::kAdd);
  CHECK(changes[1].ids == std::vector<std::string>{"u1", "u2"});
}

TEST_CASE("replace of members with an empty array only removes all", "[scim][patch][members]") {
  Json group = BaseGroup();
  std::vector<MemberChange> changes;
  Apply(group, Body(R"([{"op":"replace","path":"members","value":[]}])").c_str(), ResourceKind::kGroup, &changes);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == MemberChange::Kind::kRemoveAll);
}

// ---------------------------------------------------------------------------
// Group members, other shapes

TEST_CASE("members[value eq a or value eq b] removes both", "[scim][patch][members]") {
  Json group = BaseGroup();
  std::vector<MemberChange> changes;
  Apply(group, Body(R"([{"op":"remove","path":"members[value eq \"a\" or value eq \"b\"]"}])").c_str(),
        ResourceKind::kGroup, &changes);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == MemberChange::Kind::kRemove);
  CHECK(changes[0].ids == std::vector<std::string>{"a", "b"});
}

TEST_CASE("remove of members without a filter removes all members", "[scim][patch][members]") {
  Json group = BaseGroup();
  std::vector<MemberChange> changes;
  Apply(group, Body(R"([{"op":"remove","path":"members"}])").c_str(), ResourceKind::kGroup, &changes);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == MemberChange::Kind::kRemoveAll);
}

TEST_CASE("remove of members with a value array removes those members (Entra style)", "[scim][patch][members]") {
  Json group = BaseGroup();
  std::vector<MemberChange> changes;
  Apply(group, Body(R"([{"op":"Remove","path":"members","value":[{"value":"u1"},{"value":"u2"}]}])").c_str(),
        ResourceKind::kGroup, &changes);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == MemberChange::Kind::kRemove);
  CHECK(changes[0].ids == std::vector<std::string>{"u1", "u2"});
}

TEST_CASE("path-less add and replace carrying members become member changes", "[scim][patch][members]") {
  Json group = BaseGroup();
  std::vector<MemberChange> changes;
  Apply(group,
        Body(R"([{"op":"add","value":{"members":[{"value":"u1"}]}},
                 {"op":"replace","value":{"displayName":"Eng","members":[{"value":"u3","$ref":"https://x/Users/u3","type":"User"}]}}])")
            .c_str(),
        ResourceKind::kGroup, &changes);
  CHECK(group["displayName"] == "Eng");
  CHECK(group.find("members") == group.end());
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].kind == MemberChange::Kind::kAdd);
  CHECK(changes[0].ids == std::vector<std::string>{"u1"});
  CHECK(changes[1].kind == MemberChange::Kind::kRemoveAll);
  CHECK(changes[2].kind == MemberChange::Kind::kAdd);
  CHECK(changes[2].ids == std::vector<std::string>{"u3"});
}

TEST_CASE("a single member object in add is accepted as a one-element array", "[scim][patch][members]") {
  Json group = BaseGroup();
  std::vector<MemberChange> changes;
  Apply(group, Body(R"([{"op":"add","path":"Members","value":{"VALUE":"u9"}}])").c_str(), ResourceKind::kGroup,
        &changes);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].ids == std::vector<std::string>{"u9"});
}

TEST_CASE("member values must be non-empty strings", "[scim][patch][members][errors]") {
  Json group = BaseGroup();
  CHECK(ApplyFails(group, Body(R"([{"op":"add","path":"members","value":[{"value":""}]}])").c_str(),
                   ResourceKind::kGroup)
            .code == ErrorCode::kInvalidValue);
  CHECK(ApplyFails(group, Body(R"([{"op":"add","path":"members","value":[{"value":42}]}])").c_str(),
                   ResourceKind::kGroup)
            .code == ErrorCode::kInvalidValue);
  CHECK(ApplyFails(group, Body(R"([{"op":"add","path":"members","value":[{"display":"x"}]}])").c_str(),
                   ResourceKind::kGroup)
            .code == ErrorCode::kInvalidValue);
}

TEST_CASE("other member filters and member sub-paths are invalid paths", "[scim][patch][members][errors]") {
  Json group = BaseGroup();
  auto e = ApplyFails(group, Body(R"([{"op":"remove","path":"members[display eq \"x\"]"}])").c_str(),
                      ResourceKind::kGroup);
  CHECK(e.code == ErrorCode::kInvalidPath);
  CHECK_THAT(e.detail, Catch::Contains("value eq"));
  CHECK(ApplyFails(group, Body(R"([{"op":"remove","path":"members[value ne \"x\"]"}])").c_str(), ResourceKind::kGroup)
            .code == ErrorCode::kInvalidPath);
  CHECK(ApplyFails(group, Body(R"([{"op":"remove","path":"members[value eq \"a\" and value eq \"b\"]"}])").c_str(),
                   ResourceKind::kGroup)
            .code == ErrorCode::kInvalidPath);
  CHECK(ApplyFails(group, Body(R"([{"op":"replace","path":"members[value eq \"a\"]","value":{"value":"b"}}])").c_str(),
                   ResourceKind::kGroup)
            .code == ErrorCode::kInvalidPath);
  CHECK(ApplyFails(group, Body(R"([{"op":"remove","path":"members[value eq \"a\"].display"}])").c_str(),
                   ResourceKind::kGroup)
            .code == ErrorCode::kInvalidPath);
}

TEST_CASE("members is not an attribute of a User", "[scim][patch][errors]") {
  Json user = BaseUser();
  CHECK(ApplyFails(user, Body(R"([{"op":"add","path":"members","value":[{"value":"x"}]}])").c_str()).code ==
        ErrorCode::kInvalidPath);
  CHECK(ApplyFails(user, Body(R"([{"op":"add","value":{"members":[{"value":"x"}]}}])").c_str()).code ==
        ErrorCode::kInvalidValue);
}

// ---------------------------------------------------------------------------
// RFC 7644 §3.5.2 examples

TEST_CASE("add of emails appends a value (RFC 7644 §3.5.2.1)", "[scim][patch][rfc]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"add","path":"emails","value":[{"type":"home","value":"babs@jensen.org"},
                                                              {"value":"b@other.org","type":"other"}]}])")
                  .c_str());
  REQUIRE(user["emails"].size() == 3);  // the identical home email (keys in another order) is not duplicated
  CHECK(user["emails"][2] == J(R"({"value":"b@other.org","type":"other"})"));
}

TEST_CASE("path-less add of emails and a nickname (RFC 7644 §3.5.2.1)", "[scim][patch][rfc]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"add","value":{"emails":[{"value":"babs@jensen.org","type":"home"}],"nickname":"Babs"}}])")
                  .c_str());
  CHECK(user["emails"].size() == 2);
  CHECK(user["nickName"] == "Babs");  // canonical spelling
  CHECK(user.find("nickname") == user.end());
}

TEST_CASE("add to an absent multi-valued attribute creates it", "[scim][patch][rfc]") {
  Json user = J(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u"})");
  Apply(user, Body(R"([{"op":"add","path":"phoneNumbers","value":{"value":"+1 555","type":"work"}}])").c_str());
  CHECK(user["phoneNumbers"] == J(R"([{"value":"+1 555","type":"work"}])"));
}

TEST_CASE("replace by value filter replaces matching values (RFC 7644 §3.5.2.3)", "[scim][patch][rfc]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"replace","path":"addresses[type eq \"work\"]",
                        "value":{"type":"work","streetAddress":"911 Universal City Plaza","locality":"Hollywood",
                                 "region":"CA","postalCode":"91608","country":"US","primary":true}}])")
                  .c_str());
  CHECK(user["addresses"][0] == J(R"({"type":"work","streetAddress":"911 Universal City Plaza","locality":"Hollywood",
                                      "region":"CA","postalCode":"91608","country":"US","primary":true})"));
  CHECK(user["addresses"][1]["type"] == "home");
}

TEST_CASE("replace of a sub-attribute in matching values (RFC 7644 §3.5.2.3)", "[scim][patch][rfc]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"replace","path":"addresses[type eq \"home\"].streetAddress","value":"1010 Broadway"}])")
                  .c_str());
  CHECK(user["addresses"][1]["streetAddress"] == "1010 Broadway");
  CHECK(user["addresses"][1]["locality"] == "Hollywood");
  CHECK(user["addresses"][0]["streetAddress"] == "100 Universal City Plaza");
  Apply(user, Body(R"([{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@example.com"}])").c_str());
  CHECK(user["emails"][0] == J(R"({"value":"new@example.com","type":"work","primary":true})"));
}

TEST_CASE("replace with a filter that matches nothing is noTarget", "[scim][patch][rfc][errors]") {
  Json user = BaseUser();
  auto e = ApplyFails(user, Body(R"([{"op":"replace","path":"emails[type eq \"other\"].value","value":"x@y"}])").c_str());
  CHECK(e.code == ErrorCode::kNoTarget);
  CHECK_THAT(e.detail, Catch::Contains("emails[type eq \"other\"].value"));
  Json bare = J(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u"})");
  CHECK(ApplyFails(bare, Body(R"([{"op":"replace","path":"emails[type eq \"work\"]","value":{"value":"a@b"}}])").c_str())
            .code == ErrorCode::kNoTarget);
}

TEST_CASE("replace of a multi-valued attribute replaces the whole array", "[scim][patch][rfc]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"replace","path":"emails","value":[{"value":"only@example.com","type":"work"}]}])").c_str());
  CHECK(user["emails"] == J(R"([{"value":"only@example.com","type":"work"}])"));
  Apply(user, Body(R"([{"op":"replace","path":"emails","value":[]}])").c_str());
  CHECK(user.find("emails") == user.end());
}

TEST_CASE("replace of a single attribute (RFC 7644 §3.5.2.3)", "[scim][patch][rfc]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"replace","path":"userName","value":"babs@new.example.com"}])").c_str());
  CHECK(user["userName"] == "babs@new.example.com");
}

TEST_CASE("remove by value filter deletes matching values (RFC 7644 §3.5.2.2)", "[scim][patch][rfc]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"remove","path":"emails[type eq \"work\" and value ew \"example.com\"]"}])").c_str());
  CHECK(user["emails"] == J(R"([{"value":"babs@jensen.org","type":"home"}])"));
}

TEST_CASE("remove by filter of the last value removes the attribute", "[scim][patch][rfc]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"remove","path":"emails[type eq \"work\"]"},
                       {"op":"remove","path":"emails[type eq \"home\"]"}])")
                  .c_str());
  CHECK(user.find("emails") == user.end());
}

TEST_CASE("remove with a filter that matches nothing is noTarget", "[scim][patch][rfc][errors]") {
  Json user = BaseUser();
  CHECK(ApplyFails(user, Body(R"([{"op":"remove","path":"emails[type eq \"other\"]"}])").c_str()).code ==
        ErrorCode::kNoTarget);
}

TEST_CASE("remove of a sub-attribute inside matched values", "[scim][patch][rfc]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"remove","path":"addresses[type eq \"work\"].streetAddress"}])").c_str());
  CHECK(user["addresses"][0] == J(R"({"type":"work","locality":"Hollywood"})"));
  CHECK(user["addresses"][1]["streetAddress"] == "456 Hollywood Blvd");
}

TEST_CASE("remove of a whole attribute and of a sub-attribute", "[scim][patch][rfc]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"remove","path":"displayName"},{"op":"remove","path":"name.givenName"}])").c_str());
  CHECK(user.find("displayName") == user.end());
  CHECK(user["name"] == J(R"({"familyName":"Jensen"})"));
  Apply(user, Body(R"([{"op":"remove","path":"name.familyName"}])").c_str());
  CHECK(user.find("name") == user.end());  // an emptied complex attribute is unassigned
  Apply(user, Body(R"([{"op":"remove","path":"emails"}])").c_str());
  CHECK(user.find("emails") == user.end());
}

TEST_CASE("remove of an attribute that has no value succeeds and changes nothing", "[scim][patch][rfc]") {
  Json user = BaseUser();
  Json before = user;
  Apply(user, Body(R"([{"op":"remove","path":"nickName"},{"op":"remove","path":"name.middleName"},
                       {"op":"remove","path":"phoneNumbers"},
                       {"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"}])")
                  .c_str());
  CHECK(user == before);
}

TEST_CASE("add of a sub-attribute path sets it and creates the parent", "[scim][patch][rfc]") {
  Json user = J(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u"})");
  Apply(user, Body(R"([{"op":"add","path":"name.givenName","value":"Ann"}])").c_str());
  CHECK(user["name"] == J(R"({"givenName":"Ann"})"));
  Apply(user, Body(R"([{"op":"replace","path":"name.familyName","value":"Lee"}])").c_str());
  CHECK(user["name"] == J(R"({"givenName":"Ann","familyName":"Lee"})"));
}

TEST_CASE("add and replace of a complex attribute merge sub-attributes", "[scim][patch][rfc]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"add","path":"name","value":{"middleName":"Jane"}}])").c_str());
  CHECK(user["name"] == J(R"({"givenName":"Barbara","familyName":"Jensen","middleName":"Jane"})"));
  // RFC 7644 §3.5.2.3: sub-attributes not in the value are left unchanged.
  Apply(user, Body(R"([{"op":"replace","path":"name","value":{"givenName":"Babs"}}])").c_str());
  CHECK(user["name"] == J(R"({"givenName":"Babs","familyName":"Jensen","middleName":"Jane"})"));
}

TEST_CASE("add with a filter that matches nothing creates the typed value", "[scim][patch]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 555 0100"}])").c_str());
  CHECK(user["phoneNumbers"] == J(R"([{"type":"mobile","value":"+1 555 0100"}])"));
  Apply(user, Body(R"([{"op":"add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 555 0199"}])").c_str());
  CHECK(user["phoneNumbers"] == J(R"([{"type":"mobile","value":"+1 555 0199"}])"));
}

TEST_CASE("path-less value keys may be dotted, URN-qualified or value paths", "[scim][patch]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"replace","value":{
            "name.givenName":"B",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"R&D",
            "emails[type eq \"work\"].value":"w@example.com"}}])")
                  .c_str());
  CHECK(user["name"]["givenName"] == "B");
  CHECK(user[kEnterprise] == J(R"({"department":"R&D"})"));
  CHECK(user["emails"][0]["value"] == "w@example.com");
}

TEST_CASE("a null inside a path-less value unassigns the attribute", "[scim][patch]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"replace","value":{"displayName":null,"name":{"givenName":null}}}])").c_str());
  CHECK(user.find("displayName") == user.end());
  CHECK(user["name"] == J(R"({"familyName":"Jensen"})"));
}

TEST_CASE("add with a filter that matches merges into the matching values", "[scim][patch]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"add","path":"addresses[type eq \"home\"]","value":{"postalCode":"90028"}}])").c_str());
  CHECK(user["addresses"][1] ==
        J(R"({"type":"home","streetAddress":"456 Hollywood Blvd","locality":"Hollywood","postalCode":"90028"})"));
  CHECK(user["addresses"][0].find("postalCode") == user["addresses"][0].end());
}

TEST_CASE("the core schema URN works as a path prefix and as a value key", "[scim][patch]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:displayName","value":"D"},
                       {"op":"replace","value":{"urn:ietf:params:scim:schemas:core:2.0:User":{"title":"T","name":{"familyName":"J"}}}}])")
                  .c_str());
  CHECK(user["displayName"] == "D");
  CHECK(user["title"] == "T");
  CHECK(user["name"] == J(R"({"givenName":"Barbara","familyName":"J"})"));
}

TEST_CASE("path-less replace of password, as Okta's password sync is expected to send", "[scim][patch][okta]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"replace","value":{"password":"t1meMa$heen"}}])").c_str());
  CHECK(user["password"] == "t1meMa$heen");
}

TEST_CASE("a null members in a path-less replace removes all members", "[scim][patch][members]") {
  Json group = BaseGroup();
  std::vector<MemberChange> changes;
  Apply(group, Body(R"([{"op":"replace","value":{"members":null}}])").c_str(), ResourceKind::kGroup, &changes);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == MemberChange::Kind::kRemoveAll);
}

TEST_CASE("a Group membership change without a member_changes vector is an internal error", "[scim][patch][members]") {
  Json group = BaseGroup();
  Json before = group;
  auto ops = Parse(Body(R"([{"op":"add","path":"members","value":[{"value":"u1"}]}])").c_str());
  auto s = ApplyPatch(group, ops, ResourceKind::kGroup, nullptr);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::kInternal);
  CHECK(group == before);
}

// ---------------------------------------------------------------------------
// Case-insensitivity

TEST_CASE("op names and attribute names are case-insensitive", "[scim][patch]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"Replace","path":"DISPLAYNAME","value":"X"},
                       {"op":"ADD","path":"Name.GivenName","value":"Y"},
                       {"op":"Remove","path":"EMAILS[TYPE eq \"home\"]"},
                       {"op":"replace","value":{"Active":false,"NickName":"n"}}])")
                  .c_str());
  CHECK(user["displayName"] == "X");
  CHECK(user["name"]["givenName"] == "Y");
  CHECK(user["emails"].size() == 1);
  CHECK(user["active"] == false);
  CHECK(user["nickName"] == "n");
  CHECK(user.find("Active") == user.end());
}

TEST_CASE("request keys Operations, op, path and value are case-insensitive", "[scim][patch]") {
  auto ops = Parse(R"({"SCHEMAS":["urn:ietf:params:scim:api:messages:2.0:patchop"],
                       "operations":[{"OP":"replace","PATH":"active","VALUE":false}]})");
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].op == PatchOperation::Op::kReplace);
  CHECK(ops[0].path == std::optional<std::string>("active"));
  CHECK(ops[0].value == false);
}

TEST_CASE("stored keys in other spellings are renamed to the canonical one", "[scim][patch]") {
  Json user = J(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"username":"u","NAME":{"GIVENNAME":"a"}})");
  Apply(user, Body(R"([{"op":"replace","path":"userName","value":"v"},{"op":"add","path":"name.givenName","value":"b"}])")
                  .c_str());
  CHECK(user == J(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"v","name":{"givenName":"b"}})"));
}

TEST_CASE("sub-attribute names inside values are canonicalized", "[scim][patch]") {
  Json user = J(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u"})");
  Apply(user, Body(R"([{"op":"add","path":"emails","value":[{"VALUE":"a@b","Type":"work"}]}])").c_str());
  CHECK(user["emails"] == J(R"([{"value":"a@b","type":"work"}])"));
}

// ---------------------------------------------------------------------------
// primary (RFC 7643 §2.4)

TEST_CASE("adding a primary value clears primary on the others", "[scim][patch][primary]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"add","path":"emails","value":[{"value":"new@x.org","type":"other","primary":true}]}])")
                  .c_str());
  REQUIRE(user["emails"].size() == 3);
  CHECK(user["emails"][0]["primary"] == false);
  CHECK(user["emails"][2]["primary"] == true);
}

TEST_CASE("setting primary through a filter clears it on the others", "[scim][patch][primary]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}])").c_str());
  CHECK(user["emails"][0]["primary"] == false);
  CHECK(user["emails"][1]["primary"] == true);
}

TEST_CASE("two primary values in one request are invalid", "[scim][patch][primary][errors]") {
  Json user = BaseUser();
  CHECK(ApplyFails(user, Body(R"([{"op":"add","path":"emails","value":[{"value":"a@x","primary":true},
                                                                        {"value":"b@x","primary":true}]}])")
                             .c_str())
            .code == ErrorCode::kInvalidValue);
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","path":"emails.primary","value":true}])").c_str()).code ==
        ErrorCode::kInvalidValue);
}

// ---------------------------------------------------------------------------
// Extension attributes

TEST_CASE("URN-qualified extension paths nest under the URN and list it in schemas", "[scim][patch][extension]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Sales"},
                       {"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value","value":"m1"}])")
                  .c_str());
  CHECK(user[kEnterprise] == J(R"({"department":"Sales","manager":{"value":"m1"}})"));
  CHECK(user["schemas"] == J(R"(["urn:ietf:params:scim:schemas:core:2.0:User",
                                 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"])"));
}

TEST_CASE("a path-less value with the extension URN as a key holds its attributes", "[scim][patch][extension]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user":
                         {"EmployeeNumber":"42","manager":{"value":"m2","displayName":"ignored, read-only"}}}}])")
                  .c_str());
  CHECK(user[kEnterprise] == J(R"({"employeeNumber":"42","manager":{"value":"m2"}})"));
  CHECK(user["schemas"].size() == 2);
}

TEST_CASE("removing the last extension attribute removes the extension and its URN", "[scim][patch][extension]") {
  Json user = BaseUser();
  user["schemas"].push_back(kEnterprise);
  user[kEnterprise] = J(R"({"department":"Sales","costCenter":"C1"})");
  Apply(user, Body(R"([{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"}])")
                  .c_str());
  CHECK(user[kEnterprise] == J(R"({"costCenter":"C1"})"));
  Apply(user, Body(R"([{"op":"remove","path":"costCenter"}])").c_str());  // unqualified, resolved to the extension
  CHECK(user.find(kEnterprise) == user.end());
  CHECK(user["schemas"] == J(R"(["urn:ietf:params:scim:schemas:core:2.0:User"])"));
}

TEST_CASE("remove with the extension URN as path removes the whole extension", "[scim][patch][extension]") {
  Json user = BaseUser();
  user["schemas"].push_back(kEnterprise);
  user[kEnterprise] = J(R"({"department":"Sales"})");
  Apply(user, Body(R"([{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}])").c_str());
  CHECK(user == BaseUser());
}

TEST_CASE("schemas inside a path-less value are merged, unknown URNs ignored", "[scim][patch][extension]") {
  Json user = J(R"({"userName":"u"})");
  Apply(user, Body(R"([{"op":"replace","value":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
                                                            "urn:ietf:params:scim:api:messages:2.0:PatchOp",
                                                            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                                                "userName":"v"}}])")
                  .c_str());
  CHECK(user == J(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
                                 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"v"})"));
}

// ---------------------------------------------------------------------------
// Read-only, immutable, unknown, wrong type

TEST_CASE("read-only attributes in a path-less value are ignored", "[scim][patch][mutability]") {
  Json user = BaseUser();
  Json before = user;
  Apply(user, Body(R"([{"op":"replace","value":{"id":"x","meta":{"created":"2020-01-01T00:00:00Z"},
                                                "groups":[{"value":"g1"}]}}])")
                  .c_str());
  CHECK(user == before);
}

TEST_CASE("a path naming a read-only attribute is a mutability error", "[scim][patch][mutability][errors]") {
  Json user = BaseUser();
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","path":"id","value":"x"}])").c_str()).code == ErrorCode::kMutability);
  CHECK(ApplyFails(user, Body(R"([{"op":"add","path":"groups","value":[{"value":"g1"}]}])").c_str()).code ==
        ErrorCode::kMutability);
  CHECK(ApplyFails(user, Body(R"([{"op":"remove","path":"groups[value eq \"g1\"]"}])").c_str()).code ==
        ErrorCode::kMutability);
  CHECK(ApplyFails(user, Body(R"([{"op":"remove","path":"meta.lastModified"}])").c_str()).code ==
        ErrorCode::kMutability);
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName","value":"x"}])")
                             .c_str())
            .code == ErrorCode::kMutability);
}

TEST_CASE("externalId and password are writable", "[scim][patch]") {
  Json user = BaseUser();
  Apply(user, Body(R"([{"op":"replace","value":{"externalId":"00u2","password":"s3cret!"}}])").c_str());
  CHECK(user["externalId"] == "00u2");
  CHECK(user["password"] == "s3cret!");
}

TEST_CASE("unknown attributes are invalidPath with a path and invalidValue in a value", "[scim][patch][errors]") {
  Json user = BaseUser();
  auto e = ApplyFails(user, Body(R"([{"op":"replace","path":"shoeSize","value":"9"}])").c_str());
  CHECK(e.code == ErrorCode::kInvalidPath);
  CHECK_THAT(e.detail, Catch::Contains("shoeSize"));
  e = ApplyFails(user, Body(R"([{"op":"replace","value":{"shoeSize":"9"}}])").c_str());
  CHECK(e.code == ErrorCode::kInvalidValue);
  CHECK_THAT(e.detail, Catch::Contains("shoeSize"));
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","path":"name.nickname","value":"x"}])").c_str()).code ==
        ErrorCode::kInvalidPath);
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","path":"emails[type eq \"work\"].label","value":"x"}])").c_str())
            .code == ErrorCode::kInvalidPath);
  e = ApplyFails(user, Body(R"([{"op":"add","path":"emails","value":[{"value":"a@b","label":"x"}]}])").c_str());
  CHECK(e.code == ErrorCode::kInvalidValue);
  CHECK_THAT(e.detail, Catch::Contains("emails.label"));
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","path":"urn:example:custom:1.0:User:x","value":"x"}])").c_str())
            .code == ErrorCode::kInvalidPath);
}

TEST_CASE("malformed paths and filters are invalidPath", "[scim][patch][errors]") {
  Json user = BaseUser();
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","path":"emails[type eq","value":"x"}])").c_str()).code ==
        ErrorCode::kInvalidPath);
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","path":"emails[type eq \"work\"","value":"x"}])").c_str()).code ==
        ErrorCode::kInvalidPath);
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","path":"name[givenName eq \"x\"]","value":{}}])").c_str()).code ==
        ErrorCode::kInvalidPath);
  CHECK(ApplyFails(user, Body(R"([{"op":"remove","path":"emails[label eq \"x\"]"}])").c_str()).code ==
        ErrorCode::kInvalidPath);
}

TEST_CASE("values of the wrong JSON type are invalidValue naming the attribute", "[scim][patch][errors]") {
  Json user = BaseUser();
  auto e = ApplyFails(user, Body(R"([{"op":"replace","value":{"active":"false"}}])").c_str());
  CHECK(e.code == ErrorCode::kInvalidValue);
  CHECK_THAT(e.detail, Catch::Contains("active"));
  e = ApplyFails(user, Body(R"([{"op":"replace","path":"userName","value":42}])").c_str());
  CHECK(e.code == ErrorCode::kInvalidValue);
  CHECK_THAT(e.detail, Catch::Contains("userName"));
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","path":"name","value":"Barbara Jensen"}])").c_str()).code ==
        ErrorCode::kInvalidValue);
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","path":"name.givenName","value":{"x":1}}])").c_str()).code ==
        ErrorCode::kInvalidValue);
  CHECK(ApplyFails(user, Body(R"([{"op":"add","path":"emails","value":["a@b"]}])").c_str()).code ==
        ErrorCode::kInvalidValue);
  CHECK(ApplyFails(user, Body(R"([{"op":"add","path":"emails","value":[{"value":"a@b","primary":"true"}]}])").c_str())
            .code == ErrorCode::kInvalidValue);
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","path":"emails[type eq \"work\"]","value":"a@b"}])").c_str())
            .code == ErrorCode::kInvalidValue);
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","value":["active"]}])").c_str()).code == ErrorCode::kInvalidValue);
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":"x"}}])")
                             .c_str())
            .code == ErrorCode::kInvalidValue);
  CHECK(ApplyFails(user, Body(R"([{"op":"replace","value":{"schemas":"x"}}])").c_str()).code ==
        ErrorCode::kInvalidValue);
}

// ---------------------------------------------------------------------------
// All or nothing

TEST_CASE("a failing operation leaves the resource and member changes untouched", "[scim][patch][atomic]") {
  Json user = BaseUser();
  auto e = ApplyFails(user, Body(R"([{"op":"replace","path":"displayName","value":"Changed"},
                                     {"op":"replace","path":"id","value":"x"}])")
                                .c_str());
  CHECK(e.code == ErrorCode::kMutability);
  CHECK_THAT(e.detail, Catch::Contains("Operations[1]"));

  Json group = BaseGroup();
  std::vector<MemberChange> changes;
  auto ops = Parse(Body(R"([{"op":"add","path":"members","value":[{"value":"u1"}]},
                            {"op":"replace","path":"displayName","value":"Renamed"},
                            {"op":"add","path":"members","value":[{"value":""}]}])")
                       .c_str());
  Json before = group;
  auto s = ApplyPatch(group, ops, ResourceKind::kGroup, &changes);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::kInvalidValue);
  CHECK(group == before);
  CHECK(changes.empty());  // deltas are handed over only on success
}

TEST_CASE("member changes are appended after existing entries in request order", "[scim][patch][members]") {
  Json group = BaseGroup();
  std::vector<MemberChange> changes{{MemberChange::Kind::kRemoveAll, {}}};
  Apply(group, Body(R"([{"op":"add","path":"members","value":[{"value":"a"}]},
                       {"op":"remove","path":"members[value eq \"b\"]"}])")
                   .c_str(),
        ResourceKind::kGroup, &changes);
  REQUIRE(changes.size() == 3);
  CHECK(changes[1].kind == MemberChange::Kind::kAdd);
  CHECK(changes[2].kind == MemberChange::Kind::kRemove);
}

// ---------------------------------------------------------------------------
// ParsePatchRequest

TEST_CASE("ParsePatchRequest reads op, path and value", "[scim][patch][parse]") {
  auto ops = Parse(Body(R"([{"op":"add","path":"emails","value":[{"value":"a@b"}]},
                            {"op":"remove","path":"nickName"},
                            {"op":"replace","value":{"active":false}}])")
                       .c_str());
  REQUIRE(ops.size() == 3);
  CHECK(ops[0].op == PatchOperation::Op::kAdd);
  CHECK(ops[0].value == J(R"([{"value":"a@b"}])"));
  CHECK(ops[1].op == PatchOperation::Op::kRemove);
  CHECK(ops[1].value.is_null());
  CHECK(ops[2].op == PatchOperation::Op::kReplace);
  CHECK_FALSE(ops[2].path.has_value());
}

TEST_CASE("ParsePatchRequest rejects malformed requests with the right code", "[scim][patch][parse][errors]") {
  CHECK(ParseError(R"([1,2])") == ErrorCode::kInvalidSyntax);
  CHECK(ParseError(R"({"Operations":[{"op":"add","path":"x","value":1}]})") == ErrorCode::kInvalidValue);
  CHECK(ParseError(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"Operations":[{"op":"add","path":"x","value":1}]})") ==
        ErrorCode::kInvalidValue);
  CHECK(ParseError(Body(R"({"op":"add"})").c_str()) == ErrorCode::kInvalidValue);
  CHECK(ParseError(Body(R"([])").c_str()) == ErrorCode::kInvalidValue);
  CHECK(ParseError(Body(R"(["add"])").c_str()) == ErrorCode::kInvalidValue);
  CHECK(ParseError(Body(R"([{"path":"x","value":1}])").c_str()) == ErrorCode::kInvalidValue);
  CHECK(ParseError(Body(R"([{"op":"merge","path":"x","value":1}])").c_str()) == ErrorCode::kInvalidValue);
  CHECK(ParseError(Body(R"([{"op":"add","path":7,"value":1}])").c_str()) == ErrorCode::kInvalidPath);
  CHECK(ParseError(Body(R"([{"op":"add","path":"nickName"}])").c_str()) == ErrorCode::kInvalidValue);
  CHECK(ParseError(Body(R"([{"op":"replace","value":null}])").c_str()) == ErrorCode::kInvalidValue);
}

TEST_CASE("remove without a path is noTarget (RFC 7644 §3.5.2.2)", "[scim][patch][parse][errors]") {
  CHECK(ParseError(Body(R"([{"op":"remove"}])").c_str()) == ErrorCode::kNoTarget);
  CHECK(ParseError(Body(R"([{"op":"remove","value":{"nickName":"x"}}])").c_str()) == ErrorCode::kNoTarget);
}

TEST_CASE("error details name the schemas key and the bad op", "[scim][patch][parse][errors]") {
  auto a = ParsePatchRequest(J(R"({"Operations":[{"op":"add","path":"x","value":1}]})"));
  REQUIRE_FALSE(a.ok());
  CHECK_THAT(a.error().detail, Catch::Contains("schemas"));
  auto b = ParsePatchRequest(J(Body(R"([{"op":"upsert","path":"x","value":1}])").c_str()));
  REQUIRE_FALSE(b.ok());
  CHECK_THAT(b.error().detail, Catch::Contains("upsert"));
}

}  // namespace
}  // namespace scim
