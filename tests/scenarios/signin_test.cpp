// The sign-on steps (scenarios/signon_steps.h): their pure helpers, and
// scenarios on a fresh in-process sandbox: a wrong signIn expectation fails
// the scenario, every outcome kind and option works, sign-on records stay
// out of traffic expectations, and the bundled sign-in scenario repeats.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>

#include "app/scenario_cmd.h"
#include "core/secret.h"
#include "scenarios/signon_steps.h"
#include "scenarios/traffic.h"
#include "tests/scenarios/scenario_fixture.h"

using core::Json;
using scenario_fixture::Failures;
using scenario_fixture::Inline;

namespace {

// Alice in Engineering, Bob not; an OIDC web app assigned to Engineering.
const char* kOidcSetup = R"(
  "setup": {"directory": {
    "users": [{"login": "alice@corp.test", "firstName": "Alice", "lastName": "Lee"},
              {"login": "bob@corp.test", "firstName": "Bob", "lastName": "Ray", "password": "Bobs-Passw0rd"}],
    "groups": [{"name": "Engineering", "members": ["alice@corp.test"]}]}},
)";

}  // namespace

TEST_CASE("base64url, PKCE S256, JWT parts and redirect parameters", "[scenarios][signin]") {
  CHECK(scenarios::Base64UrlEncode("\xfb\xff\xfe") == "-__-");
  CHECK(scenarios::Base64UrlDecode("-__-") == std::string("\xfb\xff\xfe"));
  CHECK(scenarios::Base64UrlDecode("YQ") == std::string("a"));
  CHECK(scenarios::Base64UrlDecode("YQ==") == std::string("a"));
  CHECK_FALSE(scenarios::Base64UrlDecode("+/+/").has_value());  // the standard alphabet is not base64url
  CHECK_FALSE(scenarios::Base64UrlDecode("Y").has_value());
  // Computed independently: base64url(sha256(verifier)) without padding, with Python's hashlib.
  CHECK(scenarios::PkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWlLqV1M") ==
        "LX5GH_V47wANfwOWBQg3wbLVaeUofrEoGux2VMvD6HQ");

  std::string jwt = scenarios::Base64UrlEncode(R"({"kid":"k1","alg":"RS256"})") + "." +
                    scenarios::Base64UrlEncode(R"({"sub":"00u1","groups":["Eng"]})") + ".c2ln";
  auto parts = scenarios::DecodeJwt(jwt);
  REQUIRE(parts.has_value());
  CHECK(parts->header["kid"] == "k1");
  CHECK(parts->payload["groups"] == Json::array({"Eng"}));
  CHECK_FALSE(scenarios::DecodeJwt("a.b").has_value());
  CHECK_FALSE(scenarios::DecodeJwt(scenarios::Base64UrlEncode("[1]") + "." + scenarios::Base64UrlEncode("{}") + ".x")
                  .has_value());

  Json p = scenarios::RedirectParams(
      "http://localhost:3000/cb?error=access_denied&error_description=User+is+not+assigned&state=s1");
  CHECK(p["error"] == "access_denied");
  CHECK(p["error_description"] == "User is not assigned");
  CHECK(p["state"] == "s1");
  CHECK(scenarios::RedirectParams("http://localhost:3000/cb#code=abc&state=x")["code"] == "abc");
  CHECK(scenarios::RedirectParams("http://localhost:3000/cb").empty());
}

