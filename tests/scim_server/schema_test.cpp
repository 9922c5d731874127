#include <catch2/catch.hpp>

#include "scim_server/schema.h"

using namespace scim;

TEST_CASE("attribute paths split into URN, attribute and sub-attribute", "[scim][schema]") {
  auto p = SchemaRegistry::SplitPath("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");
  CHECK(p.urn == kEnterpriseUserSchema);
  CHECK(p.attr == "manager");
  CHECK(p.sub == "value");
  auto q = SchemaRegistry::SplitPath("name.givenName");
  CHECK(q.urn.empty());
  CHECK(q.attr == "name");
  CHECK(q.sub == "givenName");
}

TEST_CASE("resolution is case-insensitive and knows core, common and extension attributes", "[scim][schema]") {
  const auto& reg = SchemaRegistry::Default();
  auto user_name = reg.Resolve(ResourceKind::kUser, SchemaRegistry::SplitPath("USERNAME"));
  REQUIRE(user_name);
  CHECK(user_name->attr->name == "userName");
  CHECK_FALSE(user_name->attr->case_exact);
  auto id = reg.Resolve(ResourceKind::kUser, SchemaRegistry::SplitPath("id"));
  REQUIRE(id);
  CHECK(id->attr->case_exact);
  CHECK(id->attr->mutability == Mutability::kReadOnly);
  auto modified = reg.Resolve(ResourceKind::kGroup, SchemaRegistry::SplitPath("meta.lastModified"));
  REQUIRE(modified);
  CHECK(modified->leaf()->type == AttrType::kDateTime);
  auto dept = reg.Resolve(ResourceKind::kUser, SchemaRegistry::SplitPath(std::string(kEnterpriseUserSchema) + ":department"));
  REQUIRE(dept);
  CHECK(dept->in_extension);
  auto qualified = reg.Resolve(ResourceKind::kUser, SchemaRegistry::SplitPath(std::string(kUserSchema) + ":name.familyName"));
  REQUIRE(qualified);
  CHECK(qualified->sub->name == "familyName");
  CHECK_FALSE(reg.Resolve(ResourceKind::kUser, SchemaRegistry::SplitPath("shoeSize")));
  CHECK_FALSE(reg.Resolve(ResourceKind::kUser, SchemaRegistry::SplitPath("name.nickname")));
  CHECK_FALSE(reg.Resolve(ResourceKind::kGroup, SchemaRegistry::SplitPath("userName")));
  CHECK_FALSE(reg.Resolve(ResourceKind::kGroup, SchemaRegistry::SplitPath(std::string(kEnterpriseUserSchema) + ":department")));
}

TEST_CASE("the schema documents carry RFC 7643 characteristics", "[scim][schema]") {
  const auto& reg = SchemaRegistry::Default();
  auto j = reg.SchemaJson(*reg.FindSchema(kGroupSchema), "http://x/scim/v2");
  CHECK(j["id"] == kGroupSchema);
  CHECK(j["meta"]["location"] == std::string("http://x/scim/v2/Schemas/") + kGroupSchema);
  const auto& members = j["attributes"][1];
  CHECK(members["name"] == "members");
  CHECK(members["multiValued"] == true);
  CHECK(members["subAttributes"][0]["mutability"] == "immutable");
  auto rt = reg.ResourceTypeJson(reg.ResourceType(ResourceKind::kUser), "http://x/scim/v2");
  CHECK(rt["schemaExtensions"][0]["required"] == false);
}
