// SignOn: sessions, authorize, logout and discovery (tokens: signon_tokens.cpp).
#include "mock_okta/signon/signon.h"

#include <algorithm>
#include <sstream>

#include "core/secret.h"

namespace okta::signon {

using core::Json;

std::vector<std::string> SplitScopes(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string part;
  while (in >> part) {
    if (std::find(out.begin(), out.end(), part) == out.end()) out.push_back(part);
  }
  return out;
}

namespace {
constexpr size_t kMaxSessions = 100000;
}  // namespace

SignOn::SignOn(Org& org, AuthServers& servers, const core::Clock& clock, Lifetimes lifetimes)
    : org_(org), servers_(servers), clock_(clock), life_(lifetimes) {}

// ---- authentication ----

core::Result<User> SignOn::CheckPassword(const std::string& username, const std::string& password) {
  auto failed = core::MakeError(core::ErrorCode::kUnauthorized, "Authentication failed");
  if (username.empty() || password.empty() || username.size() > 256 || password.size() > 1024) return failed;
  auto u = org_.GetUser(username);
  if (!u.ok() || u->status != "ACTIVE" || u->password.empty() || !core::ConstantTimeEquals(u->password, password)) {
    org_.Log("user.session.start", "User login to Okta", "FAILURE", "INVALID_CREDENTIALS",
             Json::array({Json{{"type", "User"}, {"alternateId", username}}}), Json::object());
    return failed;
  }
  return *u;
}

std::pair<std::string, core::TimePoint> SignOn::IssueSessionToken(const User& u) {
  std::string token = core::RandomToken(24);
  auto expires = clock_.Now() + std::chrono::seconds(life_.session_token_s);
  std::lock_guard<std::mutex> lk(mu_);
  Purge();
  session_tokens_[token] = {u.id, expires};
  return {token, expires};
}

Session SignOn::StartSession(const User& u, const std::string& how) {
  Session s;
  s.id = core::RandomToken(24);
  s.user_id = u.id;
  s.created = clock_.Now();
  s.expires = s.created + std::chrono::seconds(life_.session_s);
  {
    std::lock_guard<std::mutex> lk(mu_);
    Purge();
    sessions_[s.id] = s;
  }
  org_.Log(
      "user.session.start", "User login to Okta", "SUCCESS", how,
      Json::array({Json{{"id", u.id},
                        {"type", "User"},
                        {"alternateId", u.profile.value("login", "")},
                        {"displayName", u.profile.value("firstName", "") + " " + u.profile.value("lastName", "")}}}),
      Json{{"authenticationStep", how}});
  return s;
}

std::optional<Session> SignOn::SessionFromToken(const std::string& token) {
  std::string user_id;
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = session_tokens_.find(token);
    if (it == session_tokens_.end()) return std::nullopt;
    bool live = it->second.second > clock_.Now();
    user_id = it->second.first;
    session_tokens_.erase(it);  // one use
    if (!live) return std::nullopt;
  }
  auto u = org_.GetUser(user_id);
  if (!u.ok() || u->status != "ACTIVE") return std::nullopt;
  return StartSession(*u, "sessionToken");
}

std::optional<Session> SignOn::FindSession(const std::string& sid) {
  if (sid.empty()) return std::nullopt;
  Session s;
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = sessions_.find(sid);
    if (it == sessions_.end()) return std::nullopt;
    if (it->second.expires <= clock_.Now()) {
      sessions_.erase(it);
      return std::nullopt;
    }
    s = it->second;
  }
  auto u = org_.GetUser(s.user_id);
  if (!u.ok() || u->status != "ACTIVE") return std::nullopt;  // deactivated or suspended since
  return s;
}

void SignOn::EndSession(const std::string& sid) {
  std::lock_guard<std::mutex> lk(mu_);
  sessions_.erase(sid);
}

