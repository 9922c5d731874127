// ScimStore: Users and Groups in SQLite (layout in store_schema.h).
// Every write is one transaction; a failed write changes nothing.
// Thread-safe: writes are serialised on one connection (User writes through
// group commit), reads borrow one of a bounded pool of read connections for a
// file store. Commits are synced (synchronous=FULL) before a write returns.
// A file store's WAL is kept bounded by a checkpointer thread (store_wal.h).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/result.h"
#include "core/sqlite.h"
#include "scim_server/filter.h"
#include "scim_server/patch_apply.h"
#include "scim_server/resource.h"

namespace scim {
namespace store {
class HookRun;
class WalKeeper;
struct WalOptions;
}  // namespace store

struct StoredUser {
  ResourceMeta meta;
  core::Json data;               // canonical, see resource.h
  std::vector<GroupRef> groups;  // derived from memberships
};

struct StoredGroup {
  ResourceMeta meta;
  core::Json data;
  std::vector<MemberRef> members;
};

struct ListQuery {
  const FilterNode* filter = nullptr;  // null: all
  std::optional<AttrPath> sort_by;
  bool descending = false;
  int64_t start_index = 1;  // 1-based
  int64_t count = 100;      // page size; 0 returns only totalResults
};

template <class T>
struct ListPage {
  int64_t total = 0;
  std::vector<T> items;
};

// Called inside the write transaction with the current state; edits it in
// place or returns an error to abort the whole write. A two-phase group write
// (SetGroupWriteHook) calls it once per phase: it must depend only on its
// arguments.
using UserMutator = std::function<core::Status(core::Json& data)>;
using GroupMutator = std::function<core::Status(core::Json& data, std::vector<MemberChange>* changes)>;

// Lets the group-provisioning gate veto or accompany a group write: called
// once the change is computed and before it commits; an error aborts the
// write. `added`/`removed` are member User ids. A hook that calls out (the
// encryption service) is called outside the write transaction; see
// ScimStore::SetGroupWriteHook.
struct GroupWriteEvent {
  enum class Kind { kCreate, kUpdate, kDelete };
  Kind kind;
  std::string group_id;
  std::vector<std::string> added;
  std::vector<std::string> removed;
  // The members after the change, read from the write transaction on demand
  // (or as they were read there, for a hook called outside it):
  // reading them is O(group size), so a hook that does not need them (the
  // open gate, or members only added) keeps the write independent of size.
  std::function<core::Result<std::vector<std::string>>()> remaining;
};
// A member's copy of the group key, wrapped to the member's public key by the
// encryption service. The store keeps only these, never a plaintext key.
struct GroupKeyRecord {
  std::string user_id;
  int64_t key_version = 0;
  std::string wrapped_b64;
};
// Returns the wrapped keys to store (added members, or every remaining member
// after a rotation); rows of removed members are dropped by the store.
using GroupWriteHook = std::function<core::Result<std::vector<GroupKeyRecord>>(const GroupWriteEvent&)>;

class ScimStore {
 public:
  // Errors: kInternal when the database cannot be opened or migrated.
  // `wal` tunes the WAL keeper of a file store (defaults in store_wal.h).
  static core::Result<std::unique_ptr<ScimStore>> Open(const std::string& path, const core::Clock& clock,
                                                       core::IdSource& ids);
  static core::Result<std::unique_ptr<ScimStore>> Open(const std::string& path, const core::Clock& clock,
                                                       core::IdSource& ids, const store::WalOptions& wal);
  ~ScimStore();

  // Users. Errors: kConflict (userName taken), kNotFound, kPreconditionFailed
  // (expected_version given and different).
  core::Result<StoredUser> CreateUser(const core::Json& data);
  core::Result<StoredUser> GetUser(const std::string& id);
  core::Result<StoredUser> ReplaceUser(const std::string& id, const core::Json& data,
                                       std::optional<int64_t> expected_version = std::nullopt);
  core::Result<StoredUser> ModifyUser(const std::string& id, const UserMutator& mutate,
                                      std::optional<int64_t> expected_version = std::nullopt);
  core::Status DeleteUser(const std::string& id, std::optional<int64_t> expected_version = std::nullopt);
  core::Result<ListPage<StoredUser>> ListUsers(const ListQuery& query);

