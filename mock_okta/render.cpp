#include "mock_okta/render.h"

#include <cctype>

#include "mock_okta/signon/oidc_app.h"

namespace okta {

using core::Json;

namespace {
Json TimeOrNull(const std::string& t) { return t.empty() ? Json(nullptr) : Json(t); }
Json Href(const std::string& url) { return Json{{"href", url}}; }
const char* Enabled(bool b) { return b ? "ENABLED" : "DISABLED"; }

std::string CamelCase(const std::string& snake) {
  std::string out;
  bool up = false;
  for (char c : snake) {
    if (c == '_') {
      up = true;
    } else {
      out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      up = false;
    }
  }
  return out;
}
std::string SnakeCase(const std::string& camel) {
  std::string out;
  for (char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}
}  // namespace

Json RenderUser(const User& u, const std::string& base) {
  Json j = Json::object();
  j["id"] = u.id;
  j["status"] = u.status;
  j["created"] = u.created;
  j["activated"] = TimeOrNull(u.activated);
  j["statusChanged"] = TimeOrNull(u.status_changed);
  j["lastLogin"] = nullptr;
  j["lastUpdated"] = u.last_updated;
  j["passwordChanged"] = TimeOrNull(u.password_changed);
  j["type"] = Json{{"id", "oty00000000000000000"}};
  j["profile"] = u.profile;
  Json creds = Json::object();
  if (!u.password.empty()) creds["password"] = Json::object();
  creds["provider"] = Json{{"type", "OKTA"}, {"name", "OKTA"}};
  j["credentials"] = creds;
  j["_links"] = Json{{"self", Href(base + "/api/v1/users/" + u.id)}};
  return j;
}

Json RenderGroup(const Group& g, const std::string& base) {
  Json j = Json::object();
  j["id"] = g.id;
  j["created"] = g.created;
  j["lastUpdated"] = g.last_updated;
  j["lastMembershipUpdated"] = g.last_membership_updated;
  j["objectClass"] = Json::array({"okta:user_group"});
  j["type"] = "OKTA_GROUP";
  j["profile"] = Json{{"name", g.name}, {"description", g.description.empty() ? Json(nullptr) : Json(g.description)}};
  j["_links"] = Json{{"self", Href(base + "/api/v1/groups/" + g.id)},
                     {"users", Href(base + "/api/v1/groups/" + g.id + "/users")},
                     {"apps", Href(base + "/api/v1/groups/" + g.id + "/apps")}};
  return j;
}

Json RenderApp(const App& a, const std::string& base) {
  Json features = Json::array();
  if (a.prov.enabled) {
    if (a.prov.import_users) features.push_back("IMPORT_NEW_USERS");
    if (a.prov.import_users) features.push_back("IMPORT_PROFILE_UPDATES");
    if (a.prov.push_new_users && a.prov.create_users) features.push_back("PUSH_NEW_USERS");
    if (a.prov.push_profile_updates && a.prov.update_attributes) features.push_back("PUSH_PROFILE_UPDATES");
    if (a.prov.deactivate_users) features.push_back("PUSH_USER_DEACTIVATION");
    if (a.prov.deactivate_users) features.push_back("REACTIVATE_USERS");
    if (a.prov.sync_password) features.push_back("PUSH_PASSWORD_UPDATES");
    if (a.prov.push_groups) features.push_back("GROUP_PUSH");
    if (a.prov.import_groups) features.push_back("IMPORT_USER_SCHEMA");
  }
  Json j = Json::object();
  j["id"] = a.id;
  j["name"] = a.name;
  j["label"] = a.label;
  j["status"] = a.status;
  j["lastUpdated"] = a.last_updated;
  j["created"] = a.created;
  j["accessibility"] = Json{{"selfService", false}, {"errorRedirectUrl", nullptr}, {"loginRedirectUrl", nullptr}};
  j["visibility"] = Json{{"autoSubmitToolbar", false},
                         {"hide", Json{{"iOS", false}, {"web", false}}},
                         {"appLinks", Json{{a.name + "_link", true}}}};
  j["features"] = features;
  j["signOnMode"] = a.sign_on_mode;
  j["credentials"] = Json{{"scheme", "EDIT_USERNAME_AND_PASSWORD"},
                          {"userNameTemplate", Json{{"template", "${source.login}"}, {"type", "BUILT_IN"}}},
                          {"revealPassword", false},
                          {"signing", Json::object()}};
  j["settings"] = a.settings.is_object() ? a.settings : Json::object();
  if (a.sign_on_mode == "OPENID_CONNECT") {
    j["credentials"] = Json{{"userNameTemplate", Json{{"template", "${source.login}"}, {"type", "BUILT_IN"}}},
                            {"signing", Json{{"kid", nullptr}}},
                            {"oauthClient", signon::RenderOauthClientCredentials(a)}};
  }
  std::string self = base + "/api/v1/apps/" + a.id;
  j["_links"] = Json{{"self", Href(self)},
                     {"users", Href(self + "/users")},
                     {"groups", Href(self + "/groups")},
                     {"deactivate", Href(self + "/lifecycle/deactivate")}};
  return j;
}

Json RenderAppUser(const AppUser& au, const std::string& base) {
  Json j = Json::object();
  j["id"] = au.user_id;
  j["externalId"] = au.external_id.empty() ? Json(nullptr) : Json(au.external_id);
  j["created"] = au.created;
  j["lastUpdated"] = au.last_updated;
  j["scope"] = au.scope;
  j["status"] = AppUserStatusName(au.status);
  j["statusChanged"] = TimeOrNull(au.status_changed);
  j["passwordChanged"] = nullptr;
  j["syncState"] = SyncStateName(au.sync_state);
  j["lastSync"] = TimeOrNull(au.last_sync);
  j["credentials"] = Json{{"userName", au.user_name}};
  j["profile"] = au.profile.is_object() ? au.profile : Json::object();
  j["_links"] = Json{{"app", Href(base + "/api/v1/apps/" + au.app_id)},
                     {"user", Href(base + "/api/v1/users/" + au.user_id)}};
  return j;
}

Json RenderAppGroup(const AppGroup& ag, const std::string& base) {
  Json j = Json::object();
  j["id"] = ag.group_id;
  j["lastUpdated"] = ag.last_updated;
  j["priority"] = ag.priority;
  j["profile"] = ag.profile.is_object() ? ag.profile : Json::object();
  j["_links"] = Json{{"app", Href(base + "/api/v1/apps/" + ag.app_id)},
                     {"group", Href(base + "/api/v1/groups/" + ag.group_id)}};
  return j;
}

Json RenderGroupPush(const GroupPush& m, const std::string& base) {
  Json j = Json::object();
  j["id"] = m.id;
  j["sourceGroupId"] = m.source_group_id;
  j["targetGroupId"] = m.target_group_id.empty() ? Json(nullptr) : Json(m.target_group_id);
  j["status"] = m.status;
  j["created"] = m.created;
  j["lastUpdated"] = m.last_updated;
  j["lastPush"] = TimeOrNull(m.last_push);
  j["errorSummary"] = m.error_summary.empty() ? Json(nullptr) : Json(m.error_summary);
  j["_links"] = Json{{"self", Href(base + "/api/v1/apps/" + m.app_id + "/group-push/mappings/" + m.id)},
                     {"app", Href(base + "/api/v1/apps/" + m.app_id)},
                     {"sourceGroup", Href(base + "/api/v1/groups/" + m.source_group_id)}};
  if (!m.target_group_id.empty()) {
    j["_links"]["targetGroup"] = Href(base + "/api/v1/apps/" + m.app_id + "/groups/" + m.target_group_id);
  }
  return j;
}

Json RenderTask(const Task& t) {
  return Json{{"id", t.id},          {"status", TaskStatusName(t.status)},   {"appId", t.app_id},
              {"userId", t.user_id}, {"groupId", t.group_id}, {"message", t.message},
              {"jobKind", JobKindName(t.job.kind)}, {"created", t.created}, {"lastUpdated", t.last_updated}};
}

Json RenderConnection(const App& a, const std::string& base) {
  const char* scheme = a.prov.auth_mode == "basic" ? "BASIC" : a.prov.auth_mode == "header_verbatim" ? "HEADER" : "TOKEN";
  std::string self = base + "/api/v1/apps/" + a.id + "/connections/default";
  Json j = Json::object();
  j["authScheme"] = scheme;
  j["status"] = a.prov.enabled ? "ENABLED" : "DISABLED";
  j["baseUrl"] = a.prov.base_url;
  j["profile"] = Json{{"authScheme", scheme}};
  j["_links"] = Json{{"self", Href(self)},
                     {a.prov.enabled ? "deactivate" : "activate",
                      Href(self + (a.prov.enabled ? "/lifecycle/deactivate" : "/lifecycle/activate"))}};
  return j;
}

Json RenderProvisioningFeature(const App& a, const std::string& base) {
  const Provisioning& p = a.prov;
  Json caps = Json::object();
  caps["create"] = Json{{"lifecycleCreate", Json{{"status", Enabled(p.create_users)}}}};
  caps["update"] = Json{{"lifecycleDeactivate", Json{{"status", Enabled(p.deactivate_users)}}},
                        {"profile", Json{{"status", Enabled(p.update_attributes)}}},
                        {"password", Json{{"status", Enabled(p.sync_password)}, {"seed", "RANDOM"}, {"change", "KEEP_EXISTING"}}}};
  Json j = Json::object();
  j["name"] = "USER_PROVISIONING";
  j["status"] = Enabled(p.enabled);
  j["description"] = "User provisioning settings from Okta to a downstream application";
  j["capabilities"] = caps;
  j["_links"] = Json{{"self", Href(base + "/api/v1/apps/" + a.id + "/features/USER_PROVISIONING")}};
  return j;
}

Json RenderSettings(const Provisioning& p) {
  nlohmann::json flat = p;
  Json out = Json::object();
  for (auto it = flat.begin(); it != flat.end(); ++it) out[CamelCase(it.key())] = Json(it.value());
  // Never echo secrets.
  if (!p.token.empty()) out["token"] = "********";
  if (!p.basic_password.empty()) out["basicPassword"] = "********";
  return out;
}

core::Status ApplySettings(const Json& body, Provisioning* p) {
  if (!body.is_object()) return core::MakeError(core::ErrorCode::kInvalidValue, "settings: must be a JSON object");
  nlohmann::json flat = *p;
  for (auto it = body.begin(); it != body.end(); ++it) {
    std::string key = SnakeCase(it.key());
    if (!flat.contains(key)) return core::MakeError(core::ErrorCode::kInvalidValue, it.key() + ": unknown setting");
    nlohmann::json v = nlohmann::json(it.value());
    if (v.type() != flat[key].type() && !(v.is_number_integer() && flat[key].is_number())) {
      return core::MakeError(core::ErrorCode::kInvalidValue, it.key() + ": wrong type");
    }
    flat[key] = v;
  }
  *p = flat.get<Provisioning>();
  return core::Status::Ok();
}

core::Status ApplyConnection(const Json& body, Provisioning* p) {
  if (!body.is_object()) return core::MakeError(core::ErrorCode::kInvalidValue, "profile: The field is required");
  const Json* profile = core::FindKeyCi(body, "profile");
  if (!profile || !profile->is_object()) return core::MakeError(core::ErrorCode::kInvalidValue, "profile: The field is required");
  std::string scheme = profile->value("authScheme", "TOKEN");
  if (scheme == "TOKEN") {
    p->auth_mode = "header_bearer";
    p->token = profile->value("token", "");
  } else if (scheme == "HEADER") {
    p->auth_mode = "header_verbatim";
    p->token = profile->value("token", "");
  } else if (scheme == "BASIC") {
    p->auth_mode = "basic";
    p->basic_username = profile->value("username", "");
    p->basic_password = profile->value("password", "");
  } else {
    return core::MakeError(core::ErrorCode::kInvalidValue, "profile.authScheme: must be TOKEN, BASIC or HEADER");
  }
  std::string base_url = body.value("baseUrl", profile->value("baseUrl", p->base_url));
  p->base_url = base_url;
  p->scim_enabled = true;
  return core::Status::Ok();
}

core::Status ApplyProvisioningFeature(const Json& body, Provisioning* p) {
  if (!body.is_object()) return core::MakeError(core::ErrorCode::kInvalidValue, "capabilities: must be an object");
  const Json& caps = body.contains("capabilities") ? body["capabilities"] : body;
  auto flag = [&](const Json& parent, const char* key, bool* out) {
    if (parent.is_object() && parent.contains(key) && parent[key].is_object() && parent[key].contains("status")) {
      *out = parent[key]["status"] == "ENABLED";
    }
  };
  if (caps.contains("create")) flag(caps["create"], "lifecycleCreate", &p->create_users);
  if (caps.contains("update")) {
    flag(caps["update"], "lifecycleDeactivate", &p->deactivate_users);
    flag(caps["update"], "profile", &p->update_attributes);
    flag(caps["update"], "password", &p->sync_password);
  }
  return core::Status::Ok();
}

}  // namespace okta
