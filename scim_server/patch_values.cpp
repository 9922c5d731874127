#include "scim_server/patch_values.h"

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace scim::patch {

using core::EqualsCi;
using core::Error;
using core::ErrorCode;
using core::FindKeyCi;
using core::MakeError;
using core::Result;
using core::Status;

const char* OpName(PatchOperation::Op op) {
  switch (op) {
    case PatchOperation::Op::kAdd: return "add";
    case PatchOperation::Op::kRemove: return "remove";
    case PatchOperation::Op::kReplace: return "replace";
  }
  return "add";
}

Error BadName(Source source, const std::string& detail) {
  return MakeError(source == Source::kPath ? ErrorCode::kInvalidPath : ErrorCode::kInvalidValue, detail);
}

// ---------------------------------------------------------------------------
// JSON helpers

// The value stored under `canonical` in `container`, matching the key
// case-insensitively; a differently spelled key is renamed to the canonical
// spelling so the stored form stays canonical. nullptr when absent.
Json* LookupAttr(Json& container, const std::string& canonical) {
  if (!container.is_object()) return nullptr;
  auto it = container.find(canonical);
  if (it != container.end()) return &it.value();
  std::string spelled = core::KeyCi(container, canonical);
  if (spelled.empty()) return nullptr;
  Json moved = std::move(container[spelled]);
  container.erase(spelled);
  container[canonical] = std::move(moved);
  return &container[canonical];
}

void EraseAttr(Json& container, const std::string& canonical) {
  if (!container.is_object()) return;
  std::string spelled = core::KeyCi(container, canonical);
  if (!spelled.empty()) container.erase(spelled);
}

// JSON equality that ignores key order and key case in objects (nlohmann's
// ordered_json compares objects in insertion order).
bool SameValue(const Json& a, const Json& b) {
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      const Json* other = FindKeyCi(b, it.key());
      if (!other || !SameValue(it.value(), *other)) return false;
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!SameValue(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

namespace {

bool IsPrimary(const Json& element) {
  const Json* p = FindKeyCi(element, "primary");
  return p && p->is_boolean() && p->get<bool>();
}

}  // namespace

// Adds `urn` to resource["schemas"], creating `schemas` (first, with the
// core URN) when the resource has none.
void EnsureSchemaUrn(Json& resource, ResourceKind kind, const std::string& urn) {
  Json* schemas = LookupAttr(resource, "schemas");
  if (!schemas || !schemas->is_array()) {
    Json rebuilt = Json::object();
    rebuilt["schemas"] = Json::array({SchemaRegistry::Default().ResourceType(kind).schema});
    for (auto it = resource.begin(); it != resource.end(); ++it) {
      if (!EqualsCi(it.key(), "schemas")) rebuilt[it.key()] = it.value();
    }
    resource = std::move(rebuilt);
    schemas = &resource["schemas"];
  }
  for (const auto& s : *schemas) {
    if (s.is_string() && EqualsCi(s.get<std::string>(), urn)) return;
  }
  schemas->push_back(urn);
}

void DropSchemaUrn(Json& resource, const std::string& urn) {
  Json* schemas = LookupAttr(resource, "schemas");
  if (!schemas || !schemas->is_array()) return;
  Json kept = Json::array();
  for (const auto& s : *schemas) {
    if (!(s.is_string() && EqualsCi(s.get<std::string>(), urn))) kept.push_back(s);
  }
  *schemas = std::move(kept);
}

// The extension schema `text` names for `kind`, or nullptr.
const SchemaDef* ExtensionNamed(ResourceKind kind, std::string_view text) {
  const SchemaRegistry& reg = SchemaRegistry::Default();
  for (const auto& ext : reg.ResourceType(kind).extensions) {
    if (EqualsCi(ext.schema, text)) return reg.FindSchema(ext.schema);
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Value checking: JSON type against the attribute's type, canonical names.

bool TypeMatches(const AttributeDef& def, const Json& v) {
  switch (def.type) {
    case AttrType::kString:
    case AttrType::kReference:
    case AttrType::kDateTime:
    case AttrType::kBinary: return v.is_string();
    case AttrType::kBoolean: return v.is_boolean();
    case AttrType::kDecimal: return v.is_number();
    case AttrType::kInteger: return v.is_number_integer();
    case AttrType::kComplex: return v.is_object();
  }
  return false;
}

Error WrongType(const std::string& name, const AttributeDef& def) {
  std::string want = def.type == AttrType::kComplex ? "an object" : std::string("a ") + AttrTypeName(def.type);
  return MakeError(ErrorCode::kInvalidValue, "`" + name + "` must be " + want);
}

// One value of `def` (the attribute itself when single-valued, one element
// when multi-valued). Complex values get canonical sub-attribute names;
// read-only sub-attributes are dropped (RFC 7643 §2.2: ignored in requests);
// nulls are kept so a merge can treat them as "unassign".
Result<Json> NormalizeOne(const AttributeDef& def, const Json& v, const std::string& name) {
  if (!TypeMatches(def, v)) return WrongType(name, def);
  if (def.type != AttrType::kComplex) return v;
  Json out = Json::object();
  for (auto it = v.begin(); it != v.end(); ++it) {
    const AttributeDef* sub = def.FindSub(it.key());
    if (!sub) return MakeError(ErrorCode::kInvalidValue, "unknown attribute `" + name + "." + it.key() + "`");
    if (sub->mutability == Mutability::kReadOnly) continue;
    if (!it.value().is_null() && !TypeMatches(*sub, it.value())) return WrongType(name + "." + sub->name, *sub);
    out[sub->name] = it.value();
  }
  return out;
}

// Drops null sub-attributes; used where a value becomes a new element.
Json WithoutNulls(Json v) {
  if (!v.is_object()) return v;
  Json out = Json::object();
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!it.value().is_null()) out[it.key()] = it.value();
  }
  return out;
}

namespace {

bool IsEmptyValue(const Json& v) {
  return v.is_null() || ((v.is_object() || v.is_array()) && v.empty());
}

}  // namespace

// The elements of a multi-valued attribute's value. A lone value is wrapped
// into an array (clients send `"emails": {...}`); null elements and elements
// left empty are dropped; more than one `primary: true` is an error.
Result<Json> NormalizeMulti(const AttributeDef& def, const Json& v, const std::string& name) {
  Json in = v.is_array() ? v : Json::array({v});
  Json out = Json::array();
  int primaries = 0;
  for (const auto& element : in) {
    if (element.is_null()) continue;
    auto one = NormalizeOne(def, element, name);
    if (!one.ok()) return one.error();
    Json clean = WithoutNulls(std::move(*one));
    if (IsEmptyValue(clean)) continue;
    if (IsPrimary(clean)) ++primaries;
    out.push_back(std::move(clean));
  }
  if (primaries > 1) {
    return MakeError(ErrorCode::kInvalidValue, "more than one `" + name + "` value is marked primary");
  }
  return out;
}

// RFC 7644 §3.5.2: an immutable attribute may be set once; changing or
// removing an existing value is a mutability error.
Status CheckImmutable(const AttributeDef& def, const Json* existing, const Json* replacement,
                      const std::string& name) {
  if (def.mutability != Mutability::kImmutable) return Status::Ok();
  if (!existing || existing->is_null()) return Status::Ok();
  if (replacement && SameValue(*replacement, *existing)) return Status::Ok();
  return MakeError(ErrorCode::kMutability, "`" + name + "` is immutable and already has a value");
}

// Merges the (normalized) sub-attributes of `value` into the complex value
// `target`: given sub-attributes replace, null ones are unassigned, the rest
// stay (RFC 7644 §3.5.2.1 and §3.5.2.3 for complex attributes).
Status MergeComplex(const AttributeDef& def, Json& target, const Json& value, const std::string& name) {
  if (!target.is_object()) target = Json::object();
  for (auto it = value.begin(); it != value.end(); ++it) {
    const AttributeDef* sub = def.FindSub(it.key());  // non-null: `value` is normalized
    Json* existing = LookupAttr(target, sub->name);
    const Json* replacement = it.value().is_null() ? nullptr : &it.value();
    if (auto s = CheckImmutable(*sub, existing, replacement, name + "." + sub->name); !s.ok()) return s;
    if (replacement) {
      target[sub->name] = *replacement;
    } else {
      EraseAttr(target, sub->name);
    }
  }
  return Status::Ok();
}

// RFC 7643 §2.4: at most one element of a multi-valued attribute is primary.
// `touched` are the elements this operation wrote; if one of them is primary
// the others lose the flag; two touched primaries are an error.
Status EnforcePrimary(Json& array, const std::vector<size_t>& touched, const std::string& name) {
  std::optional<size_t> winner;
  for (size_t i : touched) {
    if (i >= array.size() || !IsPrimary(array[i])) continue;
    if (winner && *winner != i) {
      return MakeError(ErrorCode::kInvalidValue, "more than one `" + name + "` value would be primary");
    }
    winner = i;
  }
  if (!winner) return Status::Ok();
  for (size_t i = 0; i < array.size(); ++i) {
    if (i != *winner && IsPrimary(array[i])) (*LookupAttr(array[i], "primary")) = false;
  }
  return Status::Ok();
}

}  // namespace scim::patch
