#include "scim_server/patch_apply.h"

#include <cstddef>
#include <string_view>
#include <utility>

#include "scim_server/filter.h"

namespace scim {

namespace {

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

// Where an attribute name came from. A name in `path` that is wrong is an
// invalidPath; the same name as a key of a path-less value is an invalidValue.
// Read-only attributes named by a path are a mutability error; as keys of a
// path-less value they are ignored (Okta repeats the group's `id` there).
enum class Source { kPath, kValueKey };

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

bool IsPrimary(const Json& element) {
  const Json* p = FindKeyCi(element, "primary");
  return p && p->is_boolean() && p->get<bool>();
}

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

bool IsEmptyValue(const Json& v) {
  return v.is_null() || ((v.is_object() || v.is_array()) && v.empty());
}

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

// ---------------------------------------------------------------------------
// Group members: collected as MemberChange deltas, never written to the JSON.

Result<std::vector<std::string>> MemberIds(const Json& value) {
  std::vector<std::string> ids;
  Json in = value.is_array() ? value : Json::array({value});
  for (size_t i = 0; i < in.size(); ++i) {
    const Json* id = FindKeyCi(in[i], "value");
    if (!id || !id->is_string() || id->get<std::string>().empty()) {
      return MakeError(ErrorCode::kInvalidValue,
                       "`members[" + std::to_string(i) + "].value` must be a non-empty string (a User id)");
    }
    ids.push_back(id->get<std::string>());
  }
  return ids;
}

// Accepts `value eq "x"`, and `or` of those; anything else is not a member
// selection this server can turn into a delta.
bool CollectMemberFilterIds(const FilterNode& f, std::vector<std::string>* ids) {
  switch (f.kind) {
    case FilterNode::Kind::kOr:
      return f.left && f.right && CollectMemberFilterIds(*f.left, ids) && CollectMemberFilterIds(*f.right, ids);
    case FilterNode::Kind::kCompare:
      if (f.op != CompareOp::kEq || !f.path.urn.empty() || !f.path.sub.empty() || !EqualsCi(f.path.attr, "value"))
        return false;
      if (!f.value.is_string() || f.value.get<std::string>().empty()) return false;
      ids->push_back(f.value.get<std::string>());
      return true;
    default: return false;
  }
}

struct Context {
  ResourceKind kind;
  Json& resource;                       // the working copy
  std::vector<MemberChange>& members;   // deltas collected so far
};

Status ApplyMembers(Context& ctx, PatchOperation::Op op, const PatchPath& pp, const Json& value,
                    Source source) {
  if (!pp.attr.sub.empty() || !pp.sub_after_filter.empty()) {
    return BadName(source, "`members` sub-attributes cannot be patched; use `members` or members[value eq \"<id>\"]");
  }
  if (pp.filter) {
    if (op != PatchOperation::Op::kRemove) {
      return BadName(source, std::string("a members filter is only supported with remove, not ") + OpName(op));
    }
    std::vector<std::string> ids;
    if (!CollectMemberFilterIds(*pp.filter, &ids)) {
      return BadName(source,
                     "only members[value eq \"<id>\"] (optionally joined with `or`) can select members to remove");
    }
    ctx.members.push_back({MemberChange::Kind::kRemove, std::move(ids)});
    return Status::Ok();
  }
  switch (op) {
    case PatchOperation::Op::kAdd: {
      if (value.is_null()) return Status::Ok();
      auto ids = MemberIds(value);
      if (!ids.ok()) return ids.error();
      if (!ids->empty()) ctx.members.push_back({MemberChange::Kind::kAdd, std::move(*ids)});
      return Status::Ok();
    }
    case PatchOperation::Op::kReplace: {
      std::vector<std::string> ids;
      if (!value.is_null()) {
        auto parsed = MemberIds(value);
        if (!parsed.ok()) return parsed.error();
        ids = std::move(*parsed);
      }
      ctx.members.push_back({MemberChange::Kind::kRemoveAll, {}});
      if (!ids.empty()) ctx.members.push_back({MemberChange::Kind::kAdd, std::move(ids)});
      return Status::Ok();
    }
    case PatchOperation::Op::kRemove: {
      if (value.is_null()) {
        ctx.members.push_back({MemberChange::Kind::kRemoveAll, {}});
        return Status::Ok();
      }
      // Entra ID removes members as {"op":"Remove","path":"members","value":[{"value":"<id>"}]}.
      auto ids = MemberIds(value);
      if (!ids.ok()) return ids.error();
      if (!ids->empty()) ctx.members.push_back({MemberChange::Kind::kRemove, std::move(*ids)});
      return Status::Ok();
    }
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// One operation on one attribute path.

// The object holding a top-level attribute: the resource, or the extension's
// object under its URN key. nullptr when the extension object is absent and
// `create` is false.
Json* ContainerFor(Context& ctx, const ResolvedAttr& r, bool create) {
  if (!r.in_extension) return &ctx.resource;
  Json* ext = LookupAttr(ctx.resource, r.schema->id);
  if (ext && ext->is_object()) return ext;
  if (!create) return nullptr;
  ctx.resource[r.schema->id] = Json::object();
  EnsureSchemaUrn(ctx.resource, ctx.kind, r.schema->id);
  return &ctx.resource[r.schema->id];
}

// The whole attribute (no sub-attribute, no filter).
Status ApplyWhole(Context& ctx, PatchOperation::Op op, const ResolvedAttr& r, const Json& value,
                  const std::string& name) {
  const AttributeDef& def = *r.attr;
  if (op == PatchOperation::Op::kRemove) {
    Json* container = ContainerFor(ctx, r, false);
    Json* existing = container ? LookupAttr(*container, def.name) : nullptr;
    // Removing an attribute that has no value succeeds and changes nothing:
    // the client's intent ("unassigned afterwards") already holds, and a
    // retried PATCH must not fail. RFC 7644 only requires noTarget when a
    // value filter matches nothing.
    if (!existing) return Status::Ok();
    if (auto s = CheckImmutable(def, existing, nullptr, name); !s.ok()) return s;
    if (def.multi_valued && !value.is_null() && existing->is_array()) {
      // A value with remove (Entra style) removes just those values.
      auto gone = NormalizeMulti(def, value, name);
      if (!gone.ok()) return gone.error();
      Json kept = Json::array();
      for (const auto& element : *existing) {
        bool drop = false;
        for (const auto& g : *gone) {
          const Json* gv = FindKeyCi(g, "value");
          const Json* ev = FindKeyCi(element, "value");
          if (SameValue(element, g) || (gv && ev && *gv == *ev)) drop = true;
        }
        if (!drop) kept.push_back(element);
      }
      if (kept.empty()) {
        EraseAttr(*container, def.name);
      } else {
        *existing = std::move(kept);
      }
      return Status::Ok();
    }
    EraseAttr(*container, def.name);
    return Status::Ok();
  }

  if (def.multi_valued) {
    auto elements = NormalizeMulti(def, value, name);
    if (!elements.ok()) return elements.error();
    Json* container = ContainerFor(ctx, r, !elements->empty());
    if (!container) return Status::Ok();
    Json* existing = LookupAttr(*container, def.name);
    if (auto s = CheckImmutable(def, existing, &*elements, name); !s.ok()) return s;
    if (op == PatchOperation::Op::kReplace) {
      // Replace of a multi-valued attribute without a filter replaces all values.
      if (elements->empty()) {
        EraseAttr(*container, def.name);
      } else {
        (*container)[def.name] = std::move(*elements);
      }
      return Status::Ok();
    }
    if (elements->empty()) return Status::Ok();
    Json& array = (*container)[def.name];
    if (!array.is_array()) array = Json::array();
    std::vector<size_t> touched;
    for (auto& element : *elements) {
      // "If the target location already contains the value specified, no
      // changes SHOULD be made" (RFC 7644 §3.5.2.1): identical values are not duplicated.
      size_t found = array.size();
      for (size_t i = 0; i < array.size() && found == array.size(); ++i) {
        if (SameValue(array[i], element)) found = i;
      }
      if (found == array.size()) array.push_back(std::move(element));
      touched.push_back(found);
    }
    return EnforcePrimary(array, touched, name);
  }

  if (value.is_null()) return ApplyWhole(ctx, PatchOperation::Op::kRemove, r, value, name);
  auto normalized = NormalizeOne(def, value, name);
  if (!normalized.ok()) return normalized.error();
  Json* container = ContainerFor(ctx, r, true);
  Json* existing = LookupAttr(*container, def.name);
  if (def.type == AttrType::kComplex) {
    // add and replace both merge sub-attributes into a complex attribute.
    Json merged = existing ? *existing : Json::object();
    if (auto s = MergeComplex(def, merged, *normalized, name); !s.ok()) return s;
    if (auto s = CheckImmutable(def, existing, &merged, name); !s.ok()) return s;
    if (merged.empty()) {
      EraseAttr(*container, def.name);
    } else {
      (*container)[def.name] = std::move(merged);
    }
    return Status::Ok();
  }
  if (auto s = CheckImmutable(def, existing, &*normalized, name); !s.ok()) return s;
  (*container)[def.name] = std::move(*normalized);
  return Status::Ok();
}

// A sub-attribute of a single-valued complex attribute (`name.givenName`).
Status ApplySingleSub(Context& ctx, PatchOperation::Op op, const ResolvedAttr& r, const Json& value,
                      const std::string& name) {
  const AttributeDef& def = *r.attr;
  const AttributeDef& sub = *r.sub;
  bool remove = op == PatchOperation::Op::kRemove || value.is_null();
  Json* container = ContainerFor(ctx, r, !remove);
  if (!container) return Status::Ok();
  Json* parent = LookupAttr(*container, def.name);
  if (remove) {
    Json* existing = parent ? LookupAttr(*parent, sub.name) : nullptr;
    if (!existing) return Status::Ok();  // nothing to unassign; see ApplyWhole
    if (auto s = CheckImmutable(sub, existing, nullptr, name); !s.ok()) return s;
    EraseAttr(*parent, sub.name);
    if (parent->empty()) EraseAttr(*container, def.name);
    return Status::Ok();
  }
  if (!TypeMatches(sub, value)) return WrongType(name, sub);
  if (!parent || !parent->is_object()) {
    (*container)[def.name] = Json::object();
    parent = &(*container)[def.name];
  }
  if (auto s = CheckImmutable(sub, LookupAttr(*parent, sub.name), &value, name); !s.ok()) return s;
  (*parent)[sub.name] = value;
  return Status::Ok();
}

// For `add` with a filter that matches nothing: `type eq "work"` describes
// the element to create (Entra ID adds new typed values this way). Returns
// the canonical sub-attribute and literal, or nullopt for other filters.
std::optional<std::pair<const AttributeDef*, Json>> SeedFromFilter(const FilterNode& f, const AttributeDef& def) {
  if (f.kind != FilterNode::Kind::kCompare || f.op != CompareOp::kEq || !f.path.sub.empty()) return std::nullopt;
  const AttributeDef* sub = def.FindSub(f.path.attr);
  if (!sub || sub->mutability == Mutability::kReadOnly || !TypeMatches(*sub, f.value)) return std::nullopt;
  return std::make_pair(sub, f.value);
}

// Elements of a multi-valued complex attribute selected by `filter` (all
// elements when null), optionally narrowed to one sub-attribute of each.
Status ApplySelected(Context& ctx, PatchOperation::Op op, const ResolvedAttr& r, const FilterNode* filter,
                     const AttributeDef* sub, const Json& value, const std::string& name) {
  const AttributeDef& def = *r.attr;
  Json* container = ContainerFor(ctx, r, op == PatchOperation::Op::kAdd);
  Json* existing = container ? LookupAttr(*container, def.name) : nullptr;
  std::vector<size_t> matched;
  if (existing && existing->is_array()) {
    for (size_t i = 0; i < existing->size(); ++i) {
      const Json& element = (*existing)[i];
      if (!element.is_object()) continue;
      if (filter) {
        auto hit = EvaluateFilter(*filter, element, ctx.kind, &def);
        if (!hit.ok()) return MakeError(ErrorCode::kInvalidPath, "in `" + name + "`: " + hit.error().detail);
        if (!*hit) continue;
      }
      matched.push_back(i);
    }
  }

  if (op == PatchOperation::Op::kRemove) {
    if (matched.empty()) {
      // RFC 7644 §3.12: noTarget when "the specified path ... contains a
      // filter that yields no match". Without a filter (`emails.display` on
      // a user with no emails) there is simply nothing to unassign.
      if (filter) return MakeError(ErrorCode::kNoTarget, "no value matches `" + name + "`");
      return Status::Ok();
    }
    Json kept = Json::array();
    size_t next = 0;
    for (size_t i = 0; i < existing->size(); ++i) {
      Json element = (*existing)[i];
      bool selected = next < matched.size() && matched[next] == i;
      if (selected) ++next;
      if (selected && !sub) continue;
      if (selected) {
        if (auto s = CheckImmutable(*sub, FindKeyCi(element, sub->name), nullptr, name); !s.ok()) return s;
        EraseAttr(element, sub->name);
        if (element.empty()) continue;
      }
      kept.push_back(std::move(element));
    }
    if (kept.empty()) {
      EraseAttr(*container, def.name);
    } else {
      *existing = std::move(kept);
    }
    return Status::Ok();
  }

  // add / replace: normalize the value for what the path ends at.
  Json normalized;
  if (sub) {
    if (value.is_null()) return MakeError(ErrorCode::kInvalidValue, "`" + name + "` needs a value");
    if (!TypeMatches(*sub, value)) return WrongType(name, *sub);
    normalized = value;
  } else {
    auto one = NormalizeOne(def, value, name);
    if (!one.ok()) return one.error();
    normalized = std::move(*one);
  }

  if (matched.empty()) {
    if (op == PatchOperation::Op::kReplace || !filter) {
      return MakeError(ErrorCode::kNoTarget, "no value matches `" + name + "`");
    }
    auto seed = SeedFromFilter(*filter, def);
    if (!seed) return MakeError(ErrorCode::kNoTarget, "no value matches `" + name + "`");
    Json element = Json::object();
    element[seed->first->name] = seed->second;
    if (sub) {
      element[sub->name] = normalized;
    } else if (auto s = MergeComplex(def, element, normalized, name); !s.ok()) {
      return s;
    }
    if (!existing || !existing->is_array()) {
      (*container)[def.name] = Json::array();
      existing = &(*container)[def.name];
    }
    existing->push_back(std::move(element));
    return EnforcePrimary(*existing, {existing->size() - 1}, name);
  }

  for (size_t i : matched) {
    Json& element = (*existing)[i];
    if (sub) {
      if (auto s = CheckImmutable(*sub, FindKeyCi(element, sub->name), &normalized, name); !s.ok()) return s;
      if (Json* slot = LookupAttr(element, sub->name)) {
        *slot = normalized;  // in place: keeps the element's key order
      } else {
        element[sub->name] = normalized;
      }
    } else if (op == PatchOperation::Op::kAdd) {
      if (auto s = MergeComplex(def, element, normalized, name); !s.ok()) return s;
    } else {
      // Replace with a filter replaces each matching value as a whole
      // (RFC 7644 §3.5.2.3: "all matching record values SHALL be replaced").
      for (const auto& sd : def.sub_attributes) {
        if (sd.mutability != Mutability::kImmutable) continue;
        const Json* nv = FindKeyCi(normalized, sd.name);
        if (auto s = CheckImmutable(sd, FindKeyCi(element, sd.name), nv && !nv->is_null() ? nv : nullptr,
                                    name + "." + sd.name);
            !s.ok())
          return s;
      }
      element = WithoutNulls(normalized);
    }
  }
  return EnforcePrimary(*existing, matched, name);
}

Status MergeSchemas(Context& ctx, const Json& value) {
  if (!value.is_array()) return MakeError(ErrorCode::kInvalidValue, "`schemas` must be an array of strings");
  const SchemaRegistry& reg = SchemaRegistry::Default();
  for (const auto& urn : value) {
    if (!urn.is_string()) return MakeError(ErrorCode::kInvalidValue, "`schemas` must be an array of strings");
    const std::string& s = urn.get<std::string>();
    if (EqualsCi(s, reg.ResourceType(ctx.kind).schema)) {
      EnsureSchemaUrn(ctx.resource, ctx.kind, reg.ResourceType(ctx.kind).schema);
    } else if (const SchemaDef* ext = ExtensionNamed(ctx.kind, s)) {
      EnsureSchemaUrn(ctx.resource, ctx.kind, ext->id);
    }
    // Other URNs (clients have been seen echoing the PatchOp URN here) are
    // ignored, like other read-only data in a path-less value.
  }
  return Status::Ok();
}

Status ApplyAtPath(Context& ctx, PatchOperation::Op op, const std::string& text, const Json& value, Source source);

// The URN of an extension (or of the core schema) used as a path or as a
// key of a path-less value: its value is an object of that schema's attributes.
Status ApplySchemaObject(Context& ctx, PatchOperation::Op op, const std::string& urn, bool is_extension,
                         const Json& value, Source source) {
  if (op == PatchOperation::Op::kRemove || value.is_null()) {
    if (!is_extension) return MakeError(ErrorCode::kMutability, "the core schema cannot be removed");
    EraseAttr(ctx.resource, urn);
    DropSchemaUrn(ctx.resource, urn);
    return Status::Ok();
  }
  if (!value.is_object()) {
    return MakeError(ErrorCode::kInvalidValue, "`" + urn + "` must be an object of its attributes");
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (auto s = ApplyAtPath(ctx, op, urn + ":" + it.key(), it.value(), source); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ApplyAtPath(Context& ctx, PatchOperation::Op op, const std::string& text, const Json& value, Source source) {
  const SchemaRegistry& reg = SchemaRegistry::Default();
  // A null inside a path-less value means "unassign" (RFC 7643 §2.5).
  if (source == Source::kValueKey && value.is_null()) op = PatchOperation::Op::kRemove;

  if (EqualsCi(text, "schemas")) {
    if (op == PatchOperation::Op::kRemove) {
      if (source == Source::kValueKey) return Status::Ok();
      return MakeError(ErrorCode::kMutability, "`schemas` cannot be removed; remove the extension's URN path instead");
    }
    return MergeSchemas(ctx, value);
  }
  if (const SchemaDef* ext = ExtensionNamed(ctx.kind, text)) {
    return ApplySchemaObject(ctx, op, ext->id, true, value, source);
  }
  if (EqualsCi(text, reg.ResourceType(ctx.kind).schema)) {
    return ApplySchemaObject(ctx, op, reg.ResourceType(ctx.kind).schema, false, value, source);
  }

  auto parsed = ParsePatchPath(text);
  if (!parsed.ok()) return BadName(source, parsed.error().detail);
  const PatchPath& pp = *parsed;
  auto resolved = reg.Resolve(ctx.kind, pp.attr);
  if (!resolved) return BadName(source, "unknown attribute `" + text + "`");
  const ResolvedAttr& r = *resolved;
  const AttributeDef* after = nullptr;  // sub-attribute after a filter
  if (!pp.sub_after_filter.empty()) {
    if (!pp.filter || r.sub) return BadName(source, "`" + text + "` is not a valid attribute path");
    after = r.attr->FindSub(pp.sub_after_filter);
    if (!after) return BadName(source, "unknown attribute `" + text + "`");
  }

  // Members are a delta for the store, whatever sub-attribute or filter the path names.
  if (ctx.kind == ResourceKind::kGroup && !r.in_extension && r.attr->name == "members") {
    return ApplyMembers(ctx, op, pp, value, source);
  }
  bool read_only = r.attr->mutability == Mutability::kReadOnly ||
                   (r.sub && r.sub->mutability == Mutability::kReadOnly) ||
                   (after && after->mutability == Mutability::kReadOnly);
  if (read_only) {
    if (source == Source::kValueKey) return Status::Ok();
    return MakeError(ErrorCode::kMutability, "`" + text + "` is read-only");
  }

  if (op != PatchOperation::Op::kRemove && value.is_null()) {
    return MakeError(ErrorCode::kInvalidValue, std::string(OpName(op)) + " of `" + text + "` needs a value");
  }
  if (pp.filter) {
    if (!r.attr->multi_valued || r.attr->type != AttrType::kComplex || r.sub) {
      return BadName(source, "a value filter needs a multi-valued complex attribute: `" + text + "`");
    }
    return ApplySelected(ctx, op, r, pp.filter.get(), after, value, text);
  }
  if (r.sub) {
    if (r.attr->multi_valued) return ApplySelected(ctx, op, r, nullptr, r.sub, value, text);
    return ApplySingleSub(ctx, op, r, value, text);
  }
  return ApplyWhole(ctx, op, r, value, text);
}

Status ApplyOperation(Context& ctx, const PatchOperation& op) {
  if (!op.path) {
    if (op.op == PatchOperation::Op::kRemove) {
      return MakeError(ErrorCode::kNoTarget, "remove needs a path");
    }
    if (!op.value.is_object()) {
      return MakeError(ErrorCode::kInvalidValue,
                       std::string("a path-less ") + OpName(op.op) + " needs an object of attributes as its value");
    }
    // Each key is an attribute path (plain, dotted, URN-qualified, or an
    // extension URN holding an object), applied as if it were the op's path.
    for (auto it = op.value.begin(); it != op.value.end(); ++it) {
      if (auto s = ApplyAtPath(ctx, op.op, it.key(), it.value(), Source::kValueKey); !s.ok()) return s;
    }
    return Status::Ok();
  }
  return ApplyAtPath(ctx, op.op, *op.path, op.value, Source::kPath);
}

// Extension objects left empty are unassigned, and their URN leaves
// `schemas`; non-empty ones must be listed in `schemas`.
void TidyExtensions(Context& ctx) {
  const SchemaRegistry& reg = SchemaRegistry::Default();
  for (const auto& ext : reg.ResourceType(ctx.kind).extensions) {
    Json* obj = LookupAttr(ctx.resource, ext.schema);
    if (!obj) continue;
    if (obj->is_object() && obj->empty()) {
      EraseAttr(ctx.resource, ext.schema);
      DropSchemaUrn(ctx.resource, ext.schema);
    } else {
      EnsureSchemaUrn(ctx.resource, ctx.kind, ext.schema);
    }
  }
}

}  // namespace

core::Result<std::vector<PatchOperation>> ParsePatchRequest(const core::Json& body) {
  if (!body.is_object()) return MakeError(ErrorCode::kInvalidSyntax, "a PATCH body must be a JSON object");
  const Json* schemas = FindKeyCi(body, "schemas");
  bool has_urn = false;
  if (schemas && schemas->is_array()) {
    for (const auto& s : *schemas) {
      if (s.is_string() && EqualsCi(s.get<std::string>(), kPatchOpSchema)) has_urn = true;
    }
  }
  if (!has_urn) {
    return MakeError(ErrorCode::kInvalidValue, std::string("`schemas` must contain ") + kPatchOpSchema);
  }
  const Json* operations = FindKeyCi(body, "Operations");
  if (!operations || !operations->is_array()) {
    return MakeError(ErrorCode::kInvalidValue, "`Operations` must be an array of operations");
  }
  if (operations->empty()) return MakeError(ErrorCode::kInvalidValue, "`Operations` must not be empty");

  std::vector<PatchOperation> out;
  for (size_t i = 0; i < operations->size(); ++i) {
    const Json& raw = (*operations)[i];
    std::string where = "Operations[" + std::to_string(i) + "]";
    if (!raw.is_object()) return MakeError(ErrorCode::kInvalidValue, "`" + where + "` must be an object");
    PatchOperation op;
    const Json* name = FindKeyCi(raw, "op");
    std::string op_text = name && name->is_string() ? name->get<std::string>() : (name ? name->dump() : "");
    if (EqualsCi(op_text, "add")) {
      op.op = PatchOperation::Op::kAdd;
    } else if (EqualsCi(op_text, "remove")) {
      op.op = PatchOperation::Op::kRemove;
    } else if (EqualsCi(op_text, "replace")) {
      op.op = PatchOperation::Op::kReplace;
    } else if (!name) {
      return MakeError(ErrorCode::kInvalidValue, "`" + where + ".op` is missing");
    } else {
      return MakeError(ErrorCode::kInvalidValue,
                       "`" + where + ".op` \"" + op_text + "\" is not one of add, remove, replace");
    }
    const Json* path = FindKeyCi(raw, "path");
    if (path && !path->is_null()) {
      if (!path->is_string()) return MakeError(ErrorCode::kInvalidPath, "`" + where + ".path` must be a string");
      // An empty path is treated like an absent one (path-less).
      if (!path->get<std::string>().empty()) op.path = path->get<std::string>();
    }
    if (const Json* value = FindKeyCi(raw, "value")) op.value = *value;
    if (op.op == PatchOperation::Op::kRemove && !op.path) {
      // RFC 7644 §3.5.2.2: "If 'path' is unspecified, the operation fails
      // with HTTP status code 400 and a 'scimType' error code of 'noTarget'."
      return MakeError(ErrorCode::kNoTarget, "`" + where + "`: remove needs a path");
    }
    if (op.op != PatchOperation::Op::kRemove && op.value.is_null()) {
      return MakeError(ErrorCode::kInvalidValue, "`" + where + "`: " + OpName(op.op) + " needs a value");
    }
    out.push_back(std::move(op));
  }
  return out;
}

core::Status ApplyPatch(core::Json& resource, const std::vector<PatchOperation>& ops, ResourceKind kind,
                        std::vector<MemberChange>* member_changes) {
  // Work on a copy and swap it in only when every operation succeeded, so a
  // failing operation leaves both the resource and *member_changes untouched.
  Json work = resource.is_object() ? resource : Json::object();
  std::vector<MemberChange> members;
  Context ctx{kind, work, members};
  for (size_t i = 0; i < ops.size(); ++i) {
    Status s = ApplyOperation(ctx, ops[i]);
    if (!s.ok()) {
      Error e = s.error();
      e.detail = "Operations[" + std::to_string(i) + "] (" + OpName(ops[i].op) + "): " + e.detail;
      return e;
    }
  }
  TidyExtensions(ctx);
  if (!members.empty()) {
    if (!member_changes) return MakeError(ErrorCode::kInternal, "Group membership changed but no member_changes given");
    member_changes->insert(member_changes->end(), members.begin(), members.end());
  }
  resource = std::move(work);
  return Status::Ok();
}

}  // namespace scim
