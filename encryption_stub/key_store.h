// KeyStore: the encryption stub's SQLite store (keys.db): group keys, active
// members with the public key and key version they were last wrapped for,
// and a counter of wrapped keys issued. All SQL lives in key_store.cpp.
//
// Keys are stored as base64 text; the structs below carry raw bytes.
// Thread-safe (core::DbPool): Write runs one transaction at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/sqlite.h"

namespace encryption {

struct GroupRecord {
  std::string group_id;
  int64_t key_version = 0;
  std::string group_key;   // raw bytes (32)
  std::string created_at;  // ISO 8601
  std::string rotated_at;  // ISO 8601; equals created_at until the first rotation
};

struct MemberRecord {
  std::string member_id;
  std::string public_key;  // raw X25519 public key (32 bytes)
  int64_t key_version = 0; // the group key version last wrapped for this member
  std::string added_at;    // ISO 8601, first time the member was added
};

struct StoreCounts {
  int64_t groups = 0;
  int64_t members = 0;       // active memberships over all groups
  int64_t wrapped_keys = 0;  // wrapped keys issued since the store was created
};

// KeyQueries: the statements, on one connection. Only valid inside
// KeyStore::Write or KeyStore::Read.
class KeyQueries {
 public:
  explicit KeyQueries(core::Db& db) : db_(db) {}

  core::Result<std::optional<GroupRecord>> LookupGroup(const std::string& group_id);
  core::Status InsertGroup(const GroupRecord& group);
  core::Status UpdateGroupKey(const std::string& group_id, int64_t key_version, const std::string& group_key,
                              const std::string& rotated_at);
  // true when a group was deleted (its members go with it).
  core::Result<bool> DeleteGroup(const std::string& group_id);

  core::Result<std::optional<MemberRecord>> LookupMember(const std::string& group_id, const std::string& member_id);
  // Members of a group, ordered by member id.
  core::Result<std::vector<MemberRecord>> ListMembers(const std::string& group_id);
  // Inserts the member or updates its public key and key version (added_at is kept).
  core::Status UpsertMember(const std::string& group_id, const MemberRecord& member);
  // true when the member existed.
  core::Result<bool> DeleteMember(const std::string& group_id, const std::string& member_id);

  core::Status AddWrappedKeys(int64_t n);
  core::Result<StoreCounts> Counts();

 private:
  core::Db& db_;
};

class KeyStore {
 public:
  // Opens (creating if needed) the store at `path` (a file, or ":memory:").
  static core::Result<std::unique_ptr<KeyStore>> Open(const std::string& path);

  // Runs fn(KeyQueries&) → core::Result<T> inside one write transaction,
  // committed when fn succeeds and rolled back otherwise.
  template <class F>
  auto Write(F&& fn) -> decltype(fn(std::declval<KeyQueries&>())) {
    using R = decltype(fn(std::declval<KeyQueries&>()));
    return pool_->Write([&](core::Db& db) -> R {
      core::Transaction tx(db);
      if (!tx.begin_status().ok()) return tx.begin_status().error();
      KeyQueries q(db);
      R result = fn(q);
      if (!result.ok()) return result;
      if (auto s = tx.Commit(); !s.ok()) return s.error();
      return result;
    });
  }
  // Runs fn(KeyQueries&) on a read connection (no transaction: one statement's view).
  template <class F>
  auto Read(F&& fn) -> decltype(fn(std::declval<KeyQueries&>())) {
    return pool_->Read([&](core::Db& db) {
      KeyQueries q(db);
      return fn(q);
    });
  }

 private:
  explicit KeyStore(std::unique_ptr<core::DbPool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<core::DbPool> pool_;
};

}  // namespace encryption