void SignOn::Purge() {
  // Every 256 writes, drop what has expired, so memory stays bounded by what is live.
  if (++writes_ % 256 != 0) return;
  auto now = clock_.Now();
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.expires <= now; });
  std::erase_if(session_tokens_, [&](const auto& kv) { return kv.second.second <= now; });
  std::erase_if(codes_, [&](const auto& kv) { return kv.second.expires <= now; });
  std::erase_if(refresh_, [&](const auto& kv) {
    return kv.second.last_used + std::chrono::seconds(life_.refresh_idle_s) <= now;
  });
  // A bound on what is live too: beyond kMaxSessions the oldest sessions end
  // (a sign-in loop would otherwise keep every 2-hour session).
  if (sessions_.size() > kMaxSessions) {
    std::vector<std::pair<core::TimePoint, std::string>> by_age;
    by_age.reserve(sessions_.size());
    for (const auto& [id, sess] : sessions_) by_age.emplace_back(sess.created, id);
    std::sort(by_age.begin(), by_age.end());
    for (size_t i = 0; i + kMaxSessions < by_age.size(); ++i) sessions_.erase(by_age[i].second);
  }
  int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::erase_if(revoked_jti_, [&](const auto& kv) { return kv.second <= secs; });
}

void SignOn::Reset() {
  std::lock_guard<std::mutex> lk(mu_);
  sessions_.clear();
  session_tokens_.clear();
  codes_.clear();
  refresh_.clear();
  revoked_jti_.clear();
  servers_.Forget();
}

// ---- clients and assignments ----

std::optional<OidcClient> SignOn::FindClient(const std::string& client_id) {
  if (client_id.empty() || client_id.size() > 64) return std::nullopt;
  auto app = org_.GetApp(client_id);
  if (!app.ok()) return std::nullopt;
  auto c = ClientOf(*app);
  if (!c.ok()) return std::nullopt;
  return *c;
}

bool SignOn::Assigned(const OidcClient& c, const std::string& user_id) {
  return org_.GetAppUser(c.client_id, user_id).ok();
}

std::vector<User> SignOn::AssignedUsers(const std::string& client_id, int limit) {
  std::vector<User> out;
  for (const auto& au : org_.ListAppUsers(client_id)) {
    auto u = org_.GetUser(au.user_id);
    if (u.ok() && u->status == "ACTIVE") out.push_back(*u);
    if (static_cast<int>(out.size()) >= limit) break;
  }
  return out;
}

std::optional<std::string> SignOn::ScopeError(const AuthServer& as, const std::vector<std::string>& scopes) {
  for (const auto& s : scopes) {
    if (!as.HasScope(s)) return "One or more scopes are not configured for the authorization server resource.";
  }
  return std::nullopt;
}

// ---- authorize ----

namespace {

AuthorizeDecision Page(int status, std::string description) {
  AuthorizeDecision d;
  d.kind = AuthorizeDecision::kErrorPage;
  d.status = status;
  d.description = std::move(description);
  return d;
}

}  // namespace

