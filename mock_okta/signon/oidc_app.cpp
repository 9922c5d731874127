#include "mock_okta/signon/oidc_app.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/secret.h"

namespace okta::signon {

using core::Json;

namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

core::Error InvalidOidc(const std::string& field, const std::string& why) {
  return core::MakeError(core::ErrorCode::kInvalidValue, field + ": " + why);
}

// A string array field, or `def` when absent. Errors on a non-array or a
// non-string element.
core::Result<std::vector<std::string>> Strings(const Json& obj, const char* key, const std::string& field,
                                               std::vector<std::string> def) {
  if (!obj.contains(key) || obj[key].is_null()) return def;
  const Json& v = obj[key];
  if (!v.is_array()) return InvalidOidc(field, "must be an array of strings.");
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string()) return InvalidOidc(field, "must be an array of strings.");
    out.push_back(e.get<std::string>());
  }
  return out;
}

// Okta refuses redirect URIs that are not absolute or carry a fragment.
core::Status CheckUris(const std::vector<std::string>& uris, const std::string& field) {
  for (const auto& u : uris) {
    // scheme ":" rest; http(s) need "://host"; native apps may use a private-use
    // scheme such as com.okta.example:/callback (RFC 8252 §7.1).
    auto colon = u.find(':');
    bool scheme_ok = colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(u[0])) &&
                     u.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") == colon;
    std::string scheme = scheme_ok ? u.substr(0, colon) : "";
    bool web = scheme == "http" || scheme == "https";
    if (!scheme_ok || u.size() <= colon + 1 || (web && u.compare(colon, 3, "://") != 0) ||
        (web && u.size() <= colon + 3) || u.size() > 1024 || u.find_first_of(" \t\r\n") != std::string::npos) {
      return InvalidOidc(field, "'" + u + "' is not a valid absolute URI.");
    }
    if (u.find('#') != std::string::npos) return InvalidOidc(field, "'" + u + "' must not contain a fragment.");
  }
  return core::Status::Ok();
}

// The grant types each application type may use (Okta's rules, the subset
// the sandbox models).
const std::set<std::string>& AllowedGrants(const std::string& type) {
  static const std::set<std::string> web{"authorization_code", "refresh_token", "client_credentials"};
  static const std::set<std::string> browser{"authorization_code", "refresh_token"};
  static const std::set<std::string> native{"authorization_code", "refresh_token"};
  static const std::set<std::string> service{"client_credentials"};
  if (type == "browser") return browser;
  if (type == "native") return native;
  if (type == "service") return service;
  return web;
}

}  // namespace

bool OidcClient::HasGrant(const std::string& g) const { return Contains(grant_types, g); }
bool OidcClient::HasRedirect(const std::string& uri) const { return Contains(redirect_uris, uri); }
bool OidcClient::HasLogoutRedirect(const std::string& uri) const { return Contains(post_logout_redirect_uris, uri); }

core::Result<OidcClient> ClientOf(const App& app) {
  if (app.sign_on_mode != "OPENID_CONNECT") {
    return core::MakeError(core::ErrorCode::kNotFound, "not an OIDC app: " + app.id);
  }
  OidcClient c;
  c.client_id = app.id;
  c.label = app.label;
  c.auth_method = app.token_auth_method.empty() ? "client_secret_basic" : app.token_auth_method;
  c.client_secret = app.client_secret;
  c.active = app.status == "ACTIVE";
  const Json oc =
      app.settings.is_object() && app.settings.contains("oauthClient") && app.settings["oauthClient"].is_object()
          ? app.settings["oauthClient"]
          : Json::object();
  c.application_type = oc.value("application_type", "web");
  auto strings = [&](const char* key) {
    auto r = Strings(oc, key, key, {});
    return r.ok() ? *r : std::vector<std::string>{};
  };
  c.redirect_uris = strings("redirect_uris");
  c.post_logout_redirect_uris = strings("post_logout_redirect_uris");
  c.grant_types = strings("grant_types");
  c.response_types = strings("response_types");
  return c;
}

