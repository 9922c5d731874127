#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "core/clock.h"
#include "core/x25519_box.h"
#include "encryption_stub/key_service.h"
#include "encryption_stub/key_store.h"

using namespace encryption;

namespace {

struct ServiceFixture {
  core::ManualClock clock{core::TimePoint(std::chrono::seconds(1714564800))};  // 2024-05-01T12:00:00Z
  std::unique_ptr<KeyStore> store;
  std::unique_ptr<KeyService> service;
  ServiceFixture() {
    auto s = KeyStore::Open(":memory:");
    REQUIRE(s.ok());
    store = std::move(*s);
    service = std::make_unique<KeyService>(*store, clock);
  }
};

std::string Unwrap(const WrappedKey& w, const std::string& group, const core::KeyPair& kp) {
  auto key = core::UnwrapKey(w.wrapped, kp.private_key, core::KeyWrapAad(group, w.member_id, w.key_version));
  REQUIRE(key.ok());
  return *key;
}

}  // namespace

TEST_CASE("creating a group twice keeps the first key version and timestamps", "[encryption][service]") {
  ServiceFixture f;
  auto first = f.service->CreateGroup("g1");
  REQUIRE(first.ok());
  CHECK(first->created);
  CHECK(first->key_version == 1);
  CHECK(first->created_at == "2024-05-01T12:00:00.000Z");
  f.clock.Advance(std::chrono::minutes(1));
  auto again = f.service->CreateGroup("g1");
  REQUIRE(again.ok());
  CHECK_FALSE(again->created);
  CHECK(again->key_version == 1);
  CHECK(again->created_at == first->created_at);
}

TEST_CASE("members of one group unwrap the same 32-byte key, and rotation changes it", "[encryption][service]") {
  ServiceFixture f;
  REQUIRE(f.service->CreateGroup("g1").ok());
  core::KeyPair alice = core::GenerateX25519KeyPair(), bob = core::GenerateX25519KeyPair();
  auto a = f.service->AddMember("g1", {"alice", alice.public_key});
  auto b = f.service->AddMember("g1", {"bob", bob.public_key});
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->added);
  std::string ka = Unwrap(a->key, "g1", alice), kb = Unwrap(b->key, "g1", bob);
  CHECK(ka.size() == kGroupKeyBytes);
  CHECK(ka == kb);

  auto rotated = f.service->Rotate("g1", {{"alice", alice.public_key}}, 1);
  REQUIRE(rotated.ok());
  CHECK(rotated->key_version == 2);
  REQUIRE(rotated->wrapped.size() == 1);
  CHECK(rotated->revoked == std::vector<std::string>{"bob"});
  std::string k2 = Unwrap(rotated->wrapped[0], "g1", alice);
  CHECK(k2.size() == kGroupKeyBytes);
  CHECK(k2 != ka);

  auto info = f.service->DescribeGroup("g1");
  REQUIRE(info.ok());
  REQUIRE(info->members.size() == 1);
  CHECK(info->members[0].member_id == "alice");
  CHECK(info->members[0].key_version == 2);
}

TEST_CASE("adding an existing member re-wraps without a new membership", "[encryption][service]") {
  ServiceFixture f;
  REQUIRE(f.service->CreateGroup("g1").ok());
  core::KeyPair kp = core::GenerateX25519KeyPair();
  REQUIRE(f.service->AddMember("g1", {"u", kp.public_key}).ok());
  f.clock.Advance(std::chrono::hours(1));
  auto again = f.service->AddMember("g1", {"u", kp.public_key});
  REQUIRE(again.ok());
  CHECK_FALSE(again->added);
  auto info = f.service->DescribeGroup("g1");
  REQUIRE(info.ok());
  REQUIRE(info->members.size() == 1);
  CHECK(info->members[0].added_at == "2024-05-01T12:00:00.000Z");
  auto counts = f.service->Counts();
  REQUIRE(counts.ok());
  CHECK(counts->groups == 1);
  CHECK(counts->members == 1);
  CHECK(counts->wrapped_keys == 2);
}

TEST_CASE("unknown groups and members are not found, stale rotations conflict", "[encryption][service]") {
  ServiceFixture f;
  core::KeyPair kp = core::GenerateX25519KeyPair();
  CHECK(f.service->AddMember("nope", {"u", kp.public_key}).error().code == core::ErrorCode::kNotFound);
  CHECK(f.service->RemoveMember("nope", "u").error().code == core::ErrorCode::kNotFound);
  CHECK(f.service->Rotate("nope", {}, std::nullopt).error().code == core::ErrorCode::kNotFound);
  CHECK(f.service->DeleteGroup("nope").error().code == core::ErrorCode::kNotFound);
  CHECK(f.service->DescribeGroup("nope").error().code == core::ErrorCode::kNotFound);
  REQUIRE(f.service->CreateGroup("g").ok());
  CHECK(f.service->RemoveMember("g", "u").error().code == core::ErrorCode::kNotFound);
  CHECK(f.service->Rotate("g", {}, 5).error().code == core::ErrorCode::kConflict);
  auto info = f.service->DescribeGroup("g");
  REQUIRE(info.ok());
  CHECK(info->key_version == 1);  // the failed rotation left nothing behind
}

TEST_CASE("a low-order public key fails the whole rotation and changes nothing", "[encryption][service]") {
  ServiceFixture f;
  REQUIRE(f.service->CreateGroup("g").ok());
  core::KeyPair kp = core::GenerateX25519KeyPair();
  REQUIRE(f.service->AddMember("g", {"good", kp.public_key}).ok());
  CHECK(f.service->AddMember("g", {"bad", std::string(32, '\0')}).error().code == core::ErrorCode::kInvalidValue);
  auto r = f.service->Rotate("g", {{"good", kp.public_key}, {"bad", std::string(32, '\0')}}, std::nullopt);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == core::ErrorCode::kInvalidValue);
  auto info = f.service->DescribeGroup("g");
  REQUIRE(info.ok());
  CHECK(info->key_version == 1);
  CHECK(info->members.size() == 1);
}

TEST_CASE("deleting a group forgets its members", "[encryption][service]") {
  ServiceFixture f;
  REQUIRE(f.service->CreateGroup("g").ok());
  REQUIRE(f.service->AddMember("g", {"u", core::GenerateX25519KeyPair().public_key}).ok());
  REQUIRE(f.service->DeleteGroup("g").ok());
  auto counts = f.service->Counts();
  REQUIRE(counts.ok());
  CHECK(counts->groups == 0);
  CHECK(counts->members == 0);
  auto again = f.service->CreateGroup("g");
  REQUIRE(again.ok());
  CHECK(again->created);
  CHECK(again->key_version == 1);
}
