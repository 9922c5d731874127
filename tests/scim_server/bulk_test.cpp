#include "scim_server/bulk.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "scim_server/scim_store.h"

namespace scim {
namespace {

using core::ErrorCode;
using core::Json;

// A real store in memory behind the real target.
struct StoreFixture {
  core::ManualClock clock{core::TimePoint(std::chrono::seconds(1'700'000'000))};
  core::UuidV7Source ids{clock, 42};
  std::unique_ptr<ScimStore> store;
  std::unique_ptr<StoreBulkTarget> target;
  StoreFixture() {
    auto s = ScimStore::Open(":memory:", clock, ids);
    REQUIRE(s.ok());
    store = std::move(*s);
    target = std::make_unique<StoreBulkTarget>(*store, "http://scim.test/scim/v2");
  }
  Json Run(const Json& request, BulkLimits limits = {}) {
    auto r = ExecuteBulkRequest(request, limits, *target);
    INFO((r.ok() ? std::string() : r.error().detail));
    REQUIRE(r.ok());
    return *r;
  }
};

// Records the calls and answers from a script: ids "id-1", "id-2", ... for
// creates; any body with "fail": true fails with kInvalidValue.
class RecordingTarget final : public BulkTarget {
 public:
  std::vector<std::string> calls;

  core::Result<BulkWritten> Create(ResourceKind kind, const Json& body) override {
    calls.push_back(std::string("create ") + Kind(kind) + " " + core::DumpCompact(body));
    if (body.value("fail", false)) return core::Error{ErrorCode::kInvalidValue, "scripted failure"};
    return BulkWritten{"id-" + std::to_string(++next_), 1};
  }
  core::Result<BulkWritten> Replace(ResourceKind kind, const std::string& id, const Json& body,
                                    std::optional<int64_t> v) override {
    calls.push_back(std::string("replace ") + Kind(kind) + " " + id + Version(v));
    if (body.value("fail", false)) return core::Error{ErrorCode::kInvalidValue, "scripted failure"};
    return BulkWritten{id, 2};
  }
  core::Result<BulkWritten> Patch(ResourceKind kind, const std::string& id, const Json& body,
                                  std::optional<int64_t> v) override {
    calls.push_back(std::string("patch ") + Kind(kind) + " " + id + Version(v) + " " + core::DumpCompact(body));
    return BulkWritten{id, 3};
  }
  core::Status Delete(ResourceKind kind, const std::string& id, std::optional<int64_t> v) override {
    calls.push_back(std::string("delete ") + Kind(kind) + " " + id + Version(v));
    return core::Status::Ok();
  }
  std::string Location(ResourceKind kind, const std::string& id) const override {
    return std::string("http://x/") + (kind == ResourceKind::kUser ? "Users/" : "Groups/") + id;
  }

 private:
  static const char* Kind(ResourceKind k) { return k == ResourceKind::kUser ? "User" : "Group"; }
  static std::string Version(std::optional<int64_t> v) { return v ? " v" + std::to_string(*v) : ""; }
  int next_ = 0;
};

Json Request(Json operations, std::optional<int> fail_on_errors = std::nullopt) {
  Json r = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:BulkRequest"}}};
  if (fail_on_errors) r["failOnErrors"] = *fail_on_errors;
  r["Operations"] = std::move(operations);
  return r;
}

Json PostUser(const std::string& bulk_id, const std::string& user_name) {
  return {{"method", "POST"},
          {"path", "/Users"},
          {"bulkId", bulk_id},
          {"data",
           {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}},
            {"userName", user_name},
            {"emails", {{{"value", user_name}, {"type", "work"}, {"primary", true}}}}}}};
}

Json PostGroup(const std::string& bulk_id, const std::string& name, const std::vector<std::string>& members) {
  Json m = Json::array();
  for (const auto& v : members) m.push_back({{"value", v}});
  return {{"method", "POST"},
          {"path", "/Groups"},
          {"bulkId", bulk_id},
          {"data", {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:Group"}}, {"displayName", name}, {"members", m}}}};
}

std::vector<std::string> MemberIds(ScimStore& store, const std::string& group_id) {
  auto g = store.GetGroup(group_id);
  REQUIRE(g.ok());
  std::vector<std::string> out;
  for (const auto& m : g->members) out.push_back(m.id);
  return out;
}

std::string IdFromLocation(const Json& op) {
  std::string loc = op.at("location").get<std::string>();
  return loc.substr(loc.rfind('/') + 1);
}

TEST_CASE("a group created in the same request gets the users created before it as members", "[scim][bulk]") {
  StoreFixture f;
  Json resp = f.Run(Request({PostUser("u1", "ann@example.com"), PostUser("u2", "bob@example.com"),
                             PostGroup("g1", "Staff", {"bulkId:u1", "bulkId:u2"})}));
  CHECK(resp["schemas"] == Json::array({"urn:ietf:params:scim:api:messages:2.0:BulkResponse"}));
  const Json& ops = resp["Operations"];
  REQUIRE(ops.size() == 3);
  for (const auto& op : ops) {
    CHECK(op["method"] == "POST");
    CHECK(op["status"] == "201");  // a string, RFC 7644 §3.7.3
    CHECK(op["version"] == "W/\"1\"");
  }
  CHECK(ops[0]["bulkId"] == "u1");
  CHECK(ops[0]["location"].get<std::string>().rfind("http://scim.test/scim/v2/Users/", 0) == 0);
  CHECK(ops[2]["location"].get<std::string>().rfind("http://scim.test/scim/v2/Groups/", 0) == 0);
  CHECK(MemberIds(*f.store, IdFromLocation(ops[2])) ==
        std::vector<std::string>{IdFromLocation(ops[0]), IdFromLocation(ops[1])});
}

TEST_CASE("a group that names users created later in the request runs after them", "[scim][bulk]") {
  StoreFixture f;
  Json resp = f.Run(Request({PostGroup("g1", "Forward", {"bulkId:u1", "bulkId:u2"}), PostUser("u1", "cy@example.com"),
                             PostUser("u2", "di@example.com")}));
  const Json& ops = resp["Operations"];
  REQUIRE(ops.size() == 3);
  // The response keeps request order; the group still succeeded.
  CHECK(ops[0]["bulkId"] == "g1");
  CHECK(ops[0]["status"] == "201");
  CHECK(MemberIds(*f.store, IdFromLocation(ops[0])) ==
        std::vector<std::string>{IdFromLocation(ops[1]), IdFromLocation(ops[2])});
}

TEST_CASE("forward references run in dependency order on the target", "[scim][bulk]") {
  RecordingTarget t;
  Json req = Request(Json::parse(R"([
      {"method": "PATCH", "path": "/Groups/bulkId:g",
       "data": {"Operations": [{"op": "add", "path": "members", "value": [{"value": "bulkId:u"}]}]}},
      {"method": "POST", "path": "/Groups", "bulkId": "g", "data": {"displayName": "G"}},
      {"method": "POST", "path": "/Users", "bulkId": "u", "data": {"userName": "u"}}])"));
  auto r = ExecuteBulkRequest(req, {}, t);
  REQUIRE(r.ok());
  REQUIRE(t.calls.size() == 3);
  CHECK(t.calls[0] == R"(create Group {"displayName":"G"})");
  CHECK(t.calls[1] == R"(create User {"userName":"u"})");
  CHECK(t.calls[2] == R"(patch Group id-1 {"Operations":[{"op":"add","path":"members","value":[{"value":"id-2"}]}]})");
  CHECK((*r)["Operations"][0]["location"] == "http://x/Groups/id-1");
  CHECK((*r)["Operations"][0]["status"] == "200");
}

TEST_CASE("a bulkId in the path of PUT, PATCH and DELETE is the created resource", "[scim][bulk]") {
  StoreFixture f;
  Json put = {{"method", "PUT"},
              {"path", "/Users/bulkId:u1"},
              {"data", {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}}, {"userName", "renamed@example.com"}}}};
  Json patch = {{"method", "PATCH"},
                {"path", "/Users/bulkId:u1"},
                {"version", "W/\"2\""},
                {"data",
                 {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                  {"Operations", {{{"op", "replace"}, {"value", {{"active", false}}}}}}}}};
  Json del = {{"method", "DELETE"}, {"path", "/Users/bulkId:u2"}};
  Json resp = f.Run(Request({PostUser("u1", "eve@example.com"), PostUser("u2", "fay@example.com"), put, patch, del}));
  const Json& ops = resp["Operations"];
  REQUIRE(ops.size() == 5);
  CHECK(ops[2]["status"] == "200");
  CHECK(ops[2]["version"] == "W/\"2\"");
  CHECK(ops[3]["status"] == "200");
  CHECK(ops[3]["version"] == "W/\"3\"");
  CHECK(ops[4]["status"] == "204");
  CHECK(ops[4]["method"] == "DELETE");
  auto u = f.store->GetUser(IdFromLocation(ops[0]));
  REQUIRE(u.ok());
  CHECK(u->data["userName"] == "renamed@example.com");
  CHECK(u->data["active"] == false);
  CHECK(f.store->GetUser(IdFromLocation(ops[1])).error().code == ErrorCode::kNotFound);
}

TEST_CASE("failed operations are reported each with an error response and the rest still run", "[scim][bulk]") {
  StoreFixture f;
  Json bad_user = {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "bad"}, {"data", {{"userName", 12}}}};
  Json resp = f.Run(Request({PostUser("u1", "gil@example.com"), PostUser("u2", "GIL@example.com"), bad_user,
                             {{"method", "DELETE"}, {"path", "/Users/no-such-id"}}, PostUser("u3", "hal@example.com")}));
  const Json& ops = resp["Operations"];
  REQUIRE(ops.size() == 5);
  CHECK(ops[0]["status"] == "201");
  CHECK(ops[1]["status"] == "409");
  CHECK(ops[1]["response"]["scimType"] == "uniqueness");
  CHECK(ops[1]["response"]["status"] == "409");
  CHECK(ops[1]["response"]["schemas"] == Json::array({"urn:ietf:params:scim:api:messages:2.0:Error"}));
  CHECK_FALSE(ops[1].contains("location"));
  CHECK(ops[2]["status"] == "400");
  CHECK(ops[2]["response"]["scimType"] == "invalidValue");
  CHECK(ops[3]["status"] == "404");
  CHECK(ops[3]["location"] == "http://scim.test/scim/v2/Users/no-such-id");
  CHECK(ops[4]["status"] == "201");
  CHECK(f.store->CountUsers() == 2);
}

TEST_CASE("failOnErrors stops after that many errors and lists only what ran", "[scim][bulk]") {
  RecordingTarget t;
  auto op = [](const std::string& id, bool fail) {
    return Json{{"method", "POST"}, {"path", "/Users"}, {"bulkId", id}, {"data", {{"userName", id}, {"fail", fail}}}};
  };
  Json ops = {op("a", false), op("b", true), op("c", false), op("d", true), op("e", false), op("f", true)};

  SECTION("failOnErrors 2 ends the run at the second failure") {
    auto r = ExecuteBulkRequest(Request(ops, 2), {}, t);
    REQUIRE(r.ok());
    const Json& out = (*r)["Operations"];
    REQUIRE(out.size() == 4);
    CHECK(out[3]["bulkId"] == "d");
    CHECK(out[3]["status"] == "400");
    CHECK(t.calls.size() == 4);
  }
  SECTION("failOnErrors 1 ends it at the first") {
    auto r = ExecuteBulkRequest(Request(ops, 1), {}, t);
    REQUIRE(r.ok());
    CHECK((*r)["Operations"].size() == 2);
  }
  SECTION("without failOnErrors every operation runs") {
    auto r = ExecuteBulkRequest(Request(ops), {}, t);
    REQUIRE(r.ok());
    CHECK((*r)["Operations"].size() == 6);
  }
}

TEST_CASE("more operations than maxOperations is refused with 413 before anything runs", "[scim][bulk]") {
  RecordingTarget t;
  Json ops = Json::array();
  for (int i = 0; i < 4; ++i) ops.push_back(PostUser("u" + std::to_string(i), "u" + std::to_string(i)));
  BulkLimits limits;
  limits.max_operations = 3;
  auto r = ExecuteBulkRequest(Request(ops), limits, t);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kPayloadTooLarge);
  CHECK(r.error().detail.find("maxOperations is 3") != std::string::npos);
  CHECK(t.calls.empty());
  limits.max_operations = 4;
  CHECK(ExecuteBulkRequest(Request(ops), limits, t).ok());
}

TEST_CASE("a body over maxPayloadSize is refused with 413 before it is parsed", "[scim][bulk]") {
  RecordingTarget t;
  // Json::array: a one-element braced list would be the element itself under clang (nlohmann brace init).
  std::string body = core::DumpCompact(Request(Json::array({PostUser("u1", "ivy@example.com")})));
  BulkLimits limits;
  limits.max_payload_bytes = body.size() - 1;
  auto r = ExecuteBulk(body, limits, t);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kPayloadTooLarge);
  CHECK(t.calls.empty());
  limits.max_payload_bytes = body.size();
  CHECK(ExecuteBulk(body, limits, t).ok());
}

TEST_CASE("malformed bulk requests are refused as a whole", "[scim][bulk]") {
  RecordingTarget t;
  auto code = [&](const std::string& body) {
    auto r = ExecuteBulk(body, {}, t);
    INFO(body);
    REQUIRE_FALSE(r.ok());
    return r.error().code;
  };
  const std::string urn = R"("schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"])";
  CHECK(code("") == ErrorCode::kInvalidSyntax);
  CHECK(code("{not json") == ErrorCode::kInvalidSyntax);
  CHECK(code("[]") == ErrorCode::kInvalidSyntax);
  CHECK(code(R"({"Operations":[]})") == ErrorCode::kInvalidSyntax);
  CHECK(code(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]})") ==
        ErrorCode::kInvalidSyntax);
  CHECK(code("{" + urn + "}") == ErrorCode::kInvalidSyntax);
  CHECK(code("{" + urn + R"(,"Operations":{}})") == ErrorCode::kInvalidSyntax);
  CHECK(code("{" + urn + R"(,"failOnErrors":0,"Operations":[]})") == ErrorCode::kInvalidValue);
  CHECK(code("{" + urn + R"(,"failOnErrors":"1","Operations":[]})") == ErrorCode::kInvalidValue);
  CHECK(code("{" + urn + R"(,"Operations":[{"method":"POST","path":"/Users","bulkId":"x","data":{}},)" +
             R"({"method":"POST","path":"/Groups","bulkId":"x","data":{}}]})") == ErrorCode::kInvalidValue);
  CHECK(t.calls.empty());
  auto empty = ExecuteBulk("{" + urn + R"(,"Operations":[]})", {}, t);
  REQUIRE(empty.ok());
  CHECK((*empty)["Operations"].empty());
}

