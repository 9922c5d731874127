// The OpenID Connect steps (`oidcApp`, `authServerClaim`, `signIn`) and
// their pure helpers (base64url, PKCE, JWT decoding, redirect parameters);
// declared in scenarios/signon_steps.h.
#include <openssl/evp.h>

#include <algorithm>

#include "core/http.h"
#include "core/secret.h"
#include "scenarios/match.h"
#include "scenarios/run_context.h"
#include "scenarios/signon_common.h"
#include "scenarios/signon_steps.h"

namespace scenarios {

// ------------------------------------------------------------ pure helpers

std::string Base64UrlEncode(std::string_view data) {
  std::string s = core::Base64Encode(data);
  while (!s.empty() && s.back() == '=') s.pop_back();
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  return s;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.find_first_of("+/=") != std::string_view::npos || text.size() % 4 == 1) return std::nullopt;
  std::string s(text);
  std::replace(s.begin(), s.end(), '-', '+');
  std::replace(s.begin(), s.end(), '_', '/');
  while (s.size() % 4 != 0) s += '=';
  std::string out;
  if (!core::Base64Decode(s, &out)) return std::nullopt;
  return out;
}

std::string PkceChallenge(std::string_view verifier) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(verifier.data(), verifier.size(), md, &len, EVP_sha256(), nullptr);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::optional<JwtParts> DecodeJwt(std::string_view jwt) {
  auto d1 = jwt.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  auto d2 = jwt.find('.', d1 + 1);
  if (d2 == std::string_view::npos || jwt.find('.', d2 + 1) != std::string_view::npos) return std::nullopt;
  auto header = Base64UrlDecode(jwt.substr(0, d1));
  auto payload = Base64UrlDecode(jwt.substr(d1 + 1, d2 - d1 - 1));
  if (!header || !payload) return std::nullopt;
  auto h = core::ParseJson(*header);
  auto p = core::ParseJson(*payload);
  if (!h.ok() || !p.ok() || !h->is_object() || !p->is_object()) return std::nullopt;
  return JwtParts{*h, *p};
}

Json RedirectParams(const std::string& location) {
  Json out = Json::object();
  auto q = location.find_first_of("?#");
  if (q == std::string::npos) return out;
  std::string rest = location.substr(q + 1);
  if (location[q] == '?') rest = rest.substr(0, rest.find('#'));
  for (auto& [k, v] : ParseQuery(rest)) out[k] = v;
  return out;
}

namespace {

const char* const kDefaultRedirect = "http://localhost:3000/authorization-code/callback";

// "default" → "/oauth2/default"; "org" → "/oauth2" (the org server's endpoints are /oauth2/v1/…).
std::string ServerPath(const std::string& server) { return server == "org" ? "/oauth2" : "/oauth2/" + server; }

// One sign-in, start to end. Returns the outcome (see signon_steps.h);
// protocol slips of the server (state or nonce not echoed, a token without
// kid, a kid the server does not publish) are recorded as failures too.
class SignIn {
 public:
  SignIn(RunContext& run, const Json& a, const OidcApp& app) : run_(run), a_(a), app_(app) {
    int n = run.NextSignIn();
    state_ = "scenario-state-" + std::to_string(n);
    nonce_ = "scenario-nonce-" + std::to_string(n);
    // Fixed per sign-in (43+ unreserved characters), so runs repeat exactly.
    verifier_ = "okta-sandbox-scenario-runner-pkce-verifier-" + std::to_string(n);
    server_ = a.value("authorizationServer", "default");
    Json scope = a.value("scope", Json("openid profile email"));
    if (scope.is_array()) {
      for (const auto& s : Strings(scope)) scope_ += (scope_.empty() ? "" : " ") + s;
    } else {
      scope_ = scope.is_string() ? scope.get<std::string>() : "";
    }
    redirect_ = a.value("redirectUri", app.redirect_uris.empty() ? std::string() : app.redirect_uris.front());
  }

