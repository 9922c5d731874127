// SignOn: the token endpoint (authorization_code, refresh_token,
// client_credentials), minting ID and access tokens as Okta shapes them,
// userinfo, introspection and revocation.
#include <algorithm>
#include <regex>

#include "core/secret.h"
#include "mock_okta/signon/signon.h"

namespace okta::signon {

using core::Json;

namespace {

OAuthError Err(int status, std::string error, std::string description) {
  return OAuthError{status, std::move(error), std::move(description)};
}

TokenAnswer Fail(OAuthError e) {
  TokenAnswer a;
  a.error = std::move(e);
  return a;
}

std::string Field(const std::map<std::string, std::string>& form, const char* key) {
  auto it = form.find(key);
  return it == form.end() ? std::string() : it->second;
}

int64_t Seconds(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string ClaimName(const User& u) {
  std::string first = u.profile.value("firstName", ""), last = u.profile.value("lastName", "");
  if (first.empty()) return last;
  return last.empty() ? first : first + " " + last;
}

// "user.x" / "user.profile.x" → the profile attribute; "\"text\"" → text.
std::optional<Json> Expression(const std::string& value, const User* u) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') return Json(value.substr(1, value.size() - 2));
  if (!u) return std::nullopt;
  std::string attr = value.rfind("user.profile.", 0) == 0 ? value.substr(13) : value.substr(5);
  if (attr == "id") return Json(u->id);
  if (attr == "status") return Json(u->status);
  if (!u->profile.contains(attr) || u->profile[attr].is_null()) return std::nullopt;
  return u->profile[attr];
}

bool GroupMatches(const std::string& type, const std::string& filter, const std::string& name) {
  if (type == "EQUALS") return name == filter;
  if (type == "STARTS_WITH") return name.rfind(filter, 0) == 0;
  if (type == "CONTAINS") return name.find(filter) != std::string::npos;
  if (type == "REGEX") {
    try {
      return std::regex_match(name, std::regex(filter));
    } catch (const std::exception&) {
      return false;
    }
  }
  return false;
}

}  // namespace

// ---- client authentication ----

core::Result<OidcClient> SignOn::AuthenticateClient(const ClientAuth& auth,
                                                    const std::map<std::string, std::string>& form, OAuthError* err) {
  std::string id = auth.client_id, secret = auth.client_secret;
  bool basic = false;
  if (auth.authorization.rfind("Basic ", 0) == 0) {
    std::string decoded;
    auto colon = std::string::npos;
    if (core::Base64Decode(auth.authorization.substr(6), &decoded)) colon = decoded.find(':');
    if (colon == std::string::npos) {
      *err = Err(401, "invalid_client",
                 "Client authentication failed. Either the client or the client credentials are invalid.");
      return core::MakeError(core::ErrorCode::kUnauthorized, "");
    }
    // RFC 6749 §2.3.1: form-urlencoded before base64; ids and secrets here never need it.
    id = decoded.substr(0, colon);
    secret = decoded.substr(colon + 1);
    basic = true;
  }
  (void)form;
  auto bad = [&](std::string description) -> core::Result<OidcClient> {
    *err = Err(401, "invalid_client", std::move(description));
    return core::MakeError(core::ErrorCode::kUnauthorized, "");
  };
  if (id.empty()) return bad("Client authentication failed. Either the client or the client credentials are invalid.");
  auto c = FindClient(id);
  if (!c || !c->active) return bad("Invalid value for 'client_id' parameter.");
  if (c->confidential()) {
    if (secret.empty()) {
      return bad("Client authentication failed. Either the client or the client credentials are invalid.");
    }
    if (!core::ConstantTimeEquals(secret, c->client_secret)) {
      return bad("The client secret supplied for a confidential client is invalid.");
    }
  } else if (basic || !secret.empty()) {
    return bad("Client authentication failed. Either the client or the client credentials are invalid.");
  }
  return *c;
}

// ---- token ----

TokenAnswer SignOn::Token(const std::string& server_id, const std::map<std::string, std::string>& form,
                          const ClientAuth& auth, const std::string& org_url) {
  auto as = servers_.Find(server_id);
  if (!as) return Fail(Err(404, "not_found", "Not found: Resource not found: " + server_id + " (AuthorizationServer)"));
  std::string grant = Field(form, "grant_type");
  if (grant.empty()) return Fail(Err(400, "invalid_request", "The 'grant_type' parameter is required."));
  OAuthError err;
  auto c = AuthenticateClient(auth, form, &err);
  if (!c.ok()) return Fail(err);
  if (grant != "authorization_code" && grant != "refresh_token" && grant != "client_credentials") {
    return Fail(Err(400, "unsupported_grant_type",
                    "The authorization grant type is not supported by the authorization server. Configured grant "
                    "types: [authorization_code, refresh_token, client_credentials]."));
  }
  if (!c->HasGrant(grant)) {
    return Fail(Err(400, "unauthorized_client",
                    "The client is not authorized to use the provided grant type. "
                    "Configured grant types: [" +
                        Join(c->grant_types) + "]."));
  }
  if (grant == "authorization_code") return RedeemCode(*as, *c, form, org_url);
  if (grant == "refresh_token") return RedeemRefresh(*as, *c, form, org_url);
  return ClientCredentials(*as, *c, form, org_url);
}

TokenAnswer SignOn::RedeemCode(const AuthServer& as, const OidcClient& c,
                               const std::map<std::string, std::string>& form, const std::string& org_url) {
  std::string value = Field(form, "code");
  if (value.empty()) return Fail(Err(400, "invalid_request", "The 'code' parameter is required."));
  std::string redirect = Field(form, "redirect_uri");
  std::string verifier = Field(form, "code_verifier");
  auto invalid = Err(400, "invalid_grant", "The authorization code is invalid or has expired.");
  Code code;
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = codes_.find(value);
    if (it == codes_.end() || it->second.expires <= clock_.Now() || it->second.client_id != c.client_id ||
        it->second.server_id != as.id) {
      return Fail(invalid);
    }
    code = it->second;
    if (redirect != code.redirect_uri) {
      return Fail(Err(400, "invalid_grant",
                      "The 'redirect_uri' does not match the redirection URI used in the authorization request."));
    }
    if (!code.challenge.empty()) {
      if (verifier.empty()) {
        return Fail(Err(400, "invalid_request",
                        "PKCE code verifier is required when the parameter code_challenge was used in the authorize "
                        "request."));
      }
      if (verifier.size() < 43 || verifier.size() > 128 ||
          !core::ConstantTimeEquals(PkceS256(verifier), code.challenge)) {
        return Fail(Err(400, "invalid_grant", "PKCE verification failed."));
      }
    } else if (!verifier.empty()) {
      return Fail(Err(400, "invalid_request",
                      "The 'code_verifier' parameter was given but the authorize request had no code_challenge."));
    }
    codes_.erase(it);  // one use, consumed only by a successful exchange
  }
  Grant g{as.id, c.client_id, code.user_id, code.nonce, code.sid, code.scopes, code.auth_time, code.amr};
  bool refresh = Has(code.scopes, "offline_access") && c.HasGrant("refresh_token");
  return Mint(as, c, g, refresh, "", org_url);
}