  // Groups. Members are User ids; an unknown id → kInvalidValue.
  core::Result<StoredGroup> CreateGroup(const core::Json& data, const std::vector<std::string>& member_ids);
  core::Result<StoredGroup> GetGroup(const std::string& id, bool with_members = true);
  core::Result<StoredGroup> ReplaceGroup(const std::string& id, const core::Json& data,
                                         const std::vector<std::string>& member_ids,
                                         std::optional<int64_t> expected_version = std::nullopt);
  core::Result<StoredGroup> ModifyGroup(const std::string& id, const GroupMutator& mutate,
                                        std::optional<int64_t> expected_version = std::nullopt,
                                        bool with_members = true);
  core::Status DeleteGroup(const std::string& id, std::optional<int64_t> expected_version = std::nullopt);
  core::Result<ListPage<StoredGroup>> ListGroups(const ListQuery& query, bool with_members = true);

  // The wrapped group keys stored for a group's members. Errors: kNotFound.
  core::Result<std::vector<GroupKeyRecord>> ListGroupKeys(const std::string& group_id);

  // Small key/value settings (token, group provisioning switch).
  std::optional<std::string> GetSetting(const std::string& key);
  core::Status SetSetting(const std::string& key, const std::string& value);

  // Deletes every User and Group (memberships and wrapped keys go with them).
  // Settings (token, encryption service) are kept.
  core::Status DeleteAll();

  // Runs body with every store call it makes on this thread in one
  // transaction: each write still succeeds or fails alone (a savepoint), and
  // all are made durable by one commit at the end. For /Bulk. Returns the
  // commit's status; on an error no write of body is stored. While the group
  // hook calls out, body's writes commit one by one instead (a group write
  // must not hold the writer while it waits for the encryption service).
  core::Status InOneTransaction(const std::function<void()>& body);

  // Counts for the admin panel and tests.
  int64_t CountUsers();
  int64_t CountGroups();

  // Installs the group-write hook. While `calls_out` answers true (the hook
  // may make an outbound call, e.g. to the encryption service), a write that
  // reaches the hook runs in two phases and never holds the writer during the
  // call: it is computed and rolled back (plan), the hook is called with no
  // transaction open, then the write runs again and commits with the hook's
  // keys if it computes the same change (else it plans again). Such writes
  // are serialised among themselves (a group write waits for the one before
  // it), so two writes to one group, or a delete during a key call, cannot
  // interleave; User writes that reach no group never wait for them. Set it
  // before the store is shared between threads.
  void SetGroupWriteHook(GroupWriteHook hook, std::function<bool()> calls_out = nullptr) {
    group_hook_ = std::move(hook);
    hook_calls_out_ = std::move(calls_out);
  }

 private:
  ScimStore(std::unique_ptr<core::DbPool> pool, const core::Clock& clock, core::IdSource& ids);

  // A write that may reach the group hook (store_hook.h). `user_write`: it
  // may well reach none (deleting a User): first tried in group commit
  // without waiting for other hooked writes.
  using HookedBody = std::function<core::Status(core::Db&, store::HookRun&)>;
  core::Status HookedWrite(const HookedBody& body, bool user_write);
  bool TwoPhase() const { return group_hook_ && hook_calls_out_ && hook_calls_out_(); }

  std::unique_ptr<core::DbPool> pool_;
  const core::Clock& clock_;
  core::IdSource& ids_;
  GroupWriteHook group_hook_;
  std::function<bool()> hook_calls_out_;
  std::mutex hooked_mu_;  // held by a two-phase write from its plan to its commit
  std::unique_ptr<store::WalKeeper> wal_;  // declared after pool_: stops before the pool closes
};

}  // namespace scim