TEST_CASE("malformed operations fail alone with a 400 in their place", "[scim][bulk]") {
  RecordingTarget t;
  Json ops = {
      "not an object",
      {{"path", "/Users"}, {"bulkId", "a"}, {"data", Json::object()}},                        // no method
      {{"method", "GET"}, {"path", "/Users"}, {"bulkId", "b"}, {"data", Json::object()}},     // unsupported method
      {{"method", "POST"}, {"path", "/Users"}, {"data", {{"userName", "x"}}}},                // POST without bulkId
      {{"method", "POST"}, {"path", "/Widgets"}, {"bulkId", "c"}, {"data", Json::object()}},  // unknown endpoint
      {{"method", "PUT"}, {"path", "/Users"}, {"data", Json::object()}},                      // PUT needs an id
      {{"method", "PATCH"}, {"path", "/Users/1"}},                                            // no data
      {{"method", "post"}, {"path", "/users"}, {"bulkId", "ok"}, {"data", {{"userName", "y"}}}},
  };
  auto r = ExecuteBulkRequest(Request(ops), {}, t);
  REQUIRE(r.ok());
  const Json& out = (*r)["Operations"];
  REQUIRE(out.size() == 8);
  for (size_t i = 0; i < 7; ++i) {
    INFO(i << ": " << out[i].dump());
    CHECK(out[i]["status"] == "400");
    CHECK(out[i]["response"]["detail"].is_string());
  }
  CHECK(out[2]["method"] == "GET");
  CHECK(out[4]["response"]["scimType"] == "invalidPath");
  CHECK(out[7]["status"] == "201");
  CHECK(out[7]["method"] == "POST");
  CHECK(t.calls.size() == 1);
}

