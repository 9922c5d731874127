#include "scim_server/resource.h"

#include <algorithm>
#include <sstream>

#include "core/clock.h"

namespace scim {

using core::EqualsCi;
using core::Error;
using core::ErrorCode;
using core::Json;

namespace {

Error Invalid(const std::string& detail) { return Error{ErrorCode::kInvalidValue, detail}; }

bool IsEmptyArray(const Json& v) { return v.is_array() && v.empty(); }

// Checks one (single) value against its definition; `where` names it in errors.
// Returns the canonical value (complex sub-attribute names canonicalised).
core::Result<Json> CheckValue(const AttributeDef& def, const Json& v, const std::string& where);

core::Result<Json> CheckSingle(const AttributeDef& def, const Json& v, const std::string& where) {
  switch (def.type) {
    case AttrType::kString:
    case AttrType::kReference:
    case AttrType::kBinary:
      if (!v.is_string()) return Invalid("attribute '" + where + "' must be a string");
      return v;
    case AttrType::kDateTime:
      if (!v.is_string() || !core::ParseIso8601(v.get<std::string>()))
        return Invalid("attribute '" + where + "' must be an xsd:dateTime string");
      return v;
    case AttrType::kBoolean:
      if (!v.is_boolean()) return Invalid("attribute '" + where + "' must be a boolean (true or false)");
      return v;
    case AttrType::kInteger:
      if (!v.is_number_integer()) return Invalid("attribute '" + where + "' must be an integer");
      return v;
    case AttrType::kDecimal:
      if (!v.is_number()) return Invalid("attribute '" + where + "' must be a number");
      return v;
    case AttrType::kComplex: {
      if (!v.is_object()) return Invalid("attribute '" + where + "' must be an object");
      Json out = Json::object();
      for (auto it = v.begin(); it != v.end(); ++it) {
        const AttributeDef* sub = def.FindSub(it.key());
        if (!sub) return Invalid("unknown attribute '" + where + "." + it.key() + "'");
        if (it.value().is_null()) continue;
        if (sub->mutability == Mutability::kReadOnly && def.name != "members") continue;
        auto checked = CheckValue(*sub, it.value(), where + "." + sub->name);
        if (!checked.ok()) return checked.error();
        out[sub->name] = std::move(*checked);
      }
      return out;
    }
  }
  return v;
}

core::Result<Json> CheckValue(const AttributeDef& def, const Json& v, const std::string& where) {
  if (!def.multi_valued) return CheckSingle(def, v, where);
  if (!v.is_array()) return Invalid("attribute '" + where + "' is multi-valued and must be an array");
  Json out = Json::array();
  int primaries = 0;
  for (const auto& el : v) {
    if (el.is_null()) continue;
    auto checked = CheckSingle(def, el, where);
    if (!checked.ok()) return checked.error();
    if (checked->is_object()) {
      auto p = checked->find("primary");
      if (p != checked->end() && p->is_boolean() && p->get<bool>()) ++primaries;
    }
    out.push_back(std::move(*checked));
  }
  if (primaries > 1) return Invalid("attribute '" + where + "' has more than one value with \"primary\": true");
  return out;
}

// Builds a CanonicalResource from a body, one top-level key at a time.
class Canonicalizer {
 public:
  explicit Canonicalizer(ResourceKind kind)
      : kind_(kind),
        reg_(SchemaRegistry::Default()),
        rt_(reg_.ResourceType(kind)),
        core_schema_(reg_.FindSchema(rt_.schema)),
        schemas_(Json::array({rt_.schema})) {}

