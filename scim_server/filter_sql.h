// Compiles a filter AST into a parameterised SQL WHERE clause over the store
// (see store_schema.h), so a filter is answered by SQLite with indexes, never
// by loading rows into C++.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"
#include "scim_server/filter.h"
#include "scim_server/schema.h"

namespace scim {

using SqlParam = std::variant<std::nullptr_t, std::string, int64_t, double>;

struct SqlWhere {
  std::string sql;               // a boolean expression over the alias `t`
  std::vector<SqlParam> params;  // bound in order to the `?` placeholders
};

// The main table is aliased `t` (users or groups). Errors: kInvalidFilter when
// an attribute is unknown, an operator does not apply to the attribute's type
// (e.g. `gt` on a boolean), or a literal has the wrong type.
core::Result<SqlWhere> CompileFilter(const FilterNode& filter, ResourceKind kind);

// An ORDER BY expression for sortBy (same attribute mapping and collation
// rules), e.g. "t.user_name COLLATE NOCASE". Errors: kInvalidValue.
core::Result<std::string> CompileSortKey(const AttrPath& path, ResourceKind kind);

}  // namespace scim
