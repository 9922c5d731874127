#include "scenarios/signon_steps.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/http.h"
#include "core/secret.h"
#include "scenarios/match.h"
#include "scenarios/run_context.h"

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

std::vector<std::string> Strings(const Json& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.push_back(v);
  if (v.is_array())
    for (const auto& x : v)
      if (x.is_string()) out.push_back(x);
  return out;
}

// "default" → "/oauth2/default"; "org" → "/oauth2" (the org server's endpoints are /oauth2/v1/…).
std::string ServerPath(const std::string& server) { return server == "org" ? "/oauth2" : "/oauth2/" + server; }

std::string Form(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string s;
  for (const auto& [k, v] : kv) s += (s.empty() ? "" : "&") + core::UrlEncode(k) + "=" + core::UrlEncode(v);
  return s;
}

std::string Header(const httplib::Headers& hs, const std::string& name) {
  for (const auto& [k, v] : hs)
    if (core::EqualsCi(k, name)) return v;
  return "";
}

std::string HtmlUnescape(std::string s) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities) {
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + 1)) s.replace(p, strlen(from), to);
  }
  return s;
}

// The message of the mock's error page (<p … id="error-description">…</p>), or the body cut short.
std::string PageMessage(const std::string& html) {
  auto p = html.find("id=\"error-description\">");
  if (p == std::string::npos) return html.substr(0, 200);
  p = html.find('>', p) + 1;
  return HtmlUnescape(html.substr(p, html.find("</p>", p) - p));
}

Json Failure(const char* stage, const std::string& error, const std::string& description, int status) {
  return Json{{"stage", stage}, {"error", error}, {"errorDescription", description}, {"status", status}};
}

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
    std::string user = a_.value("user", "");
    std::string password = a_.contains("password") ? a_.value("password", "") : run_.Password(user);
    Reply authn = run_.sandbox().Call("POST", "/api/v1/authn", Json{{"username", user}, {"password", password}});
    Must(authn, "POST /api/v1/authn");
    if (authn.status != 200 || authn.json.value("status", "") != "SUCCESS") {
      Json out =
          Failure("authn", "authentication_failed", authn.json.value("errorSummary", authn.Describe()), authn.status);
      if (authn.json.contains("errorCode")) out["errorCode"] = authn.json["errorCode"];
      if (authn.status == 200) out["authnStatus"] = authn.json.value("status", "");
      return out;
    }
    std::string session_token = authn.json.value("sessionToken", "");

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
      return Failure("authorize", "error_page",
                     az.json.is_object() ? az.json.value("errorSummary", az.Describe()) : PageMessage(az.body),
                     az.status);
    }
    std::string location = Header(az.headers, "Location");
    if (location.rfind(redirect_, 0) != 0) {
      return Failure("authorize", "unexpected_redirect", "redirected to " + location + ", not to " + redirect_,
                     az.status);
    }
    Json params = RedirectParams(location);
    if (params.value("state", "") != state_)
      run_.FailHere("the authorize redirect did not return state " + state_ + ": " + location);
    if (params.contains("error"))
      return Failure("authorize", params.value("error", ""), params.value("error_description", ""), az.status);
    std::string code = params.value("code", "");
    if (code.empty()) return Failure("authorize", "no_code", "the redirect has no code: " + location, az.status);

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
      return Failure("token", tk.json.value("error", "http_" + std::to_string(tk.status)),
                     tk.json.value("error_description", ""), tk.status);
    }
    return Tokens(tk.json, base);
  }

 private:
  static void Must(const Reply& r, const std::string& what) {
    if (r.status == 0) throw StepFailed{"signIn: " + what + " -> " + r.Describe()};
  }

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
  if (outcome.contains("error"))
    return outcome.value("stage", "") + " → " + outcome.value("error", "") + ": " +
           outcome.value("errorDescription", "");
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
  std::string path = "/api/v1/apps/" + app.client_id;
  run.RememberOidcApp(app);
  for (const auto& g : Strings(a.value("assignGroups", Json::array()))) {
    run.okta().Must("PUT", path + "/groups/" + run.GroupId(g), Json::object());
    run.Settle();
  }
  for (const auto& u : Strings(a.value("assignUsers", Json::array()))) {
    run.okta().Must("POST", path + "/users", Json{{"id", run.UserId(u)}, {"scope", "USER"}});
    run.Settle();
  }
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
    static const std::pair<const char*, const char*> kFilters[] = {
        {"startsWith", "STARTS_WITH"}, {"equals", "EQUALS"}, {"contains", "CONTAINS"}, {"regex", "REGEX"}};
    const Json& f = a["groupFilter"];
    body["valueType"] = "GROUPS";
    for (const auto& [key, type] : kFilters) {
      if (f.is_object() && f.contains(key)) {
        body["group_filter_type"] = type;
        body["value"] = f[key];
      }
    }
    if (!f.is_object() || f.size() != 1 || !body.contains("group_filter_type"))
      throw StepFailed{"authServerClaim: groupFilter is one of {startsWith|equals|contains|regex: \"…\"}"};
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
  run.Progress("    " + Summary(outcome));
  Json want = a.contains("expect") ? run.Subst(a["expect"]) : Json::object();
  if (!want.is_object()) throw StepFailed{"signIn: \"expect\" must be an object"};
  if (!want.contains("error")) want["error"] = nullptr;  // no error expected: the sign-in must succeed
  std::vector<Mismatch> ms;
  if (!MatchSubset(want, outcome, "$", &ms)) {
    std::string who =
        a.value("user", "") + " → " + app.label + " (" + a.value("authorizationServer", "default") + " server)";
    run.FailHere("sign-in of " + who + ": " + Summary(outcome) + "\n" + JoinMismatches(ms) +
                 "\noutcome: " + Brief(outcome, 1200));
  }
}

