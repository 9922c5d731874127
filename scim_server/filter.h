// SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2): a parser into an
// AST (filter.cpp), and an in-memory evaluator used by PATCH value-path
// filters (filter_eval.cpp). The compiler to SQL lives in filter_sql.h.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/json_util.h"
#include "core/result.h"
#include "scim_server/schema.h"

namespace scim {

enum class CompareOp { kEq, kNe, kCo, kSw, kEw, kGt, kGe, kLt, kLe, kPr };
const char* CompareOpName(CompareOp op);  // "eq", ...

struct FilterNode {
  enum class Kind {
    kCompare,    // path op value   (value unused for pr)
    kAnd,        // left and right
    kOr,         // left or right
    kNot,        // not ( left )
    kValuePath,  // path [ left ]  -- path.sub is empty; left is evaluated per element
  };
  Kind kind = Kind::kCompare;
  AttrPath path;
  CompareOp op = CompareOp::kEq;
  Json value;  // the comparison literal: string, number, boolean or null
  std::unique_ptr<FilterNode> left;
  std::unique_ptr<FilterNode> right;
};

// Parses a filter. Operators and `and`/`or`/`not` are case-insensitive;
// precedence: not > and > or; parentheses group. Attribute names are not
// checked against a schema here (the compiler and evaluator do that).
// Errors: kInvalidFilter with a detail naming the position and the problem.
core::Result<std::unique_ptr<FilterNode>> ParseFilter(std::string_view text);

// The kInvalidFilter error the evaluator and the SQL compiler return.
inline core::Error FilterError(std::string detail) { return {core::ErrorCode::kInvalidFilter, std::move(detail)}; }

// A PATCH path: attrPath, or attrPath "[" valFilter "]" [ "." subAttr ].
struct PatchPath {
  AttrPath attr;                       // attr.sub set for "name.givenName"
  std::unique_ptr<FilterNode> filter;  // non-null for value-path selections
  std::string sub_after_filter;        // "value" in emails[type eq "work"].value
};
// Errors: kInvalidPath.
core::Result<PatchPath> ParsePatchPath(std::string_view text);

// Evaluates `filter` against one JSON object (a resource, or one element of a
// multi-valued attribute when evaluating inside a value path). `kind` and
// `parent` give the schema for attribute lookup and case rules: with a
// non-null `parent` (the multi-valued complex attribute), names resolve to
// its sub-attributes. Unknown attributes → kInvalidFilter.
core::Result<bool> EvaluateFilter(const FilterNode& filter, const Json& object, ResourceKind kind,
                                  const AttributeDef* parent = nullptr);

// Okta sends `email eq "x"` when the admin picked the `email` profile field as
// the unique identifier for lookups; there is no such SCIM attribute, so a
// bare `email` (unqualified or under the User schema URN) on a User means
// `emails.value`. Any other path is returned as it is. Both the evaluator and
// the SQL compiler apply it before resolving a filter's attribute.
AttrPath ApplyEmailAlias(const AttrPath& path, ResourceKind kind);

// Whether `op` and `literal` suit the attribute's type (no ordering or
// substring on booleans, no substring on numbers and dates, a number for a
// number, a valid ISO 8601 string for a dateTime, null only with eq/ne).
// Both the evaluator and the SQL compiler (filter_sql.cpp) apply it, so they
// accept and refuse the same filters. `name` is the attribute as written.
std::optional<core::Error> CheckFilterOperands(const AttributeDef& def, CompareOp op, const core::Json& literal,
                                               const std::string& name);

}  // namespace scim
