#include "mock_okta/signon/auth_servers.h"

#include <algorithm>
#include <regex>

#include "core/log.h"
#include "core/secret.h"

namespace okta::signon {

using core::Json;

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Scope, id, name, description, consent, system, is_default)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Claim, id, name, status, claim_type, value_type, value,
                                                group_filter_type, always_include, scopes, system)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AuthServer, id, name, description, audiences, scopes, claims, created,
                                                last_updated)

namespace {

// The macros above convert with nlohmann::json; the store speaks core::Json (ordered).
Json ToDoc(const AuthServer& s) { return Json::parse(nlohmann::json(s).dump()); }
AuthServer FromDoc(const Json& j) { return nlohmann::json::parse(j.dump()).get<AuthServer>(); }

core::Error InvalidServer(const std::string& why) { return core::MakeError(core::ErrorCode::kInvalidValue, why); }

std::string KeyDocId(const std::string& server_id) { return server_id.empty() ? "org" : server_id; }

// A scope or claim name: Okta allows printable characters without spaces.
bool ValidName(const std::string& n) {
  if (n.empty() || n.size() > 255) return false;
  return std::all_of(n.begin(), n.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f && c != '"'; });
}

}  // namespace

const std::vector<std::string>& StandardScopes() {
  static const std::vector<std::string> s{"openid", "profile", "email", "address", "phone", "offline_access", "groups"};
  return s;
}

bool AuthServer::HasScope(const std::string& name) const {
  if (std::find(StandardScopes().begin(), StandardScopes().end(), name) != StandardScopes().end()) {
    // The org server has no custom scopes; "groups" is an org-server scope only.
    return custom() ? name != "groups" : true;
  }
  return std::any_of(scopes.begin(), scopes.end(), [&](const Scope& s) { return s.name == name; });
}

std::string AuthServers::NowText() const { return core::FormatIso8601(clock_.Now()); }

std::string AuthServers::OrgId() {
  std::lock_guard<std::mutex> lk(mu_);
  if (!org_id_.empty()) return org_id_;
  if (auto d = store_.GetDoc("org", "org"); d && d->contains("id")) {
    org_id_ = (*d)["id"].get<std::string>();
    return org_id_;
  }
  org_id_ = ids_.NewId("00o");
  if (auto s = store_.PutDoc("org", "org", Json{{"id", org_id_}}); !s.ok()) {
    // Kept for this run; the next start draws another id (and another issuer).
    spdlog::error("mock_okta: could not save the org id: {}", s.error().detail);
  }
  return org_id_;
}

std::optional<AuthServer> AuthServers::LoadLocked(const std::string& id) {
  if (id.empty()) {
    AuthServer org;
    org.name = "Org Authorization Server";
    return org;
  }
  if (auto d = store_.GetDoc("auth_server", id)) return FromDoc(*d);
  if (id != "default") return std::nullopt;
  // The custom server every Okta org starts with.
  AuthServer s;
  s.id = "default";
  s.name = "default";
  s.description = "Default Authorization Server";
  s.audiences = {"api://default"};
  s.created = s.last_updated = NowText();
  if (auto saved = SaveLocked(s); !saved.ok()) {
    spdlog::error("mock_okta: could not save the default authorization server: {}", saved.error().detail);
    return std::nullopt;
  }
  return s;
}

core::Status AuthServers::SaveLocked(const AuthServer& s) { return store_.PutDoc("auth_server", s.id, ToDoc(s)); }

std::optional<AuthServer> AuthServers::Find(const std::string& id) {
  std::lock_guard<std::mutex> lk(mu_);
  return LoadLocked(id);
}

std::vector<AuthServer> AuthServers::ListCustom() {
  std::lock_guard<std::mutex> lk(mu_);
  LoadLocked("default");  // creates it on first use (a failed save is logged)
  std::vector<AuthServer> out;
  for (const auto& d : store_.ListDocs("auth_server")) out.push_back(FromDoc(d));
  return out;
}