  core::Status Add(const std::string& key, const Json& v) {
    if (EqualsCi(key, "schemas")) return AddSchemas(v);
    // An extension object under its URN key.
    const SchemaExtensionRef* ext_ref = nullptr;
    for (const auto& ext : rt_.extensions) {
      if (EqualsCi(key, ext.schema)) ext_ref = &ext;
    }
    if (ext_ref) return AddExtensionObject(*ext_ref, key, v);
    // Common attributes: id and meta are read-only and ignored (Okta echoes them in PUT).
    if (const AttributeDef* common = reg_.Common().Find(key)) {
      if (common->mutability == Mutability::kReadOnly || v.is_null()) return core::Status::Ok();
      auto checked = CheckValue(*common, v, common->name);
      if (!checked.ok()) return checked.error();
      attrs_[common->name] = std::move(*checked);
      return core::Status::Ok();
    }
    return AddAttribute(key, v);
  }

  core::Result<CanonicalResource> Finish() {
    // Required attributes.
    for (const auto& a : core_schema_->attributes) {
      if (!a.required) continue;
      auto f = attrs_.find(a.name);
      if (f == attrs_.end() || (f->is_string() && f->get<std::string>().empty()))
        return Invalid("attribute '" + a.name + "' is required");
    }
    Json data = Json::object();
    for (auto e = extensions_.begin(); e != extensions_.end(); ++e) {
      if (e.value().empty()) continue;
      ListSchema(e.key());
    }
    // Only list extensions that carry data.
    Json kept = Json::array();
    for (const auto& s : schemas_) {
      const std::string urn = s.get<std::string>();
      if (urn == rt_.schema || (extensions_.contains(urn) && !extensions_[urn].empty())) kept.push_back(urn);
    }
    data["schemas"] = kept;
    for (auto a = attrs_.begin(); a != attrs_.end(); ++a) data[a.key()] = a.value();
    for (auto e = extensions_.begin(); e != extensions_.end(); ++e) {
      if (!e.value().empty()) data[e.key()] = e.value();
    }
    out_.data = std::move(data);
    return std::move(out_);
  }

 private:
  void ListSchema(const std::string& urn) {
    if (std::find(schemas_.begin(), schemas_.end(), Json(urn)) == schemas_.end()) schemas_.push_back(urn);
  }

  Json& ExtensionObject(const std::string& urn) {
    Json& target = extensions_[urn];
    if (!target.is_object()) target = Json::object();
    return target;
  }

  // `schemas`: the core URN and known extension URNs.
  core::Status AddSchemas(const Json& v) {
    if (!v.is_array()) return Error{ErrorCode::kInvalidSyntax, "'schemas' must be an array of schema URNs"};
    for (const auto& s : v) {
      if (!s.is_string()) return Error{ErrorCode::kInvalidSyntax, "'schemas' must be an array of schema URNs"};
      const std::string urn = s.get<std::string>();
      if (EqualsCi(urn, rt_.schema)) continue;
      bool known = false;
      for (const auto& ext : rt_.extensions) {
        if (EqualsCi(urn, ext.schema)) {
          known = true;
          ListSchema(ext.schema);
        }
      }
      if (!known) return Invalid("unknown schema '" + urn + "' for resource type " + rt_.name);
    }
    return core::Status::Ok();
  }

  core::Status AddExtensionObject(const SchemaExtensionRef& ext_ref, const std::string& key, const Json& v) {
    if (v.is_null()) return core::Status::Ok();
    if (!v.is_object()) return Invalid("extension '" + key + "' must be an object");
    const SchemaDef* ext_schema = reg_.FindSchema(ext_ref.schema);
    Json& target = ExtensionObject(ext_ref.schema);
    for (auto e = v.begin(); e != v.end(); ++e) {
      if (EqualsCi(e.key(), "schemas")) continue;  // the URN repeated inside its object: ignored
      const AttributeDef* def = ext_schema->Find(e.key());
      if (!def) return Invalid("unknown attribute '" + e.key() + "' in extension " + ext_ref.schema);
      if (e.value().is_null() || def->mutability == Mutability::kReadOnly) continue;
      auto checked = CheckValue(*def, e.value(), def->name);
      if (!checked.ok()) return checked.error();
      if (IsEmptyArray(*checked)) {
        target.erase(def->name);
        continue;
      }
      target[def->name] = std::move(*checked);
    }
    return core::Status::Ok();
  }