// ------------------------------------------------------------- SAML helpers

namespace {

constexpr size_t kNpos = std::string_view::npos;

// One element found by scanning: [begin, end) is the whole element, [cb, ce) its content.
struct XmlElem {
  size_t begin = 0, end = 0, cb = 0, ce = 0;
  std::string_view open;  // the start tag between '<' and '>'
};

std::string XmlUnescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == kNpos || semi - i > 10) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    static const std::pair<const char*, char> kNamed[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    bool done = false;
    for (const auto& [name, c] : kNamed) {
      if (ent == name) {
        out += c;
        done = true;
      }
    }
    if (!done && ent.size() > 1 && ent[0] == '#') {
      bool hex = ent[1] == 'x';
      unsigned long cp = std::strtoul(std::string(ent.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10);
      if (cp > 0 && cp < 0x80) {
        out += static_cast<char>(cp);
        done = true;
      }
    }
    if (!done) {
      out += s[i];
      continue;
    }
    i = semi;
  }
  return out;
}

// The first element named `local` (any namespace prefix) starting in [from, to) and ending by `to`.
std::optional<XmlElem> FindElem(std::string_view xml, std::string_view local, size_t from, size_t to) {
  for (size_t p = xml.find('<', from); p != kNpos && p < to; p = xml.find('<', p + 1)) {
    size_t q = p + 1;
    if (q >= to || xml[q] == '/' || xml[q] == '?' || xml[q] == '!') continue;
    size_t e = xml.find_first_of(" \t\r\n/>", q);
    if (e == kNpos || e >= to) return std::nullopt;
    std::string_view qname = xml.substr(q, e - q);
    auto colon = qname.find(':');
    if ((colon == kNpos ? qname : qname.substr(colon + 1)) != local) continue;
    // The end of the start tag ('>' outside quoted attribute values).
    char quote = 0;
    size_t gt = e;
    for (; gt < to; ++gt) {
      char c = xml[gt];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
    }
    if (gt >= to) return std::nullopt;
    XmlElem el;
    el.begin = p;
    el.open = xml.substr(q, gt - q);
    if (xml[gt - 1] == '/') {
      el.cb = el.ce = el.end = gt + 1;
      return el;
    }
    std::string close = "</" + std::string(qname) + ">";
    size_t c = xml.find(close, gt + 1);
    if (c == kNpos || c + close.size() > to) return std::nullopt;
    el.cb = gt + 1;
    el.ce = c;
    el.end = c + close.size();
    return el;
  }
  return std::nullopt;
}

