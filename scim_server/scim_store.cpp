#include "scim_server/scim_store.h"

#include <utility>

#include "scim_server/store_hook.h"
#include "scim_server/store_members.h"
#include "scim_server/store_rows.h"
#include "scim_server/store_schema.h"
#include "scim_server/store_wal.h"

namespace scim {

using core::Db;
using core::Error;
using core::ErrorCode;
using core::Json;
using core::Result;
using core::Status;
using core::Stmt;
using namespace store;  // the row and member helpers (store_rows.h, store_members.h)

namespace {

// Multi-valued User attributes mirrored into user_values (they have a `value`).
constexpr const char* kValueAttrs[] = {"emails", "phoneNumbers", "ims", "photos", "entitlements", "roles",
                                       "x509Certificates"};

Status WriteUserValues(Db& db, int64_t pk, const Json& data) {
  auto del = Prep(db, "DELETE FROM user_values WHERE user_pk = ?");
  if (!del.ok()) return del.error();
  (*del)->Bind(1, pk);
  TRY_STATUS((*del)->Exec());
  for (const char* attr : kValueAttrs) {
    auto it = data.find(attr);
    if (it == data.end() || !it->is_array()) continue;
    for (const auto& el : *it) {
      if (!el.is_object()) continue;
      auto ins = Prep(db, "INSERT INTO user_values(user_pk, attr, value, type, is_primary, display) VALUES(?,?,?,?,?,?)");
      if (!ins.ok()) return ins.error();
      Stmt& st = **ins;
      st.Bind(1, pk).Bind(2, attr);
      auto v = el.find("value");
      if (v != el.end() && v->is_string()) st.Bind(3, v->get<std::string>()); else st.BindNull(3);
      auto t = el.find("type");
      if (t != el.end() && t->is_string()) st.Bind(4, t->get<std::string>()); else st.BindNull(4);
      auto p = el.find("primary");
      st.Bind(5, static_cast<int64_t>(p != el.end() && p->is_boolean() && p->get<bool>()));
      auto d = el.find("display");
      if (d != el.end() && d->is_string()) st.Bind(6, d->get<std::string>()); else st.BindNull(6);
      TRY_STATUS(st.Exec());
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<ScimStore>> ScimStore::Open(const std::string& path, const core::Clock& clock,
                                                   core::IdSource& ids) {
  return Open(path, clock, ids, store::WalOptions{});
}

Result<std::unique_ptr<ScimStore>> ScimStore::Open(const std::string& path, const core::Clock& clock,
                                                   core::IdSource& ids, const store::WalOptions& wal) {
  // Durable: an acknowledged write is synced to the WAL (synchronous=FULL);
  // user writes share that sync through group commit (WriteGrouped). The
  // connections keep more of a large store's index pages than SQLite's
  // default 2 MB (enough for the interior pages of a million-user store), and
  // 8 readers serve the 32 HTTP workers, which bounds what the caches take.
  core::PoolOptions options;
  options.durable = true;
  options.writer_cache_kib = 16 * 1024;
  options.reader_cache_kib = 4096;
  options.max_readers = 8;
  auto pool = core::DbPool::Open(path, StoreMigrations(), options);
  if (!pool.ok()) return pool.error();
  std::unique_ptr<ScimStore> opened(new ScimStore(std::move(*pool), clock, ids));
  if (!opened->pool_->in_memory()) opened->wal_ = std::make_unique<store::WalKeeper>(*opened->pool_, wal);
  return opened;
}

ScimStore::ScimStore(std::unique_ptr<core::DbPool> pool, const core::Clock& clock, core::IdSource& ids)
    : pool_(std::move(pool)), clock_(clock), ids_(ids) {}

ScimStore::~ScimStore() = default;

Status ScimStore::InOneTransaction(const std::function<void()>& body) {
  if (!TwoPhase()) return pool_->Batch(body);
  body();
  return Status::Ok();
}

// See SetGroupWriteHook. The plan runs with no key service call; if it met
// the hook, the hook is asked outside the writer and the write runs again.
// Between plan and commit only writes that need no key call can run (the
// others wait for hooked_mu_), e.g. deleting a User the plan adds to the
// group; the next plan sees that, so a second attempt is rare.
Status ScimStore::HookedWrite(const HookedBody& body, bool user_write) {
  if (!TwoPhase()) {
    auto run = store::HookRun::Inline(group_hook_ ? &group_hook_ : nullptr);
    auto fn = [&](Db& db) { return body(db, run); };
    return user_write ? pool_->WriteGrouped(fn) : pool_->Write(fn);
  }
  constexpr int kMaxAttempts = 5;
  std::unique_lock<std::mutex> lock(hooked_mu_, std::defer_lock);
  if (!user_write) lock.lock();
  for (int attempt = 1;; ++attempt) {
    auto run = store::HookRun::Plan();
    auto fn = [&](Db& db) { return body(db, run); };
    Status planned = lock.owns_lock() ? pool_->Write(fn) : pool_->WriteGrouped(fn);
    if (!run.planned()) return planned;  // committed, or failed, without the hook
    if (!lock.owns_lock()) {
      lock.lock();  // it reaches a group: plan again in turn with the other group writes
      continue;
    }
    TRY_STATUS(run.FetchKeys(group_hook_));
    Status applied = pool_->Write(fn);
    if (!run.diverged()) return applied;
    if (attempt >= kMaxAttempts) {
      return Error{ErrorCode::kConflict, "the group's members kept changing during the write; retry it"};
    }
  }
}

// ---- Users ----------------------------------------------------------------

Result<StoredUser> ScimStore::CreateUser(const Json& data) {
  // Everything that needs no database is done before taking the writer, so
  // concurrent creates prepare in parallel and the serialised part is SQL only.
  StoredUser u;
  u.meta.id = ids_.NewUuid();
  u.meta.created = u.meta.last_modified = core::FormatIso8601(clock_.Now());
  u.meta.version = 1;
  u.data = data;
  const std::string text = core::DumpCompact(data);
  return pool_->WriteGrouped([&](Db& db) -> Result<StoredUser> {
    core::Transaction tx(db);
    TRY_STATUS(tx.begin_status());
    auto st = Prep(db,
                   "INSERT INTO users(id, user_name, external_id, display_name, active, created, last_modified, "
                   "version, data) VALUES(?,?,?,?,?,?,?,?,?)");
    if (!st.ok()) return st.error();
    Stmt& s = **st;
    s.Bind(1, u.meta.id).Bind(2, StringOr(data, "userName"));
    if (data.contains("externalId")) s.Bind(3, StringOr(data, "externalId")); else s.BindNull(3);
    if (data.contains("displayName")) s.Bind(4, StringOr(data, "displayName")); else s.BindNull(4);
    auto active = data.find("active");
    s.Bind(5, static_cast<int64_t>(active == data.end() || !active->is_boolean() || active->get<bool>()));
    s.Bind(6, u.meta.created).Bind(7, u.meta.last_modified).Bind(8, u.meta.version).Bind(9, text);
    if (auto r = s.Exec(); !r.ok()) {
      return Conflict(r.error().code, "userName '" + StringOr(data, "userName") + "' is already in use", r.error().detail);
    }
    int64_t pk = db.LastInsertRowId();
    TRY_STATUS(WriteUserValues(db, pk, data));
    TRY_STATUS(tx.Commit());
    return std::move(u);
  });
}

Result<StoredUser> ScimStore::GetUser(const std::string& id) {
  return pool_->Read([&](Db& db) -> Result<StoredUser> {
    auto r = LoadUser(db, id);
    if (!r.ok()) return r.error();
    return std::move(r->user);
  });
}

namespace {
Result<StoredUser> UpdateUserRow(Db& db, UserRow& row, const Json& data, const core::Clock& clock) {
  if (data == row.user.data) return row.user;  // nothing changed: keep version and timestamps
  row.user.data = data;
  row.user.meta.last_modified = core::FormatIso8601(clock.Now());
  row.user.meta.version += 1;
  auto st = Prep(db,
                 "UPDATE users SET user_name = ?, external_id = ?, display_name = ?, active = ?, last_modified = ?, "
                 "version = ?, data = ? WHERE pk = ?");
  if (!st.ok()) return st.error();
  Stmt& s = **st;
  s.Bind(1, StringOr(data, "userName"));
  if (data.contains("externalId")) s.Bind(2, StringOr(data, "externalId")); else s.BindNull(2);
  if (data.contains("displayName")) s.Bind(3, StringOr(data, "displayName")); else s.BindNull(3);
  auto active = data.find("active");
  s.Bind(4, static_cast<int64_t>(active == data.end() || !active->is_boolean() || active->get<bool>()));
  s.Bind(5, row.user.meta.last_modified).Bind(6, row.user.meta.version).Bind(7, core::DumpCompact(data)).Bind(8, row.pk);
  if (auto r = s.Exec(); !r.ok()) {
    return Conflict(r.error().code, "userName '" + StringOr(data, "userName") + "' is already in use", r.error().detail);
  }
  TRY_STATUS(WriteUserValues(db, row.pk, data));
  return row.user;
}
}  // namespace

Result<StoredUser> ScimStore::ReplaceUser(const std::string& id, const Json& data, std::optional<int64_t> expected) {
  return ModifyUser(
      id,
      [&](Json& current) {
        current = data;
        return Status::Ok();
      },
      expected);
}

Result<StoredUser> ScimStore::ModifyUser(const std::string& id, const UserMutator& mutate,
                                         std::optional<int64_t> expected) {
  return pool_->WriteGrouped([&](Db& db) -> Result<StoredUser> {
    core::Transaction tx(db);
    TRY_STATUS(tx.begin_status());
    auto row = LoadUser(db, id);
    if (!row.ok()) return row.error();
    TRY_STATUS(CheckVersion(row->user.meta, expected));
    Json data = row->user.data;
    TRY_STATUS(mutate(data));
    auto updated = UpdateUserRow(db, *row, data, clock_);
    if (!updated.ok()) return updated.error();
    TRY_STATUS(tx.Commit());
    return std::move(*updated);
  });
}

Status ScimStore::DeleteUser(const std::string& id, std::optional<int64_t> expected) {
  return HookedWrite(
      [&](Db& db, store::HookRun& run) -> Status {
        core::Transaction tx(db);
        TRY_STATUS(tx.begin_status());
        auto row = LoadUser(db, id, /*with_groups=*/false);
        if (!row.ok()) return row.error();
        TRY_STATUS(CheckVersion(row->user.meta, expected));
        struct Membership {
          int64_t pk;
          std::string id;
        };
        std::vector<Membership> groups;
        if (group_hook_) {
          auto found = CollectRows<Membership>(
              db,
              "SELECT g.pk, g.id FROM group_members m JOIN groups g ON g.pk = m.group_pk WHERE m.user_pk = ? "
              "ORDER BY g.pk",
              row->pk, [](const Stmt& s) { return Membership{s.ColumnInt(0), s.ColumnText(1)}; });
          if (!found.ok()) return found.error();
          groups = std::move(*found);
        }
        // Memberships and side-table rows go with the user (ON DELETE CASCADE);
        // each affected group gets a new version, since its members changed.
        auto touch = Prep(db,
                          "UPDATE groups SET version = version + 1, last_modified = ? WHERE pk IN "
                          "(SELECT group_pk FROM group_members WHERE user_pk = ?)");
        if (!touch.ok()) return touch.error();
        (*touch)->Bind(1, core::FormatIso8601(clock_.Now())).Bind(2, row->pk);
        TRY_STATUS((*touch)->Exec());
        auto st = Prep(db, "DELETE FROM users WHERE pk = ?");
        if (!st.ok()) return st.error();
        (*st)->Bind(1, row->pk);
        TRY_STATUS((*st)->Exec());
        // Leaving a group this way is a membership change like any other: the
        // group-write hook revokes the user and rotates each group's key (the
        // user's wrapped keys went with the row). If it fails, nothing is deleted.
        for (const auto& g : groups) {
          GroupWriteEvent ev{GroupWriteEvent::Kind::kUpdate, g.id, {}, {id}, {}};
          ev.remaining = [&db, pk = g.pk] { return MemberIds(db, pk); };
          auto keys = run.Call(ev);
          if (!keys.ok()) return keys.error();
          TRY_STATUS(ApplyGroupKeys(db, g.pk, {}, *keys));
        }
        return run.Finish(tx);
      },
      /*user_write=*/true);
}

Result<ListPage<StoredUser>> ScimStore::ListUsers(const ListQuery& query) {
  return pool_->Read([&](Db& db) {
    return RunList<StoredUser>(db, "users", kUserColumns, ResourceKind::kUser, query,
                               [](Db& d, int64_t pk, StoredUser& u) -> Status {
                                 auto g = LoadUserGroups(d, pk);
                                 if (!g.ok()) return g.error();
                                 u.groups = std::move(*g);
                                 return Status::Ok();
                               });
  });
}

Status ScimStore::DeleteAll() {
  return pool_->Write([&](Db& db) -> Status {
    core::Transaction tx(db);
    TRY_STATUS(tx.begin_status());
    TRY_STATUS(db.Exec("DELETE FROM groups"));
    TRY_STATUS(db.Exec("DELETE FROM users"));
    return tx.Commit();
  });
}

// ---- Settings and counts ---------------------------------------------------

std::optional<std::string> ScimStore::GetSetting(const std::string& key) {
  return pool_->Read([&](Db& db) -> std::optional<std::string> {
    auto st = Prep(db, "SELECT value FROM settings WHERE key = ?");
    if (!st.ok()) return std::nullopt;
    (*st)->Bind(1, key);
    auto row = (*st)->Step();
    if (!row.ok() || !*row) return std::nullopt;
    std::string v = (*st)->ColumnText(0);
    (*st)->Reset();
    return v;
  });
}

Status ScimStore::SetSetting(const std::string& key, const std::string& value) {
  return pool_->Write([&](Db& db) -> Status {
    auto st = Prep(db, "INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st.ok()) return st.error();
    (*st)->Bind(1, key).Bind(2, value);
    return (*st)->Exec();
  });
}

namespace {
int64_t CountRows(Db& db, const char* sql) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return -1;
  auto row = (*st)->Step();
  int64_t n = (row.ok() && *row) ? (*st)->ColumnInt(0) : -1;
  (*st)->Reset();
  return n;
}
}  // namespace

int64_t ScimStore::CountUsers() {
  return pool_->Read([](Db& db) { return CountRows(db, "SELECT count(*) FROM users"); });
}
int64_t ScimStore::CountGroups() {
  return pool_->Read([](Db& db) { return CountRows(db, "SELECT count(*) FROM groups"); });
}

}  // namespace scim