TokenAnswer SignOn::RedeemRefresh(const AuthServer& as, const OidcClient& c,
                                  const std::map<std::string, std::string>& form, const std::string& org_url) {
  std::string value = Field(form, "refresh_token");
  if (value.empty()) return Fail(Err(400, "invalid_request", "The 'refresh_token' parameter is required."));
  auto invalid = Err(400, "invalid_grant", "The refresh token is invalid or expired.");
  Grant g;
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = refresh_.find(value);
    auto now = clock_.Now();
    if (it == refresh_.end() || it->second.client_id != c.client_id || it->second.server_id != as.id ||
        it->second.last_used + std::chrono::seconds(life_.refresh_idle_s) <= now) {
      return Fail(invalid);
    }
    std::vector<std::string> scopes = it->second.scopes;
    if (!Field(form, "scope").empty()) {
      auto asked = SplitScopes(Field(form, "scope"));
      for (const auto& s : asked) {
        if (!Has(it->second.scopes, s)) {
          return Fail(Err(400, "invalid_scope",
                          "The requested scope is invalid, unknown, or malformed: it was not granted originally."));
        }
      }
      scopes = asked;
    }
    it->second.last_used = now;
    g = Grant{as.id, c.client_id, it->second.user_id, "", it->second.sid, scopes, it->second.auth_time, it->second.amr};
  }
  auto u = org_.GetUser(g.user_id);
  if (!u.ok() || u->status != "ACTIVE" || !Assigned(c, g.user_id)) return Fail(invalid);
  // Okta keeps the refresh token unless rotation is configured (not modelled).
  return Mint(as, c, g, false, value, org_url);
}

