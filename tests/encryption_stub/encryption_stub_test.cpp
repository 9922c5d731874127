// The encryption stub's HTTP contract, in process on port 0 (see
// docs/encryption-service.md).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/http.h"
#include "core/json_util.h"
#include "core/secret.h"
#include "core/x25519_box.h"
#include "encryption_stub/encryption_stub.h"

using encryption::Config;
using encryption::EncryptionStub;
using encryption::Fault;

namespace {

constexpr const char* kSecret = "test-secret-0123456789";

Config TestConfig(std::string db_path = ":memory:") {
  Config c;
  c.port = 0;
  c.secret = kSecret;
  c.db_path = std::move(db_path);
  return c;
}

// A started stub and a client that sends the right secret.
struct StubFixture {
  EncryptionStub stub;
  std::unique_ptr<httplib::Client> client;
  httplib::Headers auth{{"Authorization", std::string("Bearer ") + kSecret}};

  explicit StubFixture(Config config = TestConfig()) : stub(std::move(config)) {
    auto port = stub.Start();
    REQUIRE(port.ok());
    client = core::MakeClient(stub.base_url());
  }

  httplib::Result Get(const std::string& path) { return client->Get(path.c_str(), auth); }
  httplib::Result Post(const std::string& path, const std::string& body) {
    return client->Post(path.c_str(), auth, body, "application/json");
  }
  httplib::Result Post(const std::string& path, const core::Json& body) { return Post(path, body.dump()); }
  httplib::Result Put(const std::string& path, const core::Json& body) {
    return client->Put(path.c_str(), auth, body.dump(), "application/json");
  }
  httplib::Result Delete(const std::string& path) { return client->Delete(path.c_str(), auth); }

  // Creates group `g` and returns the add-member response body for `kp`.
  core::Json AddMember(const std::string& group, const std::string& member, const core::KeyPair& kp) {
    auto res = Post("/v1/groups/" + group + "/members",
                    core::Json{{"memberId", member}, {"publicKey", core::Base64Encode(kp.public_key)}});
    REQUIRE(res);
    REQUIRE((res->status == 201 || res->status == 200));
    return Body(res);
  }

  static core::Json Body(const httplib::Result& res) {
    REQUIRE(res);
    auto j = core::ParseJson(res->body);
    REQUIRE(j.ok());
    return *j;
  }
};

core::Json MemberEntry(const std::string& id, const core::KeyPair& kp) {
  return core::Json{{"memberId", id}, {"publicKey", core::Base64Encode(kp.public_key)}};
}

// Unwraps a {"memberId","keyVersion","wrappedKey"} entry of group `group` with `kp`.
core::Result<std::string> UnwrapEntry(const core::Json& entry, const std::string& group, const core::KeyPair& kp) {
  std::string blob;
  REQUIRE(core::Base64Decode(entry["wrappedKey"].get<std::string>(), &blob));
  return core::UnwrapKey(blob, kp.private_key,
                         core::KeyWrapAad(group, entry["memberId"].get<std::string>(),
                                          entry["keyVersion"].get<int64_t>()));
}

void CheckError(const httplib::Result& res, int status, const std::string& code) {
  REQUIRE(res);
  CHECK(res->status == status);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  auto j = core::ParseJson(res->body);
  REQUIRE(j.ok());
  CHECK((*j)["error"] == code);
  CHECK((*j)["message"].is_string());
}

}  // namespace

TEST_CASE("health needs no secret and reports Active", "[encryption][contract]") {
  StubFixture f;
  auto res = f.client->Get("/v1/health");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(StubFixture::Body(res) == core::Json{{"status", "Active"}});
}

