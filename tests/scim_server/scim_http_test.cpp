// Integration tests of the SCIM server over real HTTP on a free port.
#include <catch2/catch.hpp>

#include "test_server.h"

using core::Json;
using scimtest::ErrorType;
using scimtest::TestServer;

namespace {
const char* kUser = "urn:ietf:params:scim:schemas:core:2.0:User";
const char* kGroup = "urn:ietf:params:scim:schemas:core:2.0:Group";
const char* kEnterpriseUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
}  // namespace

TEST_CASE("POST /Users returns 201 with id, meta, Location and ETag", "[scim][http][users]") {
  TestServer s;
  auto r = s.Post("/Users", {{"schemas", {kUser, kEnterpriseUrn}},
                             {"userName", "ada@example.com"},
                             {"name", {{"givenName", "Ada"}, {"familyName", "Lovelace"}}},
                             {"emails", {{{"value", "ada@example.com"}, {"type", "work"}, {"primary", true}}}},
                             {kEnterpriseUrn, {{"department", "Engineering"}}},
                             {"password", "1mz050nq"},
                             {"active", true}});
  REQUIRE(r.status == 201);
  CHECK(r.header("Content-Type").find("application/scim+json") == 0);
  const Json& u = r.json;
  REQUIRE(u["id"].is_string());
  std::string id = u["id"];
  CHECK(u["userName"] == "ada@example.com");
  CHECK(u["name"]["givenName"] == "Ada");
  CHECK(u[kEnterpriseUrn]["department"] == "Engineering");
  CHECK_FALSE(u.contains("password"));
  CHECK(u["meta"]["resourceType"] == "User");
  CHECK(u["meta"]["version"] == "W/\"1\"");
  std::string location = u["meta"]["location"];
  CHECK(location == s.server().base_url() + "/Users/" + id);
  CHECK(location.rfind("http://127.0.0.1:", 0) == 0);
  CHECK(r.header("Location") == location);
  CHECK(r.header("ETag") == "W/\"1\"");
  CHECK(u["meta"]["created"] == u["meta"]["lastModified"]);

  auto g = s.Get("/Users/" + id);
  REQUIRE(g.status == 200);
  CHECK(g.json == u);
}

TEST_CASE("GET of an unknown id is a 404 SCIM error", "[scim][http][users]") {
  TestServer s;
  auto r = s.Get("/Users/does-not-exist");
  CHECK(r.status == 404);
  CHECK(ErrorType(r) == "");
  CHECK(r.json["detail"].get<std::string>().find("does-not-exist") != std::string::npos);
  CHECK(s.Get("/Groups/nope").status == 404);
  CHECK(s.Delete("/Users/nope").status == 404);
  CHECK(s.Put("/Users/nope", {{"userName", "x"}}).status == 404);
  CHECK(s.Patch("/Users/nope", {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                                {"Operations", {{{"op", "replace"}, {"value", {{"active", false}}}}}}})
            .status == 404);
}

TEST_CASE("userName is unique case-insensitively and a duplicate is 409 uniqueness", "[scim][http][users]") {
  TestServer s;
  s.CreateUser("Jane.Doe@example.com");
  auto r = s.Post("/Users", {{"schemas", {kUser}}, {"userName", "jane.doe@EXAMPLE.com"}});
  CHECK(r.status == 409);
  CHECK(ErrorType(r) == "uniqueness");
  auto list = s.Get("/Users");
  CHECK(list.json["totalResults"] == 1);
}

TEST_CASE("PUT replaces the user, ignores echoed read-only attributes and bumps the version", "[scim][http][users]") {
  TestServer s;
  std::string id = s.CreateUser("bob@example.com");
  auto current = s.Get("/Users/" + id).json;
  current["displayName"] = "Bob B";
  current["groups"] = Json::array();            // read-only: ignored
  current["meta"]["location"] = "http://elsewhere/x";  // echoed foreign meta: ignored
  current["id"] = "something-else";             // read-only: ignored
  auto r = s.Put("/Users/" + id, current);
  REQUIRE(r.status == 200);
  CHECK(r.json["id"] == id);
  CHECK(r.json["displayName"] == "Bob B");
  CHECK(r.json["meta"]["version"] == "W/\"2\"");
  CHECK(r.json["meta"]["location"] == s.server().base_url() + "/Users/" + id);
  // PUT without emails removes them (replace semantics).
  Json minimal = {{"schemas", {kUser}}, {"userName", "bob@example.com"}, {"active", true}};
  auto r2 = s.Put("/Users/" + id, minimal);
  REQUIRE(r2.status == 200);
  CHECK_FALSE(r2.json.contains("emails"));
}

