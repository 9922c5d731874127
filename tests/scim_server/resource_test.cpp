#include <catch2/catch.hpp>

#include "scim_server/resource.h"

using namespace scim;
using core::Json;

TEST_CASE("canonicalising fixes attribute case, drops read-only, password and nulls", "[scim][resource]") {
  Json body = {{"schemas", {kUserSchema}},
               {"USERNAME", "a@b.c"},
               {"Name", {{"GIVENNAME", "A"}, {"familyName", nullptr}}},
               {"id", "ignored"},
               {"meta", {{"version", "W/\"9\""}}},
               {"groups", Json::array()},
               {"password", "secret"},
               {"title", nullptr}};
  auto r = CanonicalizeResource(body, ResourceKind::kUser);
  REQUIRE(r.ok());
  CHECK(r->data == Json{{"schemas", {kUserSchema}}, {"userName", "a@b.c"}, {"name", {{"givenName", "A"}}}});
}

TEST_CASE("extension attributes are kept under their URN and listed in schemas", "[scim][resource]") {
  Json body = {{"userName", "a@b.c"},
               {std::string(kEnterpriseUserSchema) + ":employeeNumber", "42"},
               {kEnterpriseUserSchema, {{"Department", "Sales"}}}};
  auto r = CanonicalizeResource(body, ResourceKind::kUser);
  REQUIRE(r.ok());
  CHECK(r->data["schemas"] == Json::array({kUserSchema, kEnterpriseUserSchema}));
  CHECK(r->data[kEnterpriseUserSchema] == Json{{"employeeNumber", "42"}, {"department", "Sales"}});
}

TEST_CASE("validation errors name the attribute", "[scim][resource]") {
  auto detail = [](const Json& body, ResourceKind kind = ResourceKind::kUser) {
    auto r = CanonicalizeResource(body, kind);
    REQUIRE_FALSE(r.ok());
    return r.error().detail;
  };
  CHECK(detail({{"userName", "x"}, {"emails", {{{"value", "a"}, {"primary", true}}, {{"value", "b"}, {"primary", true}}}}})
            .find("emails") != std::string::npos);
  CHECK(detail({{"userName", "x"}, {"name", {{"nick", "y"}}}}).find("name.nick") != std::string::npos);
  CHECK(detail({{"userName", "x"}, {"meta", "x"}, {"active", 1}}).find("active") != std::string::npos);
  CHECK(detail({{"displayName", ""}}, ResourceKind::kGroup).find("displayName") != std::string::npos);
  CHECK(detail({{"displayName", "g"}, {"members", {{{"display", "no value"}}}}}, ResourceKind::kGroup)
            .find("value") != std::string::npos);
  CHECK(CanonicalizeResource(Json::array(), ResourceKind::kUser).error().code == core::ErrorCode::kInvalidSyntax);
}

TEST_CASE("group members come out as ids", "[scim][resource]") {
  auto r = CanonicalizeResource({{"displayName", "G"}, {"members", {{{"value", "u1"}, {"display", "x"}}, {{"value", "u2"}}}}},
                                ResourceKind::kGroup);
  REQUIRE(r.ok());
  REQUIRE(r->member_ids);
  CHECK(*r->member_ids == std::vector<std::string>{"u1", "u2"});
  CHECK_FALSE(r->data.contains("members"));
}

TEST_CASE("projection keeps id and schemas and selects sub-attributes", "[scim][resource]") {
  Json full = {{"schemas", {kUserSchema}}, {"id", "1"}, {"userName", "u"},
               {"name", {{"givenName", "G"}, {"familyName", "F"}}},
               {"emails", {{{"value", "e"}, {"type", "work"}}}},
               {kEnterpriseUserSchema, {{"department", "D"}}}};
  auto p = ParseProjection("name.familyName,emails.value", "", ResourceKind::kUser);
  REQUIRE(p.ok());
  Json out = Project(full, *p, ResourceKind::kUser);
  CHECK(out == Json{{"schemas", {kUserSchema}}, {"id", "1"}, {"name", {{"familyName", "F"}}}, {"emails", {{{"value", "e"}}}}});
  auto x = ParseProjection("", std::string(kEnterpriseUserSchema) + ":department,name", ResourceKind::kUser);
  REQUIRE(x.ok());
  Json ex = Project(full, *x, ResourceKind::kUser);
  CHECK_FALSE(ex.contains("name"));
  CHECK_FALSE(ex.contains(kEnterpriseUserSchema));
  CHECK(ex["userName"] == "u");
  CHECK_FALSE(ParseProjection("nope", "", ResourceKind::kUser).ok());
}