  // An attribute of the core schema, or one named with its URN
  // ("urn:...:User:userName", possibly an extension's).
  core::Status AddAttribute(const std::string& key, const Json& v) {
    const AttributeDef* def = nullptr;
    bool in_ext = false;
    std::string ext_urn;
    if (key.size() > 4 && EqualsCi(key.substr(0, 4), "urn:")) {
      auto r = reg_.Resolve(kind_, SchemaRegistry::SplitPath(key));
      if (!r || r->sub) return Invalid("unknown attribute '" + key + "'");
      def = r->attr;
      in_ext = r->in_extension;
      ext_urn = r->schema->id;
    } else {
      def = core_schema_->Find(key);
    }
    if (!def) return Invalid("unknown attribute '" + key + "' for resource type " + rt_.name);
    if (v.is_null()) return core::Status::Ok();
    if (def->mutability == Mutability::kReadOnly) return core::Status::Ok();  // e.g. a User's groups
    if (def->mutability == Mutability::kWriteOnly && def->name == "password") {
      if (!v.is_string()) return Invalid("attribute 'password' must be a string");
      return core::Status::Ok();  // accepted and never stored: the sandbox authenticates nobody
    }
    if (kind_ == ResourceKind::kGroup && def->name == "members") return SetMembers(*def, v);
    auto checked = CheckValue(*def, v, def->name);
    if (!checked.ok()) return checked.error();
    if (IsEmptyArray(*checked)) return core::Status::Ok();  // RFC 7643 §2.5: same as unassigned
    if (in_ext) {
      ExtensionObject(ext_urn)[def->name] = std::move(*checked);
      ListSchema(ext_urn);
    } else {
      attrs_[def->name] = std::move(*checked);
    }
    return core::Status::Ok();
  }

  // A Group's `members`: kept as ids, not as data.
  core::Status SetMembers(const AttributeDef& def, const Json& v) {
    if (!v.is_array()) return Invalid("attribute 'members' is multi-valued and must be an array");
    std::vector<std::string> ids;
    for (const auto& m : v) {
      if (!m.is_object()) return Invalid("each of 'members' must be an object with a 'value'");
      const Json* value = core::FindKeyCi(m, "value");
      if (!value || !value->is_string() || value->get<std::string>().empty())
        return Invalid("each of 'members' needs a non-empty string 'value' (the member's id)");
      for (auto s = m.begin(); s != m.end(); ++s) {
        if (!def.FindSub(s.key())) return Invalid("unknown attribute 'members." + s.key() + "'");
      }
      ids.push_back(value->get<std::string>());
    }
    out_.member_ids = std::move(ids);
    return core::Status::Ok();
  }

  ResourceKind kind_;
  const SchemaRegistry& reg_;
  const ResourceTypeDef& rt_;
  const SchemaDef* core_schema_;
  CanonicalResource out_;
  Json schemas_;
  Json attrs_ = Json::object();
  Json extensions_ = Json::object();
};

}  // namespace

core::Result<CanonicalResource> CanonicalizeResource(const Json& body, ResourceKind kind) {
  if (!body.is_object()) return Error{ErrorCode::kInvalidSyntax, "the request body must be a JSON object"};
  Canonicalizer canon(kind);
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (auto s = canon.Add(it.key(), it.value()); !s.ok()) return s.error();
  }
  return canon.Finish();
}

std::string ETagFor(int64_t version) { return "W/\"" + std::to_string(version) + "\""; }

namespace {
// RFC 7643 §2.5: an empty multi-valued attribute is the same as an unassigned
// one, and responses leave it out (clients compare by presence); also inside
// extension objects. Data stored before this rule may still hold `[]`.
Json WithoutEmptyArrays(const Json& object) {
  Json out = Json::object();
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (IsEmptyArray(it.value())) continue;
    out[it.key()] = it.value().is_object() ? WithoutEmptyArrays(it.value()) : it.value();
  }
  return out;
}