  Json Run() {
    AuthnResult authn = Authn(run_, a_, "signIn");
    if (authn.failure) return *authn.failure;
    const std::string& session_token = authn.session_token;

    std::string base = ServerPath(server_);
    Reply az = run_.sandbox().Send("GET",
                                   base + "/v1/authorize?" +
                                       Form({{"client_id", app_.client_id},
                                             {"response_type", "code"},
                                             {"scope", scope_},
                                             {"redirect_uri", redirect_},
                                             {"state", state_},
                                             {"nonce", nonce_},
                                             {"code_challenge", PkceChallenge(verifier_)},
                                             {"code_challenge_method", "S256"},
                                             {"sessionToken", session_token}}),
                                   "", "");
    Must(az, "GET " + base + "/v1/authorize");
    if (az.status != 302) {
      return SignInFailure("authorize", "error_page",
                     az.json.is_object() ? az.json.value("errorSummary", az.Describe()) : PageMessage(az.body),
                     az.status);
    }
    std::string location = Header(az.headers, "Location");
    if (location.rfind(redirect_, 0) != 0) {
      return SignInFailure("authorize", "unexpected_redirect", "redirected to " + location + ", not to " + redirect_,
                     az.status);
    }
    Json params = RedirectParams(location);
    if (params.value("state", "") != state_)
      run_.FailHere("the authorize redirect did not return state " + state_ + ": " + location);
    if (params.contains("error"))
      return SignInFailure("authorize", params.value("error", ""), params.value("error_description", ""), az.status);
    std::string code = params.value("code", "");
    if (code.empty()) return SignInFailure("authorize", "no_code", "the redirect has no code: " + location, az.status);

    if (a_.contains("advanceClockBeforeToken"))
      run_.sandbox().Must("POST", "/sandbox/time", Json{{"advanceSeconds", a_["advanceClockBeforeToken"]}});

    std::vector<std::pair<std::string, std::string>> form{{"grant_type", "authorization_code"},
                                                          {"code", code},
                                                          {"redirect_uri", redirect_},
                                                          {"code_verifier", verifier_}};
    httplib::Headers auth;
    if (app_.auth_method == "client_secret_basic") {
      auth.emplace("Authorization", "Basic " + core::Base64Encode(app_.client_id + ":" + app_.client_secret));
    } else if (app_.auth_method == "client_secret_post") {
      form.emplace_back("client_id", app_.client_id);
      form.emplace_back("client_secret", app_.client_secret);
    } else {
      form.emplace_back("client_id", app_.client_id);
    }
    Reply tk = run_.sandbox().Send("POST", base + "/v1/token", Form(form), "application/x-www-form-urlencoded", auth);
    Must(tk, "POST " + base + "/v1/token");
    if (tk.status != 200) {
      return SignInFailure("token", tk.json.value("error", "http_" + std::to_string(tk.status)),
                     tk.json.value("error_description", ""), tk.status);
    }
    return Tokens(tk.json, base);
  }

 private:
  static void Must(const Reply& r, const std::string& what) { MustAnswer(r, "signIn", what); }

  Json Tokens(const Json& t, const std::string& base) {
    Json out{{"tokenType", t.value("token_type", "")},
             {"expiresIn", t.value("expires_in", Json(nullptr))},
             {"scope", t.value("scope", "")},
             {"refreshToken", t.contains("refresh_token")},
             {"claims", Json::object()},
             {"headers", Json::object()}};
    Json keys = run_.sandbox().Call("GET", base + "/v1/keys").json;
    for (const auto& [field, name] : {std::pair{"id_token", "idToken"}, std::pair{"access_token", "accessToken"}}) {
      if (!t.contains(field) || !t[field].is_string()) continue;
      auto jwt = DecodeJwt(t[field].get<std::string>());
      if (!jwt) {
        if (std::string(field) == "id_token") run_.FailHere("the id_token is not a JWT");
        continue;  // an opaque access token is allowed
      }
      out["claims"][name] = jwt->payload;
      out["headers"][name] = jwt->header;
      CheckHeader(name, jwt->header, keys);
    }
    if (out["claims"].contains("idToken") && out["claims"]["idToken"].value("nonce", "") != nonce_)
      run_.FailHere("the ID token's nonce is not the one sent (" + nonce_ +
                    "): " + Brief(out["claims"]["idToken"].value("nonce", Json(nullptr))));
    if (!t.contains("id_token") && scope_.find("openid") != std::string::npos)
      run_.FailHere("scope openid was asked for, the token response has no id_token");
    return out;
  }

  void CheckHeader(const std::string& name, const Json& header, const Json& keys) {
    if (!header.contains("alg") || header["alg"] == "none") run_.FailHere("the " + name + " header has no alg");
    if (!header.contains("kid") || !header["kid"].is_string()) {
      run_.FailHere("the " + name + " header has no kid");
      return;
    }
    bool published = false;
    for (const auto& k : keys.value("keys", Json::array()))
      if (k.value("kid", "") == header["kid"]) published = true;
    if (!published)
      run_.FailHere("the " + name + "'s kid " + header["kid"].get<std::string>() + " is not in " + ServerPath(server_) +
                    "/v1/keys");
  }

  RunContext& run_;
  const Json& a_;
  const OidcApp& app_;
  std::string state_, nonce_, verifier_, server_, scope_, redirect_;
};

// "access_denied: User is not assigned…" or "signed in (sub …)" for the progress line.
std::string Summary(const Json& outcome) {
  if (outcome.contains("error")) return FailureSummary(outcome);
  const Json& id = outcome["claims"].value("idToken", Json::object());
  return "signed in (sub " + id.value("sub", std::string("?")) + ")";
}

}  // namespace

// ------------------------------------------------------------------ oidcApp

std::vector<std::string_view> OidcAppKeys() {
  return {
      "label",        "type",       "redirectUris", "postLogoutRedirectUris", "grantTypes", "tokenEndpointAuthMethod",
      "assignGroups", "assignUsers"};
}

