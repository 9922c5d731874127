#include "scim_server/seed_store.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "core/secret.h"
#include "scim_server/resource.h"
#include "scim_server/scim_store.h"
#include "tests/scim_server/test_server.h"

namespace scim {
namespace {

namespace fs = std::filesystem;
using core::Json;

// A fresh folder for one test's store, removed afterwards.
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("okta-sandbox-seed-" + core::RandomToken(8));
  TempDir() { fs::create_directories(path); }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string db() const { return (path / "scim.db").string(); }
};

std::unique_ptr<ScimStore> OpenStore(const std::string& db, core::Clock& clock, core::IdSource& ids) {
  auto s = ScimStore::Open(db, clock, ids);
  REQUIRE(s.ok());
  return std::move(*s);
}

TEST_CASE("seeded users and groups are in the form the store writes", "[scim][seed]") {
  TempDir dir;
  REQUIRE(SeedStore(dir.db(), 300, 4, 25, 7).ok());
  core::SystemClock clock;
  core::UuidV7Source ids(clock);
  auto store = OpenStore(dir.db(), clock, ids);
  CHECK(store->CountUsers() == 300);
  CHECK(store->CountGroups() == 4);

  ListQuery q;
  q.count = 300;
  auto users = store->ListUsers(q);
  REQUIRE(users.ok());
  REQUIRE(users->items.size() == 300);
  for (const auto& u : users->items) {
    // Byte for byte what the API path stores for the same body.
    auto canon = CanonicalizeResource(u.data, ResourceKind::kUser);
    REQUIRE(canon.ok());
    REQUIRE(core::DumpCompact(canon->data) == core::DumpCompact(u.data));
    CHECK(u.meta.version == 1);
    CHECK(u.meta.created == u.meta.last_modified);
    CHECK(u.meta.id.size() == 36);
    CHECK(u.meta.id[14] == '7');  // UUIDv7 layout
  }
  // Ids are time-ordered, so key order and id order agree.
  for (size_t i = 1; i < users->items.size(); ++i) CHECK(users->items[i - 1].meta.id < users->items[i].meta.id);

  auto groups = store->ListGroups(q);
  REQUIRE(groups.ok());
  for (const auto& g : groups->items) {
    auto canon = CanonicalizeResource(g.data, ResourceKind::kGroup);
    REQUIRE(canon.ok());
    CHECK(core::DumpCompact(canon->data) == core::DumpCompact(g.data));
    CHECK(g.members.size() == 25);
  }
}

TEST_CASE("a server started on a seeded store serves and filters the seeded users", "[scim][seed]") {
  TempDir dir;
  REQUIRE(SeedStore(dir.db(), 500, 3, 40, 11).ok());
  Config config;
  config.db_path = dir.db();
  scimtest::TestServer server(config);

  auto all = server.Get("/Users?count=0");
  REQUIRE(all.status == 200);
  CHECK(all.json["totalResults"] == 500);

  auto page = server.Get("/Users?startIndex=123&count=1");
  REQUIRE(page.status == 200);
  const Json user = page.json["Resources"][0];
  const std::string user_name = user["userName"].get<std::string>();
  const std::string id = user["id"].get<std::string>();
  CHECK(user["meta"]["location"] == server.server().base_url() + "/Users/" + id);
  CHECK(user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["department"].is_string());

  auto one = server.Get("/Users/" + id);
  REQUIRE(one.status == 200);
  CHECK(one.json["userName"] == user_name);
  CHECK(one.header("ETag") == "W/\"1\"");

  // Okta's lookup before a create: userName eq, case-insensitively.
  std::string upper = user_name;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto by_name = server.Get("/Users?filter=" + core::UrlEncode("userName eq \"" + upper + "\""));
  REQUIRE(by_name.status == 200);
  REQUIRE(by_name.json["totalResults"] == 1);
  CHECK(by_name.json["Resources"][0]["id"] == id);

  auto by_email = server.Get("/Users?filter=" + core::UrlEncode("emails.value eq \"" + user_name + "\""));
  REQUIRE(by_email.status == 200);
  CHECK(by_email.json["totalResults"] == 1);

  auto co = server.Get("/Users?count=0&filter=" + core::UrlEncode("emails.value co \"@example.com\""));
  REQUIRE(co.status == 200);
  CHECK(co.json["totalResults"] == 500);

  auto groups = server.Get("/Groups");
  REQUIRE(groups.status == 200);
  REQUIRE(groups.json["totalResults"] == 3);
  const Json group = groups.json["Resources"][0];
  REQUIRE(group["members"].size() == 40);

  // Seeded memberships behave like any other: remove one with Okta's PATCH.
  std::string member = group["members"][0]["value"].get<std::string>();
  Json patch = {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                {"Operations", {{{"op", "remove"}, {"path", "members[value eq \"" + member + "\"]"}}}}};
  auto patched = server.Patch("/Groups/" + group["id"].get<std::string>(), patch);
  REQUIRE(patched.status == 200);
  CHECK(patched.json["members"].size() == 39);

  // The member's groups are derived from the seeded memberships.
  auto in_group = server.Get("/Users/" + group["members"][1]["value"].get<std::string>());
  REQUIRE(in_group.status == 200);
  CHECK(in_group.json["groups"].size() >= 1);

  // And new users are accepted next to the seeded ones.
  CHECK_NOTHROW(server.CreateUser("newcomer@example.com"));
}

TEST_CASE("seeding twice appends without userName conflicts", "[scim][seed]") {
  TempDir dir;
  REQUIRE(SeedStore(dir.db(), 100, 2, 10, 1).ok());
  REQUIRE(SeedStore(dir.db(), 100, 2, 150, 1).ok());
  core::SystemClock clock;
  core::UuidV7Source ids(clock);
  auto store = OpenStore(dir.db(), clock, ids);
  CHECK(store->CountUsers() == 200);
  CHECK(store->CountGroups() == 4);
  ListQuery q;
  q.count = 10;
  auto groups = store->ListGroups(q);
  REQUIRE(groups.ok());
  REQUIRE(groups->items.size() == 4);
  CHECK(groups->items[0].members.size() == 10);
  CHECK(groups->items[3].members.size() == 150);  // a run that wraps around the key range
}

TEST_CASE("seeding refuses negative counts and in-memory stores", "[scim][seed]") {
  CHECK(SeedStore(":memory:", 1, 0, 0, 1).error().code == core::ErrorCode::kInvalidValue);
  TempDir dir;
  CHECK(SeedStore(dir.db(), -1, 0, 0, 1).error().code == core::ErrorCode::kInvalidValue);
  CHECK(SeedStore(dir.db(), 0, 0, 0, 1).ok());
}

}  // namespace
}  // namespace scim