AuthorizeDecision SignOn::Authorize(const std::string& server_id, const AuthorizeParams& p, const std::string& sid,
                                    const std::string& org_url) {
  auto as = servers_.Find(server_id);
  if (!as) return Page(404, "Not found: Resource not found: " + server_id + " (AuthorizationServer)");
  if (p.client_id.empty()) return Page(400, "The 'client_id' parameter is required.");
  auto c = FindClient(p.client_id);
  if (!c || !c->active) return Page(400, "Invalid value for 'client_id' parameter.");
  if (!p.has_redirect_uri || !c->HasRedirect(p.redirect_uri)) {
    return Page(400, "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings: " +
                         org_url + "/admin/app/oidc_client/instance/" + c->client_id + "#tab-general");
  }
  AuthorizeDecision d;
  d.kind = AuthorizeDecision::kRedirect;
  d.redirect_uri = p.redirect_uri;
  d.response_mode = p.response_mode.empty() ? "query" : p.response_mode;
  auto fail = [&](const std::string& error, const std::string& description) {
    d.params = {{"error", error}, {"error_description", description}};
    if (!p.state.empty()) d.params.emplace_back("state", p.state);
    org_.Log("app.oauth2.authorize", "OAuth2 authorization request", "FAILURE", error,
             Json::array({Json{{"id", c->client_id}, {"type", "AppInstance"}, {"displayName", c->label}}}),
             Json{{"error_description", description}});
    return d;
  };
  if (d.response_mode != "query" && d.response_mode != "fragment" && d.response_mode != "form_post") {
    d.response_mode = "query";
    return fail("invalid_request", "Invalid value for 'response_mode' parameter.");
  }
  if (p.response_type != "code") {
    return fail("unsupported_response_type",
                "The response type is not supported by the authorization server. Configured response types: [code].");
  }
  if (!c->HasGrant("authorization_code")) {
    return fail(
        "unauthorized_client",
        "The client is not authorized to use the provided grant type. Configured grant "
        "types: [" +
            [&] {
              std::string s;
              for (const auto& g : c->grant_types) s += (s.empty() ? "" : ", ") + g;
              return s;
            }() +
            "].");
  }
  if (p.state.empty()) return fail("invalid_request", "The 'state' parameter is required.");
  auto scopes = SplitScopes(p.scope);
  if (scopes.empty()) {
    return fail(
        "invalid_scope",
        "The authorization server resource does not have any configured default scopes, 'scope' must be provided.");
  }
  if (auto e = ScopeError(*as, scopes)) return fail("invalid_scope", *e);
  if (!as->custom() && std::find(scopes.begin(), scopes.end(), "openid") == scopes.end()) {
    return fail("invalid_scope", "The 'openid' scope is required by the org authorization server.");
  }
  if (!p.code_challenge.empty()) {
    if (p.code_challenge_method != "S256") {
      return fail("invalid_request", "Invalid value for 'code_challenge_method' parameter.");
    }
    if (p.code_challenge.size() < 43 || p.code_challenge.size() > 128) {
      return fail("invalid_request", "Invalid value for 'code_challenge' parameter.");
    }
  } else if (!c->confidential()) {
    return fail("invalid_request",
                "PKCE code challenge is required when the token endpoint authentication method is 'NONE'.");
  }
  if (!p.prompt.empty() && p.prompt != "none" && p.prompt != "login" && p.prompt != "consent") {
    return fail("invalid_request", "Invalid value for 'prompt' parameter.");
  }

  // Who is signing in.
  std::optional<Session> session;
  if (!p.session_token.empty()) {
    session = SessionFromToken(p.session_token);
    if (!session) return fail("access_denied", "The session token is invalid or has expired.");
    d.new_session = session;
  } else if (p.prompt != "login") {
    session = FindSession(sid);
  }
  if (!session) {
    if (p.prompt == "none") {
      return fail("login_required", "The client specified not to prompt, but the user is not logged in.");
    }
    AuthorizeDecision signin;
    signin.kind = AuthorizeDecision::kSignIn;
    return signin;
  }
  if (!Assigned(*c, session->user_id)) {
    return fail("access_denied", "User is not assigned to the client application.");
  }
  // The code.
  Code code;
  code.server_id = server_id;
  code.client_id = c->client_id;
  code.user_id = session->user_id;
  code.redirect_uri = p.redirect_uri;
  code.nonce = p.nonce;
  code.challenge = p.code_challenge;
  code.sid = session->id;
  code.scopes = scopes;
  code.auth_time = session->created;
  code.amr = session->amr;
  code.expires = clock_.Now() + std::chrono::seconds(life_.code_s);
  std::string value = core::RandomToken(32);
  {
    std::lock_guard<std::mutex> lk(mu_);
    Purge();
    codes_[value] = code;
  }
  d.params = {{"code", value}};
  if (!p.state.empty()) d.params.emplace_back("state", p.state);
  org_.Log("user.authentication.sso", "User single sign on to app", "SUCCESS", "",
           Json::array({Json{{"id", c->client_id}, {"type", "AppInstance"}, {"displayName", c->label}},
                        Json{{"id", session->user_id}, {"type", "User"}}}),
           Json{{"authorizationServer", as->custom() ? as->id : "org"}, {"scopes", p.scope}});
  return d;
}

// ---- logout ----

