// Sign-on: the OpenID Connect provider of the mock Okta. Sessions (the `sid`
// cookie), Okta's session tokens (POST /api/v1/authn), authorization codes,
// refresh tokens and revocations, and the decisions of each endpoint —
// authorize, token, userinfo, introspect, revoke, logout — as Okta makes
// them, with Okta's error texts (docs/sign-on.md lists which are documented
// and which are inferred). The HTTP side is oidc_routes.cpp and
// login_routes.cpp; this class knows nothing about HTTP.
//
// Users, apps and assignments come from the Org (never from the SCIM
// server). Lifetimes run on the mock's clock, so a scenario can expire them
// with POST /sandbox/time. Sessions, codes, session tokens and refresh tokens
// live in memory (a restart signs everyone out); keys and authorization
// servers are in okta.db.
//
// Thread-safe: one mutex guards the in-memory state; the Org and
// AuthServers lock themselves.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/result.h"
#include "mock_okta/org.h"
#include "mock_okta/signon/auth_servers.h"
#include "mock_okta/signon/oidc_app.h"

namespace okta::signon {

// Okta's default lifetimes (seconds).
struct Lifetimes {
  int code_s = 300;                    // authorization code
  int access_token_s = 3600;           // access token (default policy rule)
  int id_token_s = 3600;               // ID token
  int refresh_idle_s = 7 * 24 * 3600;  // refresh token: expires if unused this long
  int session_s = 2 * 3600;            // session (Okta's default global session policy)
  int session_token_s = 300;           // sessionToken from /api/v1/authn (one use)
};

// An RFC 6749 / OIDC error: `error` and Okta's `error_description`.
struct OAuthError {
  int status = 400;
  std::string error, description;
};

struct Session {
  std::string id;  // the `sid` cookie value (random)
  std::string user_id;
  core::TimePoint created, expires;
  std::vector<std::string> amr{"pwd"};
};

// The authorize request's parameters (RFC 6749 §4.1.1, OIDC Core §3.1.2.1,
// RFC 7636, Okta's sessionToken).
struct AuthorizeParams {
  std::string client_id, redirect_uri, response_type, response_mode, scope, state, nonce;
  std::string code_challenge, code_challenge_method, prompt, login_hint, session_token, max_age;
  bool has_redirect_uri = false;
};

// What authorize answers.
struct AuthorizeDecision {
  enum Kind {
    kErrorPage,  // status + description on an HTML page: never a redirect (bad client or redirect_uri)
    kSignIn,     // no usable session: the sign-in page, with login_hint
    kRedirect,   // to redirect_uri with `params` (a code, or an error) in `response_mode`
  } kind = kErrorPage;
  int status = 400;
  std::string description;
  std::string redirect_uri, response_mode;  // query | fragment | form_post
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<Session> new_session;  // a session started from a sessionToken: set its cookie
};

// A token endpoint / introspection answer: JSON on success, or an error.
struct TokenAnswer {
  std::optional<OAuthError> error;
  core::Json body;
};

// Client authentication as sent: the Authorization header and the form.
struct ClientAuth {
  std::string authorization;             // "Basic …" or ""
  std::string client_id, client_secret;  // form fields
};

class SignOn {
 public:
  SignOn(Org& org, AuthServers& servers, const core::Clock& clock, Lifetimes lifetimes = {});

  AuthServers& servers() { return servers_; }

  // ---- authentication ----
  // Username + password of an ACTIVE user. Errors: kUnauthorized
  // ("Authentication failed") for every failure, as Okta (no user
  // enumeration).
  core::Result<User> CheckPassword(const std::string& username, const std::string& password);
  // POST /api/v1/authn: a one-time session token for the user.
  std::pair<std::string, core::TimePoint> IssueSessionToken(const User& u);
  // A session for the user (the sign-in page, a sessionToken, the "sign in
  // as" picker); `how` is the System Log's authentication step text.
  Session StartSession(const User& u, const std::string& how);
  // Redeems a session token (once). nullopt: unknown, used or expired.
  std::optional<Session> SessionFromToken(const std::string& token);
  // The live session of `sid` whose user is still ACTIVE; nullopt otherwise.
  std::optional<Session> FindSession(const std::string& sid);
  void EndSession(const std::string& sid);

