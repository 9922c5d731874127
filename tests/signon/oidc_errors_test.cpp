// Sign-on error paths: each bad request gets Okta's RFC 6749 / OIDC error,
// never a redirect to an unregistered URI, and changes no state (a code
// survives a failed exchange; nothing is issued).
#include "tests/signon/oidc_fixture.h"

using namespace testing_signon;

namespace {

void CheckError(const Raw& r, int status, const std::string& error, const std::string& description = "") {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(r.json.value("error", "") == error);
  if (!description.empty()) CHECK(r.json.value("error_description", "") == description);
}

}  // namespace

TEST_CASE_METHOD(Oidc, "authorize: a bad client or redirect_uri is an error page, never a redirect", "[signon]") {
  auto unknown = Authorize("/oauth2/default", {{"client_id", "0oaNOPE"}});
  CHECK(unknown.status == 400);
  CHECK(unknown.location.empty());
  CHECK(unknown.body.find("Invalid value for &#39;client_id&#39; parameter.") != std::string::npos);
  auto missing = Authorize("/oauth2/default", {{"client_id", "<omit>"}});
  CHECK(missing.status == 400);
  auto redirect = Authorize("/oauth2/default", {{"redirect_uri", "https://evil.example/cb"}});
  CHECK(redirect.status == 400);
  CHECK(redirect.location.empty());
  CHECK(redirect.body.find("must be a Login redirect URI in the client app settings") != std::string::npos);
  auto no_redirect = Authorize("/oauth2/default", {{"redirect_uri", "<omit>"}});
  CHECK(no_redirect.status == 400);
  CHECK(no_redirect.location.empty());
  auto server = Authorize("/oauth2/nosuch");
  CHECK(server.status == 404);
  auto twice = Get("/oauth2/default/v1/authorize?client_id=" + client_id + "&client_id=" + client_id);
  CHECK(twice.status == 400);
}

TEST_CASE_METHOD(Oidc, "authorize: request errors are redirected with state", "[signon]") {
  struct Case {
    std::vector<std::pair<std::string, std::string>> params;
    std::string error, description;
  };
  std::vector<Case> cases{
      {{{"response_type", "token"}},
       "unsupported_response_type",
       "The response type is not supported by the authorization server. Configured response types: [code]."},
      {{{"scope", "openid nosuch"}},
       "invalid_scope",
       "One or more scopes are not configured for the authorization server resource."},
      {{{"scope", ""}},
       "invalid_scope",
       "The authorization server resource does not have any configured default scopes, 'scope' must be provided."},
      {{{"code_challenge_method", "plain"}}, "invalid_request", "Invalid value for 'code_challenge_method' parameter."},
      {{{"code_challenge", "short"}}, "invalid_request", "Invalid value for 'code_challenge' parameter."},
      {{{"prompt", "sometimes"}}, "invalid_request", "Invalid value for 'prompt' parameter."},
      {{{"response_mode", "web_message"}}, "invalid_request", "Invalid value for 'response_mode' parameter."},
      {{{"sessionToken", "forged"}}, "access_denied", "The session token is invalid or has expired."},
  };
  for (const auto& c : cases) {
    INFO(c.error << " " << c.description);
    auto r = Authorize("/oauth2/default", c.params);
    REQUIRE(r.status == 302);
    CHECK(r.location.rfind(kRedirect + "?", 0) == 0);
    CHECK(r.Param("error") == c.error);
    CHECK(r.Param("error_description") == c.description);
    CHECK(r.Param("state") == "st-1");
    CHECK(r.Param("code").empty());
  }
  auto no_state = Authorize("/oauth2/default", {{"state", "<omit>"}});
  CHECK(no_state.Param("error") == "invalid_request");
  CHECK(no_state.Param("error_description") == "The 'state' parameter is required.");
  // The org server needs openid.
  auto org = Authorize("/oauth2", {{"scope", "profile"}});
  CHECK(org.Param("error") == "invalid_scope");
}