TEST_CASE("status reports counts, version and faults", "[encryption][contract]") {
  StubFixture f;
  REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g1"}})->status == 201);
  f.AddMember("g1", "u1", core::GenerateX25519KeyPair());
  auto res = f.Get("/v1/status");
  REQUIRE(res);
  CHECK(res->status == 200);
  core::Json j = StubFixture::Body(res);
  CHECK(j["status"] == "Active");
  CHECK(j["version"].is_string());
  CHECK(j["startedAt"].is_string());
  CHECK(j["groups"] == 1);
  CHECK(j["members"] == 1);
  CHECK(j["wrappedKeys"] == 1);
  CHECK(j["faults"] == core::Json{{"down", false}, {"delayMs", 0}, {"failStatus", 0}});
}

TEST_CASE("every endpoint but health answers 401 without the right secret", "[encryption][contract][auth]") {
  StubFixture f;
  REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g1"}})->status == 201);
  std::string body = R"({"groupId":"g1"})";
  for (const httplib::Headers& headers :
       {httplib::Headers{}, httplib::Headers{{"Authorization", "Bearer wrong"}},
        httplib::Headers{{"Authorization", std::string("Basic ") + kSecret}},
        httplib::Headers{{"Authorization", std::string("Bearer ") + kSecret + "x"}},
        httplib::Headers{{"Authorization", "Bearer"}}}) {
    CheckError(f.client->Get("/v1/status", headers), 401, "unauthorized");
    CheckError(f.client->Get("/v1/admin/faults", headers), 401, "unauthorized");
    CheckError(f.client->Put("/v1/admin/faults", headers, "{}", "application/json"), 401, "unauthorized");
    CheckError(f.client->Post("/v1/groups", headers, body, "application/json"), 401, "unauthorized");
    CheckError(f.client->Get("/v1/groups/g1", headers), 401, "unauthorized");
    CheckError(f.client->Post("/v1/groups/g1/members", headers, "{}", "application/json"), 401, "unauthorized");
    CheckError(f.client->Delete("/v1/groups/g1/members/u1", headers), 401, "unauthorized");
    CheckError(f.client->Post("/v1/groups/g1/rotate", headers, R"({"members":[]})", "application/json"), 401,
               "unauthorized");
    CheckError(f.client->Delete("/v1/groups/g1", headers), 401, "unauthorized");
  }
  auto res = f.client->Get("/v1/status", httplib::Headers{});
  REQUIRE(res);
  CHECK(res->get_header_value("WWW-Authenticate") == "Bearer");
  // The scheme name is case-insensitive (RFC 7235).
  auto lower = f.client->Get("/v1/status", {{"Authorization", std::string("bearer ") + kSecret}});
  REQUIRE(lower);
  CHECK(lower->status == 200);
  // Nothing changed: the group still exists at version 1.
  CHECK(StubFixture::Body(f.Get("/v1/groups/g1"))["keyVersion"] == 1);
}

TEST_CASE("creating a group is idempotent and returns the current key version", "[encryption][contract]") {
  StubFixture f;
  auto first = f.Post("/v1/groups", core::Json{{"groupId", "engineering"}});
  REQUIRE(first);
  CHECK(first->status == 201);
  CHECK(StubFixture::Body(first) == core::Json{{"groupId", "engineering"}, {"keyVersion", 1}});
  REQUIRE(f.Post("/v1/groups/engineering/rotate", core::Json{{"members", core::Json::array()}})->status == 200);
  auto again = f.Post("/v1/groups", core::Json{{"groupId", "engineering"}});
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(StubFixture::Body(again) == core::Json{{"groupId", "engineering"}, {"keyVersion", 2}});
}