TokenAnswer SignOn::ClientCredentials(const AuthServer& as, const OidcClient& c,
                                      const std::map<std::string, std::string>& form, const std::string& org_url) {
  if (!as.custom()) {
    return Fail(Err(400, "invalid_client",
                    "Client Credentials requests to the Org Authorization Server must use the "
                    "private_key_jwt token_endpoint_auth_method."));
  }
  if (!c.confidential()) {
    return Fail(Err(400, "invalid_client", "The client credentials grant requires a confidential client."));
  }
  auto scopes = SplitScopes(Field(form, "scope"));
  if (scopes.empty()) {
    return Fail(Err(400, "invalid_scope",
                    "The authorization server resource does not have any configured default "
                    "scopes, 'scope' must be provided."));
  }
  for (const auto& s : scopes) {
    if (Has(StandardScopes(), s)) {
      return Fail(Err(400, "invalid_scope",
                      "The following scopes are not allowed for the client credentials grant: " + s + "."));
    }
  }
  if (auto e = ScopeError(as, scopes)) return Fail(Err(400, "invalid_scope", *e));
  Grant g{as.id, c.client_id, "", "", "", scopes, clock_.Now(), {}};
  return Mint(as, c, g, false, "", org_url);
}

// ---- minting ----

Json SignOn::UserClaims(const User& u, const std::vector<std::string>& scopes) {
  Json j = Json::object();
  j["sub"] = u.id;
  const Json& p = u.profile;
  if (Has(scopes, "profile")) {
    j["name"] = ClaimName(u);
    j["locale"] = p.value("locale", "en_US");
    j["preferred_username"] = p.value("login", "");
    j["given_name"] = p.value("firstName", "");
    j["family_name"] = p.value("lastName", "");
    j["zoneinfo"] = p.value("timezone", "America/Los_Angeles");
    auto t = core::ParseIso8601(u.last_updated);
    j["updated_at"] = t ? Seconds(*t) : 0;
  }
  if (Has(scopes, "email")) {
    j["email"] = p.value("email", "");
    j["email_verified"] = true;
  }
  if (Has(scopes, "phone") && p.contains("mobilePhone") && p["mobilePhone"].is_string()) {
    j["phone_number"] = p["mobilePhone"];
  }
  if (Has(scopes, "address")) {
    Json a = Json::object();
    if (p.contains("streetAddress") && p["streetAddress"].is_string()) a["street_address"] = p["streetAddress"];
    if (p.contains("city") && p["city"].is_string()) a["locality"] = p["city"];
    if (p.contains("state") && p["state"].is_string()) a["region"] = p["state"];
    if (p.contains("zipCode") && p["zipCode"].is_string()) a["postal_code"] = p["zipCode"];
    if (p.contains("countryCode") && p["countryCode"].is_string()) a["country"] = p["countryCode"];
    j["address"] = a;
  }
  return j;
}