TEST_CASE("a wrong signIn expectation fails the scenario and says what happened", "[scenarios][signin]") {
  auto s = Inline(std::string(R"({"name": "wrong sign-in expectations",)") + kOidcSetup + R"(
    "steps": [
      {"oidcApp": {"label": "Portal", "assignGroups": ["Engineering"]}},
      {"signIn": {"user": "bob@corp.test", "expect": {"claims": {"idToken": {"sub": "${userId:bob@corp.test}"}}}}},
      {"signIn": {"user": "alice@corp.test", "expect": {"error": "access_denied"}}},
      {"signIn": {"user": "alice@corp.test", "expect": {"claims": {"idToken": {"preferred_username": "bob@corp.test"}}}}},
      {"signIn": {"user": "bob@corp.test"}},
      {"signIn": {"user": "alice@corp.test"}}
    ]
  })");
  scenario_cmd::ScenarioOptions o;
  auto run = scenario_cmd::RunInFreshSandbox(s, o);
  REQUIRE(run.started);
  std::string report = Failures(run.outcome);
  INFO(report);
  CHECK_FALSE(run.outcome.passed);
  CHECK(run.outcome.steps == 6);  // a failed expectation does not end the run
  REQUIRE(run.outcome.failures.size() == 4);
  const auto& f = run.outcome.failures;
  // Bob expected to succeed: Okta's access_denied is shown.
  CHECK(f[0].where == "step 2 (signIn)");
  CHECK(f[0].message.find("sign-in of bob@corp.test → Portal (default server): authorize → access_denied: "
                          "User is not assigned to the client application.") != std::string::npos);
  CHECK(f[0].message.find("$.error: expected absent, got \"access_denied\"") != std::string::npos);
  CHECK(f[0].message.find("$.claims: expected {\"idToken\"") != std::string::npos);
  // Alice expected to be refused: she signed in.
  CHECK(f[1].where == "step 3 (signIn)");
  CHECK(f[1].message.find("signed in (sub 00u") != std::string::npos);
  CHECK(f[1].message.find("$.error: expected \"access_denied\", got absent") != std::string::npos);
  // A wrong claim.
  CHECK(f[2].where == "step 4 (signIn)");
  CHECK(f[2].message.find("$.claims.idToken.preferred_username: expected \"bob@corp.test\", got \"alice@corp.test\"") !=
        std::string::npos);
  // No expect: the sign-in must succeed.
  CHECK(f[3].where == "step 5 (signIn)");
  CHECK(f[3].message.find("access_denied") != std::string::npos);
}