core::Result<AuthServer> AuthServers::Create(const std::string& name, const std::string& description,
                                             const std::vector<std::string>& audiences) {
  if (name.empty()) return InvalidServer("name: may not be empty.");
  if (audiences.empty()) return InvalidServer("audiences: may not be empty.");
  std::lock_guard<std::mutex> lk(mu_);
  LoadLocked("default");  // creates it on first use (a failed save is logged)
  for (const auto& d : store_.ListDocs("auth_server")) {
    if (d.value("name", "") == name) return core::MakeError(core::ErrorCode::kConflict, "name: already exists.");
  }
  AuthServer s;
  s.id = ids_.NewId("aus");
  s.name = name;
  s.description = description;
  s.audiences = audiences;
  s.created = s.last_updated = NowText();
  if (auto st = SaveLocked(s); !st.ok()) return st.error();
  return s;
}

core::Result<Scope> AuthServers::AddScope(const std::string& server_id, Scope scope) {
  std::lock_guard<std::mutex> lk(mu_);
  auto s = server_id.empty() ? std::nullopt : LoadLocked(server_id);
  if (!s)
    return core::MakeError(core::ErrorCode::kNotFound,
                           "Not found: Resource not found: " + server_id + " (AuthorizationServer)");
  if (!ValidName(scope.name)) return InvalidServer("name: must be a non-empty name without spaces or quotes.");
  if (s->HasScope(scope.name))
    return core::MakeError(core::ErrorCode::kConflict, "name: A scope with this name already exists.");
  scope.id = ids_.NewId("scp");
  scope.system = false;
  s->scopes.push_back(scope);
  s->last_updated = NowText();
  if (auto st = SaveLocked(*s); !st.ok()) return st.error();
  return scope;
}

core::Result<Claim> AuthServers::AddClaim(const std::string& server_id, Claim claim) {
  std::lock_guard<std::mutex> lk(mu_);
  auto s = server_id.empty() ? std::nullopt : LoadLocked(server_id);
  if (!s)
    return core::MakeError(core::ErrorCode::kNotFound,
                           "Not found: Resource not found: " + server_id + " (AuthorizationServer)");
  for (const auto& c : s->claims) {
    if (c.name == claim.name && c.claim_type == claim.claim_type) {
      return core::MakeError(core::ErrorCode::kConflict, "name: A claim with this name already exists.");
    }
  }
  for (const auto& sc : claim.scopes) {
    if (!s->HasScope(sc))
      return InvalidServer("conditions.scopes: '" + sc + "' is not a scope of this authorization server.");
  }
  claim.id = ids_.NewId("ocl");
  s->claims.push_back(claim);
  s->last_updated = NowText();
  if (auto st = SaveLocked(*s); !st.ok()) return st.error();
  return claim;
}

core::Status AuthServers::DeleteScope(const std::string& server_id, const std::string& scope_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto s = server_id.empty() ? std::nullopt : LoadLocked(server_id);
  if (!s)
    return core::MakeError(core::ErrorCode::kNotFound,
                           "Not found: Resource not found: " + server_id + " (AuthorizationServer)");
  auto n = std::erase_if(s->scopes, [&](const Scope& x) { return x.id == scope_id; });
  if (n == 0)
    return core::MakeError(core::ErrorCode::kNotFound, "Not found: Resource not found: " + scope_id + " (OAuth2Scope)");
  return SaveLocked(*s);
}

core::Status AuthServers::DeleteClaim(const std::string& server_id, const std::string& claim_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto s = server_id.empty() ? std::nullopt : LoadLocked(server_id);
  if (!s)
    return core::MakeError(core::ErrorCode::kNotFound,
                           "Not found: Resource not found: " + server_id + " (AuthorizationServer)");
  auto n = std::erase_if(s->claims, [&](const Claim& x) { return x.id == claim_id; });
  if (n == 0)
    return core::MakeError(core::ErrorCode::kNotFound, "Not found: Resource not found: " + claim_id + " (OAuth2Claim)");
  return SaveLocked(*s);
}