TEST_CASE("adding a member returns a 93-byte wrapped key and records the member", "[encryption][contract]") {
  StubFixture f;
  REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g1"}})->status == 201);
  core::KeyPair kp = core::GenerateX25519KeyPair();
  auto res = f.Post("/v1/groups/g1/members", MemberEntry("user-1", kp));
  REQUIRE(res);
  CHECK(res->status == 201);
  core::Json j = StubFixture::Body(res);
  CHECK(j["groupId"] == "g1");
  CHECK(j["memberId"] == "user-1");
  CHECK(j["keyVersion"] == 1);
  std::string blob;
  REQUIRE(core::Base64Decode(j["wrappedKey"].get<std::string>(), &blob));
  CHECK(blob.size() == 93);
  CHECK(static_cast<unsigned char>(blob[0]) == core::kWrapFormatV1);

  auto again = f.Post("/v1/groups/g1/members", MemberEntry("user-1", kp));
  REQUIRE(again);
  CHECK(again->status == 200);

  core::Json group = StubFixture::Body(f.Get("/v1/groups/g1"));
  CHECK(group["groupId"] == "g1");
  CHECK(group["keyVersion"] == 1);
  REQUIRE(group["members"].size() == 1);
  CHECK(group["members"][0]["memberId"] == "user-1");
  CHECK(group["members"][0]["keyVersion"] == 1);
  // No key material in the description.
  CHECK(group.find("groupKey") == group.end());
  CHECK(group["members"][0].find("wrappedKey") == group["members"][0].end());
}

TEST_CASE("two members unwrap the same 32-byte group key, which rotation replaces",
          "[encryption][contract][crypto]") {
  StubFixture f;
  REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g1"}})->status == 201);
  core::KeyPair alice = core::GenerateX25519KeyPair(), bob = core::GenerateX25519KeyPair();
  core::Json wa = f.AddMember("g1", "alice", alice), wb = f.AddMember("g1", "bob", bob);
  auto ka = UnwrapEntry(wa, "g1", alice), kb = UnwrapEntry(wb, "g1", bob);
  REQUIRE(ka.ok());
  REQUIRE(kb.ok());
  CHECK(ka->size() == 32);
  CHECK(*ka == *kb);

  SECTION("a wrong private key or a wrong AAD does not unwrap") {
    CHECK_FALSE(UnwrapEntry(wa, "g1", bob).ok());
    CHECK_FALSE(UnwrapEntry(wa, "g2", alice).ok());
    core::Json other_member = wa;
    other_member["memberId"] = "bob";
    CHECK_FALSE(UnwrapEntry(other_member, "g1", alice).ok());
    core::Json other_version = wa;
    other_version["keyVersion"] = 2;
    CHECK_FALSE(UnwrapEntry(other_version, "g1", alice).ok());
  }

  SECTION("after bob is removed and the group rotated, alice's key differs and bob is gone") {
    auto del = f.Delete("/v1/groups/g1/members/bob");
    REQUIRE(del);
    CHECK(del->status == 204);
    auto rot = f.Post("/v1/groups/g1/rotate", core::Json{{"members", core::Json::array({MemberEntry("alice", alice)})}});
    REQUIRE(rot);
    CHECK(rot->status == 200);
    core::Json j = StubFixture::Body(rot);
    CHECK(j["groupId"] == "g1");
    CHECK(j["keyVersion"] == 2);
    CHECK(j["revoked"] == core::Json::array());
    REQUIRE(j["members"].size() == 1);
    CHECK(j["members"][0]["memberId"] == "alice");
    CHECK(j["members"][0]["keyVersion"] == 2);
    auto k2 = UnwrapEntry(j["members"][0], "g1", alice);
    REQUIRE(k2.ok());
    CHECK(k2->size() == 32);
    CHECK(*k2 != *ka);
    // The new wrap is bound to version 2: presenting it as version 1 fails.
    core::Json stale = j["members"][0];
    stale["keyVersion"] = 1;
    CHECK_FALSE(UnwrapEntry(stale, "g1", alice).ok());
    // A member added after rotation gets the new key.
    core::KeyPair carol = core::GenerateX25519KeyPair();
    auto kc = UnwrapEntry(f.AddMember("g1", "carol", carol), "g1", carol);
    REQUIRE(kc.ok());
    CHECK(*kc == *k2);
  }

  SECTION("rotation makes the listed members exactly the group and reports the others as revoked") {
    auto rot = f.Post("/v1/groups/g1/rotate",
                      core::Json{{"members", core::Json::array({MemberEntry("alice", alice)})}, {"expectedKeyVersion", 1}});
    REQUIRE(rot);
    CHECK(rot->status == 200);
    CHECK(StubFixture::Body(rot)["revoked"] == core::Json::array({"bob"}));
    core::Json group = StubFixture::Body(f.Get("/v1/groups/g1"));
    REQUIRE(group["members"].size() == 1);
    CHECK(group["members"][0]["memberId"] == "alice");
    CheckError(f.Delete("/v1/groups/g1/members/bob"), 404, "notFound");
  }
}

