// The RFC 7643 schemas as data. Validation, projection, filtering, PATCH and
// the discovery endpoints all read these definitions, so they cannot disagree.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_util.h"

namespace scim {

using core::Json;

inline constexpr const char* kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr const char* kGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr const char* kEnterpriseUserSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr const char* kListResponseSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr const char* kPatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline constexpr const char* kErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr const char* kSearchRequestSchema = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
inline constexpr const char* kBulkRequestSchema = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
inline constexpr const char* kBulkResponseSchema = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

enum class AttrType { kString, kBoolean, kDecimal, kInteger, kDateTime, kReference, kBinary, kComplex };
enum class Mutability { kReadWrite, kReadOnly, kImmutable, kWriteOnly };
enum class Returned { kDefault, kAlways, kNever, kRequest };
enum class Uniqueness { kNone, kServer, kGlobal };

const char* AttrTypeName(AttrType t);  // "string", "boolean", ... as in RFC 7643 §7

struct AttributeDef {
  std::string name;  // canonical spelling, e.g. "userName"
  AttrType type = AttrType::kString;
  bool multi_valued = false;
  std::string description;
  bool required = false;
  bool case_exact = false;
  Mutability mutability = Mutability::kReadWrite;
  Returned returned = Returned::kDefault;
  Uniqueness uniqueness = Uniqueness::kNone;
  std::vector<std::string> canonical_values;
  std::vector<std::string> reference_types;
  std::vector<AttributeDef> sub_attributes;  // for kComplex

  // Case-insensitive lookup of a sub-attribute; nullptr when absent.
  const AttributeDef* FindSub(std::string_view sub_name) const;
};

struct SchemaDef {
  std::string id;  // URN
  std::string name;
  std::string description;
  std::vector<AttributeDef> attributes;
  const AttributeDef* Find(std::string_view attr_name) const;  // case-insensitive
};

enum class ResourceKind { kUser, kGroup };

struct SchemaExtensionRef {
  std::string schema;  // URN
  bool required = false;
};

struct ResourceTypeDef {
  ResourceKind kind;
  std::string id;        // "User"
  std::string name;      // "User"
  std::string endpoint;  // "/Users"
  std::string description;
  std::string schema;    // core schema URN
  std::vector<SchemaExtensionRef> extensions;
};

// An attribute path as written: [urn ":"] attr ["." sub].
struct AttrPath {
  std::string urn;   // empty when not qualified
  std::string attr;  // as written
  std::string sub;   // empty when absent
  std::string ToString() const;
};

// What an attribute path names, after resolution against a resource type.
struct ResolvedAttr {
  const SchemaDef* schema = nullptr;     // the schema that defines `attr` (core, extension, or common)
  const AttributeDef* attr = nullptr;    // top-level attribute
  const AttributeDef* sub = nullptr;     // sub-attribute, or nullptr
  bool in_extension = false;             // true when `schema` is an extension (stored nested under its URN)
  // The definition the path ends at: sub if present, else attr.
  const AttributeDef* leaf() const { return sub ? sub : attr; }
};

// SchemaRegistry: the fixed set of schemas and resource types this server
// serves. Immutable after construction; safe to share across threads.
class SchemaRegistry {
 public:
  static const SchemaRegistry& Default();

  const SchemaDef* FindSchema(std::string_view urn) const;  // case-insensitive
  const ResourceTypeDef& ResourceType(ResourceKind kind) const;
  // The common attributes (id, externalId, meta) as a pseudo-schema.
  const SchemaDef& Common() const { return common_; }
  const std::vector<SchemaDef>& schemas() const { return schemas_; }
  const std::vector<ResourceTypeDef>& resource_types() const { return resource_types_; }

  // Resolves a path for a resource type: names are case-insensitive; a URN
  // prefix must be the core schema or one of the type's extensions. A path
  // like "urn:...:User:name.givenName" arrives already split (see AttrPath).
  // Returns nullopt when the attribute or sub-attribute does not exist.
  std::optional<ResolvedAttr> Resolve(ResourceKind kind, const AttrPath& path) const;

  // Splits "urn:...:User:name.givenName" / "emails.value" / "userName" into an AttrPath.
  // Never fails: unknown names are caught by Resolve.
  static AttrPath SplitPath(std::string_view text);

  // Discovery documents (RFC 7643 §5–7), with `meta.location` under base_url.
  Json SchemaJson(const SchemaDef& schema, const std::string& base_url) const;
  Json ResourceTypeJson(const ResourceTypeDef& rt, const std::string& base_url) const;

 private:
  SchemaRegistry();
  SchemaDef common_;
  std::vector<SchemaDef> schemas_;
  std::vector<ResourceTypeDef> resource_types_;
};

}  // namespace scim