// An attribute of a start tag (unescaped), or null.
Json Attr(std::string_view open, std::string_view name) {
  for (size_t p = open.find(name); p != kNpos; p = open.find(name, p + 1)) {
    if (p == 0 || (open[p - 1] != ' ' && open[p - 1] != '\t' && open[p - 1] != '\n' && open[p - 1] != '\r')) continue;
    size_t eq = p + name.size();
    if (eq + 1 >= open.size() || open[eq] != '=' || (open[eq + 1] != '"' && open[eq + 1] != '\'')) continue;
    size_t end = open.find(open[eq + 1], eq + 2);
    if (end == kNpos) return nullptr;
    return XmlUnescape(open.substr(eq + 2, end - eq - 2));
  }
  return nullptr;
}

Json Text(std::string_view xml, const std::optional<XmlElem>& el) {
  if (!el) return nullptr;
  return XmlUnescape(xml.substr(el->cb, el->ce - el->cb));
}

// The value of a hidden field of an auto-submitting form (HTML-unescaped), or nullopt.
std::optional<std::string> FormField(const std::string& html, const std::string& name) {
  auto p = html.find("name=\"" + name + "\"");
  if (p == std::string::npos) return std::nullopt;
  auto tag_end = html.find('>', p);
  auto v = html.find("value=\"", p);
  if (v == std::string::npos || v > tag_end) return std::nullopt;
  v += 7;
  return HtmlUnescape(html.substr(v, html.find('"', v) - v));
}

std::string FormAction(const std::string& html) {
  auto p = html.find("<form");
  if (p == std::string::npos) return "";
  p = html.find("action=\"", p);
  if (p == std::string::npos) return "";
  p += 8;
  return HtmlUnescape(html.substr(p, html.find('"', p) - p));
}

