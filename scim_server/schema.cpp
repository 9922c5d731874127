#include "scim_server/schema.h"

namespace scim {

namespace {

using core::EqualsCi;

// Small builders so the definitions below read like RFC 7643 §8.7.1.
AttributeDef Attr(std::string name, AttrType type, std::string description) {
  AttributeDef a;
  a.name = std::move(name);
  a.type = type;
  a.description = std::move(description);
  return a;
}
AttributeDef Str(std::string name, std::string description) {
  return Attr(std::move(name), AttrType::kString, std::move(description));
}
AttributeDef Complex(std::string name, std::string description, std::vector<AttributeDef> subs) {
  AttributeDef a = Attr(std::move(name), AttrType::kComplex, std::move(description));
  a.sub_attributes = std::move(subs);
  return a;
}
AttributeDef Multi(AttributeDef a) {
  a.multi_valued = true;
  return a;
}
AttributeDef ReadOnly(AttributeDef a) {
  a.mutability = Mutability::kReadOnly;
  return a;
}

// The sub-attributes of RFC 7643's "multi-valued attribute" pattern.
std::vector<AttributeDef> ValueSubs(std::vector<std::string> types, AttrType value_type = AttrType::kString) {
  AttributeDef type = Str("type", "A label indicating the attribute's function.");
  type.canonical_values = std::move(types);
  AttributeDef primary = Attr("primary", AttrType::kBoolean,
                              "A Boolean value indicating the 'primary' or preferred attribute value.");
  return {Attr("value", value_type, "The attribute's value."),
          Str("display", "A human-readable name, primarily used for display purposes."), type, primary};
}

SchemaDef MakeCommon() {
  SchemaDef s;
  s.id = "urn:ietf:params:scim:schemas:common";
  s.name = "Common";
  s.description = "Attributes every resource has (RFC 7643 §3.1).";
  AttributeDef id = ReadOnly(Str("id", "Unique identifier for the resource, assigned by the service provider."));
  id.case_exact = true;
  id.returned = Returned::kAlways;
  id.uniqueness = Uniqueness::kServer;
  AttributeDef external = Str("externalId", "Identifier of the resource as defined by the provisioning client.");
  external.case_exact = true;
  AttributeDef resource_type = ReadOnly(Str("resourceType", "The name of the resource type."));
  resource_type.case_exact = true;
  AttributeDef created = ReadOnly(Attr("created", AttrType::kDateTime, "When the resource was added."));
  AttributeDef modified = ReadOnly(Attr("lastModified", AttrType::kDateTime, "When the resource was last changed."));
  AttributeDef location = ReadOnly(Attr("location", AttrType::kReference, "The URI of the resource."));
  location.case_exact = true;
  location.reference_types = {"uri"};
  AttributeDef version = ReadOnly(Str("version", "The version (entity tag) of the resource."));
  version.case_exact = true;
  AttributeDef meta = ReadOnly(Complex("meta", "Resource metadata.", {resource_type, created, modified, location, version}));
  s.attributes = {id, external, meta};
  return s;
}

SchemaDef MakeUser() {
  SchemaDef s;
  s.id = kUserSchema;
  s.name = "User";
  s.description = "User Account";
  AttributeDef user_name = Str("userName", "Unique identifier for the User, typically used to authenticate.");
  user_name.required = true;
  user_name.uniqueness = Uniqueness::kServer;
  AttributeDef name = Complex(
      "name", "The components of the user's real name.",
      {Str("formatted", "The full name, formatted for display."), Str("familyName", "The family name."),
       Str("givenName", "The given name."), Str("middleName", "The middle name(s)."),
       Str("honorificPrefix", "The honorific prefix(es)."), Str("honorificSuffix", "The honorific suffix(es).")});
  AttributeDef profile_url = Attr("profileUrl", AttrType::kReference, "A fully qualified URL of the User's online profile.");
  profile_url.reference_types = {"external"};
  AttributeDef password = Str("password", "The User's cleartext password, write-only.");
  password.mutability = Mutability::kWriteOnly;
  password.returned = Returned::kNever;

  AttributeDef emails = Multi(Complex("emails", "Email addresses for the user.", ValueSubs({"work", "home", "other"})));
  AttributeDef phones = Multi(Complex("phoneNumbers", "Phone numbers for the User.",
                                      ValueSubs({"work", "home", "mobile", "fax", "pager", "other"})));
  AttributeDef ims = Multi(Complex("ims", "Instant messaging addresses for the User.",
                                   ValueSubs({"aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"})));
  AttributeDef photos = Multi(Complex("photos", "URLs of images of the User.", ValueSubs({"photo", "thumbnail"}, AttrType::kReference)));
  photos.sub_attributes[0].reference_types = {"external"};
  AttributeDef addresses = Multi(Complex(
      "addresses", "A physical mailing address for this User.",
      {Str("formatted", "The full mailing address."), Str("streetAddress", "The full street address."),
       Str("locality", "The city or locality."), Str("region", "The state or region."),
       Str("postalCode", "The zip code or postal code."), Str("country", "The country name (ISO 3166-1 alpha-2)."),
       Str("type", "work, home or other."),
       Attr("primary", AttrType::kBoolean, "The primary mailing address.")}));
  addresses.sub_attributes[6].canonical_values = {"work", "home", "other"};

  AttributeDef group_value = ReadOnly(Str("value", "The identifier of the User's group."));
  AttributeDef group_ref = ReadOnly(Attr("$ref", AttrType::kReference, "The URI of the Group."));
  group_ref.reference_types = {"User", "Group"};
  AttributeDef group_display = ReadOnly(Str("display", "The group's display name."));
  AttributeDef group_type = ReadOnly(Str("type", "direct or indirect membership."));
  group_type.canonical_values = {"direct", "indirect"};
  AttributeDef groups = ReadOnly(Multi(Complex("groups", "Groups the user belongs to, derived from Group membership.",
                                               {group_value, group_ref, group_display, group_type})));

  AttributeDef entitlements = Multi(Complex("entitlements", "Entitlements for the User.", ValueSubs({})));
  AttributeDef roles = Multi(Complex("roles", "Roles for the User.", ValueSubs({})));
  AttributeDef certs = Multi(Complex("x509Certificates", "X.509 certificates issued to the User.", ValueSubs({}, AttrType::kBinary)));

  s.attributes = {user_name,
                  name,
                  Str("displayName", "The name of the User, suitable for display to end-users."),
                  Str("nickName", "The casual way to address the user."),
                  profile_url,
                  Str("title", "The user's title, such as \"Vice President\"."),
                  Str("userType", "The organization-to-user relationship."),
                  Str("preferredLanguage", "The User's preferred written or spoken language."),
                  Str("locale", "The User's default location, e.g. en-US."),
                  Str("timezone", "The User's time zone in IANA format, e.g. America/Los_Angeles."),
                  Attr("active", AttrType::kBoolean, "The User's administrative status."),
                  password,
                  emails,
                  phones,
                  ims,
                  photos,
                  addresses,
                  groups,
                  entitlements,
                  roles,
                  certs};
  return s;
}

SchemaDef MakeEnterprise() {
  SchemaDef s;
  s.id = kEnterpriseUserSchema;
  s.name = "EnterpriseUser";
  s.description = "Enterprise User";
  AttributeDef manager_value = Str("value", "The id of the SCIM resource representing the User's manager.");
  AttributeDef manager_ref = Attr("$ref", AttrType::kReference, "The URI of the manager.");
  manager_ref.reference_types = {"User"};
  AttributeDef manager_display = ReadOnly(Str("displayName", "The displayName of the User's manager."));
  s.attributes = {Str("employeeNumber", "Numeric or alphanumeric identifier assigned to a person."),
                  Str("costCenter", "Identifies the name of a cost center."),
                  Str("organization", "Identifies the name of an organization."),
                  Str("division", "Identifies the name of a division."),
                  Str("department", "Identifies the name of a department."),
                  Complex("manager", "The User's manager.", {manager_value, manager_ref, manager_display})};
  return s;
}

SchemaDef MakeGroup() {
  SchemaDef s;
  s.id = kGroupSchema;
  s.name = "Group";
  s.description = "Group";
  AttributeDef display = Str("displayName", "A human-readable name for the Group.");
  display.required = true;
  display.uniqueness = Uniqueness::kServer;
  AttributeDef value = Str("value", "Identifier of the member of this Group.");
  value.mutability = Mutability::kImmutable;
  value.case_exact = true;
  AttributeDef ref = Attr("$ref", AttrType::kReference, "The URI of the member.");
  ref.mutability = Mutability::kImmutable;
  ref.reference_types = {"User", "Group"};
  AttributeDef member_display = ReadOnly(Str("display", "The member's display name."));
  AttributeDef type = Str("type", "The type of the member: User or Group.");
  type.mutability = Mutability::kImmutable;
  type.canonical_values = {"User", "Group"};
  s.attributes = {display, Multi(Complex("members", "A list of members of the Group.", {value, ref, member_display, type}))};
  return s;
}

}  // namespace

const char* AttrTypeName(AttrType t) {
  switch (t) {
    case AttrType::kString: return "string";
    case AttrType::kBoolean: return "boolean";
    case AttrType::kDecimal: return "decimal";
    case AttrType::kInteger: return "integer";
    case AttrType::kDateTime: return "dateTime";
    case AttrType::kReference: return "reference";
    case AttrType::kBinary: return "binary";
    case AttrType::kComplex: return "complex";
  }
  return "string";
}

const AttributeDef* AttributeDef::FindSub(std::string_view sub_name) const {
  for (const auto& s : sub_attributes) {
    if (EqualsCi(s.name, sub_name)) return &s;
  }
  return nullptr;
}

const AttributeDef* SchemaDef::Find(std::string_view attr_name) const {
  for (const auto& a : attributes) {
    if (EqualsCi(a.name, attr_name)) return &a;
  }
  return nullptr;
}

std::string AttrPath::ToString() const {
  std::string out;
  if (!urn.empty()) out = urn + ":";
  out += attr;
  if (!sub.empty()) out += "." + sub;
  return out;
}

SchemaRegistry::SchemaRegistry() : common_(MakeCommon()) {
  schemas_ = {MakeUser(), MakeEnterprise(), MakeGroup()};
  ResourceTypeDef user;
  user.kind = ResourceKind::kUser;
  user.id = user.name = "User";
  user.endpoint = "/Users";
  user.description = "User Account";
  user.schema = kUserSchema;
  user.extensions = {{kEnterpriseUserSchema, false}};
  ResourceTypeDef group;
  group.kind = ResourceKind::kGroup;
  group.id = group.name = "Group";
  group.endpoint = "/Groups";
  group.description = "Group";
  group.schema = kGroupSchema;
  resource_types_ = {user, group};
}

const SchemaRegistry& SchemaRegistry::Default() {
  static const SchemaRegistry registry;
  return registry;
}

const SchemaDef* SchemaRegistry::FindSchema(std::string_view urn) const {
  for (const auto& s : schemas_) {
    if (EqualsCi(s.id, urn)) return &s;
  }
  return nullptr;
}

const ResourceTypeDef& SchemaRegistry::ResourceType(ResourceKind kind) const {
  return kind == ResourceKind::kUser ? resource_types_[0] : resource_types_[1];
}

AttrPath SchemaRegistry::SplitPath(std::string_view text) {
  AttrPath p;
  std::string_view rest = text;
  // URN-qualified: "urn:...:<Schema>:attr[.sub]"; the attribute begins after the last ':'.
  if (rest.size() > 4 && EqualsCi(rest.substr(0, 4), "urn:")) {
    auto colon = rest.rfind(':');
    p.urn = std::string(rest.substr(0, colon));
    rest = rest.substr(colon + 1);
  }
  auto dot = rest.find('.');
  if (dot == std::string_view::npos) {
    p.attr = std::string(rest);
  } else {
    p.attr = std::string(rest.substr(0, dot));
    p.sub = std::string(rest.substr(dot + 1));
  }
  return p;
}

std::optional<ResolvedAttr> SchemaRegistry::Resolve(ResourceKind kind, const AttrPath& path) const {
  const ResourceTypeDef& rt = ResourceType(kind);
  ResolvedAttr r;
  auto finish = [&](const SchemaDef* schema, bool ext) -> std::optional<ResolvedAttr> {
    const AttributeDef* a = schema->Find(path.attr);
    if (!a) return std::nullopt;
    r.schema = schema;
    r.attr = a;
    r.in_extension = ext;
    if (!path.sub.empty()) {
      r.sub = a->FindSub(path.sub);
      if (!r.sub) return std::nullopt;
    }
    return r;
  };
  if (!path.urn.empty()) {
    if (EqualsCi(path.urn, rt.schema)) {
      if (common_.Find(path.attr)) return finish(&common_, false);
      return finish(FindSchema(rt.schema), false);
    }
    for (const auto& ext : rt.extensions) {
      if (EqualsCi(path.urn, ext.schema)) return finish(FindSchema(ext.schema), true);
    }
    return std::nullopt;
  }
  if (common_.Find(path.attr)) return finish(&common_, false);
  if (auto core_hit = finish(FindSchema(rt.schema), false)) return core_hit;
  // An unqualified name that only an extension defines (e.g. "department")
  // is accepted as that extension's attribute; RFC 7644 allows servers to
  // resolve unqualified names when unambiguous.
  for (const auto& ext : rt.extensions) {
    if (auto hit = finish(FindSchema(ext.schema), true)) return hit;
  }
  return std::nullopt;
}

namespace {

const char* MutabilityName(Mutability m) {
  switch (m) {
    case Mutability::kReadOnly: return "readOnly";
    case Mutability::kReadWrite: return "readWrite";
    case Mutability::kImmutable: return "immutable";
    case Mutability::kWriteOnly: return "writeOnly";
  }
  return "readWrite";
}
const char* ReturnedName(Returned r) {
  switch (r) {
    case Returned::kAlways: return "always";
    case Returned::kNever: return "never";
    case Returned::kDefault: return "default";
    case Returned::kRequest: return "request";
  }
  return "default";
}
const char* UniquenessName(Uniqueness u) {
  switch (u) {
    case Uniqueness::kNone: return "none";
    case Uniqueness::kServer: return "server";
    case Uniqueness::kGlobal: return "global";
  }
  return "none";
}

Json AttributeJson(const AttributeDef& a) {
  Json j = Json::object();
  j["name"] = a.name;
  j["type"] = AttrTypeName(a.type);
  j["multiValued"] = a.multi_valued;
  j["description"] = a.description;
  j["required"] = a.required;
  if (a.type != AttrType::kComplex && a.type != AttrType::kBoolean) j["caseExact"] = a.case_exact;
  if (!a.canonical_values.empty()) j["canonicalValues"] = a.canonical_values;
  j["mutability"] = MutabilityName(a.mutability);
  j["returned"] = ReturnedName(a.returned);
  if (a.type != AttrType::kComplex && a.type != AttrType::kBoolean) j["uniqueness"] = UniquenessName(a.uniqueness);
  if (!a.reference_types.empty()) j["referenceTypes"] = a.reference_types;
  if (!a.sub_attributes.empty()) {
    Json subs = Json::array();
    for (const auto& s : a.sub_attributes) subs.push_back(AttributeJson(s));
    j["subAttributes"] = subs;
  }
  return j;
}

}  // namespace

Json SchemaRegistry::SchemaJson(const SchemaDef& schema, const std::string& base_url) const {
  Json attrs = Json::array();
  for (const auto& a : schema.attributes) attrs.push_back(AttributeJson(a));
  return Json{{"schemas", Json::array({"urn:ietf:params:scim:schemas:core:2.0:Schema"})},
              {"id", schema.id},
              {"name", schema.name},
              {"description", schema.description},
              {"attributes", attrs},
              {"meta", {{"resourceType", "Schema"}, {"location", base_url + "/Schemas/" + schema.id}}}};
}

Json SchemaRegistry::ResourceTypeJson(const ResourceTypeDef& rt, const std::string& base_url) const {
  Json j = {{"schemas", Json::array({"urn:ietf:params:scim:schemas:core:2.0:ResourceType"})},
            {"id", rt.id},
            {"name", rt.name},
            {"endpoint", rt.endpoint},
            {"description", rt.description},
            {"schema", rt.schema}};
  if (!rt.extensions.empty()) {
    Json exts = Json::array();
    for (const auto& e : rt.extensions) exts.push_back({{"schema", e.schema}, {"required", e.required}});
    j["schemaExtensions"] = exts;
  }
  j["meta"] = {{"resourceType", "ResourceType"}, {"location", base_url + "/ResourceTypes/" + rt.id}};
  return j;
}

}  // namespace scim
