// PATCH internals (see patch_apply.h): one operation applied to one resolved
// target — a whole attribute, a sub-attribute of a single-valued complex
// attribute, the elements of a multi-valued one a filter selects, or a
// Group's members (collected as deltas). Path resolution is patch_apply.cpp.
// Each function edits the working copy in ctx.resource; on error the caller
// discards the copy, so a half-applied change never escapes.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "scim_server/filter.h"
#include "scim_server/patch_apply.h"
#include "scim_server/patch_values.h"
#include "scim_server/schema.h"

namespace scim::patch {

struct Context {
  ResourceKind kind;
  core::Json& resource;                // the working copy
  std::vector<MemberChange>& members;  // deltas collected so far
};

// `members`, `members[value eq "x"]` (remove only) of a Group: appended to
// ctx.members as deltas. Errors: BadName, kInvalidValue (a member without a
// non-empty `value`).
core::Status ApplyMembers(Context& ctx, PatchOperation::Op op, const PatchPath& pp, const core::Json& value,
                          Source source);

// The whole attribute (no sub-attribute, no filter). Removing an absent
// attribute succeeds. Errors: kInvalidValue, kMutability.
core::Status ApplyWhole(Context& ctx, PatchOperation::Op op, const ResolvedAttr& r, const core::Json& value,
                        const std::string& name);

// A sub-attribute of a single-valued complex attribute (`name.givenName`).
// Errors: kInvalidValue, kMutability.
core::Status ApplySingleSub(Context& ctx, PatchOperation::Op op, const ResolvedAttr& r, const core::Json& value,
                            const std::string& name);

// Elements of a multi-valued complex attribute selected by `filter` (all
// elements when null), optionally narrowed to the sub-attribute `sub` of each.
// Errors: kNoTarget (RFC 7644 §3.12), kInvalidPath (filter), kInvalidValue,
// kMutability.
core::Status ApplySelected(Context& ctx, PatchOperation::Op op, const ResolvedAttr& r, const FilterNode* filter,
                           const AttributeDef* sub, const core::Json& value, const std::string& name);

}  // namespace scim::patch