std::string NameIdFormat(const std::string& f) {
  static const std::pair<const char*, const char*> kFormats[] = {
      {"unspecified", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"},
      {"emailAddress", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"},
      {"x509SubjectName", "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName"},
      {"persistent", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"},
      {"transient", "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"}};
  for (const auto& [shortName, urn] : kFormats)
    if (f == shortName) return urn;
  return f;  // a full URN as is
}

// A minimal AuthnRequest as SPs send it (no Destination, unsigned).
std::string AuthnRequest(const std::string& id, const std::string& issuer, const std::string& acs) {
  auto esc = [](std::string v) {
    std::string o;
    for (char c : v) {
      if (c == '&') o += "&amp;";
      else if (c == '<') o += "&lt;";
      else if (c == '>') o += "&gt;";
      else if (c == '"') o += "&quot;";
      else o += c;
    }
    return o;
  };
  return "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
         "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" +
         esc(id) +
         "\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\" "
         "ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" AssertionConsumerServiceURL=\"" +
         esc(acs) + "\"><saml:Issuer>" + esc(issuer) + "</saml:Issuer></samlp:AuthnRequest>";
}

// Raw DEFLATE (RFC 1951) made of stored blocks: valid input for any inflater, no zlib needed.
std::string DeflateStored(std::string_view data) {
  std::string out;
  do {
    size_t n = std::min<size_t>(data.size(), 65535);
    bool last = n == data.size();
    out += static_cast<char>(last ? 1 : 0);
    out += static_cast<char>(n & 0xff);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(~n & 0xff);
    out += static_cast<char>((~n >> 8) & 0xff);
    out.append(data.substr(0, n));
    data.remove_prefix(n);
  } while (!data.empty());
  return out;
}

std::string SamlSummary(const Json& outcome) {
  if (outcome.contains("error"))
    return outcome.value("stage", "") + " → " + outcome.value("error", "") + ": " +
           outcome.value("errorDescription", "");
  Json name_id = outcome.value("nameId", Json());
  return "SAML assertion for " + (name_id.is_string() ? name_id.get<std::string>() : std::string("?"));
}

Json SamlSignInOutcome(RunContext& run, const Json& a, const SamlApp& app) {
  auto must = [](const Reply& r, const std::string& what) {
    if (r.status == 0) throw StepFailed{"samlSignIn: " + what + " -> " + r.Describe()};
  };
  std::string user = a.value("user", "");
  std::string password = a.contains("password") ? a.value("password", "") : run.Password(user);
  Reply authn = run.sandbox().Call("POST", "/api/v1/authn", Json{{"username", user}, {"password", password}});
  must(authn, "POST /api/v1/authn");
  if (authn.status != 200 || authn.json.value("status", "") != "SUCCESS") {
    Json out =
        Failure("authn", "authentication_failed", authn.json.value("errorSummary", authn.Describe()), authn.status);
    if (authn.json.contains("errorCode")) out["errorCode"] = authn.json["errorCode"];
    if (authn.status == 200) out["authnStatus"] = authn.json.value("status", "");
    return out;
  }
  std::string target = app.sso_path;
  std::vector<std::pair<std::string, std::string>> query;
  std::string request_id;
  if (a.value("spInitiated", false)) {
    request_id = "_scenario-req-" + std::to_string(run.NextSignIn());
    query.emplace_back("SAMLRequest", core::Base64Encode(DeflateStored(AuthnRequest(
                                          request_id, a.value("requestIssuer", app.audience), app.acs_url))));
  }
  if (a.contains("relayState")) query.emplace_back("RelayState", a.value("relayState", ""));
  if (!query.empty()) target += "?" + Form(query);
  Reply rd = run.sandbox().Send("GET",
                                "/login/sessionCookieRedirect?" +
                                    Form({{"token", authn.json.value("sessionToken", "")}, {"redirectUrl", target}}),
                                "", "");
  must(rd, "GET /login/sessionCookieRedirect");
  std::string cookie;
  for (const auto& [k, v] : rd.headers)
    if (core::EqualsCi(k, "Set-Cookie") && v.rfind("sid=", 0) == 0) cookie = v;
  if (rd.status != 302 || cookie.rfind("sid=", 0) != 0)
    return Failure("session", "no_session", "sessionCookieRedirect answered " + rd.Describe(), rd.status);
  cookie = cookie.substr(0, cookie.find(';'));

  Reply sso = run.sandbox().Send("GET", target, "", "", {{"Cookie", cookie}});
  must(sso, "GET " + app.sso_path);
  auto field = FormField(sso.body, "SAMLResponse");
  if (sso.status != 200 || !field) {
    if (sso.status == 302)
      return Failure("sso", "sign_in_page", "redirected to " + Header(sso.headers, "Location"), sso.status);
    std::string msg = PageMessage(sso.body);
    bool unassigned = sso.status == 403 && msg.find("not assigned this app") != std::string::npos;
    return Failure("sso", unassigned ? "not_assigned" : "error_page", msg, sso.status);
  }
  std::string b64 = *field;
  std::erase_if(b64, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
  std::string xml, why;
  if (!core::Base64Decode(b64, &xml)) why = "the SAMLResponse is not base64";
  std::optional<Json> summary = why.empty() ? SamlResponseSummary(xml, &why) : std::nullopt;
  if (!summary) {
    run.FailHere("samlSignIn: the SSO URL's SAMLResponse cannot be read: " + why);
    return Failure("sso", "bad_response", why, sso.status);
  }
  Json out = *summary;
  out["acsUrl"] = FormAction(sso.body);
  auto relay = FormField(sso.body, "RelayState");
  out["relayState"] = relay ? Json(*relay) : Json(nullptr);
  if (out["acsUrl"] != app.acs_url)
    run.FailHere("the SAML form posts to " + Brief(out["acsUrl"]) + ", not to the app's ACS URL " + app.acs_url);
  if (!request_id.empty() && out["inResponseTo"] != request_id)
    run.FailHere("the Response's InResponseTo is not the AuthnRequest's ID " + request_id + ": " +
                 Brief(out["inResponseTo"]));
  if (a.contains("relayState") && out["relayState"] != a["relayState"])
    run.FailHere("RelayState " + Brief(a["relayState"]) + " was not echoed: " + Brief(out["relayState"]));
  return out;
}

}  // namespace

std::optional<Json> SamlResponseSummary(std::string_view xml, std::string* why) {
  auto fail = [&](const std::string& m) -> std::optional<Json> {
    if (why) *why = m;
    return std::nullopt;
  };
  if (xml.size() > (1u << 20)) return fail("larger than 1 MiB");
  if (xml.find("<!DOCTYPE") != kNpos || xml.find("<!ENTITY") != kNpos) return fail("it has a DOCTYPE");
  auto resp = FindElem(xml, "Response", 0, xml.size());
  if (!resp) return fail("no Response element");
  auto asrt = FindElem(xml, "Assertion", resp->cb, resp->ce);
  if (!asrt) return fail("no Assertion in the Response (an EncryptedAssertion is not read)");
  Json out = Json::object();
  out["destination"] = Attr(resp->open, "Destination");
  out["inResponseTo"] = Attr(resp->open, "InResponseTo");
  out["issuer"] = Text(xml, FindElem(xml, "Issuer", resp->cb, asrt->begin));
  Json status = nullptr;
  if (auto code = FindElem(xml, "StatusCode", resp->cb, asrt->begin)) {
    status = Attr(code->open, "Value");
    if (status.is_string()) {
      std::string v = status;
      status = v.substr(v.rfind(':') + 1);
    }
  }
  out["samlStatus"] = status;
  out["assertionIssuer"] = Text(xml, FindElem(xml, "Issuer", asrt->cb, asrt->ce));
  auto name_id = FindElem(xml, "NameID", asrt->cb, asrt->ce);
  out["nameId"] = Text(xml, name_id);
  out["nameIdFormat"] = name_id ? Attr(name_id->open, "Format") : Json(nullptr);
  auto scd = FindElem(xml, "SubjectConfirmationData", asrt->cb, asrt->ce);
  out["recipient"] = scd ? Attr(scd->open, "Recipient") : Json(nullptr);
  out["audience"] = Text(xml, FindElem(xml, "Audience", asrt->cb, asrt->ce));
  Json attrs = Json::object();
  if (auto st = FindElem(xml, "AttributeStatement", asrt->cb, asrt->ce)) {
    for (auto at = FindElem(xml, "Attribute", st->cb, st->ce); at; at = FindElem(xml, "Attribute", at->end, st->ce)) {
      Json name = Attr(at->open, "Name");
      if (!name.is_string()) continue;
      Json values = Json::array();
      for (auto v = FindElem(xml, "AttributeValue", at->cb, at->ce); v;
           v = FindElem(xml, "AttributeValue", v->end, at->ce))
        values.push_back(Text(xml, v));
      attrs[name.get<std::string>()] = values;
    }
  }
  out["attributes"] = attrs;
  bool response_signed = FindElem(xml, "Signature", resp->cb, asrt->begin).has_value() ||
                         FindElem(xml, "Signature", asrt->end, resp->ce).has_value();
  bool assertion_signed = FindElem(xml, "Signature", asrt->cb, asrt->ce).has_value();
  out["signed"] = Json{{"response", response_signed}, {"assertion", assertion_signed}};
  return out;
}

// ------------------------------------------------------------------ samlApp

std::vector<std::string_view> SamlAppKeys() {
  return {"label",           "ssoAcsUrl",      "audience",        "nameIdFormat", "nameIdTemplate", "attributes",
          "groupsAttribute", "responseSigned", "assertionSigned", "assignGroups", "assignUsers"};
}

void SamlAppStep(RunContext& run, const Json& a) {
  SamlApp app;
  app.label = a.value("label", "");
  if (app.label.empty()) throw StepFailed{"samlApp: \"label\" is required"};
  app.acs_url = a.value("ssoAcsUrl", "http://localhost:4000/saml/acs");
  app.audience = a.value("audience", "http://localhost:4000/saml/metadata");
  Json so{{"ssoAcsUrl", app.acs_url},
          {"audience", app.audience},
          {"subjectNameIdTemplate", a.value("nameIdTemplate", "${user.userName}")},
          {"subjectNameIdFormat", NameIdFormat(a.value("nameIdFormat", "unspecified"))},
          {"responseSigned", a.value("responseSigned", true)},
          {"assertionSigned", a.value("assertionSigned", true)},
          {"signatureAlgorithm", "RSA_SHA256"},
          {"digestAlgorithm", "SHA256"}};
  Json statements = Json::array();
  const Json& attributes = a.value("attributes", Json::object());
  if (!attributes.is_object()) throw StepFailed{"samlApp: \"attributes\" is {name: \"user.x\" | [values]}"};
  for (auto it = attributes.begin(); it != attributes.end(); ++it) {
    auto values = Strings(it.value());
    if (values.empty()) throw StepFailed{"samlApp: attribute " + it.key() + " has no value expression"};
    statements.push_back(Json{{"type", "EXPRESSION"}, {"name", it.key()}, {"values", values}});
  }
  if (a.contains("groupsAttribute")) {
    static const std::pair<const char*, const char*> kFilters[] = {
        {"startsWith", "STARTS_WITH"}, {"equals", "EQUALS"}, {"contains", "CONTAINS"}, {"regex", "REGEX"}};
    const Json& g = a["groupsAttribute"];
    const Json& f = g.is_object() ? g.value("filter", Json()) : Json();
    Json st{{"type", "GROUP"}, {"name", g.is_object() ? g.value("name", "groups") : "groups"}};
    for (const auto& [key, type] : kFilters) {
      if (f.is_object() && f.contains(key)) {
        st["filterType"] = type;
        st["filterValue"] = f[key];
      }
    }
    if (!f.is_object() || f.size() != 1 || !st.contains("filterType"))
      throw StepFailed{"samlApp: groupsAttribute is {name, filter: {startsWith|equals|contains|regex: \"…\"}}"};
    statements.push_back(st);
  }
  so["attributeStatements"] = statements;
  Json created =
      run.okta().Must("POST", "/api/v1/apps",
                      Json{{"label", app.label}, {"signOnMode", "SAML_2_0"}, {"settings", Json{{"signOn", so}}}});
  app.id = created.value("id", "");
  app.sso_path = "/app/" + created.value("name", "") + "/" + app.id + "/sso/saml";
  std::string path = "/api/v1/apps/" + app.id;
  run.RememberSamlApp(app);
  for (const auto& g : Strings(a.value("assignGroups", Json::array()))) {
    run.okta().Must("PUT", path + "/groups/" + run.GroupId(g), Json::object());
    run.Settle();
  }
  for (const auto& u : Strings(a.value("assignUsers", Json::array()))) {
    run.okta().Must("POST", path + "/users", Json{{"id", run.UserId(u)}, {"scope", "USER"}});
    run.Settle();
  }
}

// --------------------------------------------------------------- samlSignIn

std::vector<std::string_view> SamlSignInKeys() {
  return {"user", "password", "app", "relayState", "spInitiated", "requestIssuer", "expect"};
}

void SamlSignInStep(RunContext& run, const Json& a) {
  if (!a.is_object() || a.value("user", "").empty()) throw StepFailed{"samlSignIn: \"user\" (a login) is required"};
  const SamlApp& app = run.FindSamlApp(a.value("app", ""));
  Json outcome = SamlSignInOutcome(run, a, app);
  run.Progress("    " + SamlSummary(outcome));
  Json want = a.contains("expect") ? run.Subst(a["expect"]) : Json::object();
  if (!want.is_object()) throw StepFailed{"samlSignIn: \"expect\" must be an object"};
  if (!want.contains("error")) want["error"] = nullptr;  // no error expected: the sign-in must succeed
  std::vector<Mismatch> ms;
  if (!MatchSubset(want, outcome, "$", &ms)) {
    run.FailHere("SAML sign-in of " + a.value("user", "") + " → " + app.label + ": " + SamlSummary(outcome) + "\n" +
                 JoinMismatches(ms) + "\noutcome: " + Brief(outcome, 1200));
  }
}

}  // namespace scenarios
