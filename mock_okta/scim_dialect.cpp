#include "mock_okta/scim_dialect.h"

#include "core/http.h"
#include "core/secret.h"

namespace okta {

using core::Json;

const char* ClientProfileName(ClientProfile p) { return p == ClientProfile::kOinPatch ? "oin_patch" : "aiw_put"; }
std::optional<ClientProfile> ParseClientProfile(const std::string& s) {
  if (s == "oin_patch") return ClientProfile::kOinPatch;
  if (s == "aiw_put") return ClientProfile::kAiwPut;
  return std::nullopt;
}

const char* AuthModeName(AuthMode m) {
  switch (m) {
    case AuthMode::kHeaderBearer: return "header_bearer";
    case AuthMode::kBasic: return "basic";
    case AuthMode::kHeaderVerbatim: return "header_verbatim";
  }
  return "header_bearer";
}
std::optional<AuthMode> ParseAuthMode(const std::string& s) {
  if (s == "header_bearer") return AuthMode::kHeaderBearer;
  if (s == "basic") return AuthMode::kBasic;
  if (s == "header_verbatim") return AuthMode::kHeaderVerbatim;
  return std::nullopt;
}

std::string AuthorizationValue(const WireSettings& w) {
  switch (w.auth) {
    case AuthMode::kHeaderBearer: return "Bearer " + w.token;
    case AuthMode::kBasic: return "Basic " + core::Base64Encode(w.username + ":" + w.password);
    case AuthMode::kHeaderVerbatim: return w.token;
  }
  return "";
}

std::vector<Header> BuildHeaders(const WireSettings& w, const std::string& body) {
  std::vector<Header> h;
  h.push_back({"Accept", "application/scim+json"});
  h.push_back({"Accept-Charset", "utf-8"});
  if (!body.empty()) h.push_back({"Content-Type", "application/scim+json; charset=utf-8"});
  h.push_back({"User-Agent", "Okta SCIM Client 1.0.0"});
  h.push_back({"Authorization", AuthorizationValue(w)});
  if (!body.empty()) h.push_back({"Content-Length", std::to_string(body.size())});
  if (!w.host.empty()) h.push_back({"Host", w.host});
  if (w.connection_keep_alive) h.push_back({"Connection", "Keep-Alive"});
  h.push_back({"Accept-Encoding", "gzip,deflate"});
  return h;
}

std::string BuildQuery(const std::vector<std::pair<std::string, std::string>>& params, bool space_as_plus) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (!q.empty()) q += '&';
    q += k + "=" + core::UrlEncode(v, space_as_plus);
  }
  return q;
}

std::string EqFilter(const std::string& attr, const std::string& value) {
  std::string v;
  for (char c : value) {
    if (c == '"' || c == '\\') v += '\\';
    v += c;
  }
  return attr + " eq \"" + v + "\"";
}

namespace {
ScimRequest Make(const WireSettings& w, std::string method, std::string path, std::string query, std::string body) {
  ScimRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.body = std::move(body);
  r.headers = BuildHeaders(w, r.body);
  return r;
}
}  // namespace

ScimRequest ListUsersRequest(const WireSettings& w, int start_index, int count) {
  return Make(w, "GET", "/Users",
              BuildQuery({{"startIndex", std::to_string(start_index)}, {"count", std::to_string(count)}}, false), "");
}
ScimRequest ListGroupsRequest(const WireSettings& w, int start_index, int count) {
  return Make(w, "GET", "/Groups",
              BuildQuery({{"startIndex", std::to_string(start_index)}, {"count", std::to_string(count)}}, false), "");
}
ScimRequest FindUserRequest(const WireSettings& w, const std::string& attr, const std::string& value) {
  return Make(w, "GET", "/Users",
              BuildQuery({{"filter", EqFilter(attr, value)}, {"startIndex", "1"}, {"count", "100"}}, w.query_plus),
              "");
}
ScimRequest FindGroupRequest(const WireSettings& w, const std::string& display_name) {
  return Make(w, "GET", "/Groups",
              BuildQuery({{"filter", EqFilter("displayName", display_name)}, {"startIndex", "1"}, {"count", "100"}},
                         w.query_plus),
              "");
}
ScimRequest GetRequest(const WireSettings& w, const std::string& path) { return Make(w, "GET", path, "", ""); }
ScimRequest BodyRequest(const WireSettings& w, const std::string& method, const std::string& path, const Json& body) {
  return Make(w, method, path, "", core::DumpCompact(body));
}
ScimRequest DeleteRequest(const WireSettings& w, const std::string& path) { return Make(w, "DELETE", path, "", ""); }

