// PATCH internals (see patch_apply.h): JSON helpers and value checking shared
// by path resolution (patch_apply.cpp) and the operations on one target
// (patch_targets.cpp). Pure; not for use outside PATCH.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "scim_server/patch_apply.h"
#include "scim_server/schema.h"

namespace scim::patch {

// "add", "remove" or "replace".
const char* OpName(PatchOperation::Op op);

// Where an attribute name came from. A name in `path` that is wrong is an
// invalidPath; the same name as a key of a path-less value is an invalidValue.
// Read-only attributes named by a path are a mutability error; as keys of a
// path-less value they are ignored (Okta repeats the group's `id` there).
enum class Source { kPath, kValueKey };
core::Error BadName(Source source, const std::string& detail);

// ---- JSON helpers ----

// The value stored under `canonical` in `container`, matching the key
// case-insensitively; a differently spelled key is renamed to the canonical
// spelling so the stored form stays canonical. nullptr when absent.
core::Json* LookupAttr(core::Json& container, const std::string& canonical);
// Removes the key spelled `canonical` in any case; absent is fine.
void EraseAttr(core::Json& container, const std::string& canonical);
// JSON equality that ignores key order and key case in objects.
bool SameValue(const core::Json& a, const core::Json& b);
// Adds `urn` to resource["schemas"], creating `schemas` (first, with the
// core URN) when the resource has none.
void EnsureSchemaUrn(core::Json& resource, ResourceKind kind, const std::string& urn);
// Removes `urn` (any case) from resource["schemas"].
void DropSchemaUrn(core::Json& resource, const std::string& urn);
// The extension schema `text` names for `kind`, or nullptr.
const SchemaDef* ExtensionNamed(ResourceKind kind, std::string_view text);

// ---- Value checking: JSON type against the attribute's type, canonical names ----

bool TypeMatches(const AttributeDef& def, const core::Json& v);
// kInvalidValue: "`name` must be <def's type>".
core::Error WrongType(const std::string& name, const AttributeDef& def);
// One value of `def` (the attribute itself when single-valued, one element
// when multi-valued). Complex values get canonical sub-attribute names;
// read-only sub-attributes are dropped (RFC 7643 §2.2: ignored in requests);
// nulls are kept so a merge can treat them as "unassign". Errors: kInvalidValue.
core::Result<core::Json> NormalizeOne(const AttributeDef& def, const core::Json& v, const std::string& name);
// Drops null sub-attributes; used where a value becomes a new element.
core::Json WithoutNulls(core::Json v);
// The elements of a multi-valued attribute's value. A lone value is wrapped
// into an array (clients send `"emails": {...}`); null elements and elements
// left empty are dropped. Errors: kInvalidValue (wrong type, more than one
// `primary: true`).
core::Result<core::Json> NormalizeMulti(const AttributeDef& def, const core::Json& v, const std::string& name);
// RFC 7644 §3.5.2: an immutable attribute may be set once; changing or
// removing (`replacement` null) an existing value is kMutability.
core::Status CheckImmutable(const AttributeDef& def, const core::Json* existing, const core::Json* replacement,
                            const std::string& name);
// Merges the (normalized) sub-attributes of `value` into the complex value
// `target`: given sub-attributes replace, null ones are unassigned, the rest
// stay (RFC 7644 §3.5.2.1 and §3.5.2.3). Errors: kMutability.
core::Status MergeComplex(const AttributeDef& def, core::Json& target, const core::Json& value,
                          const std::string& name);
// RFC 7643 §2.4: at most one element of a multi-valued attribute is primary.
// `touched` are the elements this operation wrote; if one of them is primary
// the others lose the flag; two touched primaries are kInvalidValue.
core::Status EnforcePrimary(core::Json& array, const std::vector<size_t>& touched, const std::string& name);

}  // namespace scim::patch