TEST_CASE("unknown and mistyped attributes are 400 with a detail naming the attribute", "[scim][http][validation]") {
  TestServer s;
  auto r = s.Post("/Users", {{"schemas", {kUser}}, {"userName", "x@example.com"}, {"favouriteColour", "blue"}});
  CHECK(r.status == 400);
  CHECK(ErrorType(r) == "invalidValue");
  CHECK(r.json["detail"].get<std::string>().find("favouriteColour") != std::string::npos);
  auto r2 = s.Post("/Users", {{"schemas", {kUser}}, {"userName", "x@example.com"}, {"active", "true"}});
  CHECK(r2.status == 400);
  CHECK(r2.json["detail"].get<std::string>().find("active") != std::string::npos);
  auto r3 = s.Post("/Users", {{"schemas", {kUser}}, {"name", {{"givenName", "No"}}}});
  CHECK(r3.status == 400);
  CHECK(r3.json["detail"].get<std::string>().find("userName") != std::string::npos);
  auto r4 = s.Post("/Users", {{"schemas", {kUser}}, {"userName", "x@example.com"}, {"emails", {{"value", "a@b"}}}});
  CHECK(r4.status == 400);  // emails must be an array of objects
  CHECK(s.Get("/Users").json["totalResults"] == 0);
}

TEST_CASE("groups: members reference users, display and $ref are filled, users list their groups", "[scim][http][groups]") {
  TestServer s;
  std::string a = s.CreateUser("a@example.com");
  std::string b = s.CreateUser("b@example.com");
  auto r = s.Post("/Groups", {{"schemas", {kGroup}}, {"displayName", "Engineering"}, {"members", {{{"value", a}}}}});
  REQUIRE(r.status == 201);
  std::string gid = r.json["id"];
  REQUIRE(r.json["members"].size() == 1);
  CHECK(r.json["members"][0]["value"] == a);
  CHECK(r.json["members"][0]["display"] == "a@example.com");
  CHECK(r.json["members"][0]["$ref"] == s.server().base_url() + "/Users/" + a);
  CHECK(r.json["meta"]["resourceType"] == "Group");

  auto ua = s.Get("/Users/" + a).json;
  REQUIRE(ua["groups"].size() == 1);
  CHECK(ua["groups"][0]["value"] == gid);
  CHECK(ua["groups"][0]["display"] == "Engineering");
  CHECK_FALSE(s.Get("/Users/" + b).json.contains("groups"));

  // Duplicate displayName → 409.
  auto dup = s.Post("/Groups", {{"schemas", {kGroup}}, {"displayName", "engineering"}});
  CHECK(dup.status == 409);
  CHECK(ErrorType(dup) == "uniqueness");
  // Unknown member id → 400, nothing stored.
  auto bad = s.Post("/Groups", {{"schemas", {kGroup}}, {"displayName", "Other"}, {"members", {{{"value", "nobody"}}}}});
  CHECK(bad.status == 400);
  CHECK(ErrorType(bad) == "invalidValue");
  CHECK(s.Get("/Groups").json["totalResults"] == 1);
}

TEST_CASE("deleting a user removes its memberships", "[scim][http][groups]") {
  TestServer s;
  std::string a = s.CreateUser("a@example.com");
  std::string b = s.CreateUser("b@example.com");
  std::string g = s.CreateGroup("Team", {a, b});
  auto before = s.Get("/Groups/" + g).json;
  REQUIRE(before["members"].size() == 2);
  auto d = s.Delete("/Users/" + a);
  CHECK(d.status == 204);
  CHECK(d.body.empty());
  auto after = s.Get("/Groups/" + g).json;
  REQUIRE(after["members"].size() == 1);
  CHECK(after["members"][0]["value"] == b);
  CHECK(after["meta"]["version"] != before["meta"]["version"]);
  CHECK(s.Get("/Users/" + a).status == 404);
}