// ---- keys ----

core::Result<AuthServers::KeySet*> AuthServers::KeysLocked(const std::string& server_id) {
  std::string doc_id = KeyDocId(server_id);
  if (auto it = keys_.find(doc_id); it != keys_.end()) return &it->second;
  KeySet ks;
  if (auto d = store_.GetDoc("signing_keys", doc_id); d && d->contains("keys")) {
    for (const auto& k : (*d)["keys"]) {
      auto key = SigningKey::FromPrivatePem(k.value("kid", ""), k.value("pem", ""));
      if (key.ok()) ks.keys.push_back(*key);
    }
  }
  if (ks.keys.empty()) {
    auto key = SigningKey::Generate(core::RandomToken(32));
    if (!key.ok()) return key.error();
    ks.keys.push_back(*key);
    if (auto st = SaveKeysLocked(doc_id, ks); !st.ok()) return st.error();
  }
  return &keys_.emplace(doc_id, std::move(ks)).first->second;
}

core::Status AuthServers::SaveKeysLocked(const std::string& doc_id, const KeySet& ks) {
  Json keys = Json::array();
  for (const auto& k : ks.keys) keys.push_back(Json{{"kid", k->kid()}, {"pem", k->ToPrivatePem()}});
  return store_.PutDoc("signing_keys", doc_id, Json{{"keys", keys}});
}

core::Result<std::shared_ptr<const SigningKey>> AuthServers::ActiveKey(const std::string& server_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto ks = KeysLocked(server_id);
  if (!ks.ok()) return ks.error();
  return (*ks)->keys.front();
}

std::vector<std::shared_ptr<const SigningKey>> AuthServers::PublishedKeys(const std::string& server_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto ks = KeysLocked(server_id);
  if (!ks.ok()) return {};
  return (*ks)->keys;
}

core::Result<std::string> AuthServers::RotateKey(const std::string& server_id) {
  std::lock_guard<std::mutex> lk(mu_);
  auto ks = KeysLocked(server_id);
  if (!ks.ok()) return ks.error();
  auto key = SigningKey::Generate(core::RandomToken(32));
  if (!key.ok()) return key.error();
  KeySet next;
  next.keys.push_back(*key);
  next.keys.push_back((*ks)->keys.front());
  if (auto st = SaveKeysLocked(KeyDocId(server_id), next); !st.ok()) return st.error();
  **ks = std::move(next);
  return (*key)->kid();
}

void AuthServers::Forget() {
  std::lock_guard<std::mutex> lk(mu_);
  keys_.clear();
  org_id_.clear();
}

// ---- Okta's JSON ----

Json RenderScope(const Scope& s) {
  return Json{
      {"id", s.id},           {"name", s.name},          {"description", s.description},    {"system", s.system},
      {"consent", s.consent}, {"default", s.is_default}, {"metadataPublish", "ALL_CLIENTS"}};
}

Json RenderClaim(const Claim& c) {
  Json j{{"id", c.id},
         {"name", c.name},
         {"status", c.status},
         {"claimType", c.claim_type},
         {"valueType", c.value_type},
         {"value", c.value},
         {"alwaysIncludeInToken", c.always_include},
         {"conditions", Json{{"scopes", c.scopes}}},
         {"system", c.system}};
  if (c.value_type == "GROUPS") j["group_filter_type"] = c.group_filter_type;
  return j;
}