TEST_CASE("a rotation against a stale key version conflicts", "[encryption][contract]") {
  StubFixture f;
  REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g1"}})->status == 201);
  REQUIRE(f.Post("/v1/groups/g1/rotate", core::Json{{"members", core::Json::array()}, {"expectedKeyVersion", 1}})
              ->status == 200);
  CheckError(f.Post("/v1/groups/g1/rotate", core::Json{{"members", core::Json::array()}, {"expectedKeyVersion", 1}}),
             409, "keyVersionConflict");
  CHECK(StubFixture::Body(f.Get("/v1/groups/g1"))["keyVersion"] == 2);
}

TEST_CASE("unknown groups and members answer 404", "[encryption][contract]") {
  StubFixture f;
  core::KeyPair kp = core::GenerateX25519KeyPair();
  CheckError(f.Get("/v1/groups/nope"), 404, "notFound");
  CheckError(f.Post("/v1/groups/nope/members", MemberEntry("u", kp)), 404, "notFound");
  CheckError(f.Delete("/v1/groups/nope/members/u"), 404, "notFound");
  CheckError(f.Post("/v1/groups/nope/rotate", core::Json{{"members", core::Json::array()}}), 404, "notFound");
  CheckError(f.Delete("/v1/groups/nope"), 404, "notFound");
  REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g"}})->status == 201);
  CheckError(f.Delete("/v1/groups/g/members/ghost"), 404, "notFound");
  CheckError(f.Get("/v1/no-such-route"), 404, "notFound");
}

TEST_CASE("deleting a group forgets its key and members", "[encryption][contract]") {
  StubFixture f;
  REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g"}})->status == 201);
  core::KeyPair kp = core::GenerateX25519KeyPair();
  auto before = UnwrapEntry(f.AddMember("g", "u", kp), "g", kp);
  REQUIRE(before.ok());
  auto del = f.Delete("/v1/groups/g");
  REQUIRE(del);
  CHECK(del->status == 204);
  CHECK(del->body.empty());
  CheckError(f.Get("/v1/groups/g"), 404, "notFound");
  CheckError(f.Delete("/v1/groups/g"), 404, "notFound");
  CHECK(StubFixture::Body(f.Get("/v1/status"))["groups"] == 0);
  // Re-creating the group makes a fresh key, not the forgotten one.
  REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g"}})->status == 201);
  auto after = UnwrapEntry(f.AddMember("g", "u", kp), "g", kp);
  REQUIRE(after.ok());
  CHECK(*after != *before);
}