TEST_CASE("PUT /Groups replaces the member list", "[scim][http][groups]") {
  TestServer s;
  std::string a = s.CreateUser("a@example.com");
  std::string b = s.CreateUser("b@example.com");
  std::string g = s.CreateGroup("Team", {a});
  auto r = s.Put("/Groups/" + g, {{"schemas", {kGroup}}, {"id", g}, {"displayName", "Team 2"}, {"members", {{{"value", b}, {"display", "ignored"}}}}});
  REQUIRE(r.status == 200);
  REQUIRE(r.json["members"].size() == 1);
  CHECK(r.json["members"][0]["value"] == b);
  CHECK(r.json["displayName"] == "Team 2");
}

TEST_CASE("list responses paginate with integer fields", "[scim][http][list]") {
  TestServer s;
  for (int i = 0; i < 5; ++i) s.CreateUser("user" + std::to_string(i) + "@example.com");
  auto r = s.Get("/Users?startIndex=2&count=2");
  REQUIRE(r.status == 200);
  CHECK(r.json["schemas"][0] == "urn:ietf:params:scim:api:messages:2.0:ListResponse");
  CHECK(r.json["totalResults"].is_number_integer());
  CHECK(r.json["totalResults"] == 5);
  CHECK(r.json["startIndex"] == 2);
  CHECK(r.json["itemsPerPage"] == 2);
  REQUIRE(r.json["Resources"].size() == 2);
  CHECK(r.json["Resources"][0]["userName"] == "user1@example.com");
  auto zero = s.Get("/Users?count=0");
  CHECK(zero.json["totalResults"] == 5);
  CHECK(zero.json["Resources"].empty());
  auto past = s.Get("/Users?startIndex=10");
  CHECK(past.json["Resources"].empty());
  auto bad = s.Get("/Users?count=abc");
  CHECK(bad.status == 400);
  CHECK(ErrorType(bad) == "invalidValue");
}

TEST_CASE("sortBy orders results and ties keep a stable order", "[scim][http][list]") {
  TestServer s;
  s.CreateUser("charlie@example.com");
  s.CreateUser("alice@example.com");
  s.CreateUser("bob@example.com");
  auto r = s.Get("/Users?sortBy=userName&sortOrder=descending");
  REQUIRE(r.status == 200);
  CHECK(r.json["Resources"][0]["userName"] == "charlie@example.com");
  CHECK(r.json["Resources"][2]["userName"] == "alice@example.com");
  CHECK(s.Get("/Users?sortBy=nope").status == 400);
}

TEST_CASE("attributes and excludedAttributes project the representation", "[scim][http][projection]") {
  TestServer s;
  std::string id = s.CreateUser("p@example.com");
  auto r = s.Get("/Users/" + id + "?attributes=userName,name.givenName");
  REQUIRE(r.status == 200);
  CHECK(r.json["id"] == id);
  CHECK(r.json.contains("schemas"));
  CHECK(r.json["userName"] == "p@example.com");
  CHECK(r.json["name"]["givenName"] == "Given");
  CHECK_FALSE(r.json["name"].contains("familyName"));
  CHECK_FALSE(r.json.contains("emails"));
  CHECK_FALSE(r.json.contains("meta"));
  auto e = s.Get("/Users?excludedAttributes=emails,meta");
  CHECK_FALSE(e.json["Resources"][0].contains("emails"));
  CHECK_FALSE(e.json["Resources"][0].contains("meta"));
  CHECK(e.json["Resources"][0].contains("userName"));
  CHECK(s.Get("/Users?attributes=bogus").status == 400);
}

