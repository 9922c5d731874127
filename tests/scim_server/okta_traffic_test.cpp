// Replays, byte for byte, the requests Okta's SCIM client sends
// (docs/okta-behaviour.md §1) and checks the answers Okta expects (§1.9).
#include <catch2/catch.hpp>

#include "raw_http.h"
#include "test_server.h"

using core::Json;
using scimtest::RawConnection;
using scimtest::RawReply;
using scimtest::TestServer;

namespace {

// Headers in the order of the 2018 capture; Content-Type only with a body.
std::string OktaRequest(const std::string& method, const std::string& target, int port, const std::string& body = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\n";
  r += "Accept: application/scim+json\r\n";
  r += "Accept-Charset: utf-8\r\n";
  if (!body.empty()) r += "Content-Type: application/scim+json; charset=utf-8\r\n";
  r += "User-Agent: Okta SCIM Client 1.0.0\r\n";
  r += std::string("Authorization: Bearer ") + scimtest::kToken + "\r\n";
  if (!body.empty()) r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  r += "Connection: Keep-Alive\r\n";
  r += "Accept-Encoding: gzip,deflate\r\n\r\n";
  return r + body;
}

void CheckListResponse(const RawReply& r, int total) {
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type").find("application/scim+json") == 0);
  CHECK(r.json["schemas"][0] == "urn:ietf:params:scim:api:messages:2.0:ListResponse");
  CHECK(r.json["totalResults"].is_number_integer());
  CHECK(r.json["startIndex"].is_number_integer());
  CHECK(r.json["itemsPerPage"].is_number_integer());
  CHECK(r.json["totalResults"] == total);
  CHECK(r.json["Resources"].is_array());
}

const std::string kCreateBody =
    R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true})";

}  // namespace

