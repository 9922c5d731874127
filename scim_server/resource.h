// Turning request bodies into canonical stored resources, and stored
// resources into response bodies: validation against the schema, canonical
// attribute names, projection (`attributes` / `excludedAttributes`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "scim_server/schema.h"

namespace scim {

struct CanonicalResource {
  // Canonical JSON as stored: `schemas` first, attribute names spelled as in
  // the schema, extension attributes nested under their URN, no read-only
  // attributes (id, meta, groups), no password (write-only and never kept),
  // no null values (RFC 7643 §2.5: null means unassigned).
  core::Json data;
  // Group only: the member ids given in `members`, when the body has them.
  std::optional<std::vector<std::string>> member_ids;
};

// Validates a POST/PUT body (or the result of a PATCH) for `kind`.
// Errors: kInvalidSyntax (body not an object, `schemas` not an array),
// kInvalidValue (unknown attribute or schema, wrong type, missing required
// attribute, two primary values) — the detail names the attribute.
core::Result<CanonicalResource> CanonicalizeResource(const core::Json& body, ResourceKind kind);

// The metadata the store keeps beside the JSON.
struct ResourceMeta {
  std::string id;
  std::string created;        // ISO 8601, fixed width
  std::string last_modified;
  int64_t version = 1;
};

struct MemberRef {
  std::string id;       // User id
  std::string display;  // the User's displayName, else userName
};

struct GroupRef {
  std::string id;
  std::string display;
};

// Full representations. `base_url` ends in "/scim/v2" (no slash).
core::Json RenderUser(const core::Json& data, const ResourceMeta& meta, const std::vector<GroupRef>& groups,
                      const std::string& base_url);
core::Json RenderGroup(const core::Json& data, const ResourceMeta& meta, const std::vector<MemberRef>& members,
                       const std::string& base_url);
std::string ETagFor(int64_t version);  // W/"<version>"

// Attribute projection (RFC 7644 §3.4.2.5 / §3.9): comma-separated lists of
// attribute paths, possibly URN-qualified or with a sub-attribute. `id` and
// `schemas` are always returned. Errors: kInvalidValue for unknown attributes.
struct Projection {
  std::vector<AttrPath> attributes;
  std::vector<AttrPath> excluded;
  bool empty() const { return attributes.empty() && excluded.empty(); }
};
core::Result<Projection> ParseProjection(const std::string& attributes, const std::string& excluded,
                                         ResourceKind kind);
core::Json Project(core::Json full, const Projection& projection, ResourceKind kind);

}  // namespace scim