TEST_CASE("discovery endpoints are generated from the schema definitions", "[scim][http][discovery]") {
  TestServer s;
  auto spc = s.Get("/ServiceProviderConfig");
  REQUIRE(spc.status == 200);
  CHECK(spc.json["patch"]["supported"] == true);
  CHECK(spc.json["filter"]["supported"] == true);
  CHECK(spc.json["authenticationSchemes"][0]["type"] == "oauthbearertoken");
  auto rts = s.Get("/ResourceTypes");
  REQUIRE(rts.status == 200);
  CHECK(rts.json["totalResults"] == 2);
  auto ut = s.Get("/ResourceTypes/User");
  CHECK(ut.json["endpoint"] == "/Users");
  CHECK(ut.json["schemaExtensions"][0]["schema"] == kEnterpriseUrn);
  auto schemas = s.Get("/Schemas");
  CHECK(schemas.json["totalResults"] == 3);
  auto us = s.Get(std::string("/Schemas/") + kUser);
  REQUIRE(us.status == 200);
  bool found = false;
  for (const auto& a : us.json["attributes"]) {
    if (a["name"] == "userName") {
      found = true;
      CHECK(a["uniqueness"] == "server");
      CHECK(a["required"] == true);
      CHECK(a["caseExact"] == false);
    }
  }
  CHECK(found);
  CHECK(s.Get("/Schemas/urn:nope").status == 404);
}

TEST_CASE("a missing or wrong bearer token is 401 with a SCIM error and WWW-Authenticate", "[scim][http][auth]") {
  TestServer s;
  auto none = s.Send("GET", "/Users", "", {}, /*auth=*/false);
  CHECK(none.status == 401);
  CHECK(ErrorType(none) == "");
  CHECK(none.header("WWW-Authenticate").find("Bearer") == 0);
  CHECK(none.header("Content-Type").find("application/scim+json") == 0);
  auto wrong = s.Send("GET", "/Users", "", {{"Authorization", "Bearer wrong"}});
  CHECK(wrong.status == 401);
  auto non_token = s.Send("GET", "/Users", "", {{"Authorization", "non-token"}});
  CHECK(non_token.status == 401);
  CHECK(non_token.json["status"] == "401");
  auto write = s.Send("POST", "/Users", R"({"userName":"x"})", {{"Authorization", "Bearer nope"}});
  CHECK(write.status == 401);
  CHECK(s.Get("/Users").json["totalResults"] == 0);
}

TEST_CASE("unknown paths, /Me and /Bulk get SCIM errors", "[scim][http][errors]") {
  TestServer s;
  auto r = s.Get("/Nope");
  CHECK(r.status == 404);
  CHECK(r.header("Content-Type").find("application/scim+json") == 0);
  CHECK(ErrorType(r) == "");
  auto me = s.Get("/Me");
  CHECK(me.status == 501);
  CHECK(ErrorType(me) == "");
}

TEST_CASE("ETags: If-None-Match gives 304, a stale If-Match gives 412", "[scim][http][etag]") {
  TestServer s;
  std::string id = s.CreateUser("e@example.com");
  auto same = s.Send("GET", "/Users/" + id, "", {{"If-None-Match", "W/\"1\""}});
  CHECK(same.status == 304);
  auto stale = s.Send("PUT", "/Users/" + id, R"({"userName":"e@example.com"})", {{"If-Match", "W/\"7\""}});
  CHECK(stale.status == 412);
  auto ok = s.Send("PUT", "/Users/" + id, R"({"userName":"e@example.com","displayName":"E"})", {{"If-Match", "W/\"1\""}});
  CHECK(ok.status == 200);
}

TEST_CASE(".search with a SearchRequest body filters like GET", "[scim][http][search]") {
  TestServer s;
  s.CreateUser("find.me@example.com");
  s.CreateUser("other@example.com");
  auto r = s.Post("/Users/.search", {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:SearchRequest"}},
                                     {"filter", "userName sw \"find\""},
                                     {"startIndex", 1},
                                     {"count", 10}});
  REQUIRE(r.status == 200);
  CHECK(r.json["totalResults"] == 1);
  CHECK(r.json["Resources"][0]["userName"] == "find.me@example.com");
}

namespace {
Json SearchRequest(Json fields) {
  fields["schemas"] = {"urn:ietf:params:scim:api:messages:2.0:SearchRequest"};
  return fields;
}
std::vector<std::string> ResourceNames(const Json& list) {
  std::vector<std::string> out;
  for (const auto& r : list["Resources"]) {
    // `schemas` is always returned, whatever the projection.
    std::string type = r["schemas"][0] == kUser ? "User" : "Group";
    out.push_back(type + ":" + r.value("displayName", std::string("-")));
  }
  return out;
}
}  // namespace