TEST_CASE("Okta's connector test, lookups, create, update, deactivate and reactivate are answered as Okta expects",
          "[scim][okta][traffic]") {
  TestServer s;
  int port = s.server().port();
  RawConnection c(port);

  // §1.1 Test Connector Configuration.
  CheckListResponse(c.Send(OktaRequest("GET", "/scim/v2/Users?startIndex=1&count=2", port)), 0);
  CheckListResponse(c.Send(OktaRequest("GET", "/scim/v2/Groups?startIndex=1&count=100", port)), 0);

  // §1.2 lookup by each unique identifier field Okta may use; all miss.
  for (const char* q : {"userName%20eq%20%22test.user%40okta.local%22", "userName+eq+%22test.user%40okta.local%22",
                        "email%20eq%20%22test.user%40okta.local%22", "emails%20eq%20%22test.user%40okta.local%22",
                        "emails.value%20eq%20%22test.user%40okta.local%22"}) {
    INFO(q);
    CheckListResponse(c.Send(OktaRequest("GET", std::string("/scim/v2/Users?filter=") + q + "&startIndex=1&count=100", port)), 0);
  }

  // §1.2 create, with the password placeholder and groups:[].
  RawReply created = c.Send(OktaRequest("POST", "/scim/v2/Users", port, kCreateBody));
  REQUIRE(created.status == 201);
  REQUIRE(created.json["id"].is_string());
  const std::string id = created.json["id"];
  CHECK(created.json["meta"]["resourceType"] == "User");
  CHECK(created.json["externalId"] == "00ujl29u0le5T6Aj10h7");
  CHECK(created.json["active"] == true);
  CHECK_FALSE(created.json.contains("password"));
  CHECK(created.body.find("1mz050nq") == std::string::npos);

  // The same lookups now find exactly that user, also with an upper-cased value (§3.9).
  for (const char* q : {"userName%20eq%20%22test.user%40okta.local%22", "userName+eq+%22TEST.USER%40OKTA.LOCAL%22",
                        "email%20eq%20%22test.user%40okta.local%22", "emails%20eq%20%22Test.User%40okta.local%22",
                        "emails.value%20eq%20%22test.user%40okta.local%22",
                        "emails%5Bvalue%20eq%20%22test.user%40okta.local%22%5D"}) {
    INFO(q);
    RawReply hit = c.Send(OktaRequest("GET", std::string("/scim/v2/Users?filter=") + q + "&startIndex=1&count=100", port));
    CheckListResponse(hit, 1);
    CHECK(hit.json["Resources"][0]["id"] == id);
  }
  // §3.10 an empty-string filter value is a valid filter that matches nothing.
  CheckListResponse(c.Send(OktaRequest("GET", "/scim/v2/Users?filter=userName%20eq%20%22%22&startIndex=1&count=100", port)), 0);

  // §1.3 profile update: GET, then PUT echoing the server's own body with changes.
  RawReply current = c.Send(OktaRequest("GET", "/scim/v2/Users/" + id, port));
  REQUIRE(current.status == 200);
  Json echo = current.json;
  echo["name"]["familyName"] = "Userson";
  echo["displayName"] = "Test Userson";
  echo["password"] = "1mz050nq";
  RawReply updated = c.Send(OktaRequest("PUT", "/scim/v2/Users/" + id, port, core::DumpCompact(echo)));
  REQUIRE(updated.status == 200);
  CHECK(updated.json["name"]["familyName"] == "Userson");
  CHECK(updated.json["active"] == true);  // carried through, not flipped (§1.3)

  // §1.4 Profile A deactivate: the 118-byte path-less PATCH.
  const std::string deactivate =
      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]})";
  REQUIRE(deactivate.size() == 118);
  RawReply deact = c.Send(OktaRequest("PATCH", "/scim/v2/Users/" + id, port, deactivate));
  REQUIRE(deact.status == 200);
  CHECK(deact.json["active"] == false);
  CHECK(deact.json["name"]["familyName"] == "Userson");

  // §1.5 Profile B reactivate: filter, GET, PUT active:true, GET, PUT.
  CheckListResponse(c.Send(OktaRequest("GET", "/scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100", port)), 1);
  Json user = c.Send(OktaRequest("GET", "/scim/v2/Users/" + id, port)).json;
  user["active"] = true;
  RawReply react = c.Send(OktaRequest("PUT", "/scim/v2/Users/" + id, port, core::DumpCompact(user)));
  REQUIRE(react.status == 200);
  CHECK(react.json["active"] == true);
  Json again = c.Send(OktaRequest("GET", "/scim/v2/Users/" + id, port)).json;
  CHECK(c.Send(OktaRequest("PUT", "/scim/v2/Users/" + id, port, core::DumpCompact(again))).status == 200);

  // Profile B deactivate: GET then PUT with active:false.
  Json b = c.Send(OktaRequest("GET", "/scim/v2/Users/" + id, port)).json;
  b["active"] = false;
  RawReply put_off = c.Send(OktaRequest("PUT", "/scim/v2/Users/" + id, port, core::DumpCompact(b)));
  REQUIRE(put_off.status == 200);
  CHECK(put_off.json["active"] == false);

  // Profile A activate with PATCH, and a password sync PATCH (§1.6, inferred body).
  const std::string activate =
      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]})";
  CHECK(c.Send(OktaRequest("PATCH", "/scim/v2/Users/" + id, port, activate)).json["active"] == true);
  const std::string password =
      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"password":"n3wPassw0rd"}}]})";
  RawReply pw = c.Send(OktaRequest("PATCH", "/scim/v2/Users/" + id, port, password));
  CHECK(pw.status == 200);
  CHECK(pw.body.find("n3wPassw0rd") == std::string::npos);

  // §1.8 import: paged reads with count=100.
  CheckListResponse(c.Send(OktaRequest("GET", "/scim/v2/Users?startIndex=1&count=100", port)), 1);
}

