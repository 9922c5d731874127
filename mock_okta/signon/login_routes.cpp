// Signing in: the sign-in page (/login/login.htm), its form (POST
// /login/signin, with the sandbox's "sign in as" picker), Okta's
// non-interactive path for test automation (POST /api/v1/authn → a
// sessionToken) and /login/sessionCookieRedirect.
#include "core/http.h"
#include "core/log.h"
#include "core/secret.h"
#include "mock_okta/signon/signon.h"
#include "mock_okta/signon/signon_routes.h"

namespace okta::signon {

using core::Json;

namespace {

constexpr const char* kXsrfCookie = "okta_sandbox_xsrf";

// Where to go after signing in: only a path on this origin that sign-on
// serves (no open redirect); anything else → "/".
std::string SafeFromUri(const std::string& from) {
  if (from.empty() || from.size() > 8192 || from[0] != '/' ||
      (from.size() > 1 && (from[1] == '/' || from[1] == '\\'))) {
    return "/";
  }
  if (from.find_first_of("\r\n\\") != std::string::npos) return "/";
  if (from.rfind("/oauth2/", 0) != 0 && from.rfind("/app/", 0) != 0 && from.rfind("/login/", 0) != 0) return "/";
  return from;
}

// A query parameter of a relative URL ("" when absent).
std::string ParamOf(const std::string& url, const std::string& key) {
  auto q = url.find('?');
  if (q == std::string::npos) return "";
  httplib::Params params;
  httplib::detail::parse_query_text(url.substr(q + 1), params);
  auto it = params.find(key);
  return it == params.end() ? "" : it->second;
}

// The URL without prompt=login, so the authorize request it re-runs after
// signing in does not ask again.
std::string WithoutPromptLogin(const std::string& url) {
  auto q = url.find('?');
  if (q == std::string::npos) return url;
  httplib::Params params;
  httplib::detail::parse_query_text(url.substr(q + 1), params);
  std::vector<std::pair<std::string, std::string>> kept;
  for (const auto& [k, v] : params) {
    if (!(k == "prompt" && v == "login")) kept.emplace_back(k, v);
  }
  return WithQuery(url.substr(0, q), kept);
}

// The app a sign-in is for: the authorize request's client_id, or the app id
// of a SAML sign-on URL (/app/{appName}/{appId}/sso/saml…).
std::string AppIdOf(const std::string& from) {
  std::string client_id = ParamOf(from, "client_id");
  if (!client_id.empty() || from.rfind("/app/", 0) != 0) return client_id;
  std::string path = from.substr(0, from.find('?'));
  auto second = path.find('/', 5);
  auto third = second == std::string::npos ? second : path.find('/', second + 1);
  if (third == std::string::npos || path.compare(third, std::string::npos, "/sso/saml") != 0) return "";
  return path.substr(second + 1, third - second - 1);
}

// The app whose assigned users the sandbox's picker lists (id, label): an
// OIDC client or a SAML app; nullopt otherwise.
std::optional<std::pair<std::string, std::string>> PickerApp(const RouteContext& ctx, const std::string& from) {
  std::string id = AppIdOf(from);
  if (id.empty()) return std::nullopt;
  if (auto c = ctx.signon->FindClient(id)) return std::make_pair(id, c->label);
  auto app = ctx.org->GetApp(id);
  if (app.ok() && app->sign_on_mode == "SAML_2_0") return std::make_pair(id, app->label);
  return std::nullopt;
}

std::string GreetingName(const User& u) {
  std::string n = u.profile.value("firstName", "") + " " + u.profile.value("lastName", "");
  return n == " " ? u.profile.value("login", u.id) : n;
}

void SignInPage(const RouteContext& ctx, const httplib::Request& req, httplib::Response& res, int status,
                const std::string& error) {
  std::string from = SafeFromUri(req.has_param("fromURI") ? req.get_param_value("fromURI") : "");
  std::string xsrf = CookieValue(req, kXsrfCookie);
  if (xsrf.size() != 32) {
    xsrf = core::RandomToken(24);
    res.set_header("Set-Cookie", std::string(kXsrfCookie) + "=" + xsrf + "; Path=/login; HttpOnly; SameSite=Strict");
  }
  std::string username = req.has_param("username") ? req.get_param_value("username") : ParamOf(from, "login_hint");
  std::string app_label;
  std::string picker;
  if (auto app = PickerApp(ctx, from)) {
    const std::string& client_id = app->first;
    app_label = app->second;
    for (const auto& u : ctx.signon->AssignedUsers(client_id, 20)) {
      picker += "<li><button type=\"submit\" name=\"as_user\" value=\"" + HtmlEscape(u.id) + "\" formnovalidate>" +
                HtmlEscape(GreetingName(u)) + " <span class=\"login\">" + HtmlEscape(u.profile.value("login", "")) +
                "</span></button></li>";
    }
  }
  std::string body =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign In</title>"
      "<meta name=\"viewport\" content=\"width=device-width\"><style>"
      "body{font-family:system-ui,sans-serif;background:#f4f4f6;margin:0;color:#1d1d21}"
      "main{max-width:400px;margin:8vh auto;background:#fff;border:1px solid #d7d7dc;border-radius:6px;padding:32px "
      "40px}"
      "h1{font-size:22px;margin:0 0 4px}.app{color:#5e5e6a;margin:0 0 20px}label{display:block;font-weight:600;"
      "margin:14px 0 6px}input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:10px;"
      "border:1px solid #8c8c96;border-radius:4px;font-size:15px}.primary{margin-top:20px;width:100%;padding:11px;"
      "background:#1662dd;color:#fff;border:0;border-radius:4px;font-size:15px;cursor:pointer}"
      ".err{color:#b00020;background:#fdecee;border-radius:4px;padding:10px}"
      "fieldset{margin-top:28px;border:1px dashed #b3b3bd;border-radius:6px;padding:8px 14px}"
      "legend{font-size:13px;color:#5e5e6a}ul{list-style:none;padding:0;margin:0}li button{width:100%;text-align:left;"
      "background:none;border:0;border-bottom:1px solid #eee;padding:8px 2px;cursor:pointer;font-size:14px}"
      ".login{color:#5e5e6a;font-size:12px;margin-left:6px}footer{font-size:12px;color:#5e5e6a;margin-top:24px}"
      "</style></head><body><main><h1>Sign In</h1>";
  body += app_label.empty() ? "<p class=\"app\">to your sandbox org</p>"
                            : "<p class=\"app\">to continue to " + HtmlEscape(app_label) + "</p>";
  if (!error.empty()) body += "<p class=\"err\" role=\"alert\" id=\"signin-error\">" + HtmlEscape(error) + "</p>";
  body +=
      "<form method=\"post\" action=\"/login/signin\" id=\"signin-form\">"
      "<input type=\"hidden\" name=\"fromURI\" value=\"" +
      HtmlEscape(from) +
      "\">"
      "<input type=\"hidden\" name=\"_xsrfToken\" value=\"" +
      HtmlEscape(xsrf) +
      "\">"
      "<label for=\"username\">Username</label><input type=\"text\" id=\"username\" name=\"username\" "
      "autocomplete=\"username\" required value=\"" +
      HtmlEscape(username) +
      "\">"
      "<label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" "
      "autocomplete=\"current-password\" required>"
      "<button class=\"primary\" type=\"submit\">Sign in</button>";
  if (!picker.empty()) {
    body += "<fieldset><legend>Sandbox only: sign in as an assigned user, without a password</legend><ul>" + picker +
            "</ul></fieldset>";
  }
  body += "</form><footer>okta-sandbox · Okta-compatible sign-in for local development</footer></main></body></html>";
  res.status = status;
  PageHeaders(res);
  res.set_content(body, "text/html; charset=utf-8");
}

void GetSignIn(const RouteContext& ctx, const httplib::Request& req, httplib::Response& res) {
  SignInPage(ctx, req, res, 200, "");
}

void PostSignIn(const RouteContext& ctx, const httplib::Request& req, httplib::Response& res) {
  std::map<std::string, std::string> form;
  if (!FormFields(req, &form)) return SendPage(res, 400, "Bad request", "The sign-in form could not be read.");
  std::string xsrf = CookieValue(req, kXsrfCookie);
  if (ForeignOrigin(ctx, req) || xsrf.empty() || !core::ConstantTimeEquals(xsrf, form["_xsrfToken"])) {
    return SendPage(res, 403, "Sign-in refused",
                    "This sign-in form did not come from this sign-in page (cross-site request). Open the page again.");
  }
  std::string from = SafeFromUri(form["fromURI"]);
  std::optional<User> user;
  std::string how = "password";
  if (!form["as_user"].empty()) {
    // The sandbox's picker: only users assigned to the app the page is for.
    auto app = PickerApp(ctx, from);
    for (const auto& u : ctx.signon->AssignedUsers(app ? app->first : "", 20)) {
      if (u.id == form["as_user"]) user = u;
    }
    how = "sandbox sign-in as";
  } else {
    auto u = ctx.signon->CheckPassword(form["username"], form["password"]);
    if (u.ok()) user = *u;
  }
  if (!user) {
    httplib::Request again = req;
    again.params.clear();
    again.params.emplace("fromURI", from);
    again.params.emplace("username", form["username"]);
    SignInPage(ctx, again, res, 401, "Unable to sign in");
  } else {
    Session s = ctx.signon->StartSession(*user, how);
    res.status = 302;
    PageHeaders(res);
    res.set_header("Set-Cookie", "sid=" + s.id + "; Path=/; HttpOnly; SameSite=Lax");
    res.set_header("Location", WithoutPromptLogin(from));
  }
  RecordExchange(ctx, "sign-in form", req, res);
}

// POST /api/v1/authn: Okta's primary authentication, as test automation uses it.
void PostAuthn(const RouteContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto fail = [&](int status, const char* code, const std::string& summary) {
    res.status = status;
    res.set_content(core::DumpCompact(Json{{"errorCode", code},
                                           {"errorSummary", summary},
                                           {"errorLink", code},
                                           {"errorId", "oae" + core::NewRequestId()},
                                           {"errorCauses", Json::array()}}),
                    "application/json");
  };
  auto body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    fail(400, "E0000003", "The request body was not well-formed.");
  } else if (!body.contains("username") || !body["username"].is_string() || !body.contains("password") ||
             !body["password"].is_string()) {
    fail(400, "E0000001", "Api validation failed: username and password are required strings.");
  } else if (auto u = ctx.signon->CheckPassword(body["username"], body["password"]); !u.ok()) {
    fail(401, "E0000004", "Authentication failed");
  } else {
    auto [token, expires] = ctx.signon->IssueSessionToken(*u);
    const Json& p = u->profile;
    Json user{{"id", u->id},
              {"passwordChanged", u->password_changed.empty() ? Json(nullptr) : Json(u->password_changed)},
              {"profile", Json{{"login", p.value("login", "")},
                               {"firstName", p.value("firstName", "")},
                               {"lastName", p.value("lastName", "")},
                               {"locale", p.value("locale", "en_US")},
                               {"timeZone", p.value("timezone", "America/Los_Angeles")}}}};
    res.status = 200;
    res.set_content(
        core::DumpCompact(Json{{"expiresAt", core::FormatIso8601(expires)},
                               {"status", "SUCCESS"},
                               {"sessionToken", token},
                               {"_embedded", Json{{"user", user}}},
                               {"_links", Json{{"cancel", Json{{"href", ctx.base_url() + "/api/v1/authn/cancel"},
                                                               {"hints", Json{{"allow", {"POST"}}}}}}}}}),
        "application/json");
  }
  RecordExchange(ctx, "authn", req, res);
}

// GET /login/sessionCookieRedirect?token=…&redirectUrl=…: the session token
// becomes the session cookie, then on to redirectUrl (a path or URL on this
// origin only: no open redirect).
void SessionCookieRedirect(const RouteContext& ctx, const httplib::Request& req, httplib::Response& res) {
  std::string target = req.has_param("redirectUrl") ? req.get_param_value("redirectUrl") : "";
  std::string base = ctx.base_url();
  if (target.rfind(base + "/", 0) == 0) target = target.substr(base.size());
  std::string safe = SafeFromUri(target);
  if (target.empty() || safe != target) {
    SendPage(res, 400, "Bad request", "The 'redirectUrl' parameter must be a sign-on URL of this org.");
  } else if (auto s = ctx.signon->SessionFromToken(req.has_param("token") ? req.get_param_value("token") : "")) {
    res.status = 302;
    PageHeaders(res);
    res.set_header("Set-Cookie", "sid=" + s->id + "; Path=/; HttpOnly; SameSite=Lax");
    res.set_header("Location", target);
  } else {
    res.status = 302;
    PageHeaders(res);
    res.set_header("Location", WithQuery("/login/login.htm", {{"fromURI", target}}));
  }
  RecordExchange(ctx, "sessionCookieRedirect", req, res);
}

using PageHandler = void (*)(const RouteContext&, const httplib::Request&, httplib::Response&);
httplib::Server::Handler Bind(const RouteContext& ctx, PageHandler h) {
  return [ctx, h](const httplib::Request& req, httplib::Response& res) {
    if (ctx.signon) h(ctx, req, res);
  };
}

}  // namespace

void RegisterLoginRoutes(httplib::Server& s, const RouteContext& ctx) {
  s.Get("/login/login.htm", Bind(ctx, GetSignIn));
  s.Post("/login/signin", Bind(ctx, PostSignIn));
  s.Post("/api/v1/authn", Bind(ctx, PostAuthn));
  s.Get("/login/sessionCookieRedirect", Bind(ctx, SessionCookieRedirect));
}

}  // namespace okta::signon
