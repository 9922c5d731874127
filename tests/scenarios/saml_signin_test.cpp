// The SAML sign-on steps (samlApp, samlSignIn in scenarios/signon_steps.h):
// the Response reader on its own, a wrong SAML expectation fails the
// scenario, the options work, and the bundled SAML scenario passes.
#include <catch2/catch.hpp>

#include "app/scenario_cmd.h"
#include "scenarios/signon_steps.h"
#include "tests/scenarios/scenario_fixture.h"

using core::Json;
using scenario_fixture::Failures;
using scenario_fixture::Inline;

namespace {

// Alice in Engineering and Sales, Bob in Sales only; a SAML app assigned to Engineering.
const char* kSamlSetup = R"(
  "setup": {"directory": {
    "users": [{"login": "alice@corp.test", "firstName": "Alice", "lastName": "Lee"},
              {"login": "bob@corp.test", "firstName": "Bob", "lastName": "Ray", "password": "Bobs-Passw0rd"}],
    "groups": [{"name": "Engineering", "members": ["alice@corp.test"]},
               {"name": "Sales", "members": ["alice@corp.test", "bob@corp.test"]}]}},
)";

}  // namespace

TEST_CASE("the SAML Response reader picks out what scenarios expect on", "[scenarios][saml]") {
  const std::string xml =
      R"(<?xml version="1.0" encoding="UTF-8"?><saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" )"
      R"(Destination="http://sp/acs?a=1&amp;b=2" ID="id1" InResponseTo="_r1" Version="2.0">)"
      R"(<saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">http://www.okta.com/0oa1</saml2:Issuer>)"
      R"(<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>)"
      R"(<saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>)"
      R"(<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1"><saml2:Issuer>http://www.okta.com/0oa1</saml2:Issuer>)"
      R"(<saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">a&amp;b@corp.test</saml2:NameID>)"
      R"(<saml2:SubjectConfirmation><saml2:SubjectConfirmationData Recipient='http://sp/acs'/></saml2:SubjectConfirmation></saml2:Subject>)"
      R"(<saml2:Conditions><saml2:AudienceRestriction><saml2:Audience>urn:sp</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>)"
      R"(<saml2:AttributeStatement><saml2:Attribute Name="groups" NameFormat="x"><saml2:AttributeValue>Eng &lt;1&gt;</saml2:AttributeValue>)"
      R"(<saml2:AttributeValue>Eng-2</saml2:AttributeValue></saml2:Attribute><saml2:Attribute Name="email">)"
      R"(<saml2:AttributeValue>a@corp.test</saml2:AttributeValue></saml2:Attribute></saml2:AttributeStatement>)"
      R"(</saml2:Assertion></saml2p:Response>)";
  std::string why;
  auto s = scenarios::SamlResponseSummary(xml, &why);
  INFO(why);
  REQUIRE(s.has_value());
  CHECK((*s)["destination"] == "http://sp/acs?a=1&b=2");
  CHECK((*s)["inResponseTo"] == "_r1");
  CHECK((*s)["issuer"] == "http://www.okta.com/0oa1");
  CHECK((*s)["assertionIssuer"] == "http://www.okta.com/0oa1");
  CHECK((*s)["samlStatus"] == "Success");
  CHECK((*s)["nameId"] == "a&b@corp.test");
  CHECK((*s)["nameIdFormat"] == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
  CHECK((*s)["recipient"] == "http://sp/acs");
  CHECK((*s)["audience"] == "urn:sp");
  CHECK((*s)["attributes"] ==
        Json{{"groups", Json::array({"Eng <1>", "Eng-2"})}, {"email", Json::array({"a@corp.test"})}});
  CHECK((*s)["signed"] == Json{{"response", true}, {"assertion", false}});

  CHECK_FALSE(scenarios::SamlResponseSummary("<!DOCTYPE x [<!ENTITY a 'b'>]>" + xml, &why).has_value());
  CHECK(why == "it has a DOCTYPE");
  CHECK_FALSE(scenarios::SamlResponseSummary("<samlp:Response></samlp:Response>", &why).has_value());
  CHECK(why.find("no Assertion") != std::string::npos);
  CHECK_FALSE(scenarios::SamlResponseSummary("not xml", &why).has_value());
  CHECK(why == "no Response element");
}