// ---- mapping ----------------------------------------------------------------

namespace {
std::string Str(const Json& profile, const char* key) {
  auto it = profile.find(key);
  if (it == profile.end() || !it->is_string()) return "";
  return it->get<std::string>();
}
}  // namespace

std::set<std::string> AllAttributes() {
  return {"userName", "name.givenName", "name.familyName", "emails", "displayName",
          "locale",   "title",          "phoneNumbers",    "department"};
}

std::set<std::string> ChangedAttributes(const MappedUser& a, const MappedUser& b) {
  std::set<std::string> c;
  if (a.user_name != b.user_name) c.insert("userName");
  if (a.given_name != b.given_name) c.insert("name.givenName");
  if (a.family_name != b.family_name) c.insert("name.familyName");
  if (a.email != b.email) c.insert("emails");
  if (a.display_name != b.display_name) c.insert("displayName");
  if (a.locale != b.locale) c.insert("locale");
  if (a.title != b.title) c.insert("title");
  if (a.mobile_phone != b.mobile_phone) c.insert("phoneNumbers");
  if (a.department != b.department) c.insert("department");
  return c;
}

std::optional<UsernameFormat> ParseUsernameFormat(const std::string& s) {
  if (s == "okta_username") return UsernameFormat::kOktaUsername;
  if (s == "email") return UsernameFormat::kEmail;
  if (s == "email_prefix") return UsernameFormat::kEmailPrefix;
  if (s == "custom_prefix") return UsernameFormat::kCustomPrefix;
  return std::nullopt;
}
const char* UsernameFormatName(UsernameFormat f) {
  switch (f) {
    case UsernameFormat::kOktaUsername: return "okta_username";
    case UsernameFormat::kEmail: return "email";
    case UsernameFormat::kEmailPrefix: return "email_prefix";
    case UsernameFormat::kCustomPrefix: return "custom_prefix";
  }
  return "okta_username";
}

std::string AppUsername(const Json& profile, UsernameFormat format, const std::string& custom_prefix) {
  std::string login = Str(profile, "login");
  std::string email = Str(profile, "email");
  switch (format) {
    case UsernameFormat::kOktaUsername: return login;
    case UsernameFormat::kEmail: return email;
    case UsernameFormat::kEmailPrefix: return email.substr(0, email.find('@'));
    case UsernameFormat::kCustomPrefix: return custom_prefix + login;
  }
  return login;
}

MappedUser MapUser(const std::string& okta_user_id, const Json& profile, const std::string& app_username,
                   const std::string& default_locale) {
  MappedUser u;
  u.user_name = app_username;
  u.given_name = Str(profile, "firstName");
  u.family_name = Str(profile, "lastName");
  u.email = Str(profile, "email");
  u.display_name = Str(profile, "displayName");
  if (u.display_name.empty()) {
    u.display_name = u.given_name;
    if (!u.family_name.empty()) u.display_name += (u.display_name.empty() ? "" : " ") + u.family_name;
  }
  u.locale = Str(profile, "locale");
  if (u.locale.empty()) u.locale = default_locale;
  u.title = Str(profile, "title");
  u.mobile_phone = Str(profile, "mobilePhone");
  u.department = Str(profile, "department");
  u.external_id = okta_user_id;
  return u;
}

// ---- bodies -------------------------------------------------------------------