TEST_CASE("unknown, failed and circular bulkId references fail the operations that use them", "[scim][bulk]") {
  RecordingTarget t;
  Json ops = {
      {{"method", "PATCH"}, {"path", "/Users/bulkId:nobody"}, {"data", Json::object()}},
      {{"method", "POST"}, {"path", "/Users"}, {"bulkId", "broken"}, {"data", {{"fail", true}}}},
      {{"method", "POST"}, {"path", "/Groups"}, {"bulkId", "g"}, {"data", {{"members", {{{"value", "bulkId:broken"}}}}}}},
      {{"method", "POST"}, {"path", "/Groups"}, {"bulkId", "x"}, {"data", {{"owner", "bulkId:y"}}}},
      {{"method", "POST"}, {"path", "/Groups"}, {"bulkId", "y"}, {"data", {{"owner", "bulkId:x"}}}},
      {{"method", "POST"}, {"path", "/Groups"}, {"bulkId", "self"}, {"data", {{"owner", "bulkId:self"}}}},
  };
  auto r = ExecuteBulkRequest(Request(ops), {}, t);
  REQUIRE(r.ok());
  const Json& out = (*r)["Operations"];
  REQUIRE(out.size() == 6);
  CHECK(out[0]["status"] == "400");
  CHECK(out[0]["response"]["scimType"] == "invalidValue");
  CHECK(out[1]["status"] == "400");
  CHECK(out[2]["status"] == "409");
  CHECK(out[3]["status"] == "409");
  CHECK(out[4]["status"] == "409");
  CHECK(out[5]["status"] == "409");
  CHECK(t.calls.size() == 1);  // only the scripted failure reached the target
}