TEST_CASE("a wrong SAML expectation fails the scenario and says what happened", "[scenarios][saml]") {
  auto s = Inline(std::string(R"({"name": "wrong SAML expectations",)") + kSamlSetup + R"(
    "steps": [
      {"samlApp": {"label": "Wiki", "nameIdFormat": "emailAddress", "attributes": {"firstName": "user.firstName"},
                   "groupsAttribute": {"filter": {"startsWith": "Eng"}}, "assignGroups": ["Engineering"]}},
      {"samlSignIn": {"user": "bob@corp.test", "expect": {"nameId": "bob@corp.test"}}},
      {"samlSignIn": {"user": "alice@corp.test", "expect": {"error": "not_assigned"}}},
      {"samlSignIn": {"user": "alice@corp.test", "expect": {"nameId": "bob@corp.test"}}},
      {"samlSignIn": {"user": "alice@corp.test", "expect": {"attributes": {"groups": ["Engineering", "Sales"]}}}},
      {"samlSignIn": {"user": "alice@corp.test", "expect": {"signed": {"response": false}, "audience": "urn:wrong"}}},
      {"samlSignIn": {"user": "bob@corp.test"}},
      {"samlSignIn": {"user": "alice@corp.test", "expect": {
        "nameId": "alice@corp.test", "attributes": {"firstName": ["Alice"], "groups": ["Engineering"], "email": null}}}}
    ]
  })");
  scenario_cmd::ScenarioOptions o;
  auto run = scenario_cmd::RunInFreshSandbox(s, o);
  REQUIRE(run.started);
  std::string report = Failures(run.outcome);
  INFO(report);
  CHECK_FALSE(run.outcome.passed);
  CHECK(run.outcome.steps == 8);  // a failed expectation does not end the run
  REQUIRE(run.outcome.failures.size() == 6);
  const auto& f = run.outcome.failures;
  CHECK(f[0].where == "step 2 (samlSignIn)");
  CHECK(f[0].message.find("SAML sign-in of bob@corp.test → Wiki: sso → not_assigned: Sorry, you can't access Wiki "
                          "because you are not assigned this app in Okta.") != std::string::npos);
  CHECK(f[0].message.find("$.error: expected absent, got \"not_assigned\"") != std::string::npos);
  CHECK(f[1].where == "step 3 (samlSignIn)");
  CHECK(f[1].message.find("SAML assertion for alice@corp.test") != std::string::npos);
  CHECK(f[1].message.find("$.error: expected \"not_assigned\", got absent") != std::string::npos);
  CHECK(f[2].message.find("$.nameId: expected \"bob@corp.test\", got \"alice@corp.test\"") != std::string::npos);
  CHECK(f[3].message.find("$.attributes.groups") != std::string::npos);
  CHECK(f[4].message.find("$.signed.response: expected false, got true") != std::string::npos);
  CHECK(f[4].message.find("$.audience: expected \"urn:wrong\", got \"http://localhost:4000/saml/metadata\"") !=
        std::string::npos);
  CHECK(f[5].where == "step 7 (samlSignIn)");
  CHECK(f[5].message.find("not_assigned") != std::string::npos);
}

