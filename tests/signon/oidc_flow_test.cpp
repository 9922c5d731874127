// Sign-on happy paths: discovery, the code flow on both servers with Okta's
// claims exactly, refresh, client credentials, custom claims, key rotation,
// the sign-in page, logout, and the System Log / traffic records they leave.
#include "tests/signon/oidc_fixture.h"

using namespace testing_signon;
using okta::signon::HalfSha256;

namespace {

std::vector<std::string> Keys(const Json& j) {
  std::vector<std::string> k;
  for (auto it = j.begin(); it != j.end(); ++it) k.push_back(it.key());
  return k;
}

}  // namespace

TEST_CASE_METHOD(Oidc, "discovery documents and keys for the org and the default server", "[signon]") {
  auto org = Get("/.well-known/openid-configuration");
  REQUIRE(org.status == 200);
  CHECK(org.json["issuer"] == base);
  CHECK(org.json["authorization_endpoint"] == base + "/oauth2/v1/authorize");
  CHECK(org.json["jwks_uri"] == base + "/oauth2/v1/keys");
  auto def = Get("/oauth2/default/.well-known/openid-configuration");
  REQUIRE(def.status == 200);
  CHECK(def.json["issuer"] == base + "/oauth2/default");
  CHECK(def.json["token_endpoint"] == base + "/oauth2/default/v1/token");
  CHECK(def.json["code_challenge_methods_supported"] == Json::array({"S256"}));
  auto oauth = Get("/oauth2/default/.well-known/oauth-authorization-server");
  REQUIRE(oauth.status == 200);
  CHECK_FALSE(oauth.json.contains("userinfo_endpoint"));
  CHECK(Get("/oauth2/nosuch/.well-known/openid-configuration").status == 404);
  auto keys = Get("/oauth2/default/v1/keys");
  REQUIRE(keys.status == 200);
  REQUIRE(keys.json["keys"].size() == 1);
  CHECK(Keys(keys.json["keys"][0]) == std::vector<std::string>{"kty", "alg", "kid", "use", "e", "n"});
  CHECK(keys.json["keys"][0]["kid"] != Get("/oauth2/v1/keys").json["keys"][0]["kid"]);  // one key set per server
}

