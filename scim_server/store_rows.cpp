#include "scim_server/store_rows.h"

#include <algorithm>
#include <utility>

#include "scim_server/filter_sql.h"

namespace scim::store {

using core::Db;
using core::Error;
using core::ErrorCode;
using core::Json;
using core::Result;
using core::Status;
using core::Stmt;

Result<Stmt*> Prep(Db& db, const std::string& sql) { return db.Prepare(sql); }

Status BindParams(Stmt& st, const std::vector<SqlParam>& params, int first) {
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

Error Conflict(ErrorCode code, const std::string& what, const std::string& detail) {
  if (code == ErrorCode::kConflict) return Error{ErrorCode::kConflict, what};
  return Error{code, detail};
}

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
Result<UserRow> LoadUser(Db& db, const std::string& id, bool with_groups) {
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

template <class T>
Result<ListPage<T>> RunList(Db& db, const char* table, const char* columns, ResourceKind kind, const ListQuery& q,
                            const RowLoader<T>& load_row) {
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

template Result<ListPage<StoredUser>> RunList<StoredUser>(Db&, const char*, const char*, ResourceKind, const ListQuery&,
                                                          const RowLoader<StoredUser>&);
template Result<ListPage<StoredGroup>> RunList<StoredGroup>(Db&, const char*, const char*, ResourceKind,
                                                            const ListQuery&, const RowLoader<StoredGroup>&);

}  // namespace scim::store