namespace {
Json NameObject(const MappedUser& u) {
  Json n = Json::object();
  if (!u.given_name.empty()) n["givenName"] = u.given_name;
  if (!u.family_name.empty()) n["familyName"] = u.family_name;
  return n;
}
Json EmailsArray(const MappedUser& u) {
  return Json::array({Json{{"primary", true}, {"value", u.email}, {"type", "work"}}});
}
Json PhonesArray(const MappedUser& u) { return Json::array({Json{{"value", u.mobile_phone}, {"type", "mobile"}}}); }

// Sets obj[key] keeping the server's spelling of the key when present.
void SetCi(Json& obj, const std::string& key, Json value) {
  if (Json* existing = core::FindKeyCi(obj, key)) {
    *existing = std::move(value);
  } else {
    obj[key] = std::move(value);
  }
}
void EraseCi(Json& obj, const std::string& key) {
  std::string k = core::KeyCi(obj, key);
  if (!k.empty()) obj.erase(k);
}

// Replaces the value of the entry of `type` (else the primary, else the
// first) in a multi-valued attribute, or creates the attribute.
void SetMultiValue(Json& obj, const std::string& attr, const std::string& type, const std::string& value,
                   const Json& fresh) {
  Json* arr = core::FindKeyCi(obj, attr);
  if (!arr || !arr->is_array() || arr->empty()) {
    SetCi(obj, attr, fresh);
    return;
  }
  Json* target = nullptr;
  for (auto& e : *arr) {
    const Json* t = core::FindKeyCi(e, "type");
    if (t && t->is_string() && core::EqualsCi(t->get<std::string>(), type)) target = &e;
  }
  if (!target) {
    for (auto& e : *arr) {
      const Json* p = core::FindKeyCi(e, "primary");
      if (p && p->is_boolean() && p->get<bool>()) target = &e;
    }
  }
  if (!target) target = &(*arr)[0];
  SetCi(*target, "value", value);
}
}  // namespace

Json UserCreateBody(const MappedUser& u, const std::string& password) {
  Json b = Json::object();
  Json schemas = Json::array({kUserSchema});
  if (!u.department.empty()) schemas.push_back(kEnterpriseSchema);
  b["schemas"] = schemas;
  b["userName"] = u.user_name;
  b["name"] = NameObject(u);
  if (!u.email.empty()) b["emails"] = EmailsArray(u);
  if (!u.display_name.empty()) b["displayName"] = u.display_name;
  if (!u.title.empty()) b["title"] = u.title;
  if (!u.mobile_phone.empty()) b["phoneNumbers"] = PhonesArray(u);
  if (!u.locale.empty()) b["locale"] = u.locale;
  b["externalId"] = u.external_id;
  b["groups"] = Json::array();
  b["password"] = password;
  b["active"] = true;
  if (!u.department.empty()) b[kEnterpriseSchema] = Json{{"department", u.department}};
  return b;
}

Json MergeUserForPut(const Json& server_user, const MappedUser& u, const std::set<std::string>& changed,
                     std::optional<bool> active, const std::optional<std::string>& password) {
  Json b = server_user.is_object() ? server_user : Json::object();
  auto has = [&](const char* k) { return changed.count(k) > 0; };
  if (has("userName")) SetCi(b, "userName", u.user_name);
  if (has("name.givenName") || has("name.familyName")) {
    Json* name = core::FindKeyCi(b, "name");
    if (!name || !name->is_object()) {
      SetCi(b, "name", Json::object());
      name = core::FindKeyCi(b, "name");
    }
    if (has("name.givenName")) {
      if (u.given_name.empty()) EraseCi(*name, "givenName"); else SetCi(*name, "givenName", u.given_name);
    }
    if (has("name.familyName")) {
      if (u.family_name.empty()) EraseCi(*name, "familyName"); else SetCi(*name, "familyName", u.family_name);
    }
  }
  if (has("emails") && !u.email.empty()) SetMultiValue(b, "emails", "work", u.email, EmailsArray(u));
  if (has("displayName")) {
    if (u.display_name.empty()) EraseCi(b, "displayName"); else SetCi(b, "displayName", u.display_name);
  }
  if (has("locale") && !u.locale.empty()) SetCi(b, "locale", u.locale);
  if (has("title")) {
    if (u.title.empty()) EraseCi(b, "title"); else SetCi(b, "title", u.title);
  }
  if (has("phoneNumbers") && !u.mobile_phone.empty())
    SetMultiValue(b, "phoneNumbers", "mobile", u.mobile_phone, PhonesArray(u));
  if (has("department") && !u.department.empty()) {
    Json* ext = core::FindKeyCi(b, kEnterpriseSchema);
    if (!ext || !ext->is_object()) {
      SetCi(b, kEnterpriseSchema, Json::object());
      ext = core::FindKeyCi(b, kEnterpriseSchema);
    }
    SetCi(*ext, "department", u.department);
    Json* schemas = core::FindKeyCi(b, "schemas");
    if (schemas && schemas->is_array()) {
      bool present = false;
      for (const auto& s : *schemas) present = present || (s.is_string() && s.get<std::string>() == kEnterpriseSchema);
      if (!present) schemas->push_back(kEnterpriseSchema);
    }
  }
  if (password) SetCi(b, "password", *password);
  if (active) SetCi(b, "active", *active);
  return b;
}