TEST_CASE_METHOD(Oidc, "who may sign in: assignment, deactivation, suspension", "[signon]") {
  // Bob is active with a password but not in the assigned group.
  auto bob = Authorize("/oauth2/default", {}, "", SessionToken("bob@example.com"));
  CHECK(bob.Param("error") == "access_denied");
  CHECK(bob.Param("error_description") == "User is not assigned to the client application.");
  CHECK(bob.Param("code").empty());
  // Leaving the assigned group ends the assignment (for an app without provisioning too).
  std::string carol = CreateUser("carol@example.com", "Carol", "Leaver");
  REQUIRE(Call("PUT", "/api/v1/groups/" + group_id + "/users/" + carol).status == 204);
  CHECK(!Authorize("/oauth2/default", {}, "", SessionToken("carol@example.com")).Param("code").empty());
  REQUIRE(Call("DELETE", "/api/v1/groups/" + group_id + "/users/" + carol).status == 204);
  CHECK(Authorize("/oauth2/default", {}, "", SessionToken("carol@example.com")).Param("error") == "access_denied");
  // Alice's session outlives nothing: suspended, she cannot authenticate nor use her session.
  std::string token = SessionToken();
  auto a = Authorize("/oauth2/default", {}, "", token);
  std::string sid = a.set_cookie.substr(0, a.set_cookie.find(';'));
  REQUIRE(Call("POST", "/api/v1/users/" + user_id + "/lifecycle/suspend").status == 200);
  auto authn =
      Send("POST", "/api/v1/authn",
           core::DumpCompact(Json{{"username", "alice@example.com"}, {"password", "Passw0rd!"}}), "application/json");
  CHECK(authn.status == 401);
  CHECK(authn.json["errorCode"] == "E0000004");
  CHECK(authn.json["errorSummary"] == "Authentication failed");
  auto with_session = Get("/oauth2/default/v1/authorize?" + Form({{"client_id", client_id},
                                                                  {"response_type", "code"},
                                                                  {"scope", "openid"},
                                                                  {"redirect_uri", kRedirect},
                                                                  {"state", "s"},
                                                                  {"prompt", "none"}}),
                          {{"Cookie", sid}});
  CHECK(with_session.Param("error") == "login_required");
  REQUIRE(Call("POST", "/api/v1/users/" + user_id + "/lifecycle/unsuspend").status == 200);
  REQUIRE(Call("POST", "/api/v1/users/" + user_id + "/lifecycle/deactivate").status == 200);
  auto deact =
      Send("POST", "/api/v1/authn",
           core::DumpCompact(Json{{"username", "alice@example.com"}, {"password", "Passw0rd!"}}), "application/json");
  CHECK(deact.status == 401);
  // authn's own bad input.
  CHECK(Send("POST", "/api/v1/authn", "{not json", "application/json").json["errorCode"] == "E0000003");
  CHECK(Send("POST", "/api/v1/authn", "{\"username\":5}", "application/json").status == 400);
  CHECK(Send("POST", "/api/v1/authn", core::DumpCompact(Json{{"username", "nobody@x"}, {"password", "x"}}),
             "application/json")
            .status == 401);
}