Json RenderAuthServer(const AuthServer& s, const std::string& org_url) {
  std::string self = org_url + "/api/v1/authorizationServers/" + s.id;
  return Json{
      {"id", s.id},
      {"name", s.name},
      {"description", s.description},
      {"audiences", s.audiences},
      {"issuer", s.Issuer(org_url)},
      {"issuerMode", "ORG_URL"},
      {"status", "ACTIVE"},
      {"created", s.created},
      {"lastUpdated", s.last_updated},
      {"credentials", Json{{"signing", Json{{"rotationMode", "AUTO"}, {"use", "sig"}}}}},
      {"_links",
       Json{{"scopes", Json{{"href", self + "/scopes"}}},
            {"claims", Json{{"href", self + "/claims"}}},
            {"self", Json{{"href", self}}},
            {"metadata", Json::array({Json{{"href", s.Issuer(org_url) + "/.well-known/openid-configuration"}}})}}}};
}

core::Result<Scope> ParseScope(const Json& body) {
  Scope s;
  if (!body.contains("name") || !body["name"].is_string()) return InvalidServer("name: may not be empty.");
  s.name = body["name"].get<std::string>();
  if (body.contains("description") && body["description"].is_string()) s.description = body["description"];
  if (body.contains("consent") && body["consent"].is_string()) s.consent = body["consent"];
  if (body.contains("default") && body["default"].is_boolean()) s.is_default = body["default"];
  return s;
}

core::Result<Claim> ParseClaim(const Json& body) {
  Claim c;
  auto str = [&](const char* key) -> std::string {
    return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
  };
  c.name = str("name");
  if (!ValidName(c.name)) return InvalidServer("name: must be a non-empty name without spaces or quotes.");
  static const std::vector<std::string> reserved{"iss", "sub", "aud", "exp",       "iat", "jti", "nonce",  "cid",
                                                 "uid", "scp", "ver", "auth_time", "amr", "idp", "at_hash"};
  if (std::find(reserved.begin(), reserved.end(), c.name) != reserved.end()) {
    return InvalidServer("name: '" + c.name + "' is a reserved claim name.");
  }
  c.claim_type = str("claimType").empty() ? "RESOURCE" : str("claimType");
  if (c.claim_type != "RESOURCE" && c.claim_type != "IDENTITY") {
    return InvalidServer("claimType: must be RESOURCE or IDENTITY.");
  }
  c.value_type = str("valueType").empty() ? "EXPRESSION" : str("valueType");
  c.value = str("value");
  if (c.value_type == "GROUPS") {
    c.group_filter_type = str("group_filter_type");
    if (c.group_filter_type != "STARTS_WITH" && c.group_filter_type != "EQUALS" && c.group_filter_type != "CONTAINS" &&
        c.group_filter_type != "REGEX") {
      return InvalidServer("group_filter_type: must be STARTS_WITH, EQUALS, CONTAINS or REGEX.");
    }
    if (c.group_filter_type == "REGEX") {
      if (c.value.size() > 256) return InvalidServer("value: the regular expression is too long (256 characters at most).");
      try {
        std::regex re(c.value);
      } catch (const std::regex_error&) {
        return InvalidServer("value: not a valid regular expression.");
      }
    }
  } else if (c.value_type == "EXPRESSION") {
    bool literal = c.value.size() >= 2 && c.value.front() == '"' && c.value.back() == '"';
    if (!literal && c.value.rfind("user.", 0) != 0) {
      return InvalidServer("value: the sandbox models expressions of the form user.<attribute> or \"literal\".");
    }
  } else {
    return InvalidServer("valueType: must be EXPRESSION or GROUPS.");
  }
  if (body.contains("alwaysIncludeInToken") && body["alwaysIncludeInToken"].is_boolean()) {
    c.always_include = body["alwaysIncludeInToken"];
  }
  if (body.contains("conditions") && body["conditions"].is_object() && body["conditions"].contains("scopes") &&
      body["conditions"]["scopes"].is_array()) {
    for (const auto& s : body["conditions"]["scopes"]) {
      if (s.is_string()) c.scopes.push_back(s);
    }
  }
  if (body.contains("status") && body["status"].is_string()) c.status = body["status"];
  return c;
}

}  // namespace okta::signon
