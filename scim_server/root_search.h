// POST /.search at the root (RFC 7644 §3.4.3): Users, then Groups, in one
// ListResponse. A filter, projection or sortBy naming an attribute that only
// one type has matches nothing of the other type; it is an error only when
// neither type has it. sortBy merges both types by a shared attribute.
//
// The paging and merging (RunRootSearch) is pure and takes its pages from a
// RootPageSource; SearchRoot binds it to the store.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "scim_server/list_query.h"
#include "scim_server/schema.h"
#include "scim_server/scim_store.h"

namespace scim {

// An attribute both Users and Groups have, by which the root search sorts,
// compared the way the per-type SQL sort does: absent (NULL) first when
// ascending, ASCII case folding where the attribute is not caseExact.
struct RootSortKey {
  const char* name;
  bool case_exact;
  std::optional<std::string> (*get)(const ResourceMeta& meta, const core::Json& data);
};

// The shared sort attribute `name` (case-insensitive): id, externalId,
// displayName, meta.created or meta.lastModified; nullptr for any other.
const RootSortKey* FindRootSortKey(const std::string& name);

// <0, 0, >0 as `a` sorts before, with or after `b` in ascending order.
int CompareRootKeys(const std::optional<std::string>& a, const std::optional<std::string>& b, bool case_exact);

// One resource found, with its value of the sort attribute (none unsorted).
struct RootHit {
  std::optional<std::string> sort_value;
  core::Json resource;
};

// Appends the resources of `kind` at 1-based positions start .. start+count-1
// (in the search's order; count 0 appends nothing) and returns how many of
// `kind` match in all, or the error of that type's query.
using RootPageSource =
    std::function<core::Result<int64_t>(ResourceKind kind, int64_t start, int64_t count, std::vector<RootHit>* out)>;

// Pages through both types: the totals first, then Users in their order
// followed by Groups, or (with `sort_key`) both merged by it, ties Users
// first. A type whose query fails with kInvalidFilter or kInvalidValue counts
// as empty when the other one succeeds. Returns the ListResponse.
// Errors: the source's; kTooMany when a sorted page reaches past the first
// 100000 results.
core::Result<core::Json> RunRootSearch(const RootPageSource& source, const Paging& paging, const RootSortKey* sort_key);

// The root search over `store`, resources rendered under `base_url`.
// Errors: kInvalidFilter (filter), kInvalidValue (projection neither type
// accepts, a sortBy the types do not share, sortOrder), and RunRootSearch's.
core::Result<core::Json> SearchRoot(ScimStore& store, const SearchParams& sp, int64_t max_results,
                                    const std::string& base_url);

}  // namespace scim