core::Status ApplyOidcBody(const Json& body, App* app) {
  const std::string base = "settings.oauthClient";
  Json settings = app->settings.is_object() ? app->settings : Json::object();
  Json oc = settings.contains("oauthClient") && settings["oauthClient"].is_object() ? settings["oauthClient"]
                                                                                    : Json::object();
  if (body.contains("settings") && body["settings"].is_object() && body["settings"].contains("oauthClient")) {
    const Json& in = body["settings"]["oauthClient"];
    if (!in.is_object()) return InvalidOidc(base, "must be an object.");
    for (auto it = in.begin(); it != in.end(); ++it) oc[it.key()] = it.value();
  }
  if (!oc.contains("application_type")) oc["application_type"] = "web";
  if (!oc["application_type"].is_string()) return InvalidOidc(base + ".application_type", "must be a string.");
  std::string type = oc["application_type"].get<std::string>();
  if (type != "web" && type != "browser" && type != "native" && type != "service") {
    return InvalidOidc(base + ".application_type", "'" + type + "' is not one of web, browser, native, service.");
  }
  std::vector<std::string> def_grants = type == "service" ? std::vector<std::string>{"client_credentials"}
                                                          : std::vector<std::string>{"authorization_code"};
  auto grants = Strings(oc, "grant_types", base + ".grant_types", def_grants);
  if (!grants.ok()) return grants.error();
  for (const auto& g : *grants) {
    if (!AllowedGrants(type).count(g)) {
      return InvalidOidc(base + ".grant_types", "'" + g + "' is not allowed for application_type " + type + ".");
    }
  }
  auto redirects = Strings(oc, "redirect_uris", base + ".redirect_uris", {});
  if (!redirects.ok()) return redirects.error();
  auto logouts = Strings(oc, "post_logout_redirect_uris", base + ".post_logout_redirect_uris", {});
  if (!logouts.ok()) return logouts.error();
  auto responses = Strings(
      oc, "response_types", base + ".response_types",
      Contains(*grants, "authorization_code") ? std::vector<std::string>{"code"} : std::vector<std::string>{"token"});
  if (!responses.ok()) return responses.error();
  if (auto s = CheckUris(*redirects, base + ".redirect_uris"); !s.ok()) return s;
  if (auto s = CheckUris(*logouts, base + ".post_logout_redirect_uris"); !s.ok()) return s;
  if (Contains(*grants, "authorization_code") && redirects->empty()) {
    return InvalidOidc(base + ".redirect_uris", "must have at least one value for the authorization_code grant type.");
  }
  oc["grant_types"] = *grants;
  oc["redirect_uris"] = *redirects;
  oc["post_logout_redirect_uris"] = *logouts;
  oc["response_types"] = *responses;
  settings["oauthClient"] = oc;

  std::string method = app->token_auth_method;
  if (body.contains("credentials") && body["credentials"].is_object() && body["credentials"].contains("oauthClient") &&
      body["credentials"]["oauthClient"].is_object()) {
    const Json& cred = body["credentials"]["oauthClient"];
    if (cred.contains("token_endpoint_auth_method")) {
      if (!cred["token_endpoint_auth_method"].is_string()) {
        return InvalidOidc("credentials.oauthClient.token_endpoint_auth_method", "must be a string.");
      }
      method = cred["token_endpoint_auth_method"].get<std::string>();
    }
  }
  if (method.empty()) method = (type == "browser" || type == "native") ? "none" : "client_secret_basic";
  if (method != "client_secret_basic" && method != "client_secret_post" && method != "none") {
    return InvalidOidc("credentials.oauthClient.token_endpoint_auth_method",
                   "'" + method + "' is not one of client_secret_basic, client_secret_post, none.");
  }
  if (type == "browser" && method != "none") {
    return InvalidOidc("credentials.oauthClient.token_endpoint_auth_method",
                   "browser (single-page) apps are public clients: use none (with PKCE).");
  }
  if (type == "service" && method == "none") {
    return InvalidOidc("credentials.oauthClient.token_endpoint_auth_method", "service apps need a client secret.");
  }
  app->settings = settings;
  app->token_auth_method = method;
  if (method == "none") {
    app->client_secret.clear();
  } else if (app->client_secret.empty()) {
    app->client_secret = core::RandomToken(30);
  }
  return core::Status::Ok();
}

Json RenderOauthClientCredentials(const App& app) {
  Json j = Json::object();
  j["autoKeyRotation"] = true;
  j["client_id"] = app.id;
  if (!app.client_secret.empty()) j["client_secret"] = app.client_secret;
  j["token_endpoint_auth_method"] = app.token_auth_method.empty() ? "client_secret_basic" : app.token_auth_method;
  return j;
}

}  // namespace okta::signon