TEST_CASE("bad input answers 400 with a specific error code", "[encryption][contract][input]") {
  StubFixture f;
  REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g"}})->status == 201);
  core::KeyPair kp = core::GenerateX25519KeyPair();
  std::string pub = core::Base64Encode(kp.public_key);

  CheckError(f.Post("/v1/groups", std::string("{\"groupId\":")), 400, "invalidJson");
  CheckError(f.Post("/v1/groups", std::string("")), 400, "invalidJson");
  CheckError(f.Post("/v1/groups", core::Json::object()), 400, "invalidRequest");
  CheckError(f.Post("/v1/groups", core::Json{{"groupId", 42}}), 400, "invalidRequest");
  CheckError(f.Post("/v1/groups", core::Json{{"groupId", "a|b"}}), 400, "invalidRequest");
  CheckError(f.Post("/v1/groups", core::Json::array({"g"})), 400, "invalidRequest");

  CheckError(f.Post("/v1/groups/g/members", std::string("not json")), 400, "invalidJson");
  CheckError(f.Post("/v1/groups/g/members", core::Json{{"publicKey", pub}}), 400, "invalidRequest");
  CheckError(f.Post("/v1/groups/g/members", core::Json{{"memberId", "u"}}), 400, "invalidRequest");
  CheckError(f.Post("/v1/groups/g/members", core::Json{{"memberId", "u"}, {"publicKey", "%%%%"}}), 400,
             "invalidBase64");
  CheckError(f.Post("/v1/groups/g/members", core::Json{{"memberId", "u"}, {"publicKey", pub.substr(1)}}), 400,
             "invalidBase64");
  CheckError(f.Post("/v1/groups/g/members",
                    core::Json{{"memberId", "u"}, {"publicKey", core::Base64Encode(kp.public_key + "xx")}}),
             400, "invalidKey");
  CheckError(f.Post("/v1/groups/g/members",
                    core::Json{{"memberId", "u"}, {"publicKey", core::Base64Encode(std::string(16, 'k'))}}),
             400, "invalidKey");
  // The all-zero point is of low order: X25519 with it gives a zero secret.
  CheckError(f.Post("/v1/groups/g/members",
                    core::Json{{"memberId", "u"}, {"publicKey", core::Base64Encode(std::string(32, '\0'))}}),
             400, "invalidKey");

  CheckError(f.Post("/v1/groups/g/rotate", core::Json::object()), 400, "invalidRequest");
  CheckError(f.Post("/v1/groups/g/rotate", core::Json{{"members", "alice"}}), 400, "invalidRequest");
  CheckError(f.Post("/v1/groups/g/rotate", core::Json{{"members", core::Json::array({MemberEntry("a", kp), MemberEntry("a", kp)})}}),
             400, "invalidRequest");
  CheckError(f.Post("/v1/groups/g/rotate", core::Json{{"members", core::Json::array({core::Json{{"memberId", "a"}, {"publicKey", "!"}}})}}), 400,
             "invalidBase64");

  CheckError(f.Put("/v1/admin/faults", core::Json{{"delayMs", "slow"}}), 400, "invalidRequest");
  CheckError(f.Put("/v1/admin/faults", core::Json{{"failStatus", 302}}), 400, "invalidRequest");

  // None of it changed the group.
  core::Json group = StubFixture::Body(f.Get("/v1/groups/g"));
  CHECK(group["keyVersion"] == 1);
  CHECK(group["members"].empty());
}

TEST_CASE("the down fault fails everything but the fault endpoint, which can switch it off",
          "[encryption][contract][faults]") {
  StubFixture f;
  REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g"}})->status == 201);
  auto put = f.Put("/v1/admin/faults", core::Json{{"down", true}});
  REQUIRE(put);
  CHECK(put->status == 200);
  CHECK(StubFixture::Body(put)["down"] == true);
  CHECK(f.stub.fault().down);

  auto health = f.client->Get("/v1/health");
  REQUIRE(health);
  CHECK(health->status == 503);
  CHECK(StubFixture::Body(health) == core::Json{{"status", "Down"}});
  CheckError(f.Get("/v1/status"), 503, "unavailable");
  CheckError(f.Post("/v1/groups", core::Json{{"groupId", "h"}}), 503, "unavailable");
  CheckError(f.Get("/v1/groups/g"), 503, "unavailable");
  CheckError(f.Post("/v1/groups/g/members", MemberEntry("u", core::GenerateX25519KeyPair())), 503, "unavailable");
  CheckError(f.Post("/v1/groups/g/rotate", core::Json{{"members", core::Json::array()}}), 503, "unavailable");
  CheckError(f.Delete("/v1/groups/g"), 503, "unavailable");
  CheckError(f.client->Post("/v1/groups", R"({"groupId":"x"})", "application/json"), 503, "unavailable");

  auto get = f.Get("/v1/admin/faults");
  REQUIRE(get);
  CHECK(get->status == 200);
  CHECK(StubFixture::Body(get) == core::Json{{"down", true}, {"delayMs", 0}, {"failStatus", 0}});
  // Still authenticated while down.
  CheckError(f.client->Get("/v1/admin/faults"), 401, "unauthorized");

  REQUIRE(f.Put("/v1/admin/faults", core::Json{{"down", false}})->status == 200);
  CHECK(f.client->Get("/v1/health")->status == 200);
  CHECK(StubFixture::Body(f.Get("/v1/groups/g"))["keyVersion"] == 1);
}