TEST_CASE("signIn outcomes and options: servers, client types, passwords, code expiry, app assignments",
          "[scenarios][signin]") {
  auto s = Inline(std::string(R"({"name": "sign-in options",)") + kOidcSetup + R"(
    "steps": [
      {"oidcApp": {"label": "Portal", "assignGroups": ["Engineering"]}},
      {"oidcApp": {"label": "SPA", "type": "browser", "redirectUris": ["http://localhost:8080/login/callback"],
                   "assignUsers": ["bob@corp.test"]}},
      {"oidcApp": {"label": "Posting", "tokenEndpointAuthMethod": "client_secret_post", "assignUsers": ["alice@corp.test"]}},
      {"authServerClaim": {"name": "lastName", "in": "accessToken", "expression": "user.lastName"}},
      {"authServerClaim": {"name": "groups", "groupFilter": {"equals": "Engineering"}, "scopes": ["phone"]}},

      {"signIn": {"user": "alice@corp.test", "app": "Portal", "expect": {
        "tokenType": "Bearer", "expiresIn": 3600, "refreshToken": false, "scope": "openid profile email",
        "claims": {"idToken": {"aud": "${clientId:Portal}", "nonce": "scenario-nonce-1", "groups": null},
                   "accessToken": {"lastName": "Lee", "iss": "~/oauth2/default"}},
        "headers": {"idToken": {"alg": "RS256", "kid": "*"}, "accessToken": {"alg": "RS256", "kid": "*"}}}}},
      {"signIn": {"user": "alice@corp.test", "app": "Portal", "scope": ["openid", "phone", "offline_access"],
                  "expect": {"refreshToken": true, "claims": {"idToken": {"groups": ["Engineering"]}}}}},
      {"signIn": {"user": "alice@corp.test", "app": "Portal", "authorizationServer": "org", "expect": {
        "claims": {"idToken": {"sub": "${userId:alice@corp.test}", "iss": "~http://127.0.0.1:"},
                   "accessToken": {"lastName": null}}}}},
      {"signIn": {"user": "bob@corp.test", "app": "SPA",
                  "expect": {"claims": {"idToken": {"sub": "${userId:bob@corp.test}", "aud": "${clientId:SPA}"}}}}},
      {"signIn": {"user": "alice@corp.test", "app": "Posting"}},
      {"expect": {"traffic": [], "logs": [{"eventType": "user.authentication.sso", "count": 5}]}},

      {"signIn": {"user": "alice@corp.test", "app": "Portal", "password": "wrong",
                  "expect": {"stage": "authn", "error": "authentication_failed", "errorCode": "E0000004", "status": 401}}},
      {"signIn": {"user": "bob@corp.test", "app": "SPA", "redirectUri": "https://evil.example/cb",
                  "expect": {"stage": "authorize", "error": "error_page", "status": 400,
                             "errorDescription": "~must be a Login redirect URI"}}},
      {"signIn": {"user": "alice@corp.test", "app": "Portal", "advanceClockBeforeToken": 301,
                  "expect": {"stage": "token", "error": "invalid_grant",
                             "errorDescription": "The authorization code is invalid or has expired."}}},
      {"unassign": {"app": "SPA", "user": "bob@corp.test"}},
      {"signIn": {"user": "bob@corp.test", "app": "SPA", "expect": {"error": "access_denied"}}},
      {"assign": {"app": "Portal", "users": ["bob@corp.test"]}},
      {"signIn": {"user": "bob@corp.test", "app": "Portal"}},
      {"updateUser": {"user": "bob@corp.test", "password": "New-Passw0rd!"}},
      {"signIn": {"user": "bob@corp.test", "app": "Portal"}}
    ]
  })");
  scenario_cmd::ScenarioOptions o;
  auto run = scenario_cmd::RunInFreshSandbox(s, o);
  REQUIRE(run.started);
  INFO(Failures(run.outcome));
  CHECK(run.outcome.passed);
  CHECK(run.outcome.steps == s.steps.size());
  CHECK(run.outcome.requests == 0);  // sign-on records are not SCIM requests
  size_t sign_on = 0;
  for (const auto& r : run.traffic) sign_on += scenarios::IsSignOnRecord(r) ? 1 : 0;
  CHECK(sign_on == run.traffic.size());
  // authn + authorize + token for each of the 8 sign-ins that got tokens or a token error, authn only
  // for the wrong password, authn + authorize for the error page and for access_denied.
  CHECK(sign_on == 8 * 3 + 1 + 2 + 2);
  // Redacted: no password, secret or signature in what a HAR would hold.
  std::string har = scenario_cmd::HarText(run.traffic);
  CHECK(har.find("Passw0rd") == std::string::npos);
  CHECK(har.find("[signature redacted]") != std::string::npos);
}