void SignOn::AddCustomClaims(const AuthServer& as, const std::string& claim_type, const User* u,
                             const std::vector<std::string>& scopes, Json* claims) {
  std::vector<std::string> group_names;
  bool groups_loaded = false;
  for (const auto& c : as.claims) {
    if (c.status != "ACTIVE" || c.claim_type != claim_type) continue;
    if (!c.always_include &&
        std::none_of(c.scopes.begin(), c.scopes.end(), [&](const auto& s) { return Has(scopes, s); })) {
      continue;
    }
    if (c.value_type == "GROUPS") {
      if (!u) continue;
      if (!groups_loaded) {
        for (const auto& g : org_.ListGroupsOfUser(u->id)) group_names.push_back(g.name);
        groups_loaded = true;
      }
      Json names = Json::array();
      for (const auto& n : group_names) {
        if (GroupMatches(c.group_filter_type, c.value, n)) names.push_back(n);
      }
      if (!names.empty()) (*claims)[c.name] = names;  // Okta leaves an empty groups claim out
      continue;
    }
    if (auto v = Expression(c.value, u)) (*claims)[c.name] = *v;
  }
}

TokenAnswer SignOn::Mint(const AuthServer& as, const OidcClient& c, const Grant& g, bool with_refresh,
                         const std::string& refresh_token, const std::string& org_url) {
  auto key = servers_.ActiveKey(as.id);
  if (!key.ok()) return Fail(Err(500, "server_error", "The signing key is unavailable: " + key.error().detail));
  std::optional<User> user;
  if (!g.user_id.empty()) {
    auto u = org_.GetUser(g.user_id);
    if (!u.ok()) return Fail(Err(400, "invalid_grant", "The authorization code is invalid or has expired."));
    user = *u;
  }
  auto now = clock_.Now();
  int64_t iat = Seconds(now);
  std::string iss = as.Issuer(org_url);
  std::string scope_text;
  for (const auto& s : g.scopes) scope_text += (scope_text.empty() ? "" : " ") + s;

  Json at = Json::object();
  at["ver"] = 1;
  at["jti"] = "AT." + core::RandomToken(32);
  at["iss"] = iss;
  at["aud"] = as.custom() ? (as.audiences.empty() ? Json("api://default") : Json(as.audiences.front())) : Json(org_url);
  at["iat"] = iat;
  at["exp"] = iat + life_.access_token_s;
  at["cid"] = c.client_id;
  if (user) at["uid"] = user->id;
  at["scp"] = g.scopes;
  if (user) at["auth_time"] = Seconds(g.auth_time);
  at["sub"] = user ? Json(user->profile.value("login", user->id)) : Json(c.client_id);
  if (as.custom()) AddCustomClaims(as, "RESOURCE", user ? &*user : nullptr, g.scopes, &at);
  auto access = SignJwt(**key, at);
  if (!access.ok()) return Fail(Err(500, "server_error", access.error().detail));

  TokenAnswer out;
  out.body = Json::object();
  out.body["token_type"] = "Bearer";
  out.body["expires_in"] = life_.access_token_s;
  out.body["access_token"] = *access;
  out.body["scope"] = scope_text;
  std::string refresh = refresh_token;
  if (with_refresh) {
    refresh = core::RandomToken(32);
    std::lock_guard<std::mutex> lk(mu_);
    Purge();
    refresh_[refresh] = Refresh{g.server_id, g.client_id, g.user_id, g.sid, g.scopes, now, g.auth_time, g.amr};
  }
  if (!refresh.empty()) out.body["refresh_token"] = refresh;
  if (user && Has(g.scopes, "openid")) {
    Json claims = UserClaims(*user, g.scopes);
    Json id = Json::object();
    id["sub"] = user->id;
    if (claims.contains("name")) id["name"] = claims["name"];
    if (claims.contains("email")) id["email"] = claims["email"];
    id["ver"] = 1;
    id["iss"] = iss;
    id["aud"] = c.client_id;
    id["iat"] = iat;
    id["exp"] = iat + life_.id_token_s;
    id["jti"] = "ID." + core::RandomToken(32);
    id["amr"] = g.amr;
    id["idp"] = servers_.OrgId();
    if (!g.nonce.empty()) id["nonce"] = g.nonce;
    if (claims.contains("preferred_username")) id["preferred_username"] = claims["preferred_username"];
    id["auth_time"] = Seconds(g.auth_time);
    id["at_hash"] = HalfSha256(*access);
    if (as.custom()) AddCustomClaims(as, "IDENTITY", &*user, g.scopes, &id);
    auto idt = SignJwt(**key, id);
    if (!idt.ok()) return Fail(Err(500, "server_error", idt.error().detail));
    out.body["id_token"] = *idt;
  }
  Json targets = Json::array({Json{{"id", c.client_id}, {"type", "AppInstance"}, {"displayName", c.label}}});
  if (user)
    targets.push_back(Json{{"id", user->id}, {"type", "User"}, {"alternateId", user->profile.value("login", "")}});
  org_.Log("app.oauth2.as.token.grant.access_token", "OAuth2 access token is granted", "SUCCESS", "", targets,
           Json{{"authorizationServer", as.custom() ? as.id : "org"}, {"scopes", scope_text}});
  if (out.body.contains("id_token")) {
    org_.Log("app.oauth2.as.token.grant.id_token", "OAuth2 id token is granted", "SUCCESS", "", targets,
             Json::object());
  }
  if (with_refresh) {
    org_.Log("app.oauth2.as.token.grant.refresh_token", "OAuth2 refresh token is granted", "SUCCESS", "", targets,
             Json::object());
  }
  return out;
}

