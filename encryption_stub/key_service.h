// KeyService: the encryption stub's domain logic, free of HTTP. Group keys are
// created and rotated here and never leave this class unwrapped; members get
// the current key wrapped to their X25519 public key (core/x25519_box.h) with
// AAD core::KeyWrapAad(groupId, memberId, keyVersion).
//
// Thread-safe: each operation is one KeyStore write transaction (crypto runs
// inside it, so two operations on one group never interleave).
//
// Errors: kNotFound (unknown group, or member not in the group),
// kConflict (rotate's expected key version is not the current one),
// kInvalidValue (a public key X25519 rejects, e.g. of low order),
// kInternal (store or OpenSSL failure). Ids and key lengths are validated by
// the caller (see stub_requests.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "encryption_stub/key_store.h"

namespace encryption {

inline constexpr size_t kGroupKeyBytes = 32;

struct MemberKey {
  std::string member_id;
  std::string public_key;  // raw 32 bytes
};

struct WrappedKey {
  std::string member_id;
  int64_t key_version = 0;
  std::string wrapped;  // raw blob, see core/x25519_box.h
};

struct GroupInfo {
  std::string group_id;
  int64_t key_version = 0;
  std::string created_at;
  std::string rotated_at;
  bool created = false;                // CreateGroup: true when this call created it
  std::vector<MemberRecord> members;   // DescribeGroup only
};

struct AddMemberResult {
  WrappedKey key;
  bool added = false;  // false: the member was already active and got a fresh wrap
};

struct RotateResult {
  std::string group_id;
  int64_t key_version = 0;
  std::vector<WrappedKey> wrapped;   // one per given member, in the given order
  std::vector<std::string> revoked;  // active members not in the given list, now removed
};

class KeyService {
 public:
  // `store` and `clock` are not owned and must outlive the service.
  KeyService(KeyStore& store, const core::Clock& clock) : store_(store), clock_(clock) {}

  // Creates the group with a random key at version 1, or returns the existing
  // group unchanged (created = false).
  core::Result<GroupInfo> CreateGroup(const std::string& group_id);
  // The group's version, timestamps and members (no key material).
  core::Result<GroupInfo> DescribeGroup(const std::string& group_id);
  // Wraps the current group key for the member and records it as active.
  core::Result<AddMemberResult> AddMember(const std::string& group_id, const MemberKey& member);
  // Removes an active member. Does not rotate: the caller rotates next.
  core::Status RemoveMember(const std::string& group_id, const std::string& member_id);
  // New random key at version+1; `members` become exactly the active members,
  // each getting the new key wrapped. With `expected_version`, fails with
  // kConflict unless it is the current version.
  core::Result<RotateResult> Rotate(const std::string& group_id, const std::vector<MemberKey>& members,
                                    std::optional<int64_t> expected_version);
  // Forgets the group, its key and its members.
  core::Status DeleteGroup(const std::string& group_id);
  core::Result<StoreCounts> Counts();

 private:
  KeyStore& store_;
  const core::Clock& clock_;
};

}  // namespace encryption