// `schemas` first (the core URN when the data has none), then `id`, then the data.
Json RenderedData(const Json& data, const char* core_urn, const std::string& id) {
  Json out = Json::object();
  out["schemas"] = data.contains("schemas") ? data["schemas"] : Json::array({core_urn});
  out["id"] = id;
  Json rest = WithoutEmptyArrays(data);
  for (auto it = rest.begin(); it != rest.end(); ++it) {
    if (it.key() != "schemas") out[it.key()] = it.value();
  }
  return out;
}

Json MetaJson(const char* type, const ResourceMeta& meta, const std::string& location) {
  return Json{{"resourceType", type},
              {"created", meta.created},
              {"lastModified", meta.last_modified},
              {"location", location},
              {"version", ETagFor(meta.version)}};
}
}  // namespace

Json RenderUser(const Json& data, const ResourceMeta& meta, const std::vector<GroupRef>& groups,
                const std::string& base_url) {
  Json out = RenderedData(data, kUserSchema, meta.id);
  if (!groups.empty()) {
    Json g = Json::array();
    for (const auto& ref : groups) {
      g.push_back({{"value", ref.id}, {"$ref", base_url + "/Groups/" + ref.id}, {"display", ref.display}, {"type", "direct"}});
    }
    out["groups"] = std::move(g);
  }
  out["meta"] = MetaJson("User", meta, base_url + "/Users/" + meta.id);
  return out;
}

Json RenderGroup(const Json& data, const ResourceMeta& meta, const std::vector<MemberRef>& members,
                 const std::string& base_url) {
  Json out = RenderedData(data, kGroupSchema, meta.id);
  if (!members.empty()) {  // an empty member list is left out, like any empty multi-valued attribute
    Json m = Json::array();
    for (const auto& ref : members) {
      m.push_back({{"value", ref.id}, {"$ref", base_url + "/Users/" + ref.id}, {"display", ref.display}, {"type", "User"}});
    }
    out["members"] = std::move(m);
  }
  out["meta"] = MetaJson("Group", meta, base_url + "/Groups/" + meta.id);
  return out;
}

