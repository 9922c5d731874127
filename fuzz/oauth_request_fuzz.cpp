// The OAuth 2.0 / OIDC request side of sign-on (mock_okta/signon/): the
// urlencoded form and query decoding the routes use (FormFields, httplib's
// query parser), cookies, JWT decoding, and SignOn's authorize, token,
// introspect, revoke, userinfo and logout decisions on those parameters —
// against one org with an active user and an assigned web app (client
// secret post). The input is up to three lines:
//   authorize query \n token/introspect/revoke form \n bearer token or cookie header
// and the words CLIENT, SECRET and REDIRECT in it are replaced by the app's
// client id, its secret and its registered redirect URI, so the fuzzer gets
// past client authentication.
#include <httplib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "mock_okta/okta_ids.h"
#include "mock_okta/okta_store.h"
#include "mock_okta/org.h"
#include "mock_okta/signon/auth_servers.h"
#include "mock_okta/signon/jwt.h"
#include "mock_okta/signon/oidc_app.h"
#include "mock_okta/signon/signon.h"
#include "mock_okta/signon/signon_routes.h"

namespace {

using okta::signon::AuthorizeParams;
using okta::signon::ClientAuth;

constexpr const char* kOrgUrl = "http://127.0.0.1:7000";
constexpr const char* kRedirect = "http://localhost:3000/callback";

struct World {
  std::unique_ptr<okta::OktaStore> store;
  okta::OktaIds ids{1};
  core::SystemClock clock;
  std::unique_ptr<okta::Org> org;
  std::unique_ptr<okta::signon::AuthServers> servers;
  std::unique_ptr<okta::signon::SignOn> signon;
  std::string client_id, secret, sid;
};

World& TheWorld() {
  static World* w = [] {
    auto* w = new World;
    // In memory: a file store spent most of each execution committing
    // sessions and codes to disk (84 executions/s; in memory it is CPU-bound).
    auto store = okta::OktaStore::Open(":memory:");
    if (!store.ok()) std::abort();
    w->store = std::move(*store);
    w->org = std::make_unique<okta::Org>(*w->store, w->ids, w->clock, std::chrono::milliseconds(1000));
    w->servers = std::make_unique<okta::signon::AuthServers>(*w->store, w->ids, w->clock);
    w->signon = std::make_unique<okta::signon::SignOn>(*w->org, *w->servers, w->clock);
    auto user = w->org->CreateUser(
        core::Json{{"login", "ann@example.com"}, {"email", "ann@example.com"}, {"firstName", "Ann"}, {"lastName", "Lee"}},
        "Passw0rd!", true);
    okta::App app;
    app.name = "oidc_client";
    app.label = "Web App";
    app.sign_on_mode = "OPENID_CONNECT";
    core::Json body{{"credentials", {{"oauthClient", {{"token_endpoint_auth_method", "client_secret_post"}}}}},
                    {"settings",
                     {{"oauthClient",
                       {{"application_type", "web"},
                        {"grant_types", {"authorization_code", "refresh_token"}},
                        {"redirect_uris", {kRedirect}},
                        {"post_logout_redirect_uris", {"http://localhost:3000/"}},
                        {"response_types", {"code"}}}}}}};
    if (!user.ok() || !okta::signon::ApplyOidcBody(body, &app).ok()) std::abort();
    auto created = w->org->CreateApp(app, true);
    if (!created.ok() || !w->org->AssignUser(created->id, user->id, user->profile.value("login", "")).ok()) std::abort();
    w->client_id = created->id;
    w->secret = created->client_secret;
    w->sid = w->signon->StartSession(*user, "Password").id;
    return w;
  }();
  return *w;
}

std::string Substitute(std::string s, const World& w) {
  for (auto [word, value] : {std::pair<std::string, std::string>{"CLIENT", w.client_id},
                             {"SECRET", w.secret},
                             {"REDIRECT", kRedirect},
                             {"SESSION", w.sid}}) {
    for (size_t at = s.find(word); at != std::string::npos; at = s.find(word, at + value.size())) {
      s.replace(at, word.size(), value);
    }
  }
  return s;
}

// As oidc_routes.cpp Authorize reads the query.
void Authorize(World& w, const std::string& query) {
  httplib::Params q;
  httplib::detail::parse_query_text(query, q);
  auto get = [&](const char* k) {
    auto it = q.find(k);
    return it == q.end() ? std::string() : it->second;
  };
  AuthorizeParams p;
  p.client_id = get("client_id");
  p.redirect_uri = get("redirect_uri");
  p.has_redirect_uri = q.count("redirect_uri") > 0;
  p.response_type = get("response_type");
  p.response_mode = get("response_mode");
  p.scope = get("scope");
  p.state = get("state");
  p.nonce = get("nonce");
  p.code_challenge = get("code_challenge");
  p.code_challenge_method = get("code_challenge_method");
  p.prompt = get("prompt");
  p.login_hint = get("login_hint");
  p.session_token = get("sessionToken");
  p.max_age = get("max_age");
  for (const std::string& server : {std::string(), std::string("default")}) {
    (void)w.signon->Authorize(server, p, get("sid") == "none" ? "" : w.sid, kOrgUrl);
  }
  std::map<std::string, std::string> logout(q.begin(), q.end());
  (void)w.signon->Logout("", logout, "", kOrgUrl);
}

void TokenEndpoints(World& w, const std::string& body, const std::string& third) {
  httplib::Request req;
  req.body = body;
  req.set_header("Content-Type", "application/x-www-form-urlencoded");
  req.set_header("Cookie", third);
  (void)okta::signon::CookieValue(req, "sid");
  std::map<std::string, std::string> form;
  if (!okta::signon::FormFields(req, &form)) return;
  ClientAuth auth;
  if (auto it = form.find("client_id"); it != form.end()) auth.client_id = it->second;
  if (auto it = form.find("client_secret"); it != form.end()) auth.client_secret = it->second;
  if (third.rfind("Basic ", 0) == 0) auth.authorization = third;
  for (const std::string& server : {std::string(), std::string("default")}) {
    (void)w.signon->Token(server, form, auth, kOrgUrl);
    (void)w.signon->Introspect(server, form, auth, kOrgUrl);
    (void)w.signon->Revoke(server, form, auth, kOrgUrl);
    (void)w.signon->UserInfo(server, third, kOrgUrl);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = TheWorld();
  std::string text = Substitute(std::string(reinterpret_cast<const char*>(data), size), w);
  std::string parts[3];
  for (int i = 0, from = 0; i < 3; ++i) {
    auto nl = i < 2 ? text.find('\n', from) : std::string::npos;
    parts[i] = text.substr(std::min<size_t>(from, text.size()), nl == std::string::npos ? std::string::npos : nl - from);
    if (nl == std::string::npos) break;
    from = static_cast<int>(nl) + 1;
  }
  Authorize(w, parts[0]);
  TokenEndpoints(w, parts[1], parts[2]);
  (void)okta::signon::DecodeJwt(parts[2]);
  (void)okta::signon::SplitScopes(parts[0]);
  return 0;
}