TEST_CASE_METHOD(Oidc, "token: client authentication errors", "[signon]") {
  auto a = Authorize("/oauth2/default");
  std::string code = a.Param("code");
  std::vector<std::pair<std::string, std::string>> form{
      {"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirect}, {"code_verifier", kVerifier}};
  CheckError(Token("/oauth2/default", form, client_id, "wrong-secret"), 401, "invalid_client",
             "The client secret supplied for a confidential client is invalid.");
  CheckError(Token("/oauth2/default", form, "0oaUNKNOWN", "x"), 401, "invalid_client",
             "Invalid value for 'client_id' parameter.");
  auto none = Send("POST", "/oauth2/default/v1/token", Form(form));
  CheckError(none, 401, "invalid_client");
  auto garbage = Send("POST", "/oauth2/default/v1/token", Form(form), "application/x-www-form-urlencoded",
                      {{"Authorization", "Basic !!!"}});
  CheckError(garbage, 401, "invalid_client");
  // None of that used the code.
  CHECK(Exchange("/oauth2/default", code).status == 200);
}

TEST_CASE_METHOD(Oidc, "token: code errors change no state; a used or expired code is invalid_grant", "[signon]") {
  auto a = Authorize("/oauth2/default");
  std::string code = a.Param("code");
  CheckError(Token("/oauth2/default", {{"grant_type", "authorization_code"},
                                       {"code", code},
                                       {"redirect_uri", kRedirect},
                                       {"code_verifier", std::string(43, 'x')}}),
             400, "invalid_grant", "PKCE verification failed.");
  CheckError(
      Token("/oauth2/default", {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirect}}),
      400, "invalid_request");
  CheckError(Token("/oauth2/default", {{"grant_type", "authorization_code"},
                                       {"code", code},
                                       {"redirect_uri", "http://localhost:3000/other"},
                                       {"code_verifier", kVerifier}}),
             400, "invalid_grant",
             "The 'redirect_uri' does not match the redirection URI used in the authorization request.");
  CheckError(Token("/oauth2/v1", {{"grant_type", "authorization_code"},
                                  {"code", code},
                                  {"redirect_uri", kRedirect},
                                  {"code_verifier", kVerifier}}),
             404, "not_found");
  CheckError(Token("/oauth2", {{"grant_type", "authorization_code"},
                               {"code", code},
                               {"redirect_uri", kRedirect},
                               {"code_verifier", kVerifier}}),
             400, "invalid_grant", "The authorization code is invalid or has expired.");  // another server's code
  CheckError(Token("/oauth2/default", {{"grant_type", "password"}}), 400, "unsupported_grant_type");
  CheckError(Token("/oauth2/default", {{"grant_type", "client_credentials"}, {"scope", "x"}}), 400,
             "unauthorized_client",
             "The client is not authorized to use the provided grant type. Configured grant types: "
             "[authorization_code, refresh_token].");
  CheckError(Token("/oauth2/default", {}), 400, "invalid_request");
  CheckError(Send("POST", "/oauth2/default/v1/token", "{\"grant_type\":\"authorization_code\"}", "application/json"),
             400, "invalid_request");
  CheckError(Send("POST", "/oauth2/default/v1/token", "grant_type=a&grant_type=b"), 400, "invalid_request");
  // After all of that the code still works once, then never again.
  CHECK(Exchange("/oauth2/default", code).status == 200);
  CheckError(Exchange("/oauth2/default", code), 400, "invalid_grant",
             "The authorization code is invalid or has expired.");
  // A code expires after 300 s on the mock's clock.
  auto late = Authorize("/oauth2/default");
  Advance(301);
  CheckError(Exchange("/oauth2/default", late.Param("code")), 400, "invalid_grant",
             "The authorization code is invalid or has expired.");
  // Nothing above granted a token but the two exchanges.
  CHECK(Logs("app.oauth2.as.token.grant.access_token").size() == 1);
}

TEST_CASE_METHOD(Oidc, "userinfo and introspect refuse tampered, expired and foreign tokens", "[signon]") {
  auto t = SignIn("/oauth2/default");
  std::string at = t["access_token"];
  auto dot = at.find('.');
  std::string tampered = at;
  tampered[dot + 5] = tampered[dot + 5] == 'A' ? 'B' : 'A';
  auto info = Send("GET", "/oauth2/default/v1/userinfo", "", "", {{"Authorization", "Bearer " + tampered}});
  CHECK(info.status == 401);
  CHECK(info.www_authenticate.find("error=\"invalid_token\", error_description=\"The access token is invalid.\"") !=
        std::string::npos);
  CHECK(info.body.empty());
  CHECK(Send("GET", "/oauth2/default/v1/userinfo").status == 401);
  // alg "none" with the same payload.
  std::string none = okta::signon::Base64UrlEncode("{\"alg\":\"none\"}") + at.substr(dot, at.rfind('.') - dot) + ".";
  CHECK(Send("GET", "/oauth2/default/v1/userinfo", "", "", {{"Authorization", "Bearer " + none}}).status == 401);
  // A default-server token is not an org-server token.
  CHECK(Send("GET", "/oauth2/v1/userinfo", "", "", {{"Authorization", "Bearer " + at}}).status == 401);
  httplib::Headers basic{{"Authorization", "Basic " + core::Base64Encode(client_id + ":" + secret)}};
  auto intro = Send("POST", "/oauth2/default/v1/introspect", Form({{"token", tampered}}),
                    "application/x-www-form-urlencoded", basic);
  CHECK(intro.status == 200);
  CHECK(intro.json == Json{{"active", false}});
  CheckError(Send("POST", "/oauth2/default/v1/introspect", Form({{"token", at}})), 401, "invalid_client");
  CheckError(Send("POST", "/oauth2/default/v1/introspect", "", "application/x-www-form-urlencoded", basic), 400,
             "invalid_request");
  // An access token without openid cannot read userinfo.
  // Expired after an hour on the mock's clock.
  Advance(3601);
  CHECK(Send("GET", "/oauth2/default/v1/userinfo", "", "", {{"Authorization", "Bearer " + at}}).status == 401);
  CHECK(Send("POST", "/oauth2/default/v1/introspect", Form({{"token", at}}), "application/x-www-form-urlencoded", basic)
            .json["active"] == false);
}

TEST_CASE_METHOD(Oidc, "OIDC app bodies are validated as Okta does", "[signon]") {
  Json bad = WebApp("Bad", "web", "client_secret_basic");
  bad["settings"]["oauthClient"]["redirect_uris"] = Json::array({"http://localhost/cb#frag"});
  auto r = Call("POST", "/api/v1/apps", bad);
  CHECK(r.status == 400);
  CHECK(r.body["errorCode"] == "E0000001");
  Json spa = WebApp("SPA", "browser", "client_secret_basic");
  CHECK(Call("POST", "/api/v1/apps", spa).status == 400);
  Json svc = WebApp("Svc", "service", "none");
  CHECK(Call("POST", "/api/v1/apps", svc).status == 400);
  Json type = WebApp("T", "mainframe", "none");
  CHECK(Call("POST", "/api/v1/apps", type).status == 400);
  Json grant = WebApp("G", "browser", "none");
  grant["settings"]["oauthClient"]["grant_types"] = Json::array({"client_credentials"});
  CHECK(Call("POST", "/api/v1/apps", grant).status == 400);
  Json none = WebApp("N", "web", "client_secret_post");
  none["settings"]["oauthClient"]["redirect_uris"] = Json::array();
  CHECK(Call("POST", "/api/v1/apps", none).status == 400);
  // Native apps may use a private-use scheme (RFC 8252); http(s) needs "://host".
  Json native = WebApp("Native", "native", "none");
  native["settings"]["oauthClient"]["redirect_uris"] = Json::array({"com.okta.example:/callback"});
  CHECK(Call("POST", "/api/v1/apps", native).status == 200);
  native["settings"]["oauthClient"]["redirect_uris"] = Json::array({"http:/callback"});
  CHECK(Call("POST", "/api/v1/apps", native).status == 400);
  native["settings"]["oauthClient"]["redirect_uris"] = Json::array({"1http://x/cb"});
  CHECK(Call("POST", "/api/v1/apps", native).status == 400);
  // Adding a redirect URI with PUT keeps the secret and the other settings.
  auto app = Call("GET", "/api/v1/apps/" + client_id);
  Json put{{"label", "Web App"},
           {"settings",
            Json{{"oauthClient", Json{{"redirect_uris", Json::array({kRedirect, "http://localhost:4000/cb"})}}}}}};
  auto upd = Call("PUT", "/api/v1/apps/" + client_id, put);
  REQUIRE(upd.status == 200);
  CHECK(upd.body["settings"]["oauthClient"]["redirect_uris"].size() == 2);
  CHECK(upd.body["settings"]["oauthClient"]["grant_types"] == Json::array({"authorization_code", "refresh_token"}));
  CHECK(upd.body["credentials"]["oauthClient"]["client_secret"] == secret);
}
