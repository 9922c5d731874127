// Group provisioning needs the encryption service: the gate, the key wrapping,
// and what happens when the service goes away.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/secret.h"
#include "core/x25519_box.h"
#include "encryption_stub/encryption_stub.h"
#include "key_call_fault.h"
#include "test_server.h"

using core::Json;
using scimtest::TestServer;

namespace {

struct GateAdmin {
  std::unique_ptr<httplib::Client> c;
  explicit GateAdmin(int port) : c(core::MakeClient("http://127.0.0.1:" + std::to_string(port))) {}
  std::pair<int, Json> Put(const std::string& path, const Json& body) {
    auto r = c->Put(path.c_str(), core::DumpCompact(body), "application/json");
    return {r->status, *core::ParseJson(r->body)};
  }
  Json Get(const std::string& path) { return *core::ParseJson(c->Get(path.c_str())->body); }
};

std::string Unwrap(TestServer& s, const std::string& group_id, const Json& key) {
  std::string wrapped;
  REQUIRE(core::Base64Decode(key["wrappedKey"].get<std::string>(), &wrapped));
  auto priv = s.server().TEST_DevicePrivateKey(key["memberId"]);
  REQUIRE(priv);
  auto plain = core::UnwrapKey(wrapped, *priv, core::KeyWrapAad(group_id, key["memberId"].get<std::string>(),
                                                                  key["keyVersion"].get<int64_t>()));
  REQUIRE(plain.ok());
  return *plain;
}

std::string PatchBody(const std::string& op, const std::string& path, const Json& value = nullptr) {
  Json o = {{"op", op}, {"path", path}};
  if (!value.is_null()) o["value"] = value;
  return core::DumpCompact(Json{{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}}, {"Operations", {o}}});
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A SCIM server with group provisioning on, reaching the encryption stub
// through a KeyCallFault proxy.
struct GatedServer {
  static scim::Config ConfigFor(const scimtest::KeyCallFault& proxy) {
    scim::Config config;
    config.encryption_url = proxy.base_url();
    config.encryption_secret = "s3cret";
    config.group_provisioning = true;
    return config;
  }
  static encryption::EncryptionStub& Started(encryption::EncryptionStub& stub) {
    REQUIRE(stub.Start().ok());
    return stub;
  }
  encryption::EncryptionStub stub{encryption::Config{"127.0.0.1", 0, ":memory:", "s3cret"}};
  scimtest::KeyCallFault proxy{Started(stub)};
  TestServer s{ConfigFor(proxy), /*gate=*/true};
};

}  // namespace

TEST_CASE("without an encryption service group writes fail clearly and users keep working", "[scim][gate]") {
  TestServer s({}, /*gate=*/true);
  auto g = s.Post("/Groups", {{"displayName", "Engineering"}, {"members", Json::array()}});
  CHECK(g.status == 503);
  CHECK(scimtest::ErrorType(g) == "");
  CHECK(g.json["detail"].get<std::string>().find("encryption service") != std::string::npos);
  CHECK(s.Post("/Users", {{"userName", "still.works@example.com"}}).status == 201);
  CHECK(s.Get("/Groups").status == 200);  // reads are not gated
  GateAdmin admin(s.server().port());
  auto [status, body] = admin.Put("/admin/api/group-provisioning", {{"enabled", true}});
  CHECK(status == 503);
  CHECK(body["message"].get<std::string>().find("no encryption service") != std::string::npos);
  Json st = admin.Get("/admin/api/status");
  CHECK(st["groupProvisioning"]["enabled"] == false);
  CHECK(st["groupProvisioning"]["encryptionService"]["status"] == "Not configured");
}