void OidcAppStep(RunContext& run, const Json& a) {
  OidcApp app;
  app.label = a.value("label", "");
  if (app.label.empty()) throw StepFailed{"oidcApp: \"label\" is required"};
  app.type = a.value("type", "web");
  if (app.type != "web" && app.type != "browser" && app.type != "native" && app.type != "service")
    throw StepFailed{"oidcApp: type must be web, browser, native or service (not " + app.type + ")"};
  bool service = app.type == "service";
  bool public_client = app.type == "browser" || app.type == "native";
  std::string method = a.value("tokenEndpointAuthMethod", public_client ? "none" : "client_secret_basic");
  Json grants = a.contains("grantTypes")
                    ? a["grantTypes"]
                    : (service ? Json::array({"client_credentials"})
                               : (app.type == "browser" ? Json::array({"authorization_code"})
                                                        : Json::array({"authorization_code", "refresh_token"})));
  Json oc{{"grant_types", grants}, {"application_type", app.type}};
  if (!service) {
    oc["redirect_uris"] = a.value("redirectUris", Json::array({kDefaultRedirect}));
    oc["response_types"] = Json::array({"code"});
    if (a.contains("postLogoutRedirectUris")) oc["post_logout_redirect_uris"] = a["postLogoutRedirectUris"];
  }
  Json body{{"name", "oidc_client"},
            {"label", app.label},
            {"signOnMode", "OPENID_CONNECT"},
            {"credentials", Json{{"oauthClient", Json{{"token_endpoint_auth_method", method}}}}},
            {"settings", Json{{"oauthClient", oc}}}};
  Json created = run.okta().Must("POST", "/api/v1/apps", body);
  const Json& client = created["credentials"]["oauthClient"];
  app.client_id = client.value("client_id", created.value("id", ""));
  app.client_secret = client.value("client_secret", "");
  app.auth_method = client.value("token_endpoint_auth_method", method);
  if (!service) app.redirect_uris = Strings(oc["redirect_uris"]);
  run.RememberOidcApp(app);
  AssignApp(run, app.client_id, a);
}

// ---------------------------------------------------------- authServerClaim

std::vector<std::string_view> AuthServerClaimKeys() {
  return {"name", "in", "expression", "groupFilter", "scopes", "authorizationServer"};
}

void AuthServerClaimStep(RunContext& run, const Json& a) {
  std::string name = a.value("name", "");
  if (name.empty()) throw StepFailed{"authServerClaim: \"name\" is required"};
  std::string in = a.value("in", "idToken");
  if (in != "idToken" && in != "accessToken") throw StepFailed{"authServerClaim: \"in\" is idToken or accessToken"};
  Json body{{"name", name}, {"claimType", in == "idToken" ? "IDENTITY" : "RESOURCE"}, {"status", "ACTIVE"}};
  if (a.contains("groupFilter") == a.contains("expression"))
    throw StepFailed{"authServerClaim: give either \"expression\" or \"groupFilter\""};
  if (a.contains("expression")) {
    body["valueType"] = "EXPRESSION";
    body["value"] = a["expression"];
  } else {
    auto filter = GroupFilter(a["groupFilter"]);
    if (!filter) throw StepFailed{"authServerClaim: groupFilter is one of {startsWith|equals|contains|regex: \"…\"}"};
    body["valueType"] = "GROUPS";
    body["group_filter_type"] = filter->first;
    body["value"] = filter->second;
  }
  Json scopes = a.value("scopes", Json::array());
  body["alwaysIncludeInToken"] = scopes.empty();
  body["conditions"] = Json{{"scopes", scopes}};
  std::string server = a.value("authorizationServer", "default");
  if (server == "org") throw StepFailed{"authServerClaim: the org authorization server has no custom claims"};
  run.okta().Must("POST", "/api/v1/authorizationServers/" + core::UrlEncode(server) + "/claims", body);
}

// ------------------------------------------------------------------- signIn

std::vector<std::string_view> SignInKeys() {
  return {"user",  "password", "app", "authorizationServer", "scope", "redirectUri", "advanceClockBeforeToken",
          "expect"};
}

void SignInStep(RunContext& run, const Json& a) {
  if (!a.is_object() || a.value("user", "").empty()) throw StepFailed{"signIn: \"user\" (a login) is required"};
  const OidcApp& app = run.FindOidcApp(a.value("app", ""));
  if (app.type == "service")
    throw StepFailed{"signIn: " + app.label + " is a service app (client credentials): no user signs in to it"};
  Json outcome = SignIn(run, a, app).Run();
  std::string who =
      a.value("user", "") + " → " + app.label + " (" + a.value("authorizationServer", "default") + " server)";
  ExpectOutcome(run, a, outcome, "signIn", "sign-in of " + who, Summary(outcome));
}

}  // namespace scenarios
