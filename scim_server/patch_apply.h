// RFC 7644 §3.5.2 PATCH: parse a PatchOp request and apply its operations to a
// resource, all or nothing. Pure: no I/O. Group membership changes are not
// applied to the JSON; they are returned as a delta so the store can apply
// them without loading or rewriting the whole member list.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "scim_server/schema.h"

namespace scim {

struct PatchOperation {
  enum class Op { kAdd, kRemove, kReplace };
  Op op = Op::kAdd;
  std::optional<std::string> path;  // absent: path-less (value is an object of attributes)
  core::Json value;                 // null when absent
};

// Parses a PatchOp body: `schemas` must contain the PatchOp URN, `Operations`
// a non-empty array; `op` is case-insensitive ("Replace" from other clients);
// `remove` needs a path. Errors: kInvalidSyntax / kInvalidValue / kInvalidPath.
core::Result<std::vector<PatchOperation>> ParsePatchRequest(const core::Json& body);

// Membership changes for a Group, in request order.
struct MemberChange {
  enum class Kind { kAdd, kRemove, kRemoveAll };
  Kind kind = Kind::kAdd;
  std::vector<std::string> ids;  // member `value`s (User ids); empty for kRemoveAll
};

// Applies `ops` in order to `resource` (canonical JSON as stored: attribute
// names canonical, extension attributes nested under their URN key, no `id`,
// `meta`, `groups` or `members`). On error `resource` is left unchanged.
// - For kGroup, operations on `members` (with a path, `members[value eq "x"]`,
//   or inside a path-less value) are appended to *member_changes instead.
// - Read-only attributes in a path-less value (Okta sends `id` inside the
//   value when renaming a group) are ignored; a path that targets a read-only
//   attribute → kMutability; changing an immutable attribute that has a value → kMutability.
// - Errors: kInvalidPath (bad path, unknown attribute), kNoTarget (filter
//   matched nothing on replace/remove where RFC requires it),
//   kInvalidValue (wrong value type), kMutability.
core::Status ApplyPatch(core::Json& resource, const std::vector<PatchOperation>& ops, ResourceKind kind,
                        std::vector<MemberChange>* member_changes);

}  // namespace scim
