// ScimStore internals (see scim_store.h): reading Users and Groups from their
// rows, binding compiled filters, and the paged list query. Every function
// runs on the connection it is given, inside the caller's transaction; none
// opens one. Not for use outside the store.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "core/sqlite.h"
#include "scim_server/filter_sql.h"
#include "scim_server/scim_store.h"

// Returns the error of a Status-valued expression from the enclosing function.
#define TRY_STATUS(expr)             \
  do {                               \
    auto _s = (expr);                \
    if (!_s.ok()) return _s.error(); \
  } while (0)

namespace scim::store {

constexpr const char* kUserColumns = "t.pk, t.id, t.created, t.last_modified, t.version, t.data";
constexpr const char* kGroupColumns = "t.pk, t.id, t.created, t.last_modified, t.version, t.data";

// A User or Group with its row's primary key.
struct UserRow {
  int64_t pk = 0;
  StoredUser user;
};
struct GroupRow {
  int64_t pk = 0;
  StoredGroup group;
};

// A cached prepared statement for `sql`.
core::Result<core::Stmt*> Prep(core::Db& db, const std::string& sql);
// Binds `params` to the placeholders from `first` on.
core::Status BindParams(core::Stmt& st, const std::vector<SqlParam>& params, int first = 1);
// data[key] when it is a string, else "".
std::string StringOr(const core::Json& data, const char* key);
// A failed INSERT/UPDATE: a uniqueness conflict becomes kConflict with `what`;
// any other code keeps `detail`.
core::Error Conflict(core::ErrorCode code, const std::string& what, const std::string& detail);

// The stored JSON of a row. Errors: kInternal (corrupt).
core::Result<core::Json> ParseStored(const std::string& text);
// id, created, last_modified, version from columns 1..4 of a k*Columns row.
void ReadMeta(const core::Stmt& st, ResourceMeta& meta);

// Runs a cached query with one integer parameter and maps every row.
template <class T, class MapRow>
core::Result<std::vector<T>> CollectRows(core::Db& db, const char* sql, int64_t param, MapRow map_row) {
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

// The groups of a User, and the members of a Group, in row order.
core::Result<std::vector<GroupRef>> LoadUserGroups(core::Db& db, int64_t user_pk);
core::Result<std::vector<MemberRef>> LoadMembers(core::Db& db, int64_t group_pk);

// One User / Group by public id. Errors: kNotFound.
core::Result<UserRow> LoadUser(core::Db& db, const std::string& id, bool with_groups = true);
core::Result<GroupRow> LoadGroup(core::Db& db, const std::string& id, bool with_members);

// kPreconditionFailed when `expected` is given and is not meta.version.
core::Status CheckVersion(const ResourceMeta& meta, std::optional<int64_t> expected);

// Fills in what a listed row needs beyond its columns (groups, members).
template <class T>
using RowLoader = std::function<core::Status(core::Db& db, int64_t pk, T& item)>;

// One page of `table` (aliased `t`) for `q`: the filter compiled to SQL, the
// total counted first (q.count 0 returns only the total), ordered by the sort
// key with the primary key breaking ties. Defined for StoredUser and
// StoredGroup. Errors: kInvalidFilter / kInvalidValue from the compiler.
template <class T>
core::Result<ListPage<T>> RunList(core::Db& db, const char* table, const char* columns, ResourceKind kind,
                                  const ListQuery& q, const RowLoader<T>& load_row);

}  // namespace scim::store