TEST_CASE("an operation's version is its If-Match and a stale one is 412", "[scim][bulk]") {
  StoreFixture f;
  auto created = f.store->CreateUser({{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:User"}}, {"userName", "jo"}});
  REQUIRE(created.ok());
  std::string path = "/Users/" + created->meta.id;
  Json stale = {{"method", "DELETE"}, {"path", path}, {"version", "W/\"7\""}};
  Json garbage = {{"method", "DELETE"}, {"path", path}, {"version", "banana"}};
  Json fresh = {{"method", "DELETE"}, {"path", path}, {"version", "W/\"1\""}};
  Json resp = f.Run(Request({stale, garbage, fresh}));
  const Json& ops = resp["Operations"];
  CHECK(ops[0]["status"] == "412");
  CHECK(ops[1]["status"] == "412");
  CHECK(ops[2]["status"] == "204");
  CHECK(f.store->CountUsers() == 0);
}

TEST_CASE("group operations are refused while the group gate is closed, users still work", "[scim][bulk]") {
  StoreFixture f;
  StoreBulkTarget gated(*f.store, "http://scim.test/scim/v2", [] {
    return core::Status(core::Error{ErrorCode::kUnavailable, "group provisioning is off"});
  });
  auto r = ExecuteBulkRequest(Request({PostUser("u", "kim@example.com"), PostGroup("g", "G", {"bulkId:u"})}), {}, gated);
  REQUIRE(r.ok());
  CHECK((*r)["Operations"][0]["status"] == "201");
  CHECK((*r)["Operations"][1]["status"] == "503");
  CHECK(f.store->CountGroups() == 0);
}

TEST_CASE("a 1000-operation bulk request creates 1000 users", "[scim][bulk]") {
  StoreFixture f;
  Json ops = Json::array();
  for (int i = 0; i < 1000; ++i) ops.push_back(PostUser("b" + std::to_string(i), "bulk" + std::to_string(i) + "@example.com"));
  std::string body = core::DumpCompact(Request(ops));
  auto r = ExecuteBulk(body, {}, *f.target);
  REQUIRE(r.ok());
  CHECK((*r)["Operations"].size() == 1000);
  CHECK(f.store->CountUsers() == 1000);
}

}  // namespace
}  // namespace scim