Json PatchActiveBody(bool active) {
  return Json{{"schemas", Json::array({kPatchOpSchema})},
              {"Operations", Json::array({Json{{"op", "replace"}, {"value", Json{{"active", active}}}}})}};
}

Json PatchPasswordBody(const std::string& password) {
  return Json{{"schemas", Json::array({kPatchOpSchema})},
              {"Operations", Json::array({Json{{"op", "replace"}, {"value", Json{{"password", password}}}}})}};
}

namespace {
Json MembersArray(const std::vector<Member>& members) {
  Json a = Json::array();
  for (const auto& m : members) a.push_back(Json{{"value", m.value}, {"display", m.display}});
  return a;
}
}  // namespace

Json GroupCreateBody(const std::string& display_name) {
  return Json{{"schemas", Json::array({kGroupSchema})}, {"displayName", display_name}, {"members", Json::array()}};
}

Json GroupPutBody(const std::string& id, const std::string& display_name, const std::vector<Member>& members) {
  Json b = Json::object();
  b["schemas"] = Json::array({kGroupSchema});
  if (!id.empty()) b["id"] = id;
  b["displayName"] = display_name;
  b["members"] = MembersArray(members);
  return b;
}

Json GroupMembersPatchBody(const std::vector<std::string>& remove_ids, const std::vector<Member>& add) {
  Json ops = Json::array();
  for (const auto& id : remove_ids) {
    ops.push_back(Json{{"op", "remove"}, {"path", "members[value eq \"" + id + "\"]"}});
  }
  if (!add.empty()) ops.push_back(Json{{"op", "add"}, {"path", "members"}, {"value", MembersArray(add)}});
  return Json{{"schemas", Json::array({kPatchOpSchema})}, {"Operations", ops}};
}

Json GroupReplaceMembersPatchBody(const std::vector<Member>& all) {
  return Json{{"schemas", Json::array({kPatchOpSchema})},
              {"Operations", Json::array({Json{{"op", "replace"}, {"path", "members"}, {"value", MembersArray(all)}}})}};
}

Json GroupRenamePatchBody(const std::string& id, const std::string& display_name) {
  return Json{{"schemas", Json::array({kPatchOpSchema})},
              {"Operations", Json::array({Json{{"op", "replace"},
                                               {"value", Json{{"id", id}, {"displayName", display_name}}}}})}};
}

std::vector<Json> BatchedMembersPatches(const std::vector<std::string>& remove_ids, const std::vector<Member>& add,
                                        int batch) {
  if (batch < 1) batch = 1;
  std::vector<Json> out;
  std::vector<std::string> rm;
  std::vector<Member> ad;
  auto flush = [&] {
    if (rm.empty() && ad.empty()) return;
    out.push_back(GroupMembersPatchBody(rm, ad));
    rm.clear();
    ad.clear();
  };
  for (const auto& id : remove_ids) {
    rm.push_back(id);
    if (static_cast<int>(rm.size() + ad.size()) >= batch) flush();
  }
  for (const auto& m : add) {
    ad.push_back(m);
    if (static_cast<int>(rm.size() + ad.size()) >= batch) flush();
  }
  flush();
  return out;
}

std::vector<Json> ListResources(const Json& list) {
  std::vector<Json> out;
  if (!list.is_object()) return out;
  const Json* r = core::FindKeyCi(list, "Resources");
  if (!r || !r->is_array()) return out;
  for (const auto& e : *r) out.push_back(e);
  return out;
}

std::optional<long long> ListTotal(const Json& list) {
  if (!list.is_object()) return std::nullopt;
  const Json* t = core::FindKeyCi(list, "totalResults");
  if (!t || !t->is_number_integer()) return std::nullopt;
  return t->get<long long>();
}

std::string RemoteErrorDetail(const std::string& body) {
  auto j = core::ParseJson(body);
  if (!j.ok()) {
    std::string head = body.substr(0, 80);
    return body.empty() ? "(empty body)" : "Invalid JSON: Unrecognized token '" + head + "'";
  }
  if (const Json* d = core::FindKeyCi(*j, "detail"); d && d->is_string()) return d->get<std::string>();
  return core::DumpCompact(*j).substr(0, 200);
}

}  // namespace okta