namespace {

std::vector<std::string> SplitCommaList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    auto b = item.find_first_not_of(" \t");
    auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

core::Result<std::vector<AttrPath>> ParseList(const std::string& text, ResourceKind kind, const char* param) {
  std::vector<AttrPath> out;
  const auto& reg = SchemaRegistry::Default();
  for (const auto& item : SplitCommaList(text)) {
    // A bare extension URN selects the whole extension.
    if (reg.FindSchema(item) && reg.FindSchema(item)->id != reg.ResourceType(kind).schema) {
      AttrPath p;
      p.urn = reg.FindSchema(item)->id;
      out.push_back(p);
      continue;
    }
    AttrPath p = SchemaRegistry::SplitPath(item);
    if (!reg.Resolve(kind, p))
      return Invalid(std::string("unknown attribute '") + item + "' in '" + param + "'");
    out.push_back(p);
  }
  return out;
}

// Where a resolved path lives in the rendered JSON: (extension URN or "", attribute, sub).
struct Selection {
  std::string container;  // "" for top level, else the extension URN key
  std::string attr;
  std::string sub;
};

std::optional<Selection> LocateSelection(const AttrPath& p, ResourceKind kind) {
  const auto& reg = SchemaRegistry::Default();
  if (p.attr.empty() && !p.urn.empty()) return Selection{p.urn, "", ""};
  auto r = reg.Resolve(kind, p);
  if (!r) return std::nullopt;
  return Selection{r->in_extension ? r->schema->id : "", r->attr->name, r->sub ? r->sub->name : ""};
}

bool Matches(const Selection& sel, const std::string& container, const std::string& attr) {
  return sel.container == container && (sel.attr.empty() || sel.attr == attr);
}

// Applies include (keep == true) or exclude to the attributes of one container object.
void Filter(Json& obj, const std::vector<Selection>& sels, const std::string& container, bool include) {
  Json out = Json::object();
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& key = it.key();
    std::vector<const Selection*> hits;
    for (const auto& s : sels) {
      if (Matches(s, container, key)) hits.push_back(&s);
    }
    bool whole = false;
    std::vector<std::string> subs;
    for (auto* h : hits) {
      if (h->attr.empty() || h->sub.empty()) whole = true;
      else subs.push_back(h->sub);
    }
    if (include) {
      if (whole) { out[key] = it.value(); continue; }
      if (subs.empty()) continue;
      auto keep_subs = [&](const Json& el) {
        Json o = Json::object();
        for (auto s = el.begin(); s != el.end(); ++s) {
          for (const auto& sub : subs) if (EqualsCi(s.key(), sub)) o[s.key()] = s.value();
        }
        return o;
      };
      if (it.value().is_array()) {
        Json arr = Json::array();
        for (const auto& el : it.value()) if (el.is_object()) arr.push_back(keep_subs(el));
        out[key] = arr;
      } else if (it.value().is_object()) {
        out[key] = keep_subs(it.value());
      }
    } else {
      if (whole) continue;
      if (subs.empty()) { out[key] = it.value(); continue; }
      auto drop_subs = [&](Json el) {
        for (const auto& sub : subs) {
          std::string k = core::KeyCi(el, sub);
          if (!k.empty()) el.erase(k);
        }
        return el;
      };
      if (it.value().is_array()) {
        Json arr = Json::array();
        for (const auto& el : it.value()) arr.push_back(el.is_object() ? drop_subs(el) : el);
        out[key] = arr;
      } else if (it.value().is_object()) {
        out[key] = drop_subs(it.value());
      } else {
        out[key] = it.value();
      }
    }
  }
  obj = std::move(out);
}

}  // namespace

core::Result<Projection> ParseProjection(const std::string& attributes, const std::string& excluded,
                                         ResourceKind kind) {
  Projection p;
  auto a = ParseList(attributes, kind, "attributes");
  if (!a.ok()) return a.error();
  auto e = ParseList(excluded, kind, "excludedAttributes");
  if (!e.ok()) return e.error();
  p.attributes = std::move(*a);
  p.excluded = std::move(*e);
  return p;
}

Json Project(Json full, const Projection& projection, ResourceKind kind) {
  if (projection.empty()) return full;
  const auto& reg = SchemaRegistry::Default();
  const auto& rt = reg.ResourceType(kind);
  bool include = !projection.attributes.empty();
  std::vector<Selection> sels;
  for (const auto& p : include ? projection.attributes : projection.excluded) {
    if (auto loc = LocateSelection(p, kind)) sels.push_back(*loc);
  }
  Json top = Json::object();
  Json ext_parts = Json::object();
  for (auto it = full.begin(); it != full.end(); ++it) {
    bool is_ext = false;
    for (const auto& ext : rt.extensions) is_ext = is_ext || it.key() == ext.schema;
    if (is_ext) ext_parts[it.key()] = it.value();
    else top[it.key()] = it.value();
  }
  Json id = top.value("id", Json());
  Json schemas = top.value("schemas", Json());
  Filter(top, sels, "", include);
  for (auto it = ext_parts.begin(); it != ext_parts.end(); ++it) {
    Json part = it.value();
    Filter(part, sels, it.key(), include);
    if (!part.empty()) top[it.key()] = part;
  }
  // `id` and `schemas` are returned always (RFC 7643 §7 "returned: always").
  Json out = Json::object();
  if (!schemas.is_null()) out["schemas"] = schemas;
  if (!id.is_null()) out["id"] = id;
  for (auto it = top.begin(); it != top.end(); ++it) {
    if (it.key() != "schemas" && it.key() != "id") out[it.key()] = it.value();
  }
  return out;
}

}  // namespace scim