AuthorizeDecision SignOn::Logout(const std::string& server_id, const std::map<std::string, std::string>& q,
                                 const std::string& sid, const std::string& org_url) {
  auto as = servers_.Find(server_id);
  if (!as) return Page(404, "Not found: Resource not found: " + server_id + " (AuthorizationServer)");
  auto get = [&](const char* k) {
    auto it = q.find(k);
    return it == q.end() ? std::string() : it->second;
  };
  std::string hint = get("id_token_hint"), post = get("post_logout_redirect_uri"), state = get("state");
  if (hint.empty()) return Page(400, "The 'id_token_hint' parameter is required.");
  // The hint may have expired (Okta accepts that); its signature must be ours.
  auto claims = VerifyJwt(hint, servers_.PublishedKeys(server_id));
  if (!claims.ok() || claims->value("iss", "") != as->Issuer(org_url) || !(*claims)["aud"].is_string()) {
    return Page(400, "The 'id_token_hint' parameter is invalid.");
  }
  auto c = FindClient((*claims)["aud"].get<std::string>());
  if (!c) return Page(400, "The 'id_token_hint' parameter is invalid.");
  if (!post.empty() && !c->HasLogoutRedirect(post)) {
    return Page(400,
                "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app "
                "settings: " +
                    org_url + "/admin/app/oidc_client/instance/" + c->client_id + "#tab-general");
  }
  if (auto s = FindSession(sid)) {
    EndSession(sid);
    org_.Log("user.session.end", "User logout from Okta", "SUCCESS", "",
             Json::array({Json{{"id", s->user_id}, {"type", "User"}}}), Json::object());
  }
  AuthorizeDecision d;
  d.kind = AuthorizeDecision::kRedirect;
  d.response_mode = "query";
  d.redirect_uri = post.empty() ? org_url + "/login/login.htm" : post;
  if (!post.empty() && !state.empty()) d.params.emplace_back("state", state);
  return d;
}

// ---- discovery ----

std::optional<Json> SignOn::Metadata(const std::string& server_id, const std::string& org_url, bool openid) {
  auto as = servers_.Find(server_id);
  if (!as) return std::nullopt;
  std::string iss = as->Issuer(org_url);
  std::string ep = org_url + as->EndpointBase();
  Json scopes = Json::array();
  for (const auto& s : StandardScopes()) {
    if (as->HasScope(s)) scopes.push_back(s);
  }
  for (const auto& s : as->scopes) scopes.push_back(s.name);
  Json claims = Json::array({"ver",
                             "jti",
                             "iss",
                             "aud",
                             "iat",
                             "exp",
                             "cid",
                             "uid",
                             "amr",
                             "sub",
                             "auth_time",
                             "nonce",
                             "at_hash",
                             "idp",
                             "name",
                             "given_name",
                             "family_name",
                             "locale",
                             "zoneinfo",
                             "updated_at",
                             "email",
                             "email_verified",
                             "preferred_username"});
  for (const auto& c : as->claims) claims.push_back(c.name);
  Json m{{"issuer", iss},
         {"authorization_endpoint", ep + "/authorize"},
         {"token_endpoint", ep + "/token"},
         {"userinfo_endpoint", ep + "/userinfo"},
         {"registration_endpoint", org_url + "/oauth2/v1/clients"},
         {"jwks_uri", ep + "/keys"},
         {"response_types_supported", Json::array({"code"})},
         {"response_modes_supported", Json::array({"query", "fragment", "form_post"})},
         {"grant_types_supported", Json::array({"authorization_code", "refresh_token", "client_credentials"})},
         {"subject_types_supported", Json::array({"public"})},
         {"id_token_signing_alg_values_supported", Json::array({"RS256"})},
         {"scopes_supported", scopes},
         {"token_endpoint_auth_methods_supported", Json::array({"client_secret_basic", "client_secret_post", "none"})},
         {"claims_supported", claims},
         {"code_challenge_methods_supported", Json::array({"S256"})},
         {"introspection_endpoint", ep + "/introspect"},
         {"introspection_endpoint_auth_methods_supported",
          Json::array({"client_secret_basic", "client_secret_post", "none"})},
         {"revocation_endpoint", ep + "/revoke"},
         {"revocation_endpoint_auth_methods_supported",
          Json::array({"client_secret_basic", "client_secret_post", "none"})},
         {"end_session_endpoint", ep + "/logout"},
         {"request_parameter_supported", false},
         {"request_object_signing_alg_values_supported", Json::array()}};
  if (!openid) {
    m.erase("userinfo_endpoint");
    m.erase("subject_types_supported");
    m.erase("id_token_signing_alg_values_supported");
    m.erase("claims_supported");
  }
  return m;
}

std::optional<Json> SignOn::Keys(const std::string& server_id) {
  if (!servers_.Find(server_id)) return std::nullopt;
  Json keys = Json::array();
  for (const auto& k : servers_.PublishedKeys(server_id)) keys.push_back(k->PublicJwk());
  return Json{{"keys", keys}};
}

}  // namespace okta::signon