TEST_CASE("failStatus makes key operations answer that status while health stays up",
          "[encryption][contract][faults]") {
  StubFixture f;
  REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g"}})->status == 201);
  f.stub.SetFault(Fault{false, 0, 500});
  CHECK(StubFixture::Body(f.Get("/v1/admin/faults"))["failStatus"] == 500);
  CheckError(f.Post("/v1/groups", core::Json{{"groupId", "h"}}), 500, "injectedFault");
  CheckError(f.Post("/v1/groups/g/members", MemberEntry("u", core::GenerateX25519KeyPair())), 500, "injectedFault");
  CheckError(f.Delete("/v1/groups/g"), 500, "injectedFault");
  CHECK(f.client->Get("/v1/health")->status == 200);
  CHECK(f.Get("/v1/status")->status == 200);

  REQUIRE(f.Put("/v1/admin/faults", core::Json{{"failStatus", 429}})->status == 200);
  CHECK(f.stub.fault().fail_status == 429);
  CheckError(f.Post("/v1/groups/g/rotate", core::Json{{"members", core::Json::array()}}), 429, "injectedFault");

  REQUIRE(f.Put("/v1/admin/faults", core::Json::object())->status == 200);
  CHECK(f.Post("/v1/groups", core::Json{{"groupId", "h"}})->status == 201);
  // The failed calls left no trace: h was created only now, g still exists.
  CHECK(StubFixture::Body(f.Get("/v1/status"))["groups"] == 2);
}

TEST_CASE("delayMs slows key operations but not health", "[encryption][contract][faults]") {
  StubFixture f;
  REQUIRE(f.Put("/v1/admin/faults", core::Json{{"delayMs", 150}})->status == 200);
  auto t0 = std::chrono::steady_clock::now();
  auto res = f.Post("/v1/groups", core::Json{{"groupId", "g"}});
  auto elapsed = std::chrono::steady_clock::now() - t0;
  REQUIRE(res);
  CHECK(res->status == 201);
  CHECK(elapsed >= std::chrono::milliseconds(150));
  CHECK(f.client->Get("/v1/health")->status == 200);
}

TEST_CASE("stopping during a delay answers the waiting request and returns", "[encryption][contract][faults]") {
  StubFixture f;
  f.stub.SetFault(Fault{false, 30000, 0});
  std::atomic<int> status{0};
  std::string body;
  std::thread caller([&] {
    auto c = core::MakeClient(f.stub.base_url());
    auto res = c->Post("/v1/groups", f.auth, R"({"groupId":"g"})", "application/json");
    if (res) body = res->body;
    status = res ? res->status : -1;
  });
  // Long enough for the request to reach its 30 s delay on a loaded machine.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto stop_started = std::chrono::steady_clock::now();
  f.stub.Stop();
  caller.join();
  auto waited = std::chrono::steady_clock::now() - stop_started;
  // The waiting request is answered 503 (not dropped), and neither Stop nor
  // the caller sits out the 30 s delay.
  CHECK(status == 503);
  CHECK(body.find("stopping") != std::string::npos);
  CHECK(waited < std::chrono::seconds(5));
  f.stub.Stop();  // idempotent
}

