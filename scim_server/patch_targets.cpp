#include "scim_server/patch_targets.h"

#include <cstddef>
#include <optional>
#include <utility>

namespace scim::patch {

using core::EqualsCi;
using core::Error;
using core::ErrorCode;
using core::FindKeyCi;
using core::MakeError;
using core::Result;
using core::Status;

namespace {

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

}  // namespace

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

namespace {

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

// Stores `array` as the attribute, or unassigns the attribute when it is empty.
void StoreOrErase(Json& container, const std::string& attr, Json array) {
  if (array.empty()) {
    EraseAttr(container, attr);
  } else {
    container[attr] = std::move(array);
  }
}

// remove of the whole attribute; with a value (Entra style) on a
// multi-valued attribute, just those values.
Status RemoveWhole(Context& ctx, const ResolvedAttr& r, const Json& value, const std::string& name) {
  const AttributeDef& def = *r.attr;
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

// add or replace of a whole multi-valued attribute.
Status SetMultiValued(Context& ctx, PatchOperation::Op op, const ResolvedAttr& r, const Json& value,
                      const std::string& name) {
  const AttributeDef& def = *r.attr;
  auto elements = NormalizeMulti(def, value, name);
  if (!elements.ok()) return elements.error();
  Json* container = ContainerFor(ctx, r, !elements->empty());
  if (!container) return Status::Ok();
  Json* existing = LookupAttr(*container, def.name);
  if (auto s = CheckImmutable(def, existing, &*elements, name); !s.ok()) return s;
  if (op == PatchOperation::Op::kReplace) {
    // Replace of a multi-valued attribute without a filter replaces all values.
    StoreOrErase(*container, def.name, std::move(*elements));
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

// add or replace of a whole single-valued attribute (a null value unassigns).
Status SetSingleValued(Context& ctx, const ResolvedAttr& r, const Json& value, const std::string& name) {
  const AttributeDef& def = *r.attr;
  if (value.is_null()) return RemoveWhole(ctx, r, value, name);
  auto normalized = NormalizeOne(def, value, name);
  if (!normalized.ok()) return normalized.error();
  Json* container = ContainerFor(ctx, r, true);
  Json* existing = LookupAttr(*container, def.name);
  if (def.type == AttrType::kComplex) {
    // add and replace both merge sub-attributes into a complex attribute.
    Json merged = existing ? *existing : Json::object();
    if (auto s = MergeComplex(def, merged, *normalized, name); !s.ok()) return s;
    if (auto s = CheckImmutable(def, existing, &merged, name); !s.ok()) return s;
    StoreOrErase(*container, def.name, std::move(merged));
    return Status::Ok();
  }
  if (auto s = CheckImmutable(def, existing, &*normalized, name); !s.ok()) return s;
  (*container)[def.name] = std::move(*normalized);
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

// The indexes of the object elements of `existing` that `filter` selects
// (all of them when null). Errors: kInvalidPath (the filter does not apply).
Result<std::vector<size_t>> SelectElements(const Context& ctx, const AttributeDef& def, const Json* existing,
                                           const FilterNode* filter, const std::string& name) {
  std::vector<size_t> matched;
  if (!existing || !existing->is_array()) return matched;
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
  return matched;
}

// remove of the selected elements, or of their sub-attribute `sub`.
Status RemoveSelected(Json& container, Json& existing, const AttributeDef& def, const std::vector<size_t>& matched,
                      const AttributeDef* sub, const std::string& name) {
  Json kept = Json::array();
  size_t next = 0;
  for (size_t i = 0; i < existing.size(); ++i) {
    Json element = existing[i];
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
    EraseAttr(container, def.name);
  } else {
    existing = std::move(kept);
  }
  return Status::Ok();
}

// The value of an add / replace, normalized for what the path ends at: the
// sub-attribute `sub`, else one element of `def`.
Result<Json> NormalizeSelectedValue(const AttributeDef& def, const AttributeDef* sub, const Json& value,
                                    const std::string& name) {
  if (sub) {
    if (value.is_null()) return MakeError(ErrorCode::kInvalidValue, "`" + name + "` needs a value");
    if (!TypeMatches(*sub, value)) return WrongType(name, *sub);
    return value;
  }
  return NormalizeOne(def, value, name);
}

// add with a filter that matched nothing: a new element seeded from the
// filter (see SeedFromFilter) and the value. Errors: kNoTarget otherwise.
Status AddSeededElement(Json& container, Json* existing, const AttributeDef& def, const FilterNode& filter,
                        const AttributeDef* sub, const Json& normalized, const std::string& name) {
  auto seed = SeedFromFilter(filter, def);
  if (!seed) return MakeError(ErrorCode::kNoTarget, "no value matches `" + name + "`");
  Json element = Json::object();
  element[seed->first->name] = seed->second;
  if (sub) {
    element[sub->name] = normalized;
  } else if (auto s = MergeComplex(def, element, normalized, name); !s.ok()) {
    return s;
  }
  if (!existing || !existing->is_array()) {
    container[def.name] = Json::array();
    existing = &container[def.name];
  }
  existing->push_back(std::move(element));
  return EnforcePrimary(*existing, {existing->size() - 1}, name);
}

// add / replace on one selected element.
Status UpdateElement(Json& element, PatchOperation::Op op, const AttributeDef& def, const AttributeDef* sub,
                     const Json& normalized, const std::string& name) {
  if (sub) {
    if (auto s = CheckImmutable(*sub, FindKeyCi(element, sub->name), &normalized, name); !s.ok()) return s;
    if (Json* slot = LookupAttr(element, sub->name)) {
      *slot = normalized;  // in place: keeps the element's key order
    } else {
      element[sub->name] = normalized;
    }
    return Status::Ok();
  }
  if (op == PatchOperation::Op::kAdd) return MergeComplex(def, element, normalized, name);
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
  return Status::Ok();
}

}  // namespace

Status ApplyWhole(Context& ctx, PatchOperation::Op op, const ResolvedAttr& r, const Json& value,
                  const std::string& name) {
  if (op == PatchOperation::Op::kRemove) return RemoveWhole(ctx, r, value, name);
  if (r.attr->multi_valued) return SetMultiValued(ctx, op, r, value, name);
  return SetSingleValued(ctx, r, value, name);
}

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
    if (!existing) return Status::Ok();  // nothing to unassign; see RemoveWhole
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

Status ApplySelected(Context& ctx, PatchOperation::Op op, const ResolvedAttr& r, const FilterNode* filter,
                     const AttributeDef* sub, const Json& value, const std::string& name) {
  const AttributeDef& def = *r.attr;
  Json* container = ContainerFor(ctx, r, op == PatchOperation::Op::kAdd);
  Json* existing = container ? LookupAttr(*container, def.name) : nullptr;
  auto matched = SelectElements(ctx, def, existing, filter, name);
  if (!matched.ok()) return matched.error();

  if (op == PatchOperation::Op::kRemove) {
    if (matched->empty()) {
      // RFC 7644 §3.12: noTarget when "the specified path ... contains a
      // filter that yields no match". Without a filter (`emails.display` on
      // a user with no emails) there is simply nothing to unassign.
      if (filter) return MakeError(ErrorCode::kNoTarget, "no value matches `" + name + "`");
      return Status::Ok();
    }
    return RemoveSelected(*container, *existing, def, *matched, sub, name);
  }

  auto normalized = NormalizeSelectedValue(def, sub, value, name);
  if (!normalized.ok()) return normalized.error();
  if (matched->empty()) {
    if (op == PatchOperation::Op::kReplace || !filter) {
      return MakeError(ErrorCode::kNoTarget, "no value matches `" + name + "`");
    }
    return AddSeededElement(*container, existing, def, *filter, sub, *normalized, name);
  }
  for (size_t i : *matched) {
    if (auto s = UpdateElement((*existing)[i], op, def, sub, *normalized, name); !s.ok()) return s;
  }
  return EnforcePrimary(*existing, *matched, name);
}

}  // namespace scim::patch