TEST_CASE("sign-in step mistakes end the scenario with a clear message", "[scenarios][signin]") {
  scenario_cmd::ScenarioOptions o;
  auto no_app = scenario_cmd::RunInFreshSandbox(
      Inline(std::string(R"({"name": "no app",)") + kOidcSetup + R"("steps": [{"signIn": {"user": "alice@corp.test"}}]})"),
      o);
  REQUIRE(no_app.outcome.failures.size() == 1);
  CHECK(no_app.outcome.failures[0].message.find("no OIDC app yet") != std::string::npos);
  auto unknown = scenario_cmd::RunInFreshSandbox(Inline(std::string(R"({"name": "unknown app",)") + kOidcSetup + R"(
    "steps": [{"oidcApp": {"label": "Portal"}}, {"signIn": {"user": "alice@corp.test", "app": "Portl"}}]})"),
                                                 o);
  REQUIRE(unknown.outcome.failures.size() == 1);
  CHECK(unknown.outcome.failures[0].message.find("no OIDC app labelled Portl (this scenario created: Portal)") !=
        std::string::npos);
  auto service = scenario_cmd::RunInFreshSandbox(Inline(std::string(R"({"name": "service app",)") + kOidcSetup + R"(
    "steps": [{"oidcApp": {"label": "Daemon", "type": "service"}}, {"signIn": {"user": "alice@corp.test"}}]})"),
                                                 o);
  REQUIRE(service.outcome.failures.size() == 1);
  CHECK(service.outcome.failures[0].message.find("Daemon is a service app") != std::string::npos);
  auto bad_claim = scenario_cmd::RunInFreshSandbox(Inline(R"({"name": "bad claim",
    "steps": [{"authServerClaim": {"name": "g", "groupFilter": {"startsWith": "a", "equals": "b"}}}]})"),
                                                   o);
  REQUIRE(bad_claim.outcome.failures.size() == 1);
  CHECK(bad_claim.outcome.failures[0].message.find("groupFilter is one of") != std::string::npos);
  auto bad_key = scenarios::ParseScenario(R"({"name": "x", "steps": [{"signIn": {"user": "a", "expects": {}}}]})");
  REQUIRE_FALSE(bad_key.ok());
  CHECK(bad_key.error().detail == "$.steps[0].signIn.expects: unknown key");
}

TEST_CASE("the bundled sign-in scenario passes and repeats; only its sign-on records differ between runs",
          "[scenarios][signin][determinism]") {
  auto loaded = scenario_cmd::LoadBundledScenario("signin-outside-assigned-group");
  REQUIRE(loaded.ok());
  scenario_cmd::ScenarioOptions o;
  auto a = scenario_cmd::RunInFreshSandbox(*loaded, o);
  auto b = scenario_cmd::RunInFreshSandbox(*loaded, o);
  REQUIRE(a.started);
  INFO(Failures(a.outcome));
  CHECK(a.outcome.passed);
  CHECK(b.outcome.passed);
  // Everything but the sign-on exchanges is byte-identical (this story sends no SCIM request).
  auto split = [](const Json& traffic) {
    Json scim = Json::array(), sign_on = Json::array();
    for (const auto& r : traffic) {
      if (!scenarios::IsSignOnRecord(r)) {
        scim.push_back(r);
        continue;
      }
      // Signing keys, key ids, token ids (jti), sessions and error ids are random, as Okta's are: what
      // repeats is which exchange happened, in which order, with which request and status.
      sign_on.push_back(Json{{"seq", r["seq"]},
                             {"step", r["step"]},
                             {"method", r["request"]["method"]},
                             {"target", r["request"]["target"]},
                             {"body", r["request"]["body"]},
                             {"status", r["response"]["status"]}});
    }
    return std::pair{scim, sign_on};
  };
  auto [scim_a, sign_a] = split(a.traffic);
  auto [scim_b, sign_b] = split(b.traffic);
  CHECK(scenario_cmd::HarText(scim_a) == scenario_cmd::HarText(scim_b));
  // authn + authorize + token twice (alice, then bob in the group), authn + authorize (bob refused), authn (alice
  // deactivated).
  CHECK(sign_a.size() == 3 + 2 + 3 + 1);
  CHECK(sign_a == sign_b);
  // Replay sends SCIM requests only: the sign-on entries of the HAR are skipped (nothing is sent, so no
  // server is needed at that address).
  auto replay = scenarios::ReplayHar(Json::parse(scenario_cmd::HarText(a.traffic)), "http://127.0.0.1:9/scim/v2", "t");
  REQUIRE(replay.ok());
  CHECK(replay->replayed == 0);
  CHECK(replay->skipped == sign_a.size());
  CHECK(replay->differences.empty());
  if (sign_a != sign_b) {
    std::string stem = "/tmp/scenario-signin-" + std::to_string(::getpid());
    std::ofstream(stem + "-a.json") << sign_a.dump(2);
    std::ofstream(stem + "-b.json") << sign_b.dump(2);
  }
}