TEST_CASE_METHOD(Oidc, "authorization code + PKCE on the default server: Okta's ID and access tokens", "[signon]") {
  auto a = Authorize("/oauth2/default");
  REQUIRE(a.status == 302);
  CHECK(a.location.rfind(kRedirect + "?code=", 0) == 0);
  CHECK(a.Param("state") == "st-1");
  CHECK(a.set_cookie.rfind("sid=", 0) == 0);
  CHECK(a.set_cookie.find("HttpOnly") != std::string::npos);
  auto t = Exchange("/oauth2/default", a.Param("code"));
  REQUIRE(t.status == 200);
  CHECK(Keys(t.json) ==
        std::vector<std::string>{"token_type", "expires_in", "access_token", "scope", "refresh_token", "id_token"});
  CHECK(t.json["token_type"] == "Bearer");
  CHECK(t.json["expires_in"] == 3600);
  CHECK(t.json["scope"] == "openid profile email offline_access");

  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(testing_okta::Epoch().time_since_epoch()).count();
  Json id = Payload(t.json["id_token"]);
  CHECK(Keys(id) == std::vector<std::string>{"sub", "name", "email", "ver", "iss", "aud", "iat", "exp", "jti", "amr",
                                             "idp", "nonce", "preferred_username", "auth_time", "at_hash"});
  CHECK(id["sub"] == user_id);
  CHECK(id["name"] == "Alice Example");
  CHECK(id["email"] == "alice@example.com");
  CHECK(id["ver"] == 1);
  CHECK(id["iss"] == base + "/oauth2/default");
  CHECK(id["aud"] == client_id);
  CHECK(id["iat"] == now);
  CHECK(id["exp"] == now + 3600);
  CHECK(id["jti"].get<std::string>().rfind("ID.", 0) == 0);
  CHECK(id["amr"] == Json::array({"pwd"}));
  CHECK(id["idp"].get<std::string>().rfind("00o", 0) == 0);
  CHECK(id["idp"].get<std::string>().size() == 20);
  CHECK(id["nonce"] == "n-1");
  CHECK(id["preferred_username"] == "alice@example.com");
  CHECK(id["auth_time"] == now);
  CHECK(id["at_hash"] == HalfSha256(t.json["access_token"].get<std::string>()));

  Json at = Payload(t.json["access_token"]);
  CHECK(Keys(at) ==
        std::vector<std::string>{"ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "auth_time", "sub"});
  CHECK(at["jti"].get<std::string>().rfind("AT.", 0) == 0);
  CHECK(at["iss"] == base + "/oauth2/default");
  CHECK(at["aud"] == "api://default");
  CHECK(at["cid"] == client_id);
  CHECK(at["uid"] == user_id);
  CHECK(at["sub"] == "alice@example.com");
  CHECK(at["scp"] == Json::array({"openid", "profile", "email", "offline_access"}));

  // Signed with the server's published key.
  auto jwks = Get("/oauth2/default/v1/keys").json;
  auto header = okta::signon::DecodeJwt(t.json["id_token"].get<std::string>())->header;
  CHECK(header["alg"] == "RS256");
  CHECK(header["kid"] == jwks["keys"][0]["kid"]);

  auto info = Send("GET", "/oauth2/default/v1/userinfo", "", "",
                   {{"Authorization", "Bearer " + t.json["access_token"].get<std::string>()}});
  REQUIRE(info.status == 200);
  CHECK(info.json["sub"] == user_id);
  CHECK(info.json["email"] == "alice@example.com");
  CHECK(info.json["given_name"] == "Alice");
  CHECK(info.json["family_name"] == "Example");
  CHECK(info.json["email_verified"] == true);
}

TEST_CASE_METHOD(Oidc, "the org server: issuer and audience are the org URL", "[signon]") {
  auto t = SignIn("/oauth2");
  Json at = Payload(t["access_token"]);
  CHECK(at["iss"] == base);
  CHECK(at["aud"] == base);
  Json id = Payload(t["id_token"]);
  CHECK(id["iss"] == base);
  CHECK(id["aud"] == client_id);
}

TEST_CASE_METHOD(Oidc, "refresh tokens, introspection and revocation", "[signon]") {
  auto t = SignIn("/oauth2/default");
  std::string rt = t["refresh_token"];
  auto r = Token("/oauth2/default", {{"grant_type", "refresh_token"}, {"refresh_token", rt}});
  REQUIRE(r.status == 200);
  CHECK(r.json["refresh_token"] == rt);  // not rotated (Okta's default for web apps)
  CHECK(r.json.contains("id_token"));
  httplib::Headers basic{{"Authorization", "Basic " + core::Base64Encode(client_id + ":" + secret)}};
  auto intro = Send("POST", "/oauth2/default/v1/introspect", Form({{"token", r.json["access_token"]}}),
                    "application/x-www-form-urlencoded", basic);
  REQUIRE(intro.status == 200);
  CHECK(intro.json["active"] == true);
  CHECK(intro.json["username"] == "alice@example.com");
  CHECK(intro.json["client_id"] == client_id);
  auto rintro =
      Send("POST", "/oauth2/default/v1/introspect", Form({{"token", rt}}), "application/x-www-form-urlencoded", basic);
  CHECK(rintro.json["active"] == true);
  CHECK(rintro.json["token_type"] == "refresh_token");
  // Revoke both.
  CHECK(Send("POST", "/oauth2/default/v1/revoke", Form({{"token", rt}}), "application/x-www-form-urlencoded", basic)
            .status == 200);
  CHECK(Send("POST", "/oauth2/default/v1/revoke", Form({{"token", r.json["access_token"]}}),
             "application/x-www-form-urlencoded", basic)
            .status == 200);
  auto after = Token("/oauth2/default", {{"grant_type", "refresh_token"}, {"refresh_token", rt}});
  CHECK(after.status == 400);
  CHECK(after.json["error"] == "invalid_grant");
  CHECK(Send("POST", "/oauth2/default/v1/introspect", Form({{"token", r.json["access_token"]}}),
             "application/x-www-form-urlencoded", basic)
            .json["active"] == false);
  auto info = Send("GET", "/oauth2/default/v1/userinfo", "", "",
                   {{"Authorization", "Bearer " + r.json["access_token"].get<std::string>()}});
  CHECK(info.status == 401);
  CHECK(info.www_authenticate.find("error=\"invalid_token\"") != std::string::npos);
}

TEST_CASE_METHOD(Oidc, "client credentials with a custom scope on the default server", "[signon]") {
  auto svc = Call("POST", "/api/v1/apps", WebApp("Service", "service", "client_secret_post"));
  REQUIRE(svc.status == 200);
  std::string cid = svc.body["credentials"]["oauthClient"]["client_id"];
  std::string sec = svc.body["credentials"]["oauthClient"]["client_secret"];
  REQUIRE(Call("POST", "/api/v1/authorizationServers/default/scopes",
               Json{{"name", "vault.read"}, {"description", "Read the vault"}})
              .status == 201);
  auto t = Send(
      "POST", "/oauth2/default/v1/token",
      Form(
          {{"grant_type", "client_credentials"}, {"scope", "vault.read"}, {"client_id", cid}, {"client_secret", sec}}));
  REQUIRE(t.status == 200);
  CHECK_FALSE(t.json.contains("id_token"));
  CHECK_FALSE(t.json.contains("refresh_token"));
  Json at = Payload(t.json["access_token"]);
  CHECK(at["sub"] == cid);
  CHECK(at["cid"] == cid);
  CHECK_FALSE(at.contains("uid"));
  CHECK(at["scp"] == Json::array({"vault.read"}));
  // The org server does not take client secrets for this grant; OIDC scopes are refused.
  auto org = Send(
      "POST", "/oauth2/v1/token",
      Form(
          {{"grant_type", "client_credentials"}, {"scope", "vault.read"}, {"client_id", cid}, {"client_secret", sec}}));
  CHECK(org.status == 400);
  CHECK(org.json["error"] == "invalid_client");
  auto oidc = Send(
      "POST", "/oauth2/default/v1/token",
      Form({{"grant_type", "client_credentials"}, {"scope", "openid"}, {"client_id", cid}, {"client_secret", sec}}));
  CHECK(oidc.json["error"] == "invalid_scope");
  auto unknown = Send("POST", "/oauth2/default/v1/token",
                      Form({{"grant_type", "client_credentials"},
                            {"scope", "vault.write"},
                            {"client_id", cid},
                            {"client_secret", sec}}));
  CHECK(unknown.json["error"] == "invalid_scope");
  CHECK(unknown.json["error_description"] ==
        "One or more scopes are not configured for the authorization server resource.");
}

TEST_CASE_METHOD(Oidc, "a groups claim with a filter and a custom claim from a profile attribute", "[signon]") {
  CreateGroup("Sales");
  std::string g2 = CreateGroup("Eng-Platform");
  REQUIRE(Call("PUT", "/api/v1/groups/" + g2 + "/users/" + user_id).status == 204);
  auto groups = Call("POST", "/api/v1/authorizationServers/default/claims",
                     Json{{"name", "groups"},
                          {"claimType", "IDENTITY"},
                          {"valueType", "GROUPS"},
                          {"group_filter_type", "STARTS_WITH"},
                          {"value", "Eng"},
                          {"alwaysIncludeInToken", true},
                          {"conditions", Json{{"scopes", Json::array()}}}});
  REQUIRE(groups.status == 201);
  CHECK(groups.body["valueType"] == "GROUPS");
  auto dept = Call("POST", "/api/v1/authorizationServers/default/claims",
                   Json{{"name", "department"},
                        {"claimType", "RESOURCE"},
                        {"valueType", "EXPRESSION"},
                        {"value", "user.department"},
                        {"conditions", Json{{"scopes", Json::array()}}}});
  REQUIRE(dept.status == 201);
  auto t = SignIn("/oauth2/default");
  Json id = Payload(t["id_token"]);
  CHECK(id["groups"] == Json::array({"Engineering", "Eng-Platform"}));
  CHECK_FALSE(id.contains("department"));
  Json at = Payload(t["access_token"]);
  CHECK(at["department"] == "R&D");
  CHECK_FALSE(at.contains("groups"));
  auto listed = Call("GET", "/api/v1/authorizationServers/default/claims");
  CHECK(listed.body.size() == 2);
  auto servers = Call("GET", "/api/v1/authorizationServers");
  REQUIRE(servers.status == 200);
  REQUIRE(servers.body.size() == 1);
  CHECK(servers.body[0]["id"] == "default");
  CHECK(servers.body[0]["audiences"] == Json::array({"api://default"}));
  CHECK(servers.body[0]["issuer"] == base + "/oauth2/default");
  // Bad claims are refused.
  CHECK(Call("POST", "/api/v1/authorizationServers/default/claims",
             Json{{"name", "g"}, {"valueType", "GROUPS"}, {"group_filter_type", "REGEX"}, {"value", "(["}})
            .status == 400);
  CHECK(Call("POST", "/api/v1/authorizationServers/default/claims", Json{{"name", "sub"}, {"value", "user.login"}})
            .status == 400);
}

TEST_CASE_METHOD(Oidc, "key rotation keeps the previous key published", "[signon]") {
  auto before = SignIn("/oauth2/default");
  std::string old_kid = Get("/oauth2/default/v1/keys").json["keys"][0]["kid"];
  auto rot = Send("POST", "/sandbox/signon/keys/rotate?authorizationServer=default", "", "application/json");
  REQUIRE(rot.status == 200);
  auto keys = Get("/oauth2/default/v1/keys").json["keys"];
  REQUIRE(keys.size() == 2);
  CHECK(keys[1]["kid"] == old_kid);
  CHECK(keys[0]["kid"] == rot.json["default"]["kid"]);
  auto after = SignIn("/oauth2/default");
  CHECK(okta::signon::DecodeJwt(after["access_token"].get<std::string>())->header["kid"] == keys[0]["kid"]);
  // A token signed with the previous key is still accepted.
  auto info = Send("GET", "/oauth2/default/v1/userinfo", "", "",
                   {{"Authorization", "Bearer " + before["access_token"].get<std::string>()}});
  CHECK(info.status == 200);
  // A cross-site page cannot rotate.
  CHECK(Send("POST", "/sandbox/signon/keys/rotate", "", "application/json", {{"Origin", "https://evil.example"}})
            .status == 403);
}

TEST_CASE_METHOD(Oidc, "the sign-in page: form, wrong password, the picker, and the session for a second app",
                 "[signon]") {
  auto a = Authorize("/oauth2/default", {{"sessionToken", "<omit>"}});
  REQUIRE(a.status == 302);
  REQUIRE(a.location.rfind("/login/login.htm?fromURI=", 0) == 0);
  // httplib's client hands Location back percent-decoded once: encode fromURI again.
  const std::string prefix = "/login/login.htm?fromURI=";
  auto page = Get(prefix + core::UrlEncode(a.location.substr(prefix.size())));
  INFO(a.location << " → " << page.body);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("<label for=\"username\">Username</label>") != std::string::npos);
  CHECK(page.body.find("<label for=\"password\">Password</label>") != std::string::npos);
  CHECK(page.body.find("to continue to Web App") != std::string::npos);
  CHECK(page.body.find("Alice Example") != std::string::npos);  // the picker lists assigned users
  CHECK(page.body.find("Bob Outsider") == std::string::npos);   // … and only them
  std::string xsrf = page.set_cookie.substr(page.set_cookie.find('=') + 1, 32);
  std::string from = page.body.substr(page.body.find("name=\"fromURI\" value=\"") + 22);
  from = from.substr(0, from.find('"'));
  // HTML-unescape the &amp; in the hidden field.
  for (size_t p; (p = from.find("&amp;")) != std::string::npos;) from.replace(p, 5, "&");
  httplib::Headers cookie{{"Cookie", "okta_sandbox_xsrf=" + xsrf}};

  auto wrong =
      Send("POST", "/login/signin",
           Form({{"fromURI", from}, {"_xsrfToken", xsrf}, {"username", "alice@example.com"}, {"password", "nope"}}),
           "application/x-www-form-urlencoded", cookie);
  CHECK(wrong.status == 401);
  CHECK(wrong.body.find("Unable to sign in") != std::string::npos);
  CHECK(wrong.set_cookie.find("sid=") == std::string::npos);

  auto nox = Send("POST", "/login/signin",
                  Form({{"fromURI", from}, {"username", "alice@example.com"}, {"password", "Passw0rd!"}}),
                  "application/x-www-form-urlencoded", cookie);
  CHECK(nox.status == 403);
  httplib::Headers foreign = cookie;
  foreign.emplace("Origin", "https://evil.example");
  CHECK(
      Send(
          "POST", "/login/signin",
          Form({{"fromURI", from}, {"_xsrfToken", xsrf}, {"username", "alice@example.com"}, {"password", "Passw0rd!"}}),
          "application/x-www-form-urlencoded", foreign)
          .status == 403);

  auto ok = Send(
      "POST", "/login/signin",
      Form({{"fromURI", from}, {"_xsrfToken", xsrf}, {"username", "alice@example.com"}, {"password", "Passw0rd!"}}),
      "application/x-www-form-urlencoded", cookie);
  REQUIRE(ok.status == 302);
  CHECK(ok.location.rfind("/oauth2/default/v1/authorize?client_id=" + client_id + "&", 0) == 0);  // back to fromURI
  std::string sid = ok.set_cookie.substr(0, ok.set_cookie.find(';'));
  auto back = Get(from, {{"Cookie", sid}});  // (Location comes back decoded by httplib's client)
  REQUIRE(back.status == 302);
  CHECK(!back.Param("code").empty());

  // A second app signs in with the same session, without a prompt.
  auto spa = Call("POST", "/api/v1/apps", WebApp("SPA", "browser", "none"));
  REQUIRE(spa.status == 200);
  std::string spa_id = spa.body["credentials"]["oauthClient"]["client_id"];
  CHECK_FALSE(spa.body["credentials"]["oauthClient"].contains("client_secret"));
  REQUIRE(Call("POST", "/api/v1/apps/" + spa_id + "/users", Json{{"id", user_id}}).status == 200);
  auto second = Get("/oauth2/default/v1/authorize?" + Form({{"client_id", spa_id},
                                                            {"response_type", "code"},
                                                            {"scope", "openid"},
                                                            {"redirect_uri", kRedirect},
                                                            {"state", "s2"},
                                                            {"prompt", "none"},
                                                            {"code_challenge", okta::signon::PkceS256(kVerifier)},
                                                            {"code_challenge_method", "S256"}}),
                    {{"Cookie", sid}});
  REQUIRE(second.status == 302);
  CHECK(!second.Param("code").empty());
  auto t = Send("POST", "/oauth2/default/v1/token",
                Form({{"grant_type", "authorization_code"},
                      {"code", second.Param("code")},
                      {"redirect_uri", kRedirect},
                      {"code_verifier", kVerifier},
                      {"client_id", spa_id}}));
  CHECK(t.status == 200);

  // The picker: an assigned user, no password.
  auto pick = Send("POST", "/login/signin", Form({{"fromURI", from}, {"_xsrfToken", xsrf}, {"as_user", user_id}}),
                   "application/x-www-form-urlencoded", cookie);
  CHECK(pick.status == 302);
  auto pick_other =
      Send("POST", "/login/signin", Form({{"fromURI", from}, {"_xsrfToken", xsrf}, {"as_user", other_id}}),
           "application/x-www-form-urlencoded", cookie);
  CHECK(pick_other.status == 401);
}

TEST_CASE_METHOD(Oidc, "logout ends the session and returns to a registered URI", "[signon]") {
  std::string token = SessionToken();
  auto a = Authorize("/oauth2/default", {}, "", token);
  REQUIRE(a.status == 302);
  std::string sid = a.set_cookie.substr(0, a.set_cookie.find(';'));
  auto t = Exchange("/oauth2/default", a.Param("code"));
  std::string idt = t.json["id_token"];
  auto bad = Get("/oauth2/default/v1/logout?" +
                     Form({{"id_token_hint", idt}, {"post_logout_redirect_uri", "https://evil.example/"}}),
                 {{"Cookie", sid}});
  CHECK(bad.status == 400);
  CHECK(bad.location.empty());
  auto out =
      Get("/oauth2/default/v1/logout?" +
              Form({{"id_token_hint", idt}, {"post_logout_redirect_uri", "http://localhost:3000/"}, {"state", "bye"}}),
          {{"Cookie", sid}});
  REQUIRE(out.status == 302);
  CHECK(out.location == "http://localhost:3000/?state=bye");
  CHECK(out.set_cookie.find("Max-Age=0") != std::string::npos);
  auto again = Authorize("/oauth2/default", {{"sessionToken", "<omit>"}, {"prompt", "none"}});
  CHECK(again.Param("error") == "login_required");
}

TEST_CASE_METHOD(Oidc, "sessionCookieRedirect, the System Log and redacted traffic", "[signon]") {
  std::string token = SessionToken();
  auto r = Get("/login/sessionCookieRedirect?" + Form({{"token", token}, {"redirectUrl", "/oauth2/v1/authorize?x=1"}}));
  CHECK(r.status == 302);
  CHECK(r.location == "/oauth2/v1/authorize?x=1");
  CHECK(r.set_cookie.rfind("sid=", 0) == 0);
  auto open = Get("/login/sessionCookieRedirect?" +
                  Form({{"token", SessionToken()}, {"redirectUrl", "https://evil.example/"}}));
  CHECK(open.status == 400);
  CHECK(open.location.empty());

  auto t = SignIn("/oauth2/default");
  CHECK(Logs("user.session.start").size() >= 2);
  CHECK(Logs("user.authentication.sso").size() == 1);
  CHECK(Logs("app.oauth2.as.token.grant.access_token").size() == 1);
  CHECK(Logs("app.oauth2.as.token.grant.refresh_token").size() == 1);
  auto traffic = Call("GET", "/sandbox/traffic");
  REQUIRE(traffic.status == 200);
  std::string all = core::DumpCompact(traffic.body);
  CHECK(all.find("sign_on") != std::string::npos);
  CHECK(all.find("\"token (authorization_code)\"") != std::string::npos);
  CHECK(all.find(secret) == std::string::npos);
  CHECK(all.find(t["refresh_token"].get<std::string>()) == std::string::npos);
  CHECK(all.find(t["access_token"].get<std::string>()) == std::string::npos);
  CHECK(all.find("Passw0rd!") == std::string::npos);
  CHECK(all.find("[signature redacted]") != std::string::npos);
}