// ---- userinfo, introspect, revoke ----

std::optional<Json> SignOn::CheckAccessToken(const AuthServer& as, const std::string& token,
                                             const std::string& org_url) {
  if (token.size() > 16384) return std::nullopt;
  auto claims = VerifyJwt(token, servers_.PublishedKeys(as.id));
  if (!claims.ok()) return std::nullopt;
  const Json& j = *claims;
  if (j.value("iss", "") != as.Issuer(org_url) || !j.contains("exp") || !j["exp"].is_number_integer() ||
      !j.contains("jti") || !j["jti"].is_string() || j["jti"].get<std::string>().rfind("AT.", 0) != 0) {
    return std::nullopt;
  }
  if (j["exp"].get<int64_t>() <= Seconds(clock_.Now())) return std::nullopt;
  std::lock_guard<std::mutex> lk(mu_);
  if (revoked_jti_.count(j["jti"].get<std::string>())) return std::nullopt;
  return j;
}

TokenAnswer SignOn::UserInfo(const std::string& server_id, const std::string& bearer, const std::string& org_url) {
  auto as = servers_.Find(server_id);
  if (!as) return Fail(Err(404, "not_found", "Not found: Resource not found: " + server_id + " (AuthorizationServer)"));
  auto invalid = Err(401, "invalid_token", "The access token is invalid.");
  if (bearer.empty()) return Fail(invalid);
  auto at = CheckAccessToken(*as, bearer, org_url);
  if (!at || !at->contains("uid")) return Fail(invalid);
  std::vector<std::string> scopes =
      (*at)["scp"].is_array() ? (*at)["scp"].get<std::vector<std::string>>() : std::vector<std::string>{};
  if (!Has(scopes, "openid")) {
    return Fail(Err(403, "insufficient_scope",
                    "The access token must provide access to at least one of these scopes - "
                    "profile, email, address or phone"));
  }
  auto u = org_.GetUser((*at)["uid"].get<std::string>());
  if (!u.ok() || u->status != "ACTIVE") return Fail(invalid);
  TokenAnswer out;
  out.body = UserClaims(*u, scopes);
  if (as->custom()) AddCustomClaims(*as, "IDENTITY", &*u, scopes, &out.body);
  return out;
}