TEST_CASE("POST /.search at the root returns Users then Groups, paged across both", "[scim][http][search]") {
  TestServer s;
  for (const char* n : {"Bea", "alan", "Cleo"}) {
    REQUIRE(s.Post("/Users", {{"userName", std::string(n) + "@example.com"}, {"displayName", n}}).status == 201);
  }
  for (const char* n : {"Admins", "bakers"}) REQUIRE(s.Post("/Groups", {{"displayName", n}}).status == 201);

  auto all = s.Post("/.search", SearchRequest({}));
  REQUIRE(all.status == 200);
  CHECK(all.json["totalResults"] == 5);
  CHECK(ResourceNames(all.json) ==
        std::vector<std::string>{"User:Bea", "User:alan", "User:Cleo", "Group:Admins", "Group:bakers"});

  // A page that starts among the Users and ends among the Groups.
  auto page = s.Post("/.search", SearchRequest({{"startIndex", 3}, {"count", 2}}));
  REQUIRE(page.status == 200);
  CHECK(page.json["totalResults"] == 5);
  CHECK(page.json["startIndex"] == 3);
  CHECK(page.json["itemsPerPage"] == 2);
  CHECK(ResourceNames(page.json) == std::vector<std::string>{"User:Cleo", "Group:Admins"});

  // Sorted by an attribute both types have: merged, case-insensitively like displayName's SQL sort.
  auto sorted = s.Post("/.search", SearchRequest({{"sortBy", "displayName"}}));
  REQUIRE(sorted.status == 200);
  CHECK(ResourceNames(sorted.json) ==
        std::vector<std::string>{"Group:Admins", "User:alan", "Group:bakers", "User:Bea", "User:Cleo"});
  auto desc = s.Post("/.search", SearchRequest({{"sortBy", "displayName"}, {"sortOrder", "descending"},
                                                {"startIndex", 2}, {"count", 2}}));
  REQUIRE(desc.status == 200);
  CHECK(ResourceNames(desc.json) == std::vector<std::string>{"User:Bea", "Group:bakers"});

  // A filter on an attribute only Users have matches no Group.
  auto users_only = s.Post("/.search", SearchRequest({{"filter", "userName sw \"c\""}}));
  REQUIRE(users_only.status == 200);
  CHECK(users_only.json["totalResults"] == 1);
  CHECK(ResourceNames(users_only.json) == std::vector<std::string>{"User:Cleo"});
  auto both = s.Post("/.search", SearchRequest({{"filter", "displayName sw \"b\""}, {"attributes", {"displayName"}}}));
  REQUIRE(both.status == 200);
  CHECK(ResourceNames(both.json) == std::vector<std::string>{"User:Bea", "Group:bakers"});
  CHECK_FALSE(both.json["Resources"][0].contains("userName"));

  // Errors: an attribute neither type has, a sort key only one type has, a bad body.
  auto unknown = s.Post("/.search", SearchRequest({{"filter", "nickname2 eq \"x\""}}));
  CHECK(unknown.status == 400);
  CHECK(ErrorType(unknown) == "invalidFilter");
  auto bad_sort = s.Post("/.search", SearchRequest({{"sortBy", "userName"}}));
  CHECK(bad_sort.status == 400);
  CHECK(ErrorType(bad_sort) == "invalidValue");
  CHECK(s.Send("POST", "/.search", "{not json").status == 400);
  CHECK(s.Send("POST", "/.search", "{}", {}, /*auth=*/false).status == 401);
}