TEST_CASE("Okta's group push sequences work for both client profiles", "[scim][okta][traffic][groups]") {
  TestServer s;
  int port = s.server().port();
  RawConnection c(port);
  std::string u1 = s.CreateUser("one@okta.local");
  std::string u2 = s.CreateUser("two@okta.local");
  std::string u3 = s.CreateUser("three@okta.local");

  // §1.7 lookup by displayName, then create with members:[].
  CheckListResponse(c.Send(OktaRequest("GET", "/scim/v2/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100", port)), 0);
  RawReply created = c.Send(OktaRequest("POST", "/scim/v2/Groups", port,
                                        R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]})"));
  REQUIRE(created.status == 201);
  const std::string gid = created.json["id"];
  CheckListResponse(c.Send(OktaRequest("GET", "/scim/v2/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100", port)), 1);

  // Profile A: membership PATCH with members of value+display only (no type, no $ref).
  std::string add = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":")" +
                    u1 + R"(","display":"one@okta.local"},{"value":")" + u2 + R"(","display":"two@okta.local"}]}]})";
  RawReply added = c.Send(OktaRequest("PATCH", "/scim/v2/Groups/" + gid, port, add));
  REQUIRE(added.status == 200);
  CHECK(added.json["members"].size() == 2);
  // Re-adding an existing member is harmless.
  CHECK(c.Send(OktaRequest("PATCH", "/scim/v2/Groups/" + gid, port, add)).json["members"].size() == 2);

  // The documented remove+add in one request, escaped quotes in the filter path.
  std::string swap = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \")" +
                     u1 + R"(\"]"},{"op":"add","path":"members","value":[{"value":")" + u3 +
                     R"(","display":"three@okta.local"}]}]})";
  RawReply swapped = c.Send(OktaRequest("PATCH", "/scim/v2/Groups/" + gid, port, swap));
  REQUIRE(swapped.status == 200);
  std::set<std::string> members;
  for (const auto& m : swapped.json["members"]) members.insert(m["value"].get<std::string>());
  CHECK(members == std::set<std::string>{u2, u3});

  // Okta's follow-up: GET, then the rename PATCH carrying the group's own id, with an unchanged name (idempotent).
  RawReply g = c.Send(OktaRequest("GET", "/scim/v2/Groups/" + gid, port));
  REQUIRE(g.status == 200);
  std::string rename = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":")" +
                       gid + R"(","displayName":"Test SCIMv2"}}]})";
  RawReply same = c.Send(OktaRequest("PATCH", "/scim/v2/Groups/" + gid, port, rename));
  REQUIRE(same.status == 200);
  CHECK(same.json["meta"]["version"] == g.json["meta"]["version"]);
  std::string rename2 = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":")" +
                        gid + R"(","displayName":"Renamed Group"}}]})";
  RawReply renamed = c.Send(OktaRequest("PATCH", "/scim/v2/Groups/" + gid, port, rename2));
  REQUIRE(renamed.status == 200);
  CHECK(renamed.json["displayName"] == "Renamed Group");
  CHECK(renamed.json["id"] == gid);

  // Push Now (Profile A): replace the whole member list.
  std::string push_now = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"members","value":[{"value":")" +
                         u1 + R"(","display":"one@okta.local"}]}]})";
  RawReply pushed = c.Send(OktaRequest("PATCH", "/scim/v2/Groups/" + gid, port, push_now));
  REQUIRE(pushed.status == 200);
  REQUIRE(pushed.json["members"].size() == 1);
  CHECK(pushed.json["members"][0]["value"] == u1);

  // Profile B: GET then PUT with the full member list (and the id, as in 2018's sample).
  Json body = c.Send(OktaRequest("GET", "/scim/v2/Groups/" + gid, port)).json;
  Json put = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:Group"}},
              {"id", gid},
              {"displayName", "Renamed Group"},
              {"members", {{{"value", u2}, {"display", "two@okta.local"}}, {{"value", u3}, {"display", "three@okta.local"}}}}};
  RawReply put_reply = c.Send(OktaRequest("PUT", "/scim/v2/Groups/" + gid, port, core::DumpCompact(put)));
  REQUIRE(put_reply.status == 200);
  CHECK(put_reply.json["members"].size() == 2);
  CHECK(s.Get("/Users/" + u2).json["groups"][0]["value"] == gid);
  CHECK_FALSE(s.Get("/Users/" + u1).json.contains("groups"));

  // §1.8 group import reads members.
  RawReply import = c.Send(OktaRequest("GET", "/scim/v2/Groups?startIndex=1&count=100", port));
  CheckListResponse(import, 1);
  CHECK(import.json["Resources"][0]["members"].size() == 2);

  // Unlink with delete.
  RawReply del = c.Send(OktaRequest("DELETE", "/scim/v2/Groups/" + gid, port));
  CHECK(del.status == 204);
  CHECK(c.Send(OktaRequest("GET", "/scim/v2/Groups/" + gid, port)).status == 404);
  CHECK(s.Get("/Users/" + u2).json.contains("groups") == false);
}

TEST_CASE("a 409 on a duplicate create is a SCIM error Okta can show in its task", "[scim][okta][traffic]") {
  TestServer s;
  RawConnection c(s.server().port());
  REQUIRE(c.Send(OktaRequest("POST", "/scim/v2/Users", s.server().port(), kCreateBody)).status == 201);
  RawReply dup = c.Send(OktaRequest("POST", "/scim/v2/Users", s.server().port(), kCreateBody));
  CHECK(dup.status == 409);
  CHECK(dup.json["status"] == "409");
  CHECK(dup.json["scimType"] == "uniqueness");
  CHECK(dup.json["detail"].get<std::string>().find("test.user@okta.local") != std::string::npos);
}
