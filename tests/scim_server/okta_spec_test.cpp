// The steps of Okta's published SCIM 2.0 spec test (Okta-SCIM-20-SPEC-Test,
// see docs/okta-behaviour.md §3 item 19), run against the built-in server.
#include <catch2/catch.hpp>

#include <chrono>
#include <random>

#include "test_server.h"

using core::Json;
using scimtest::ErrorType;
using scimtest::TestServer;

namespace {
constexpr const char* kListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

bool IsListResponse(const Json& body) {
  return body.contains("schemas") && body["schemas"].is_array() && body["schemas"].size() == 1 &&
         body["schemas"][0] == kListResponse;
}
}  // namespace

TEST_CASE("Okta's SCIM 2.0 spec test passes step by step", "[scim][okta][spec]") {
  TestServer s;
  // The spec test assumes the server already has users.
  s.CreateUser("existing.user@example.com");
  // Each step below checks what the published step asserts (docs/okta-behaviour.md §3 item 19).

  // 1. GET /Users?count=1&startIndex=1: 200, ints numeric, Resources[0] has the required fields.
  auto r1 = s.Get("/Users?count=1&startIndex=1");
  REQUIRE(r1.status == 200);
  CHECK(IsListResponse(r1.json));
  REQUIRE(r1.json["Resources"].size() == 1);
  CHECK(r1.json["totalResults"].is_number_integer());
  CHECK(r1.json["itemsPerPage"].is_number_integer());
  CHECK(r1.json["startIndex"].is_number_integer());
  const Json& first = r1.json["Resources"][0];
  CHECK(first["id"].is_string());
  CHECK(first["userName"].is_string());
  CHECK(first["name"]["givenName"].is_string());
  CHECK(first["name"]["familyName"].is_string());
  CHECK(first["active"].is_boolean());
  CHECK(first["emails"][0]["value"].is_string());
  std::string first_id = first["id"];

  // 2. GET /Users/{id}: the same user, with its names.
  auto r2 = s.Get("/Users/" + first_id);
  REQUIRE(r2.status == 200);
  CHECK(r2.json["id"] == first_id);
  CHECK(r2.json["userName"] == first["userName"]);
  CHECK(r2.json["name"]["givenName"] == first["name"]["givenName"]);
  CHECK(r2.json["name"]["familyName"] == first["name"]["familyName"]);

  // 3. Filter for a user that does not exist: 200, totalResults 0.
  auto r3 = s.Get("/Users?filter=userName%20eq%20%22not.there%40example.com%22");
  REQUIRE(r3.status == 200);
  CHECK(IsListResponse(r3.json));
  CHECK(r3.json["totalResults"] == 0);

  // 4. GET a bogus id: 404 with the Error schema and a detail.
  auto r4 = s.Get("/Users/010101");
  CHECK(r4.status == 404);
  CHECK(ErrorType(r4) == "");  // the Error schema, `status` "404" and a `detail`
  CHECK_FALSE(r4.json.value("detail", "").empty());

  // 5. Filter for a random user name: 0 results.
  std::mt19937 rng(7);
  std::string random_name = "random" + std::to_string(rng()) + "@example.com";
  auto r5 = s.Get("/Users?filter=userName%20eq%20%22" + random_name + "%22");
  REQUIRE(r5.status == 200);
  CHECK(IsListResponse(r5.json));
  CHECK(r5.json["totalResults"] == 0);

  // 6. POST the new user: 201, names echoed, active true.
  Json body = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
               {"userName", random_name},
               {"name", {{"givenName", "Random"}, {"familyName", "Person"}}},
               {"emails", {{{"primary", true}, {"value", random_name}, {"type", "work"}}}},
               {"displayName", "Random Person"},
               {"active", true}};
  auto r6 = s.Post("/Users", body);
  REQUIRE(r6.status == 201);
  CHECK(r6.json["active"] == true);
  CHECK(r6.json["name"]["givenName"] == "Random");
  CHECK(r6.json["name"]["familyName"] == "Person");
  CHECK(r6.json["userName"] == random_name);
  std::string new_id = r6.json["id"];

  // 7. GET the new user.
  auto r7 = s.Get("/Users/" + new_id);
  REQUIRE(r7.status == 200);
  CHECK(r7.json["userName"] == random_name);
  CHECK(r7.json["name"]["givenName"] == "Random");
  CHECK(r7.json["name"]["familyName"] == "Person");

  // 8. POST it again: 409.
  auto r8 = s.Post("/Users", body);
  CHECK(r8.status == 409);
  CHECK(ErrorType(r8) == "uniqueness");

  // 9. Filter with the userName upper-cased: 200 (and, by RFC 7643, a hit).
  std::string upper = random_name;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto r9 = s.Get("/Users?filter=userName%20eq%20%22" + upper + "%22");
  REQUIRE(r9.status == 200);
  CHECK(r9.json["totalResults"] == 1);

  // 10. Optional GET /Groups: 200, in under 600 ms.
  auto groups_started = std::chrono::steady_clock::now();
  auto r10 = s.Get("/Groups");
  CHECK(std::chrono::steady_clock::now() - groups_started < std::chrono::milliseconds(600));
  CHECK(r10.status == 200);
  CHECK(IsListResponse(r10.json));

  // 11. Authorization: non-token → 401 with the Error schema, status "401".
  auto r11 = s.Send("GET", "/Users", "", {{"Authorization", "non-token"}});
  CHECK(r11.status == 401);
  CHECK(r11.json["status"] == "401");
  CHECK(ErrorType(r11) == "");

  // 12. GET /Users/00919288221112222: 404.
  auto r12 = s.Get("/Users/00919288221112222");
  CHECK(r12.status == 404);
  CHECK(ErrorType(r12) == "");
}