TEST_CASE("start picks a free port, is idempotent, and generates a secret when none is given",
          "[encryption][lifecycle]") {
  Config c;
  c.port = 0;
  EncryptionStub stub(c);
  CHECK(stub.secret().size() == 43);
  auto p1 = stub.Start();
  REQUIRE(p1.ok());
  CHECK(*p1 > 0);
  auto p2 = stub.Start();
  REQUIRE(p2.ok());
  CHECK(*p2 == *p1);
  CHECK(stub.port() == *p1);
  auto client = core::MakeClient(stub.base_url());
  CHECK(client->Get("/v1/status", {{"Authorization", "Bearer " + stub.secret()}})->status == 200);
  stub.Stop();
  stub.Stop();
}

TEST_CASE("groups, members and keys survive a restart with a file store", "[encryption][lifecycle]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("enc-stub-test-" + core::RandomToken(8));
  fs::create_directories(dir);
  std::string db = (dir / "keys.db").string();
  core::KeyPair alice = core::GenerateX25519KeyPair(), bob = core::GenerateX25519KeyPair();
  std::string key_before;
  {
    StubFixture f(TestConfig(db));
    REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g"}})->status == 201);
    auto k = UnwrapEntry(f.AddMember("g", "alice", alice), "g", alice);
    REQUIRE(k.ok());
    key_before = *k;
    f.stub.Stop();
  }
  {
    StubFixture f(TestConfig(db));
    core::Json group = StubFixture::Body(f.Get("/v1/groups/g"));
    CHECK(group["keyVersion"] == 1);
    REQUIRE(group["members"].size() == 1);
    CHECK(group["members"][0]["memberId"] == "alice");
    auto k = UnwrapEntry(f.AddMember("g", "bob", bob), "g", bob);
    REQUIRE(k.ok());
    CHECK(*k == key_before);
    CHECK(StubFixture::Body(f.Get("/v1/status"))["wrappedKeys"] == 2);
    // Stop and Start on the same object reopen the same store.
    f.stub.Stop();
    REQUIRE(f.stub.Start().ok());
    auto c = core::MakeClient(f.stub.base_url());
    auto res = c->Get("/v1/groups/g", f.auth);
    REQUIRE(res);
    CHECK(StubFixture::Body(res)["members"].size() == 2);
  }
  fs::remove_all(dir);
}

TEST_CASE("concurrent member additions to one group all get the same key", "[encryption][contract]") {
  StubFixture f;
  REQUIRE(f.Post("/v1/groups", core::Json{{"groupId", "g"}})->status == 201);
  constexpr int kThreads = 4, kPerThread = 5;
  std::vector<std::string> keys(kThreads * kPerThread);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto c = core::MakeClient(f.stub.base_url());
      for (int i = 0; i < kPerThread; ++i) {
        core::KeyPair kp = core::GenerateX25519KeyPair();
        std::string id = "u" + std::to_string(t) + "-" + std::to_string(i);
        auto res = c->Post("/v1/groups/g/members", f.auth,
                           core::Json{{"memberId", id}, {"publicKey", core::Base64Encode(kp.public_key)}}.dump(),
                           "application/json");
        if (!res || res->status != 201) {
          ++failures;
          continue;
        }
        auto j = core::ParseJson(res->body);
        std::string blob;
        if (!j.ok() || !core::Base64Decode((*j)["wrappedKey"].get<std::string>(), &blob)) {
          ++failures;
          continue;
        }
        auto key = core::UnwrapKey(blob, kp.private_key, core::KeyWrapAad("g", id, 1));
        if (!key.ok()) {
          ++failures;
          continue;
        }
        keys[static_cast<size_t>(t * kPerThread + i)] = *key;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  for (const std::string& k : keys) CHECK(k == keys[0]);
  CHECK(StubFixture::Body(f.Get("/v1/status"))["members"] == kThreads * kPerThread);
}

TEST_CASE("a body over 1 MiB answers 413 with a JSON error", "[encryption][contract][input]") {
  StubFixture f;
  std::string big = R"({"groupId":")" + std::string(1100000, 'x') + R"("})";
  CheckError(f.Post("/v1/groups", big), 413, "payloadTooLarge");
  CHECK(StubFixture::Body(f.Get("/v1/status"))["groups"] == 0);
}