  // ---- the endpoints ----
  // `server_id` "" = the org server. `sid` is the cookie's session id ("" if none).
  AuthorizeDecision Authorize(const std::string& server_id, const AuthorizeParams& p, const std::string& sid,
                              const std::string& org_url);
  // `form` is the urlencoded body's fields.
  TokenAnswer Token(const std::string& server_id, const std::map<std::string, std::string>& form,
                    const ClientAuth& auth, const std::string& org_url);
  // The claims for a bearer access token. Errors carry the status (401
  // invalid_token, 403 insufficient_scope).
  TokenAnswer UserInfo(const std::string& server_id, const std::string& bearer, const std::string& org_url);
  TokenAnswer Introspect(const std::string& server_id, const std::map<std::string, std::string>& form,
                         const ClientAuth& auth, const std::string& org_url);
  TokenAnswer Revoke(const std::string& server_id, const std::map<std::string, std::string>& form,
                     const ClientAuth& auth, const std::string& org_url);
  // GET logout: ends the session; where to go next (post_logout_redirect_uri
  // with state, or the sign-in page). kErrorPage for a bad hint or URI.
  AuthorizeDecision Logout(const std::string& server_id, const std::map<std::string, std::string>& query,
                           const std::string& sid, const std::string& org_url);

  // ---- discovery ----
  // nullopt: no such server.
  std::optional<core::Json> Metadata(const std::string& server_id, const std::string& org_url, bool openid);
  std::optional<core::Json> Keys(const std::string& server_id);

  // The users assigned to an OIDC app, for the sign-in page's picker (at most `limit`).
  std::vector<User> AssignedUsers(const std::string& client_id, int limit);
  std::optional<OidcClient> FindClient(const std::string& client_id);

  // Forgets sessions, codes and tokens (POST /sandbox/reset).
  void Reset();

 private:
  struct Code {
    std::string server_id, client_id, user_id, redirect_uri, nonce, challenge, sid;
    std::vector<std::string> scopes;
    core::TimePoint expires, auth_time;
    std::vector<std::string> amr;
  };
  struct Refresh {
    std::string server_id, client_id, user_id, sid;
    std::vector<std::string> scopes;
    core::TimePoint last_used, auth_time;
    std::vector<std::string> amr;
  };
  struct Grant {  // what a token response is minted from
    std::string server_id, client_id, user_id, nonce, sid;
    std::vector<std::string> scopes;
    core::TimePoint auth_time;
    std::vector<std::string> amr;
  };
  core::Result<OidcClient> AuthenticateClient(const ClientAuth& auth, const std::map<std::string, std::string>& form,
                                              OAuthError* err);
  TokenAnswer RedeemCode(const AuthServer& as, const OidcClient& c, const std::map<std::string, std::string>& form,
                         const std::string& org_url);
  TokenAnswer RedeemRefresh(const AuthServer& as, const OidcClient& c, const std::map<std::string, std::string>& form,
                            const std::string& org_url);
  TokenAnswer ClientCredentials(const AuthServer& as, const OidcClient& c,
                                const std::map<std::string, std::string>& form, const std::string& org_url);
  TokenAnswer Mint(const AuthServer& as, const OidcClient& c, const Grant& g, bool with_refresh,
                   const std::string& refresh_token, const std::string& org_url);
  // Verifies an access token of this server (signature, iss, exp, revocation).
  std::optional<core::Json> CheckAccessToken(const AuthServer& as, const std::string& token,
                                             const std::string& org_url);
  core::Json UserClaims(const User& u, const std::vector<std::string>& scopes);
  void AddCustomClaims(const AuthServer& as, const std::string& claim_type, const User* u,
                       const std::vector<std::string>& scopes, core::Json* claims);
  std::optional<std::string> ScopeError(const AuthServer& as, const std::vector<std::string>& scopes);
  bool Assigned(const OidcClient& c, const std::string& user_id);
  void Purge();  // drops expired entries; mu_ held

  Org& org_;
  AuthServers& servers_;
  const core::Clock& clock_;
  Lifetimes life_;
  std::mutex mu_;
  std::unordered_map<std::string, Session> sessions_;
  std::unordered_map<std::string, std::pair<std::string, core::TimePoint>> session_tokens_;  // token → user, expiry
  std::unordered_map<std::string, Code> codes_;
  std::unordered_map<std::string, Refresh> refresh_;
  std::unordered_map<std::string, int64_t> revoked_jti_;  // jti → exp (seconds), dropped once expired
  uint64_t writes_ = 0;
};

// Splits a space-separated scope string (empty parts dropped).
std::vector<std::string> SplitScopes(const std::string& s);

}  // namespace okta::signon
