// SCIM filters (RFC 7644 §3.4.2.2): the parser (scim_server/filter.cpp), the
// compiler to SQL (filter_sql.cpp), the in-memory evaluator (filter_eval.cpp)
// and PATCH paths. Oracle besides the sanitizers: SQL the compiler produces
// is prepared by SQLite against the store's real schema (store_schema.h) —
// SQL that SQLite refuses is a 500, as >88 `or` terms once overflowed
// SQLite's parser stack. Past findings kept in the corpus: deep nesting,
// 1,000 `or` terms, `1e400`, dates beyond 2262.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/json_util.h"
#include "core/sqlite.h"
#include "scim_server/filter.h"
#include "scim_server/filter_sql.h"
#include "scim_server/store_schema.h"

namespace {

core::Db& StoreDb() {
  static std::unique_ptr<core::Db> db = [] {
    auto d = core::Db::Open(":memory:");
    if (!d.ok() || !core::Migrate(**d, scim::StoreMigrations()).ok()) std::abort();
    return std::move(*d);
  }();
  return *db;
}

const core::Json& Sample(scim::ResourceKind kind) {
  static const core::Json user = *core::ParseJson(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    "id": "u1", "userName": "ann@example.com", "active": true, "displayName": "Ann",
    "name": {"givenName": "Ann", "familyName": "Lee"},
    "emails": [{"value": "ann@example.com", "type": "work", "primary": true}, {"value": "a@home.example"}],
    "meta": {"created": "2026-01-02T03:04:05Z", "lastModified": "2026-01-02T03:04:05Z", "resourceType": "User"},
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "7", "manager": {"value": "u2"}}
  })");
  static const core::Json group = *core::ParseJson(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "Engineering",
    "members": [{"value": "u1", "display": "Ann", "type": "User"}],
    "meta": {"created": "2026-01-02T03:04:05Z", "lastModified": "2026-01-02T03:04:05Z", "resourceType": "Group"}
  })");
  return kind == scim::ResourceKind::kUser ? user : group;
}

// SQLite must accept what the compiler produced (the store prepares the same text).
void CheckPrepares(const scim::SqlWhere& where, scim::ResourceKind kind) {
  std::string sql = std::string("SELECT count(*) FROM ") + (kind == scim::ResourceKind::kUser ? "users" : "groups") +
                    " t WHERE " + where.sql;
  auto st = StoreDb().PrepareOnce(sql);
  if (!st.ok()) {
    std::fprintf(stderr, "compiled filter SQL refused by SQLite: %s\n%s\n", st.error().detail.c_str(), sql.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto filter = scim::ParseFilter(text); filter.ok()) {
    for (auto kind : {scim::ResourceKind::kUser, scim::ResourceKind::kGroup}) {
      if (auto where = scim::CompileFilter(**filter, kind); where.ok()) CheckPrepares(*where, kind);
      (void)scim::EvaluateFilter(**filter, Sample(kind), kind);
    }
  }
  if (auto path = scim::ParsePatchPath(text); path.ok() && path->filter) {
    (void)scim::EvaluateFilter(*path->filter, Sample(scim::ResourceKind::kUser), scim::ResourceKind::kUser);
  }
  (void)scim::CompileSortKey(scim::AttrPath{"", std::string(text), ""}, scim::ResourceKind::kUser);
  return 0;
}