TokenAnswer SignOn::Introspect(const std::string& server_id, const std::map<std::string, std::string>& form,
                               const ClientAuth& auth, const std::string& org_url) {
  auto as = servers_.Find(server_id);
  if (!as) return Fail(Err(404, "not_found", "Not found: Resource not found: " + server_id + " (AuthorizationServer)"));
  OAuthError err;
  auto c = AuthenticateClient(auth, form, &err);
  if (!c.ok()) return Fail(err);
  std::string token = Field(form, "token");
  if (token.empty()) return Fail(Err(400, "invalid_request", "The 'token' parameter is required."));
  TokenAnswer out;
  out.body = Json{{"active", false}};
  if (auto at = CheckAccessToken(*as, token, org_url)) {
    Json j = Json::object();
    j["active"] = true;
    j["scope"] = [&] {
      std::string s;
      for (const auto& x : (*at)["scp"]) s += (s.empty() ? "" : " ") + x.get<std::string>();
      return s;
    }();
    j["username"] = (*at)["sub"];
    for (const char* k : {"exp", "iat", "sub", "aud", "iss", "jti"}) j[k] = (*at)[k];
    j["token_type"] = "Bearer";
    j["client_id"] = (*at)["cid"];
    if (at->contains("uid")) j["uid"] = (*at)["uid"];
    out.body = j;
    return out;
  }
  std::lock_guard<std::mutex> lk(mu_);
  auto it = refresh_.find(token);
  if (it != refresh_.end() && it->second.server_id == as->id &&
      it->second.last_used + std::chrono::seconds(life_.refresh_idle_s) > clock_.Now()) {
    std::string s;
    for (const auto& x : it->second.scopes) s += (s.empty() ? "" : " ") + x;
    out.body = Json{{"active", true},
                    {"token_type", "refresh_token"},
                    {"scope", s},
                    {"client_id", it->second.client_id},
                    {"uid", it->second.user_id},
                    {"iss", as->Issuer(org_url)}};
  }
  return out;
}

TokenAnswer SignOn::Revoke(const std::string& server_id, const std::map<std::string, std::string>& form,
                           const ClientAuth& auth, const std::string& org_url) {
  auto as = servers_.Find(server_id);
  if (!as) return Fail(Err(404, "not_found", "Not found: Resource not found: " + server_id + " (AuthorizationServer)"));
  OAuthError err;
  auto c = AuthenticateClient(auth, form, &err);
  if (!c.ok()) return Fail(err);
  std::string token = Field(form, "token");
  if (token.empty()) return Fail(Err(400, "invalid_request", "The 'token' parameter is required."));
  bool revoked = false;
  if (auto at = CheckAccessToken(*as, token, org_url)) {
    if ((*at)["cid"] == c->client_id) {
      std::lock_guard<std::mutex> lk(mu_);
      revoked_jti_[(*at)["jti"].get<std::string>()] = (*at)["exp"].get<int64_t>();
      revoked = true;
    }
  } else {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = refresh_.find(token);
    if (it != refresh_.end() && it->second.client_id == c->client_id && it->second.server_id == as->id) {
      refresh_.erase(it);
      revoked = true;
    }
  }
  if (revoked) {
    org_.Log("app.oauth2.as.token.revoke", "OAuth2 token is revoked", "SUCCESS", "",
             Json::array({Json{{"id", c->client_id}, {"type", "AppInstance"}, {"displayName", c->label}}}),
             Json::object());
  }
  // RFC 7009 §2.2: an unknown or already revoked token is not an error.
  TokenAnswer out;
  out.body = Json::object();
  return out;
}

}  // namespace okta::signon
