#include "scim_server/scim_store.h"

#include <algorithm>
#include <set>

#include "scim_server/filter_sql.h"
#include "scim_server/store_schema.h"

namespace scim {

using core::Db;
using core::Error;
using core::ErrorCode;
using core::Json;
using core::Result;
using core::Status;
using core::Stmt;

namespace {

// Multi-valued User attributes mirrored into user_values (they have a `value`).
constexpr const char* kValueAttrs[] = {"emails", "phoneNumbers", "ims", "photos", "entitlements", "roles",
                                       "x509Certificates"};

#define TRY_STATUS(expr)          \
  do {                            \
    auto _s = (expr);             \
    if (!_s.ok()) return _s.error(); \
  } while (0)

Result<Stmt*> Prep(Db& db, const std::string& sql) { return db.Prepare(sql); }

Status BindParams(Stmt& st, const std::vector<SqlParam>& params, int first = 1) {
  int i = first;
  for (const auto& p : params) {
    if (std::holds_alternative<std::nullptr_t>(p)) st.BindNull(i);
    else if (auto* s = std::get_if<std::string>(&p)) st.Bind(i, *s);
    else if (auto* n = std::get_if<int64_t>(&p)) st.Bind(i, *n);
    else st.Bind(i, std::get<double>(p));
    ++i;
  }
  return Status::Ok();
}

std::string StringOr(const Json& data, const char* key) {
  auto it = data.find(key);
  return (it != data.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

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

Error Conflict(ErrorCode code, const std::string& what, const std::string& detail) {
  if (code == ErrorCode::kConflict) return Error{ErrorCode::kConflict, what};
  return Error{code, detail};
}

struct UserRow {
  int64_t pk = 0;
  StoredUser user;
};

constexpr const char* kUserColumns = "t.pk, t.id, t.created, t.last_modified, t.version, t.data";
constexpr const char* kGroupColumns = "t.pk, t.id, t.created, t.last_modified, t.version, t.data";

Result<Json> ParseStored(const std::string& text) {
  auto j = core::ParseJson(text, 256);
  if (!j.ok()) return Error{ErrorCode::kInternal, "stored resource is not valid JSON: " + j.error().detail};
  return j;
}

void ReadMeta(const Stmt& st, ResourceMeta& meta) {
  meta.id = st.ColumnText(1);
  meta.created = st.ColumnText(2);
  meta.last_modified = st.ColumnText(3);
  meta.version = st.ColumnInt(4);
}

// Runs a cached query with one integer parameter and maps every row.
template <class T, class MapRow>
Result<std::vector<T>> CollectRows(Db& db, const char* sql, int64_t param, MapRow map_row) {
  auto st = Prep(db, sql);
  if (!st.ok()) return st.error();
  (*st)->Bind(1, param);
  std::vector<T> out;
  while (true) {
    auto row = (*st)->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(map_row(**st));
  }
  return out;
}

Result<std::vector<GroupRef>> LoadUserGroups(Db& db, int64_t user_pk) {
  return CollectRows<GroupRef>(db,
                               "SELECT g.id, g.display_name FROM group_members m JOIN groups g ON g.pk = m.group_pk "
                               "WHERE m.user_pk = ? ORDER BY g.pk",
                               user_pk, [](const Stmt& s) { return GroupRef{s.ColumnText(0), s.ColumnText(1)}; });
}

Result<std::vector<MemberRef>> LoadMembers(Db& db, int64_t group_pk) {
  return CollectRows<MemberRef>(db,
                                "SELECT u.id, COALESCE(NULLIF(u.display_name, ''), u.user_name) FROM group_members m "
                                "JOIN users u ON u.pk = m.user_pk WHERE m.group_pk = ? ORDER BY u.pk",
                                group_pk, [](const Stmt& s) { return MemberRef{s.ColumnText(0), s.ColumnText(1)}; });
}

// Loads one user by public id; kNotFound when absent.
Result<UserRow> LoadUser(Db& db, const std::string& id, bool with_groups = true) {
  // Column 6 says whether the user is in any group, so the groups query runs
  // only for members (one statement, one read transaction, for most users).
  auto st = Prep(db, std::string("SELECT ") + kUserColumns +
                         ", EXISTS(SELECT 1 FROM group_members m WHERE m.user_pk = t.pk) FROM users t WHERE t.id = ?");
  if (!st.ok()) return st.error();
  (*st)->Bind(1, id);
  auto row = (*st)->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Error{ErrorCode::kNotFound, "User '" + id + "' not found"};
  UserRow r;
  r.pk = (*st)->ColumnInt(0);
  ReadMeta(**st, r.user.meta);
  auto data = ParseStored((*st)->ColumnText(5));
  if (!data.ok()) return data.error();
  r.user.data = std::move(*data);
  bool in_groups = (*st)->ColumnInt(6) != 0;
  (*st)->Reset();
  if (with_groups && in_groups) {
    auto groups = LoadUserGroups(db, r.pk);
    if (!groups.ok()) return groups.error();
    r.user.groups = std::move(*groups);
  }
  return r;
}

struct GroupRow {
  int64_t pk = 0;
  StoredGroup group;
};

Result<GroupRow> LoadGroup(Db& db, const std::string& id, bool with_members) {
  auto st = Prep(db, std::string("SELECT ") + kGroupColumns + " FROM groups t WHERE t.id = ?");
  if (!st.ok()) return st.error();
  (*st)->Bind(1, id);
  auto row = (*st)->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Error{ErrorCode::kNotFound, "Group '" + id + "' not found"};
  GroupRow r;
  r.pk = (*st)->ColumnInt(0);
  ReadMeta(**st, r.group.meta);
  auto data = ParseStored((*st)->ColumnText(5));
  if (!data.ok()) return data.error();
  r.group.data = std::move(*data);
  (*st)->Reset();
  if (with_members) {
    auto members = LoadMembers(db, r.pk);
    if (!members.ok()) return members.error();
    r.group.members = std::move(*members);
  }
  return r;
}

Status CheckVersion(const ResourceMeta& meta, std::optional<int64_t> expected) {
  if (expected && *expected != meta.version) {
    return Error{ErrorCode::kPreconditionFailed, "resource version is " + ETagFor(meta.version) +
                                                     ", the request expected " + ETagFor(*expected)};
  }
  return Status::Ok();
}

Result<std::vector<std::string>> MemberIds(Db& db, int64_t group_pk) {
  return CollectRows<std::string>(
      db, "SELECT u.id FROM group_members m JOIN users u ON u.pk = m.user_pk WHERE m.group_pk = ? ORDER BY u.pk",
      group_pk, [](const Stmt& s) { return s.ColumnText(0); });
}

// Adds one member; returns true when it was not a member before.
Result<bool> AddMember(Db& db, int64_t group_pk, const std::string& user_id) {
  auto find = Prep(db, "SELECT pk FROM users WHERE id = ?");
  if (!find.ok()) return find.error();
  (*find)->Bind(1, user_id);
  auto row = (*find)->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Error{ErrorCode::kInvalidValue, "member '" + user_id + "' is not an existing User id"};
  int64_t user_pk = (*find)->ColumnInt(0);
  (*find)->Reset();
  auto ins = Prep(db, "INSERT OR IGNORE INTO group_members(group_pk, user_pk) VALUES(?, ?)");
  if (!ins.ok()) return ins.error();
  (*ins)->Bind(1, group_pk).Bind(2, user_pk);
  TRY_STATUS((*ins)->Exec());
  return db.Changes() > 0;
}

Result<bool> RemoveMember(Db& db, int64_t group_pk, const std::string& user_id) {
  auto del = Prep(db, "DELETE FROM group_members WHERE group_pk = ? AND user_pk = (SELECT pk FROM users WHERE id = ?)");
  if (!del.ok()) return del.error();
  (*del)->Bind(1, group_pk).Bind(2, user_id);
  TRY_STATUS((*del)->Exec());
  return db.Changes() > 0;
}

Status RemoveAllMembers(Db& db, int64_t group_pk) {
  auto del = Prep(db, "DELETE FROM group_members WHERE group_pk = ?");
  if (!del.ok()) return del.error();
  (*del)->Bind(1, group_pk);
  return (*del)->Exec();
}

// Stores the hook's wrapped keys and drops those of removed members.
Status ApplyGroupKeys(Db& db, int64_t group_pk, const std::vector<std::string>& removed,
                      const std::vector<GroupKeyRecord>& keys) {
  for (const auto& id : removed) {
    auto del = Prep(db, "DELETE FROM group_keys WHERE group_pk = ? AND user_pk = (SELECT pk FROM users WHERE id = ?)");
    if (!del.ok()) return del.error();
    (*del)->Bind(1, group_pk).Bind(2, id);
    TRY_STATUS((*del)->Exec());
  }
  for (const auto& k : keys) {
    auto up = Prep(db,
                   "INSERT INTO group_keys(group_pk, user_pk, key_version, wrapped) "
                   "SELECT ?, pk, ?, ? FROM users WHERE id = ? "
                   "ON CONFLICT(group_pk, user_pk) DO UPDATE SET key_version = excluded.key_version, wrapped = excluded.wrapped");
    if (!up.ok()) return up.error();
    (*up)->Bind(1, group_pk).Bind(2, k.key_version).Bind(3, k.wrapped_b64).Bind(4, k.user_id);
    TRY_STATUS((*up)->Exec());
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<ScimStore>> ScimStore::Open(const std::string& path, const core::Clock& clock,
                                                   core::IdSource& ids) {
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
  return std::unique_ptr<ScimStore>(new ScimStore(std::move(*pool), clock, ids));
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
  auto remove = [&](Db& db) -> Status {
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
          db, "SELECT g.pk, g.id FROM group_members m JOIN groups g ON g.pk = m.group_pk WHERE m.user_pk = ? ORDER BY g.pk",
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
      auto keys = group_hook_(ev);
      if (!keys.ok()) return keys.error();
      TRY_STATUS(ApplyGroupKeys(db, g.pk, {}, *keys));
    }
    return tx.Commit();
  };
  // With a hook a delete may call out (the encryption service): keep it out
  // of group commit so other writers do not wait on it.
  return group_hook_ ? pool_->Write(remove) : pool_->WriteGrouped(remove);
}

namespace {

template <class T, class LoadFn>
Result<ListPage<T>> RunList(Db& db, const char* table, const char* columns, ResourceKind kind, const ListQuery& q,
                            LoadFn load_row) {
  SqlWhere where{"1", {}};
  if (q.filter) {
    auto compiled = CompileFilter(*q.filter, kind);
    if (!compiled.ok()) return compiled.error();
    where = std::move(*compiled);
  }
  ListPage<T> page;
  {
    auto st = db.Prepare(std::string("SELECT count(*) FROM ") + table + " t WHERE " + where.sql);
    if (!st.ok()) return st.error();
    TRY_STATUS(BindParams(**st, where.params));
    auto row = (*st)->Step();
    if (!row.ok()) return row.error();
    page.total = (*st)->ColumnInt(0);
    (*st)->Reset();
  }
  if (q.count <= 0 || page.total == 0) return page;
  std::string order = "t.pk";
  if (q.sort_by) {
    auto key = CompileSortKey(*q.sort_by, kind);
    if (!key.ok()) return key.error();
    // t.pk breaks ties so paging is stable.
    order = *key + (q.descending ? " DESC" : " ASC") + ", t.pk";
  }
  auto st = db.Prepare(std::string("SELECT ") + columns + " FROM " + table + " t WHERE " + where.sql +
                       " ORDER BY " + order + " LIMIT ? OFFSET ?");
  if (!st.ok()) return st.error();
  TRY_STATUS(BindParams(**st, where.params));
  int n = static_cast<int>(where.params.size());
  (*st)->Bind(n + 1, q.count).Bind(n + 2, std::max<int64_t>(0, q.start_index - 1));
  std::vector<std::pair<int64_t, T>> rows;
  while (true) {
    auto row = (*st)->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    T item;
    ReadMeta(**st, item.meta);
    auto data = ParseStored((*st)->ColumnText(5));
    if (!data.ok()) return data.error();
    item.data = std::move(*data);
    rows.emplace_back((*st)->ColumnInt(0), std::move(item));
  }
  (*st)->Reset();
  for (auto& [pk, item] : rows) {
    TRY_STATUS(load_row(db, pk, item));
    page.items.push_back(std::move(item));
  }
  return page;
}

}  // namespace

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

// ---- Groups ---------------------------------------------------------------

Result<StoredGroup> ScimStore::CreateGroup(const Json& data, const std::vector<std::string>& member_ids) {
  return pool_->Write([&](Db& db) -> Result<StoredGroup> {
    core::Transaction tx(db);
    TRY_STATUS(tx.begin_status());
    StoredGroup g;
    g.meta.id = ids_.NewUuid();
    g.meta.created = g.meta.last_modified = core::FormatIso8601(clock_.Now());
    g.meta.version = 1;
    g.data = data;
    auto st = Prep(db,
                   "INSERT INTO groups(id, display_name, external_id, created, last_modified, version, data) "
                   "VALUES(?,?,?,?,?,?,?)");
    if (!st.ok()) return st.error();
    Stmt& s = **st;
    s.Bind(1, g.meta.id).Bind(2, StringOr(data, "displayName"));
    if (data.contains("externalId")) s.Bind(3, StringOr(data, "externalId")); else s.BindNull(3);
    s.Bind(4, g.meta.created).Bind(5, g.meta.last_modified).Bind(6, g.meta.version).Bind(7, core::DumpCompact(data));
    if (auto r = s.Exec(); !r.ok()) {
      return Conflict(r.error().code, "a Group with displayName '" + StringOr(data, "displayName") + "' already exists",
                      r.error().detail);
    }
    int64_t pk = db.LastInsertRowId();
    GroupWriteEvent ev{GroupWriteEvent::Kind::kCreate, g.meta.id, {}, {}, {}};
    for (const auto& m : member_ids) {
      auto added = AddMember(db, pk, m);
      if (!added.ok()) return added.error();
      if (*added) ev.added.push_back(m);
    }
    ev.remaining = [&ev]() -> Result<std::vector<std::string>> { return ev.added; };
    if (group_hook_) {
      auto keys = group_hook_(ev);
      if (!keys.ok()) return keys.error();
      TRY_STATUS(ApplyGroupKeys(db, pk, {}, *keys));
    }
    auto members = LoadMembers(db, pk);
    if (!members.ok()) return members.error();
    g.members = std::move(*members);
    TRY_STATUS(tx.Commit());
    return g;
  });
}

Result<StoredGroup> ScimStore::GetGroup(const std::string& id, bool with_members) {
  return pool_->Read([&](Db& db) -> Result<StoredGroup> {
    auto r = LoadGroup(db, id, with_members);
    if (!r.ok()) return r.error();
    return std::move(r->group);
  });
}

Result<StoredGroup> ScimStore::ReplaceGroup(const std::string& id, const Json& data,
                                            const std::vector<std::string>& member_ids,
                                            std::optional<int64_t> expected) {
  return ModifyGroup(
      id,
      [&](Json& current, std::vector<MemberChange>* changes) {
        current = data;
        changes->push_back({MemberChange::Kind::kRemoveAll, {}});
        changes->push_back({MemberChange::Kind::kAdd, member_ids});
        return Status::Ok();
      },
      expected);
}

Result<StoredGroup> ScimStore::ModifyGroup(const std::string& id, const GroupMutator& mutate,
                                           std::optional<int64_t> expected, bool with_members) {
  return pool_->Write([&](Db& db) -> Result<StoredGroup> {
    core::Transaction tx(db);
    TRY_STATUS(tx.begin_status());
    auto row = LoadGroup(db, id, /*with_members=*/false);
    if (!row.ok()) return row.error();
    TRY_STATUS(CheckVersion(row->group.meta, expected));
    Json data = row->group.data;
    std::vector<MemberChange> changes;
    TRY_STATUS(mutate(data, &changes));

    // Apply membership changes as set operations; track the net effect.
    std::set<std::string> added, removed;
    for (const auto& c : changes) {
      switch (c.kind) {
        case MemberChange::Kind::kRemoveAll: {
          auto ids = MemberIds(db, row->pk);
          if (!ids.ok()) return ids.error();
          TRY_STATUS(RemoveAllMembers(db, row->pk));
          for (auto& m : *ids) {
            if (!added.erase(m)) removed.insert(m);
          }
          break;
        }
        case MemberChange::Kind::kAdd:
          for (const auto& m : c.ids) {
            auto r = AddMember(db, row->pk, m);
            if (!r.ok()) return r.error();
            if (*r && !removed.erase(m)) added.insert(m);
          }
          break;
        case MemberChange::Kind::kRemove:
          for (const auto& m : c.ids) {
            auto r = RemoveMember(db, row->pk, m);
            if (!r.ok()) return r.error();
            if (*r && !added.erase(m)) removed.insert(m);
          }
          break;
      }
    }
    bool data_changed = data != row->group.data;
    if (data_changed || !added.empty() || !removed.empty()) {
      row->group.data = data;
      row->group.meta.last_modified = core::FormatIso8601(clock_.Now());
      row->group.meta.version += 1;
      auto st = Prep(db,
                     "UPDATE groups SET display_name = ?, external_id = ?, last_modified = ?, version = ?, data = ? "
                     "WHERE pk = ?");
      if (!st.ok()) return st.error();
      Stmt& s = **st;
      s.Bind(1, StringOr(data, "displayName"));
      if (data.contains("externalId")) s.Bind(2, StringOr(data, "externalId")); else s.BindNull(2);
      s.Bind(3, row->group.meta.last_modified).Bind(4, row->group.meta.version).Bind(5, core::DumpCompact(data)).Bind(6, row->pk);
      if (auto r = s.Exec(); !r.ok()) {
        return Conflict(r.error().code,
                        "a Group with displayName '" + StringOr(data, "displayName") + "' already exists",
                        r.error().detail);
      }
      if (group_hook_) {
        GroupWriteEvent ev{GroupWriteEvent::Kind::kUpdate, id, {added.begin(), added.end()},
                           {removed.begin(), removed.end()}, {}};
        ev.remaining = [&db, pk = row->pk] { return MemberIds(db, pk); };
        auto keys = group_hook_(ev);
        if (!keys.ok()) return keys.error();
        TRY_STATUS(ApplyGroupKeys(db, row->pk, ev.removed, *keys));
      }
    }
    if (with_members) {
      auto members = LoadMembers(db, row->pk);
      if (!members.ok()) return members.error();
      row->group.members = std::move(*members);
    }
    TRY_STATUS(tx.Commit());
    return std::move(row->group);
  });
}

Status ScimStore::DeleteGroup(const std::string& id, std::optional<int64_t> expected) {
  return pool_->Write([&](Db& db) -> Status {
    core::Transaction tx(db);
    TRY_STATUS(tx.begin_status());
    auto row = LoadGroup(db, id, false);
    if (!row.ok()) return row.error();
    TRY_STATUS(CheckVersion(row->group.meta, expected));
    auto st = Prep(db, "DELETE FROM groups WHERE pk = ?");
    if (!st.ok()) return st.error();
    (*st)->Bind(1, row->pk);
    TRY_STATUS((*st)->Exec());
    if (group_hook_) {
      auto keys = group_hook_(GroupWriteEvent{GroupWriteEvent::Kind::kDelete, id, {}, {}, {}});
      if (!keys.ok()) return keys.error();
    }
    return tx.Commit();
  });
}

Result<ListPage<StoredGroup>> ScimStore::ListGroups(const ListQuery& query, bool with_members) {
  return pool_->Read([&](Db& db) {
    return RunList<StoredGroup>(db, "groups", kGroupColumns, ResourceKind::kGroup, query,
                                [with_members](Db& d, int64_t pk, StoredGroup& g) -> Status {
                                  if (!with_members) return Status::Ok();
                                  auto m = LoadMembers(d, pk);
                                  if (!m.ok()) return m.error();
                                  g.members = std::move(*m);
                                  return Status::Ok();
                                });
  });
}

Result<std::vector<GroupKeyRecord>> ScimStore::ListGroupKeys(const std::string& group_id) {
  return pool_->Read([&](Db& db) -> Result<std::vector<GroupKeyRecord>> {
    auto g = LoadGroup(db, group_id, false);
    if (!g.ok()) return g.error();
    auto st = Prep(db, "SELECT u.id, k.key_version, k.wrapped FROM group_keys k JOIN users u ON u.pk = k.user_pk "
                       "WHERE k.group_pk = ? ORDER BY u.pk");
    if (!st.ok()) return st.error();
    (*st)->Bind(1, g->pk);
    std::vector<GroupKeyRecord> out;
    while (true) {
      auto row = (*st)->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      out.push_back({(*st)->ColumnText(0), (*st)->ColumnInt(1), (*st)->ColumnText(2)});
    }
    return out;
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