TEST_CASE("with the service active, members get the group key wrapped to their device keys", "[scim][gate]") {
  // A folder of its own (mkdtemp), so concurrent runs of this test do not share a database.
  std::string pattern = (std::filesystem::temp_directory_path() / "okta-sandbox-gate-test-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  std::filesystem::path dir = pattern;
  encryption::EncryptionStub stub(encryption::Config{"127.0.0.1", 0, ":memory:", "shared-secret"});
  REQUIRE(stub.Start().ok());
  scim::Config config;
  config.db_path = (dir / "scim.db").string();
  config.encryption_url = stub.base_url();
  config.encryption_secret = "shared-secret";
  config.group_provisioning = true;
  TestServer s(config, /*gate=*/true);
  GateAdmin admin(s.server().port());
  Json st = admin.Get("/admin/api/status");
  CHECK(st["groupProvisioning"]["enabled"] == true);
  CHECK(st["groupProvisioning"]["encryptionService"]["status"] == "Active");

  std::string a = s.CreateUser("a@example.com"), b = s.CreateUser("b@example.com"), c = s.CreateUser("c@example.com");
  std::string gid = s.CreateGroup("Secrets", {a, b});
  Json keys = admin.Get("/admin/api/groups/" + gid + "/keys")["members"];
  REQUIRE(keys.size() == 2);
  std::string k1 = Unwrap(s, gid, keys[0]);
  CHECK(k1.size() == 32);
  CHECK(Unwrap(s, gid, keys[1]) == k1);

  // Adding a member wraps the same key for the newcomer.
  auto add = s.Send("PATCH", "/Groups/" + gid, PatchBody("add", "members", {{{"value", c}}}));
  REQUIRE(add.status == 200);
  keys = admin.Get("/admin/api/groups/" + gid + "/keys")["members"];
  REQUIRE(keys.size() == 3);
  for (const auto& k : keys) CHECK(Unwrap(s, gid, k) == k1);

  // Removing a member revokes it and rotates: the others get a new key, the leaver none.
  auto rm = s.Send("PATCH", "/Groups/" + gid, PatchBody("remove", "members[value eq \"" + a + "\"]"));
  REQUIRE(rm.status == 200);
  keys = admin.Get("/admin/api/groups/" + gid + "/keys")["members"];
  REQUIRE(keys.size() == 2);
  std::string k2 = Unwrap(s, gid, keys[0]);
  CHECK(k2 != k1);
  CHECK(keys[0]["keyVersion"] == 2);
  for (const auto& k : keys) {
    CHECK(k["memberId"] != a);
    CHECK(Unwrap(s, gid, k) == k2);
  }

  // Deleting a member user is leaving the group too: revoked, and the key rotates again.
  REQUIRE(s.Delete("/Users/" + b).status == 204);
  keys = admin.Get("/admin/api/groups/" + gid + "/keys")["members"];
  REQUIRE(keys.size() == 1);
  CHECK(keys[0]["memberId"] == c);
  CHECK(keys[0]["keyVersion"] == 3);
  std::string k3 = Unwrap(s, gid, keys[0]);
  CHECK(k3 != k2);
  CHECK(s.Get("/Groups/" + gid).json["members"].size() == 1);

  // No plaintext group key in the SCIM store's files, raw or base64.
  std::string store_bytes;
  for (const char* f : {"scim.db", "scim.db-wal"}) {
    if (std::filesystem::exists(dir / f)) store_bytes += ReadFile(dir / f);
  }
  REQUIRE_FALSE(store_bytes.empty());
  for (const auto& key : {k1, k2, k3}) {
    CHECK(store_bytes.find(key) == std::string::npos);
    CHECK(store_bytes.find(core::Base64Encode(key)) == std::string::npos);
  }
  stub.Stop();
  std::filesystem::remove_all(dir);
}

TEST_CASE("when the service goes down mid-way no partial membership is stored, and a retry succeeds", "[scim][gate]") {
  GatedServer g;
  auto& stub = g.stub;
  auto& proxy = g.proxy;
  auto& s = g.s;
  GateAdmin admin(s.server().port());
  std::string a = s.CreateUser("a@example.com"), b = s.CreateUser("b@example.com"), c = s.CreateUser("c@example.com");
  std::string gid = s.CreateGroup("Team", {a});
  const std::string before = s.Get("/Groups/" + gid).body;
  const std::string keys_before = core::DumpCompact(admin.Get("/admin/api/groups/" + gid + "/keys"));
  std::string add_two = PatchBody("add", "members", {{{"value", b}}, {{"value", c}}});

  SECTION("down before the write: the gate refuses it") {
    stub.SetFault({/*down=*/true, 0, 0});
    auto r = s.Send("PATCH", "/Groups/" + gid, add_two);
    CHECK(r.status == 503);
    CHECK(r.json["detail"].get<std::string>().find("encryption service") != std::string::npos);
    CHECK(admin.Get("/admin/api/status")["groupProvisioning"]["encryptionService"]["status"] == "Unreachable");
  }
  SECTION("down at the third key call: b's key was wrapped, c's was not, nothing is stored") {
    // The write's key calls: ensure the group, wrap for b, wrap for c.
    const int calls = proxy.key_calls();
    proxy.FaultAt(3, {/*down=*/true, 0, 0});
    auto r = s.Send("PATCH", "/Groups/" + gid, add_two);
    CHECK(r.status == 503);
    CHECK(r.json["detail"].get<std::string>().find("HTTP 503") != std::string::npos);
    CHECK(proxy.key_calls() == calls + 3);  // two calls succeeded before the outage
  }
  SECTION("failing key operations mid-way: the write is rolled back") {
    proxy.FaultAt(2, {false, 0, 500});  // the group is ensured, wrapping for b fails
    auto r = s.Send("PATCH", "/Groups/" + gid, add_two);
    CHECK(r.status == 503);
    CHECK(r.json["detail"].get<std::string>().find("HTTP 500") != std::string::npos);
    // Deleting a member user revokes it, then rotates the key: the rotation
    // fails after the revocation succeeded; refused too, and the user stays.
    stub.SetFault({});
    const int calls = proxy.key_calls();
    proxy.FaultAt(3, {false, 0, 500});  // ensure the group, revoke a, rotate
    auto del = s.Delete("/Users/" + a);
    CHECK(del.status == 503);
    CHECK(proxy.key_calls() == calls + 3);
    CHECK(s.Get("/Users/" + a).status == 200);
    CHECK(s.Delete("/Users/" + c).status == 204);  // in no group: nothing to revoke
    c = s.CreateUser("c@example.com");
    add_two = PatchBody("add", "members", {{{"value", b}}, {{"value", c}}});
  }
  SECTION("stopped: connection refused") {
    // Straight at the stub, so that stopping it refuses connections.
    CHECK(admin.Put("/admin/api/encryption", {{"url", stub.base_url()}, {"secret", "s3cret"}}).first == 200);
    stub.Stop();
    auto r = s.Send("PATCH", "/Groups/" + gid, add_two);
    CHECK(r.status == 503);
    CHECK(r.json["detail"].get<std::string>().find("unreachable") != std::string::npos);
    REQUIRE(stub.Start().ok());  // port 0: a new port; the proxy follows it
    CHECK(admin.Put("/admin/api/encryption", {{"url", proxy.base_url()}, {"secret", "s3cret"}}).first == 200);
  }
  CHECK(s.Get("/Groups/" + gid).body == before);
  CHECK(core::DumpCompact(admin.Get("/admin/api/groups/" + gid + "/keys")) == keys_before);
  CHECK_FALSE(s.Get("/Users/" + b).json.contains("groups"));
  stub.SetFault({});
  auto retry = s.Send("PATCH", "/Groups/" + gid, add_two);
  CHECK(retry.status == 200);
  CHECK(retry.json["members"].size() == 3);
  CHECK(admin.Get("/admin/api/groups/" + gid + "/keys")["members"].size() == 3);
}

namespace {
// A SCIM client of its own, for a request sent from another thread.
scimtest::Reply SendFrom(int port, const std::string& method, const std::string& path, const std::string& body) {
  auto c = core::MakeClient("http://127.0.0.1:" + std::to_string(port));
  httplib::Headers h = {{"Authorization", std::string("Bearer ") + scimtest::kToken}};
  std::string full = "/scim/v2" + path;
  httplib::Result r{nullptr, httplib::Error::Unknown};
  if (method == "POST") r = c->Post(full.c_str(), h, body, "application/scim+json");
  else if (method == "PATCH") r = c->Patch(full.c_str(), h, body, "application/scim+json");
  else if (method == "DELETE") r = c->Delete(full.c_str(), h);
  scimtest::Reply out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  auto j = core::ParseJson(r->body);
  if (j.ok()) out.json = *j;
  return out;
}

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

TEST_CASE("a slow encryption service delays the group write, not a concurrent user write", "[scim][gate]") {
  GatedServer g;
  auto& stub = g.stub;
  auto& proxy = g.proxy;
  auto& s = g.s;
  std::string a = s.CreateUser("a@example.com");
  const int port = s.server().port();

  proxy.FaultAt(1, {false, /*delay_ms=*/2000, 0});  // every key call of the create takes 2 s
  auto started = std::chrono::steady_clock::now();
  scimtest::Reply group;
  double group_seconds = 0;
  std::thread writer([&] {
    Json body = {{"displayName", "Slow"}, {"members", {{{"value", a}}}}};
    group = SendFrom(port, "POST", "/Groups", core::DumpCompact(body));
    group_seconds = SecondsSince(started);
  });
  REQUIRE(proxy.WaitFaulted(std::chrono::seconds(10)));  // the create's first key call is in flight
  auto t = std::chrono::steady_clock::now();
  auto user = s.Post("/Users", {{"userName", "unrelated@example.com"}});
  double user_seconds = SecondsSince(t);
  auto listed = s.Get("/Users?filter=userName%20eq%20%22unrelated@example.com%22");
  writer.join();
  stub.SetFault({});

  CHECK(user.status == 201);
  CHECK(user_seconds < 1.0);
  CHECK(listed.json["totalResults"] == 1);
  REQUIRE(group.status == 201);
  CHECK(group_seconds >= 2.0);  // the group write did wait for the key service
  GateAdmin admin(port);
  Json keys = admin.Get("/admin/api/groups/" + group.json["id"].get<std::string>() + "/keys")["members"];
  REQUIRE(keys.size() == 1);
  CHECK(keys[0]["memberId"] == a);
}

TEST_CASE("writes to one group while its key call is in flight wait their turn", "[scim][gate]") {
  GatedServer g;
  auto& stub = g.stub;
  auto& proxy = g.proxy;
  auto& s = g.s;
  GateAdmin admin(s.server().port());
  const int port = s.server().port();
  std::string a = s.CreateUser("a@example.com"), b = s.CreateUser("b@example.com"), c = s.CreateUser("c@example.com");
  std::string gid = s.CreateGroup("Team", {a});

  proxy.FaultAt(1, {false, /*delay_ms=*/500, 0});
  scimtest::Reply first;
  std::thread adder([&] { first = SendFrom(port, "PATCH", "/Groups/" + gid, PatchBody("add", "members", {{{"value", b}}})); });
  REQUIRE(proxy.WaitFaulted(std::chrono::seconds(10)));

  SECTION("a second membership change: both are stored, every member holds the same key") {
    auto second = SendFrom(port, "PATCH", "/Groups/" + gid, PatchBody("add", "members", {{{"value", c}}}));
    adder.join();
    stub.SetFault({});
    CHECK(first.status == 200);
    CHECK(second.status == 200);
    CHECK(s.Get("/Groups/" + gid).json["members"].size() == 3);
    Json keys = admin.Get("/admin/api/groups/" + gid + "/keys")["members"];
    REQUIRE(keys.size() == 3);
    std::string k = Unwrap(s, gid, keys[0]);
    for (const auto& key : keys) CHECK(Unwrap(s, gid, key) == k);
  }
  SECTION("deleting the group: it goes after the change, in the store and in the service") {
    auto deleted = SendFrom(port, "DELETE", "/Groups/" + gid, "");
    adder.join();
    stub.SetFault({});
    CHECK(first.status == 200);
    CHECK(deleted.status == 204);
    CHECK(s.Get("/Groups/" + gid).status == 404);
    CHECK(s.Get("/Users/" + b).status == 200);
    auto service = core::MakeClient(stub.base_url());
    auto r = service->Get(("/v1/groups/" + gid).c_str(), {{"Authorization", "Bearer s3cret"}});
    REQUIRE(r);
    CHECK(r->status == 404);
  }
}