TEST_CASE(
    "samlSignIn options: unsigned responses, direct assignment, wrong password, RelayState, SP-initiated, "
    "mistakes",
    "[scenarios][saml]") {
  auto s = Inline(std::string(R"({"name": "SAML options",)") + kSamlSetup + R"(
    "steps": [
      {"samlApp": {"label": "Plain", "ssoAcsUrl": "https://sp.example/acs", "audience": "urn:sp:plain",
                   "responseSigned": false, "assertionSigned": true, "assignUsers": ["bob@corp.test"]}},
      {"samlApp": {"label": "Both", "assignGroups": ["Sales"]}},
      {"samlSignIn": {"user": "bob@corp.test", "app": "Plain", "relayState": "/x?y=1&z=2", "expect": {
        "nameId": "bob@corp.test", "nameIdFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
        "audience": "urn:sp:plain", "destination": "https://sp.example/acs", "acsUrl": "https://sp.example/acs",
        "relayState": "/x?y=1&z=2", "attributes": {}, "signed": {"response": false, "assertion": true},
        "issuer": "http://www.okta.com/${samlAppId:Plain}", "assertionIssuer": "http://www.okta.com/${samlAppId:Plain}"}}},
      {"samlSignIn": {"user": "alice@corp.test", "app": "Both", "expect": {"signed": {"response": true, "assertion": true},
                                                                           "relayState": null}}},
      {"samlSignIn": {"user": "alice@corp.test", "app": "Plain", "expect": {"error": "not_assigned", "status": 403}}},
      {"samlSignIn": {"user": "alice@corp.test", "app": "Both", "spInitiated": true, "relayState": "sp-state",
                      "expect": {"inResponseTo": "_scenario-req-1", "relayState": "sp-state", "nameId": "alice@corp.test",
                                 "audience": "http://localhost:4000/saml/metadata"}}},
      {"samlSignIn": {"user": "alice@corp.test", "app": "Both", "spInitiated": true, "requestIssuer": "urn:other-sp",
                      "expect": {"stage": "sso", "error": "error_page", "status": 400,
                                 "errorDescription": "~does not match the Audience URI"}}},
      {"samlSignIn": {"user": "alice@corp.test", "app": "Both", "expect": {"inResponseTo": null}}},
      {"samlSignIn": {"user": "bob@corp.test", "app": "Plain", "password": "wrong", "expect": {
        "stage": "authn", "error": "authentication_failed", "errorCode": "E0000004", "status": 401}}},
      {"expect": {"traffic": [], "logs": [{"eventType": "app.generic.unauth_app_access_attempt", "count": 1}]}}
    ]
  })");
  scenario_cmd::ScenarioOptions o;
  auto run = scenario_cmd::RunInFreshSandbox(s, o);
  REQUIRE(run.started);
  INFO(Failures(run.outcome));
  CHECK(run.outcome.passed);
  CHECK(run.outcome.steps == s.steps.size());

  auto no_app = scenario_cmd::RunInFreshSandbox(Inline(std::string(R"({"name": "no app",)") + kSamlSetup +
                                                       R"("steps": [{"samlSignIn": {"user": "alice@corp.test"}}]})"),
                                                o);
  REQUIRE(no_app.outcome.failures.size() == 1);
  CHECK(no_app.outcome.failures[0].message.find("no SAML app yet") != std::string::npos);
  auto bad_filter = scenario_cmd::RunInFreshSandbox(Inline(R"({"name": "bad filter",
    "steps": [{"samlApp": {"label": "X", "groupsAttribute": {"filter": {"startsWith": "a", "equals": "b"}}}}]})"),
                                                    o);
  REQUIRE(bad_filter.outcome.failures.size() == 1);
  CHECK(bad_filter.outcome.failures[0].message.find("groupsAttribute is {name, filter") != std::string::npos);
  auto bad_key = scenarios::ParseScenario(R"({"name": "x", "steps": [{"samlSignIn": {"user": "a", "expects": {}}}]})");
  REQUIRE_FALSE(bad_key.ok());
  CHECK(bad_key.error().detail == "$.steps[0].samlSignIn.expects: unknown key");
}

TEST_CASE("the bundled SAML scenario passes", "[scenarios][saml]") {
  auto loaded = scenario_cmd::LoadBundledScenario("saml-attributes");
  REQUIRE(loaded.ok());
  scenario_cmd::ScenarioOptions o;
  auto run = scenario_cmd::RunInFreshSandbox(*loaded, o);
  REQUIRE(run.started);
  INFO(Failures(run.outcome));
  CHECK(run.outcome.passed);
  CHECK(run.outcome.failures.empty());
}
