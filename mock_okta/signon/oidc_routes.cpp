// The OIDC endpoints of the org server (/oauth2/v1/…, issuer = the org URL)
// and of custom servers (/oauth2/{id}/v1/…), and their discovery documents.
#include "core/http.h"
#include "mock_okta/signon/signon.h"
#include "mock_okta/signon/signon_routes.h"

namespace okta::signon {

using core::Json;

namespace {

using ServerHandler = void (*)(const RouteContext&, const std::string& server, const httplib::Request&, httplib::Response&);

// The server id of a match: group 1 of "/oauth2/([^/]+)/v1/…", "" for the org server's routes.
std::string ServerOf(const httplib::Request& req) { return req.matches.size() > 1 ? std::string(req.matches[1]) : ""; }

void SendOAuthError(httplib::Response& res, const OAuthError& e) {
  res.status = e.status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Pragma", "no-cache");
  res.set_content(core::DumpCompact(Json{{"error", e.error}, {"error_description", e.description}}),
                  "application/json");
}

void SendAnswer(httplib::Response& res, const TokenAnswer& a) {
  if (a.error) return SendOAuthError(res, *a.error);
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Pragma", "no-cache");
  res.set_content(core::DumpCompact(a.body), "application/json");
}

// CORS for browser apps (SPAs) on another origin: Okta answers origins it
// trusts. The sandbox trusts the origins of registered redirect URIs (Okta's
// Trusted Origins API is not modelled); never a wildcard.
void Cors(const RouteContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!req.has_header("Origin")) return;
  std::string origin = req.get_header_value("Origin");
  bool trusted = !ForeignOrigin(ctx, req);
  if (!trusted) {
    for (const auto& app : ctx.org->ListApps(0, -1)) {
      auto c = ClientOf(app);
      if (!c.ok()) continue;
      for (const auto& uri : c->redirect_uris) {
        auto u = core::ParseUrl(uri);
        if (u.ok() && u->Origin() == origin) trusted = true;
      }
      if (trusted) break;
    }
  }
  res.set_header("Vary", "Origin");
  if (!trusted) return;
  res.set_header("Access-Control-Allow-Origin", origin);
  res.set_header("Access-Control-Allow-Credentials", "true");
  res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Okta-User-Agent-Extended");
  res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  res.set_header("Access-Control-Expose-Headers", "WWW-Authenticate");
}

ClientAuth AuthOf(const httplib::Request& req, const std::map<std::string, std::string>& form) {
  ClientAuth a;
  a.authorization = req.get_header_value("Authorization");
  if (auto it = form.find("client_id"); it != form.end()) a.client_id = it->second;
  if (auto it = form.find("client_secret"); it != form.end()) a.client_secret = it->second;
  return a;
}

// Reads the form of a POST endpoint; answers invalid_request itself when it is not one.
bool ReadForm(const httplib::Request& req, httplib::Response& res, std::map<std::string, std::string>* form) {
  if (FormFields(req, form)) return true;
  SendOAuthError(res, OAuthError{400, "invalid_request",
                                 "The request must be application/x-www-form-urlencoded with each parameter once."});
  return false;
}

// ---- authorize ----

void SendDecisionRedirect(httplib::Response& res, const AuthorizeDecision& d) {
  PageHeaders(res);
  if (d.response_mode == "form_post") {
    std::string inputs;
    for (const auto& [k, v] : d.params) {
      inputs += "<input type=\"hidden\" name=\"" + HtmlEscape(k) + "\" value=\"" + HtmlEscape(v) + "\">";
    }
    res.status = 200;
    res.set_content(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing in…</title></head>"
        "<body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\"" +
            HtmlEscape(d.redirect_uri) + "\">" + inputs +
            "<noscript><button type=\"submit\">Continue</button></noscript></form></body></html>",
        "text/html; charset=utf-8");
    return;
  }
  std::string location;
  if (d.response_mode == "fragment") {
    location = WithQuery("", d.params);
    location = d.redirect_uri + "#" + (location.empty() ? "" : location.substr(1));
  } else {
    location = WithQuery(d.redirect_uri, d.params);
  }
  res.status = 302;
  res.set_header("Location", location);
}

std::string SessionCookie(const Session& s) { return "sid=" + s.id + "; Path=/; HttpOnly; SameSite=Lax"; }

void Authorize(const RouteContext& ctx, const std::string& server, const httplib::Request& req,
               httplib::Response& res) {
  AuthorizeParams p;
  auto q = [&](const char* k) { return req.has_param(k) ? req.get_param_value(k) : std::string(); };
  // RFC 6749 §3.1: parameters must not repeat.
  for (const char* k : {"client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge"}) {
    if (req.get_param_value_count(k) > 1) {
      return SendPage(res, 400, "Bad request", std::string("The '") + k + "' parameter was sent more than once.");
    }
  }
  p.client_id = q("client_id");
  p.redirect_uri = q("redirect_uri");
  p.has_redirect_uri = req.has_param("redirect_uri");
  p.response_type = q("response_type");
  p.response_mode = q("response_mode");
  p.scope = q("scope");
  p.state = q("state");
  p.nonce = q("nonce");
  p.code_challenge = q("code_challenge");
  p.code_challenge_method = q("code_challenge_method");
  p.prompt = q("prompt");
  p.login_hint = q("login_hint");
  p.session_token = q("sessionToken");
  p.max_age = q("max_age");
  AuthorizeDecision d = ctx.signon->Authorize(server, p, CookieValue(req, "sid"), ctx.base_url());
  switch (d.kind) {
    case AuthorizeDecision::kErrorPage: SendPage(res, d.status, "Bad request", d.description); break;
    case AuthorizeDecision::kSignIn: {
      // Back to this very request once signed in (a relative URL: no open redirect).
      std::vector<std::pair<std::string, std::string>> params(req.params.begin(), req.params.end());
      std::string from = WithQuery(req.path, params);
      res.status = 302;
      PageHeaders(res);
      res.set_header("Location", WithQuery("/login/login.htm", {{"fromURI", from}}));
      break;
    }
    case AuthorizeDecision::kRedirect: SendDecisionRedirect(res, d); break;
  }
  if (d.new_session) res.set_header("Set-Cookie", SessionCookie(*d.new_session));
  RecordExchange(ctx, "authorize", req, res);
}

// ---- token, introspect, revoke, userinfo ----

void Token(const RouteContext& ctx, const std::string& server, const httplib::Request& req, httplib::Response& res) {
  Cors(ctx, req, res);
  std::map<std::string, std::string> form;
  if (ReadForm(req, res, &form)) {
    SendAnswer(res, ctx.signon->Token(server, form, AuthOf(req, form), ctx.base_url()));
  }
  std::string grant = form.count("grant_type") ? form["grant_type"] : "";
  RecordExchange(ctx, "token" + (grant.empty() ? "" : " (" + grant + ")"), req, res);
}

void Introspect(const RouteContext& ctx, const std::string& server, const httplib::Request& req,
                httplib::Response& res) {
  Cors(ctx, req, res);
  std::map<std::string, std::string> form;
  if (ReadForm(req, res, &form)) {
    SendAnswer(res, ctx.signon->Introspect(server, form, AuthOf(req, form), ctx.base_url()));
  }
  RecordExchange(ctx, "introspect", req, res);
}

void Revoke(const RouteContext& ctx, const std::string& server, const httplib::Request& req, httplib::Response& res) {
  Cors(ctx, req, res);
  std::map<std::string, std::string> form;
  if (ReadForm(req, res, &form)) {
    auto a = ctx.signon->Revoke(server, form, AuthOf(req, form), ctx.base_url());
    if (a.error) {
      SendOAuthError(res, *a.error);
    } else {
      res.status = 200;  // RFC 7009: an empty 200
    }
  }
  RecordExchange(ctx, "revoke", req, res);
}

void UserInfo(const RouteContext& ctx, const std::string& server, const httplib::Request& req, httplib::Response& res) {
  Cors(ctx, req, res);
  std::string auth = req.get_header_value("Authorization");
  std::string bearer = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
  auto a = ctx.signon->UserInfo(server, bearer, ctx.base_url());
  if (a.error && (a.error->status == 401 || a.error->status == 403)) {
    // RFC 6750 §3: the error goes in WWW-Authenticate, with an empty body.
    res.status = a.error->status;
    res.set_header("WWW-Authenticate", "Bearer authorization_uri=\"" + ctx.base_url() +
                                           "/oauth2/v1/authorize\", realm=\"" + ctx.base_url() +
                                           "\", scope=\"openid\", error=\"" + a.error->error +
                                           "\", error_description=\"" + a.error->description + "\"");
  } else {
    SendAnswer(res, a);
  }
  RecordExchange(ctx, "userinfo", req, res);
}

void Keys(const RouteContext& ctx, const std::string& server, const httplib::Request& req, httplib::Response& res) {
  Cors(ctx, req, res);
  auto k = ctx.signon->Keys(server);
  if (!k) return SendOAuthError(res, OAuthError{404, "not_found", "Not found: Resource not found: " + server});
  // Okta lets clients cache the key set; short here so a rotation is seen soon.
  res.set_header("Cache-Control", "max-age=60, must-revalidate");
  res.set_content(core::DumpCompact(*k), "application/json");
}

void Logout(const RouteContext& ctx, const std::string& server, const httplib::Request& req, httplib::Response& res) {
  std::map<std::string, std::string> q;
  for (const auto& [k, v] : req.params) q.emplace(k, v);
  std::string sid = CookieValue(req, "sid");
  auto d = ctx.signon->Logout(server, q, sid, ctx.base_url());
  if (d.kind == AuthorizeDecision::kErrorPage) {
    SendPage(res, d.status, "Bad request", d.description);
  } else {
    SendDecisionRedirect(res, d);
    res.set_header("Set-Cookie", "sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
  }
  RecordExchange(ctx, "logout", req, res);
}

void Metadata(const RouteContext& ctx, const std::string& server, const httplib::Request& req, httplib::Response& res,
              bool openid) {
  Cors(ctx, req, res);
  auto m = ctx.signon->Metadata(server, ctx.base_url(), openid);
  if (!m) return SendOAuthError(res, OAuthError{404, "not_found", "Not found: Resource not found: " + server});
  res.set_content(core::DumpCompact(*m), "application/json");
}

void OpenIdMetadata(const RouteContext& c, const std::string& s, const httplib::Request& q, httplib::Response& r) {
  Metadata(c, s, q, r, true);
}
void OAuthMetadata(const RouteContext& c, const std::string& s, const httplib::Request& q, httplib::Response& r) {
  Metadata(c, s, q, r, false);
}

void Preflight(const RouteContext& ctx, const std::string&, const httplib::Request& req, httplib::Response& res) {
  Cors(ctx, req, res);
  res.status = 204;
}

void Both(httplib::Server& s, const RouteContext& ctx, const char* method, const std::string& tail, ServerHandler h) {
  auto bind = [ctx, h](const httplib::Request& req, httplib::Response& res) {
    if (!ctx.signon) return;
    h(ctx, ServerOf(req), req, res);
  };
  std::string org = "/oauth2/v1/" + tail, custom = "/oauth2/([A-Za-z0-9_-]{1,64})/v1/" + tail;
  for (const std::string& pattern : {org, custom}) {
    if (std::string(method) == "GET") s.Get(pattern, bind);
    if (std::string(method) == "POST") s.Post(pattern, bind);
    if (std::string(method) == "OPTIONS") s.Options(pattern, bind);
  }
}

}  // namespace

void RegisterOidcRoutes(httplib::Server& s, const RouteContext& ctx) {
  Both(s, ctx, "GET", "authorize", Authorize);
  Both(s, ctx, "POST", "token", Token);
  Both(s, ctx, "POST", "introspect", Introspect);
  Both(s, ctx, "POST", "revoke", Revoke);
  Both(s, ctx, "GET", "userinfo", UserInfo);
  Both(s, ctx, "POST", "userinfo", UserInfo);
  Both(s, ctx, "GET", "keys", Keys);
  Both(s, ctx, "GET", "logout", Logout);
  for (const char* tail : {"token", "introspect", "revoke", "userinfo", "keys"})
    Both(s, ctx, "OPTIONS", tail, Preflight);
  auto meta = [ctx](ServerHandler h) {
    return [ctx, h](const httplib::Request& req, httplib::Response& res) {
      if (ctx.signon) h(ctx, ServerOf(req), req, res);
    };
  };
  s.Get("/.well-known/openid-configuration", meta(OpenIdMetadata));
  s.Get("/.well-known/oauth-authorization-server", meta(OAuthMetadata));
  s.Get("/oauth2/([A-Za-z0-9_-]{1,64})/.well-known/openid-configuration", meta(OpenIdMetadata));
  s.Get("/oauth2/([A-Za-z0-9_-]{1,64})/.well-known/oauth-authorization-server", meta(OAuthMetadata));
}

}  // namespace okta::signon