TEST_CASE("PATCH /Groups answers 204 when the server is set to no-content, 200 when attributes are asked for",
          "[scim][http][groups]") {
  scim::Config config;
  config.group_patch_no_content = true;
  TestServer s(config);
  std::string a = s.CreateUser("a@example.com"), b = s.CreateUser("b@example.com");
  auto g = s.Post("/Groups", {{"displayName", "Team"}, {"members", {{{"value", a}}}}});
  REQUIRE(g.status == 201);
  std::string gid = g.json["id"];
  Json add = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
              {"Operations", {{{"op", "add"}, {"path", "members"}, {"value", {{{"value", b}}}}}}}};
  auto r = s.Patch("/Groups/" + gid, add);
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  CHECK(r.header("ETag") == "W/\"2\"");
  CHECK(s.Get("/Groups/" + gid).json["members"].size() == 2);  // the change is stored

  Json remove = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                 {"Operations", {{{"op", "remove"}, {"path", "members[value eq \"" + a + "\"]"}}}}};
  auto projected = s.Patch("/Groups/" + gid + "?excludedAttributes=members", remove);
  REQUIRE(projected.status == 200);
  CHECK(projected.json["displayName"] == "Team");
  CHECK_FALSE(projected.json.contains("members"));
  CHECK(s.Get("/Groups/" + gid).json["members"].size() == 1);

  // Errors keep their bodies.
  CHECK(s.Patch("/Groups/nope", add).status == 404);
}

TEST_CASE("/Bulk over HTTP creates a user and a group that references it by bulkId", "[scim][http][bulk]") {
  TestServer s;
  Json req = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:BulkRequest"}},
              {"Operations",
               {{{"method", "POST"}, {"path", "/Users"}, {"bulkId", "u1"}, {"data", {{"userName", "bulk@example.com"}}}},
                {{"method", "POST"},
                 {"path", "/Groups"},
                 {"bulkId", "g1"},
                 {"data", {{"displayName", "Bulk Group"}, {"members", {{{"value", "bulkId:u1"}}}}}}}}}};
  auto r = s.Post("/Bulk", req);
  REQUIRE(r.status == 200);
  CHECK(r.json["schemas"][0] == "urn:ietf:params:scim:api:messages:2.0:BulkResponse");
  REQUIRE(r.json["Operations"].size() == 2);
  CHECK(r.json["Operations"][0]["status"] == "201");
  CHECK(r.json["Operations"][1]["status"] == "201");
  auto groups = s.Get("/Groups?filter=displayName%20eq%20%22Bulk%20Group%22");
  REQUIRE(groups.json["totalResults"] == 1);
  CHECK(groups.json["Resources"][0]["members"][0]["display"] == "bulk@example.com");
  auto spc = s.Get("/ServiceProviderConfig");
  CHECK(spc.json["bulk"]["supported"] == true);
  CHECK(spc.json["bulk"]["maxOperations"] == 1000);
  CHECK(s.Send("POST", "/Bulk", "{not json").status == 400);
}

TEST_CASE("/Bulk over HTTP: a failed operation changes nothing, the ones around it are stored", "[scim][http][bulk]") {
  // The route runs every operation in one transaction with a savepoint each.
  TestServer s;
  s.CreateUser("taken@example.com");
  auto user_op = [](const std::string& bulk_id, const std::string& name) {
    return Json{{"method", "POST"}, {"path", "/Users"}, {"bulkId", bulk_id}, {"data", {{"userName", name}}}};
  };
  Json req = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:BulkRequest"}},
              {"Operations",
               {user_op("a", "first@example.com"), user_op("b", "TAKEN@example.com"), user_op("c", "third@example.com"),
                {{"method", "PATCH"}, {"path", "/Users/bulkId:b"},
                 {"data", {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                           {"Operations", {{{"op", "replace"}, {"value", {{"active", false}}}}}}}}}}}};
  auto r = s.Post("/Bulk", req);
  REQUIRE(r.status == 200);
  REQUIRE(r.json["Operations"].size() == 4);
  CHECK(r.json["Operations"][0]["status"] == "201");
  CHECK(r.json["Operations"][1]["status"] == "409");
  CHECK(r.json["Operations"][1]["response"]["scimType"] == "uniqueness");
  CHECK(r.json["Operations"][2]["status"] == "201");
  CHECK(r.json["Operations"][3]["status"] == "409");  // refers to the failed POST
  auto all = s.Get("/Users?sortBy=userName");
  REQUIRE(all.json["totalResults"] == 3);
  CHECK(all.json["Resources"][0]["userName"] == "first@example.com");
  CHECK(all.json["Resources"][1]["userName"] == "taken@example.com");
  CHECK(all.json["Resources"][1]["active"] == true);
  CHECK(all.json["Resources"][2]["userName"] == "third@example.com");
}
