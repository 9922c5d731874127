// SAML sign-on happy paths over HTTP: app settings, metadata, SP-initiated
// (both bindings) and IdP-initiated sign-in, the XML produced (signatures,
// times on the mock clock, NameID, audience, attributes), ForceAuthn, key
// rotation, the per-app faults and the System Log.
#include <set>
#include <thread>

#include "tests/signon/saml_fixture.h"

using namespace testing_signon;

namespace {

const std::string kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
const std::string kEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

}  // namespace

TEST_CASE_METHOD(Saml, "SAML apps: settings.signOn is validated and normalised; plain SAML_2_0 apps are unchanged",
                 "[saml]") {
  auto r = Call("GET", "/api/v1/apps/" + saml_id);
  REQUIRE(r.status == 200);
  const Json& so = r.body["settings"]["signOn"];
  CHECK(r.body["signOnMode"] == "SAML_2_0");
  CHECK(so["ssoAcsUrl"] == kAcs);
  CHECK(so["recipient"] == kAcs);  // defaults to the ACS URL
  CHECK(so["destination"] == kAcs);
  CHECK(so["signatureAlgorithm"] == "RSA_SHA256");
  CHECK(so["attributeStatements"].size() == 4);

  auto bad = [&](Json extra) { return Call("POST", "/api/v1/apps", SamlApp("Bad", std::move(extra))).status; };
  CHECK(bad(Json{{"ssoAcsUrl", ""}}) == 400);
  CHECK(bad(Json{{"ssoAcsUrl", "not a url"}}) == 400);
  CHECK(bad(Json{{"audience", ""}}) == 400);
  CHECK(bad(Json{{"subjectNameIdFormat", "urn:example:made-up"}}) == 400);
  CHECK(bad(Json{{"signatureAlgorithm", "RSA_SHA1"}}) == 400);
  CHECK(bad(Json{{"digestAlgorithm", "SHA1"}}) == 400);
  CHECK(bad(Json{{"responseSigned", "yes"}}) == 400);
  CHECK(bad(Json{{"subjectNameIdTemplate", "${user.email"}}) == 400);
  CHECK(bad(Json{{"attributeStatements", Json::array({Json{{"type", "GROUP"}, {"name", "g"}}})}}) == 400);
  CHECK(bad(Json{{"attributeStatements",
                  Json::array({Json{{"type", "EXPRESSION"}, {"name", "x"}, {"values", Json::array({"x+1"})}}})}}) ==
        400);
  auto msg = Call("POST", "/api/v1/apps", SamlApp("Bad", Json{{"ssoAcsUrl", ""}}));
  CHECK(core::DumpCompact(msg.body).find("settings.signOn.ssoAcsUrl") != std::string::npos);

  // A SAML_2_0 app without settings.signOn (the provisioning guide's AIW app) is created as before.
  auto plain = Call("POST", "/api/v1/apps", Json{{"label", "AIW"}, {"signOnMode", "SAML_2_0"}});
  REQUIRE(plain.status == 200);
  CHECK_FALSE(plain.body["settings"].contains("signOn"));
  std::string pid = plain.body["id"];
  CHECK(Call("PUT", "/api/v1/apps/" + pid, Json{{"label", "AIW 2"}, {"settings", Json{{"app", Json::object()}}}})
            .status == 200);
  CHECK(Get("/app/" + pid + "/sso/saml/metadata").status == 404);

  // PUT keeps the signOn fields it is not sent.
  auto put = Call("PUT", "/api/v1/apps/" + saml_id,
                  Json{{"label", "Acme SAML"}, {"settings", Json{{"signOn", Json{{"defaultRelayState", "/x"}}}}}});
  REQUIRE(put.status == 200);
  CHECK(put.body["settings"]["signOn"]["defaultRelayState"] == "/x");
  CHECK(put.body["settings"]["signOn"]["ssoAcsUrl"] == kAcs);
  CHECK(Call("PUT", "/api/v1/apps/" + saml_id, Json{{"settings", Json{{"signOn", Json{{"ssoAcsUrl", "x"}}}}}}).status ==
        400);
}

TEST_CASE_METHOD(Saml, "IdP metadata at both URLs: entity id, SSO URLs, the signing certificate", "[saml]") {
  auto pub = Get("/app/" + saml_id + "/sso/saml/metadata");
  REQUIRE(pub.status == 200);
  auto api = Call("GET", "/api/v1/apps/" + saml_id + "/sso/saml/metadata");
  CHECK(api.status == 200);
  CHECK(Call("GET", "/api/v1/apps/" + saml_id + "/sso/saml/metadata", nullptr, false).status == 401);
  const std::string& md = pub.body;
  CHECK(X1(md, "/md:EntityDescriptor/@entityID") == "http://www.okta.com/" + saml_id);
  CHECK(X1(md, "//md:IDPSSODescriptor/@WantAuthnRequestsSigned") == "false");
  CHECK(X(md, "//md:SingleSignOnService/@Location") == std::vector<std::string>{base + sso_path, base + sso_path});
  CHECK(X(md, "//md:SingleSignOnService/@Binding") ==
        std::vector<std::string>{"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
                                 "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"});
  auto cert = Call("GET", "/api/v1/apps/" + saml_id + "/saml/certificate");
  CHECK(X1(md, "//md:KeyDescriptor[@use='signing']//ds:X509Certificate") == cert.body["x5c"][0]);
  // Okta's 10-year validity, from the mock clock.
  CHECK(cert.body["notBefore"] == "2026-01-01T00:00:00.000Z");
  CHECK(cert.body["notAfter"] == "2036-01-01T00:00:00.000Z");
  CHECK(Get("/app/0oanosuchapp/sso/saml/metadata").status == 404);

  // Okta's app key credentials: the same certificate as a JWK.
  auto keys = Call("GET", "/api/v1/apps/" + saml_id + "/credentials/keys");
  REQUIRE(keys.status == 200);
  REQUIRE(keys.body.size() == 1);
  const Json& k = keys.body[0];
  CHECK(k["x5c"][0] == cert.body["x5c"][0]);
  CHECK(k["kid"] == cert.body["kid"]);
  CHECK(k["kty"] == "RSA");
  CHECK(k["use"] == "sig");
  CHECK(k["e"] == "AQAB");
  CHECK(k["expiresAt"] == "2036-01-01T00:00:00.000Z");
  CHECK(k["x5t#S256"].get<std::string>().size() == 43);
  auto one = Call("GET", "/api/v1/apps/" + saml_id + "/credentials/keys/" + k["kid"].get<std::string>());
  CHECK(one.status == 200);
  CHECK(one.body == k);
  CHECK(Call("GET", "/api/v1/apps/" + saml_id + "/credentials/keys/nosuch").status == 404);
  CHECK(Call("GET", "/api/v1/apps/" + client_id + "/credentials/keys").body == Json::array());  // an OIDC app
  CHECK(Call("GET", "/api/v1/apps/0oanosuch/credentials/keys").status == 404);
}

TEST_CASE_METHOD(Saml, "SP-initiated, HTTP-Redirect: a signed Response and Assertion as Okta shapes them", "[saml]") {
  std::string cookie = SessionCookie();
  auto page = GetWith(RedirectUrl(AuthnRequest("_abc123")), cookie);
  REQUIRE(page.status == 200);
  CHECK(Field(page.body, "RelayState") == "rs-1");
  CHECK(page.body.find("document.getElementById('appForm').submit()") != std::string::npos);
  std::string doc = ResponseXml(page);
  std::string issuer = "http://www.okta.com/" + saml_id;

  CHECK(X1(doc, "/saml2p:Response/@Destination") == kAcs);
  CHECK(X1(doc, "/saml2p:Response/@InResponseTo") == "_abc123");
  CHECK(X1(doc, "/saml2p:Response/@Version") == "2.0");
  CHECK(X1(doc, "/saml2p:Response/@IssueInstant") == "2026-01-01T00:00:00.000Z");
  CHECK(X1(doc, "/saml2p:Response/saml2:Issuer") == issuer);
  CHECK(X1(doc, "/saml2p:Response/saml2p:Status/saml2p:StatusCode/@Value") ==
        "urn:oasis:names:tc:SAML:2.0:status:Success");
  std::string a = "/saml2p:Response/saml2:Assertion";
  CHECK(X1(doc, a + "/saml2:Issuer") == issuer);
  CHECK(X1(doc, a + "/saml2:Subject/saml2:NameID") == "alice@example.com");
  CHECK(X1(doc, a + "/saml2:Subject/saml2:NameID/@Format") == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
  std::string scd = a +
                    "/saml2:Subject/saml2:SubjectConfirmation[@Method='urn:oasis:names:tc:SAML:2.0:cm:bearer']"
                    "/saml2:SubjectConfirmationData";
  CHECK(X1(doc, scd + "/@Recipient") == kAcs);
  CHECK(X1(doc, scd + "/@InResponseTo") == "_abc123");
  CHECK(X1(doc, scd + "/@NotOnOrAfter") == "2026-01-01T00:05:00.000Z");
  CHECK(X1(doc, a + "/saml2:Conditions/@NotBefore") == "2025-12-31T23:55:00.000Z");
  CHECK(X1(doc, a + "/saml2:Conditions/@NotOnOrAfter") == "2026-01-01T00:05:00.000Z");
  CHECK(X1(doc, a + "/saml2:Conditions/saml2:AudienceRestriction/saml2:Audience") == kSpEntity);
  CHECK(X1(doc, a + "/saml2:AuthnStatement/@AuthnInstant") == "2026-01-01T00:00:00.000Z");
  CHECK(X1(doc, a + "/saml2:AuthnStatement/saml2:AuthnContext/saml2:AuthnContextClassRef") ==
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport");
  std::string attr = a + "/saml2:AttributeStatement/saml2:Attribute";
  CHECK(X(doc, attr + "/@Name") == std::vector<std::string>{"email", "firstName", "department", "groups"});
  CHECK(X(doc, attr + "[@Name='email']/saml2:AttributeValue") == std::vector<std::string>{"alice@example.com"});
  CHECK(X1(doc, attr + "[@Name='email']/saml2:AttributeValue/@xsi:type") == "xs:string");
  CHECK(X(doc, attr + "[@Name='department']/saml2:AttributeValue") == std::vector<std::string>{"R&D"});
  CHECK(X(doc, attr + "[@Name='groups']/saml2:AttributeValue") == std::vector<std::string>{"Engineering"});

  // Two enveloped signatures: the Assertion's and the Response's, each right after its Issuer.
  CHECK(X(doc, "/saml2p:Response/*[2]/self::ds:Signature").size() == 1);
  CHECK(X(doc, a + "/*[2]/self::ds:Signature").size() == 1);
  auto sigs = xml::CheckSignatures(doc, cert_pem);
  REQUIRE(sigs.ok());
  REQUIRE(sigs->size() == 2);
  std::string response_id = X1(doc, "/saml2p:Response/@ID");
  std::string assertion_id = X1(doc, a + "/@ID");
  for (const auto& s : *sigs) {
    CHECK(s.valid);
    CHECK(s.reference_uri == "#" + s.parent_id);
    CHECK(s.c14n == kExcC14n);
    CHECK(s.signature_method == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
    CHECK(s.digest_method == "http://www.w3.org/2001/04/xmlenc#sha256");
    CHECK(s.transforms == std::vector<std::string>{kEnveloped, kExcC14n});
  }
  CHECK((*sigs)[0].parent == "Response");
  CHECK((*sigs)[0].parent_id == response_id);
  CHECK((*sigs)[1].parent == "Assertion");
  CHECK((*sigs)[1].parent_id == assertion_id);
  CHECK(NoSpace(X1(doc, a + "/ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate")) ==
        Call("GET", "/api/v1/apps/" + saml_id + "/saml/certificate").body["x5c"][0]);

  // Tampering breaks the assertion's signature.
  std::string tampered = doc;
  auto at = tampered.find("alice@example.com");
  tampered.replace(at, 5, "mallo");
  auto bad = xml::CheckSignatures(tampered, cert_pem);
  REQUIRE(bad.ok());
  CHECK_FALSE((*bad)[1].valid);

  CHECK(SsoSuccesses() == 1);
  auto ev = Logs("user.authentication.sso");
  CHECK(ev[0]["debugContext"]["debugData"]["initiatedBy"] == "SP");
  CHECK(ev[0]["debugContext"]["debugData"]["inResponseTo"] == "_abc123");
}

TEST_CASE_METHOD(Saml, "assertion times follow the mock clock", "[saml]") {
  std::string cookie = SessionCookie();
  Advance(3600);
  auto page = GetWith(RedirectUrl(AuthnRequest()), cookie);
  std::string doc = ResponseXml(page);
  CHECK(X1(doc, "/saml2p:Response/@IssueInstant") == "2026-01-01T01:00:00.000Z");
  CHECK(X1(doc, "//saml2:Conditions/@NotBefore") == "2026-01-01T00:55:00.000Z");
  CHECK(X1(doc, "//saml2:Conditions/@NotOnOrAfter") == "2026-01-01T01:05:00.000Z");
  CHECK(X1(doc, "//saml2:AuthnStatement/@AuthnInstant") == "2026-01-01T00:00:00.000Z");  // when the session began
}

TEST_CASE_METHOD(Saml, "no session: the sign-in page, then the request continues (both bindings)", "[saml]") {
  std::string url = RedirectUrl(AuthnRequest("_r1"));
  auto r = Get(url);
  CHECK(FromUri(r) == url);  // the SSO URL as requested
  // The sign-in page names the app; its sandbox picker lists the app's assigned users only.
  auto page_in = Get("/login/login.htm?fromURI=" + core::UrlEncode(url));
  REQUIRE(page_in.status == 200);
  CHECK(page_in.body.find("to continue to Acme SAML") != std::string::npos);
  CHECK(page_in.body.find("value=\"" + user_id + "\"") != std::string::npos);
  CHECK(page_in.body.find("value=\"" + other_id + "\"") == std::string::npos);
  // The sign-in page continues there after sessionCookieRedirect (Okta's non-interactive path).
  auto scr = Get("/login/sessionCookieRedirect?token=" + core::UrlEncode(SessionToken()) +
                 "&redirectUrl=" + core::UrlEncode(base + url));
  REQUIRE(scr.status == 302);
  CHECK(scr.location == Decoded(url));
  std::string cookie = scr.set_cookie.substr(0, scr.set_cookie.find(';'));
  CHECK(X1(ResponseXml(GetWith(url, cookie)), "/saml2p:Response/@InResponseTo") == "_r1");

  // HTTP-POST: the request is kept server-side; fromURI names it.
  std::string form = Form({{"SAMLRequest", core::Base64Encode(AuthnRequest("_p1"))}, {"RelayState", "rs-post"}});
  auto p = Send("POST", sso_path, form);
  std::string from = FromUri(p);
  CHECK(from.rfind(sso_path + "?pending=", 0) == 0);
  CHECK(from.size() < 100);
  auto scr2 = Get("/login/sessionCookieRedirect?token=" + core::UrlEncode(SessionToken()) +
                  "&redirectUrl=" + core::UrlEncode(from));
  REQUIRE(scr2.status == 302);
  std::string cookie2 = scr2.set_cookie.substr(0, scr2.set_cookie.find(';'));
  auto page = GetWith(from, cookie2);
  CHECK(X1(ResponseXml(page), "/saml2p:Response/@InResponseTo") == "_p1");
  CHECK(Field(page.body, "RelayState") == "rs-post");
  // A kept request is used once.
  CHECK(GetWith(from, cookie2).status == 400);

  // With a session the POST binding answers at once.
  auto direct = PostWith(sso_path, Form({{"SAMLRequest", core::Base64Encode(AuthnRequest("_p2"))}}), cookie2);
  CHECK(X1(ResponseXml(direct), "/saml2p:Response/@InResponseTo") == "_p2");
  CHECK(Field(direct.body, "RelayState").empty());
  CHECK(direct.body.find("name=\"RelayState\"") == std::string::npos);
}

TEST_CASE_METHOD(Saml, "IdP-initiated: the embed link answers with an unsolicited Response", "[saml]") {
  std::string cookie = SessionCookie();
  auto page = GetWith(sso_path, cookie);
  std::string doc = ResponseXml(page);
  CHECK(X(doc, "/saml2p:Response/@InResponseTo").empty());
  CHECK(X(doc, "//saml2:SubjectConfirmationData/@InResponseTo").empty());
  CHECK(Field(page.body, "RelayState") == "/home");  // defaultRelayState
  CHECK(Field(GetWith(sso_path + "?RelayState=%2Fdeep", cookie).body, "RelayState") == "/deep");
  auto sigs = xml::CheckSignatures(doc, cert_pem);
  REQUIRE(sigs.ok());
  CHECK(sigs->size() == 2);
  CHECK(Logs("user.authentication.sso")[0]["debugContext"]["debugData"]["initiatedBy"] == "IDP");
  // Without a session: the sign-in page, back to the embed link.
  CHECK(FromUri(Get(sso_path)) == sso_path);
}

TEST_CASE_METHOD(Saml, "ForceAuthn asks again even with a session; a new session completes it", "[saml]") {
  std::string cookie = SessionCookie();
  std::string url = RedirectUrl(AuthnRequest("_f1", " ForceAuthn=\"true\""));
  std::string from = FromUri(GetWith(url, cookie));
  CHECK(from.rfind(sso_path + "?pending=", 0) == 0);
  CHECK(GetWith(from, cookie).status == 302);  // the old session does not do
  std::string fresh = SessionCookie();
  CHECK(X1(ResponseXml(GetWith(from, fresh)), "/saml2p:Response/@InResponseTo") == "_f1");
}

TEST_CASE_METHOD(Saml, "NameID formats and templates; Response-only and Assertion-only signing", "[saml]") {
  auto app =
      Call("POST", "/api/v1/apps",
           SamlApp("Other", Json{{"subjectNameIdTemplate", "${user.firstName}"},
                                 {"subjectNameIdFormat", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"},
                                 {"assertionSigned", false},
                                 {"attributeStatements", Json::array()}}));
  REQUIRE(app.status == 200);
  std::string id = app.body["id"], name = app.body["name"];
  REQUIRE(Call("POST", "/api/v1/apps/" + id + "/users", Json{{"id", user_id}, {"scope", "USER"}}).status == 200);
  std::string cookie = SessionCookie();
  std::string path = "/app/" + name + "/" + id + "/sso/saml";
  auto cert = Call("GET", "/api/v1/apps/" + id + "/saml/certificate").body["pem"].get<std::string>();
  CHECK(cert != cert_pem);  // one key per app
  std::string doc = ResponseXml(GetWith(path, cookie));
  CHECK(X1(doc, "//saml2:NameID") == "Alice");
  CHECK(X(doc, "//saml2:AttributeStatement").empty());
  auto sigs = xml::CheckSignatures(doc, cert);
  REQUIRE(sigs.ok());
  REQUIRE(sigs->size() == 1);
  CHECK((*sigs)[0].parent == "Response");
  CHECK((*sigs)[0].valid);

  REQUIRE(Call("PUT", "/api/v1/apps/" + id,
               Json{{"settings", Json{{"signOn", Json{{"assertionSigned", true},
                                                      {"responseSigned", false},
                                                      {"subjectNameIdFormat",
                                                       "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"}}}}}})
              .status == 200);
  doc = ResponseXml(GetWith(path, cookie));
  CHECK(X1(doc, "//saml2:NameID").rfind("id", 0) == 0);
  CHECK(X1(doc, "//saml2:NameID") != "Alice");
  sigs = xml::CheckSignatures(doc, cert);
  REQUIRE(sigs.ok());
  REQUIRE(sigs->size() == 1);
  CHECK((*sigs)[0].parent == "Assertion");
  CHECK((*sigs)[0].valid);

  // The app username (assignment profile) is ${user.userName}.
  REQUIRE(Call("POST", "/api/v1/apps/" + saml_id + "/users/" + user_id,
               Json{{"credentials", Json{{"userName", "alice.custom"}}}})
              .status == 200);
  CHECK(X1(SpInitiated(), "//saml2:NameID") == "alice.custom");
}

TEST_CASE_METHOD(Saml, "key rotation: a new certificate in metadata; responses signed with it", "[saml]") {
  std::string old_pem = cert_pem;
  auto rot = Send("POST", "/sandbox/apps/" + saml_id + "/saml/keys/rotate", "", "application/json");
  REQUIRE(rot.status == 200);
  std::string new_pem = rot.json["pem"];
  CHECK(new_pem != old_pem);
  CHECK(X1(Get("/app/" + saml_id + "/sso/saml/metadata").body, "//ds:X509Certificate") == rot.json["x5c"][0]);
  std::string doc = SpInitiated();
  auto with_new = xml::CheckSignatures(doc, new_pem);
  auto with_old = xml::CheckSignatures(doc, old_pem);
  REQUIRE(with_new.ok());
  REQUIRE(with_old.ok());
  CHECK((*with_new)[0].valid);
  CHECK_FALSE((*with_old)[0].valid);
  CHECK(Send("POST", "/sandbox/apps/" + saml_id + "/saml/keys/rotate", "", "application/json",
             {{"Origin", "http://evil.example"}})
            .status == 403);
}

TEST_CASE_METHOD(Saml, "faults: clock skew, wrong audience, expired certificate, unsigned assertion, missing attribute",
                 "[saml]") {
  auto patch = [&](const Json& body) {
    auto r = Send("PATCH", "/sandbox/apps/" + saml_id + "/saml-faults", core::DumpCompact(body), "application/json");
    REQUIRE(r.status == 200);
    return r.json;
  };
  CHECK(Get("/sandbox/apps/" + saml_id + "/saml-faults").json["wrongAudience"] == false);
  CHECK(Send("PATCH", "/sandbox/apps/" + saml_id + "/saml-faults", R"({"nope":true})", "application/json").status ==
        400);
  CHECK(Send("PATCH", "/sandbox/apps/" + saml_id + "/saml-faults", R"({"wrongAudience":"yes"})", "application/json")
            .status == 400);

  patch(Json{{"clockSkewSeconds", 600}});
  std::string doc = SpInitiated();
  CHECK(X1(doc, "//saml2:Conditions/@NotBefore") == "2026-01-01T00:05:00.000Z");
  CHECK(X1(doc, "/saml2p:Response/@IssueInstant") == "2026-01-01T00:10:00.000Z");
  patch(Json{{"clockSkewSeconds", 0}, {"wrongAudience", true}});
  doc = SpInitiated();
  CHECK(X1(doc, "//saml2:Audience") == "urn:okta-sandbox:wrong-audience");
  CHECK((*xml::CheckSignatures(doc, cert_pem))[1].valid);  // still correctly signed

  patch(Json{{"wrongAudience", false}, {"expiredCertificate", true}});
  doc = SpInitiated();
  auto sigs = xml::CheckSignatures(doc, cert_pem);
  REQUIRE(sigs.ok());
  CHECK_FALSE((*sigs)[0].valid);
  CHECK_FALSE((*sigs)[1].valid);
  std::string shown = NoSpace(X1(doc, "//saml2:Assertion/ds:Signature//ds:X509Certificate"));
  CHECK(shown != Call("GET", "/api/v1/apps/" + saml_id + "/saml/certificate").body["x5c"][0]);
  std::string expired_pem = "-----BEGIN CERTIFICATE-----\n";
  for (size_t i = 0; i < shown.size(); i += 64) expired_pem += shown.substr(i, 64) + "\n";
  expired_pem += "-----END CERTIFICATE-----\n";
  auto by_expired = xml::CheckSignatures(doc, expired_pem);
  REQUIRE(by_expired.ok());
  CHECK((*by_expired)[1].valid);  // signed by the expired certificate it shows

  patch(Json{{"expiredCertificate", false}, {"unsignedAssertion", true}});
  doc = SpInitiated();
  sigs = xml::CheckSignatures(doc, cert_pem);
  REQUIRE(sigs->size() == 1);
  CHECK((*sigs)[0].parent == "Response");
  CHECK(X(doc, "//saml2:Assertion/ds:Signature").empty());

  auto f = patch(Json{{"unsignedAssertion", false}, {"missingAttribute", "department"}});
  CHECK(f["missingAttribute"] == "department");
  doc = SpInitiated();
  CHECK(X(doc, "//saml2:Attribute/@Name") == std::vector<std::string>{"email", "firstName", "groups"});
  patch(Json{{"missingAttribute", nullptr}});
  CHECK(X(SpInitiated(), "//saml2:Attribute/@Name").size() == 4);
}

TEST_CASE_METHOD(Saml, "concurrent sign-ins each get their own correctly signed Response", "[saml]") {
  constexpr int kThreads = 6, kEach = 4;
  std::vector<std::string> cookies;
  for (int i = 0; i < kThreads; ++i) cookies.push_back(SessionCookie());
  std::vector<std::vector<std::string>> docs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto client = core::MakeClient(base, 5, 30);
      for (int i = 0; i < kEach; ++i) {
        std::string id = "_t" + std::to_string(t) + "_" + std::to_string(i);
        auto res = client->Get(RedirectUrl(AuthnRequest(id)), {{"Cookie", cookies[t]}});
        if (!res || res->status != 200) continue;
        std::string b64 = Field(res->body, "SAMLResponse"), out;
        if (core::Base64Decode(b64, &out)) docs[t].push_back(out);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> ids;
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(docs[t].size() == kEach);
    for (int i = 0; i < kEach; ++i) {
      const std::string& doc = docs[t][i];
      CHECK(X1(doc, "/saml2p:Response/@InResponseTo") == "_t" + std::to_string(t) + "_" + std::to_string(i));
      ids.insert(X1(doc, "/saml2p:Response/@ID"));
      auto sigs = xml::CheckSignatures(doc, cert_pem);
      REQUIRE(sigs.ok());
      REQUIRE(sigs->size() == 2);
      CHECK((*sigs)[0].valid);
      CHECK((*sigs)[1].valid);
    }
  }
  CHECK(ids.size() == kThreads * kEach);
  CHECK(SsoSuccesses() == kThreads * kEach);
}

TEST_CASE_METHOD(Saml, "honorForceAuthn false: ForceAuthn is ignored, the session answers", "[saml]") {
  REQUIRE(Call("PUT", "/api/v1/apps/" + saml_id, Json{{"settings", Json{{"signOn", Json{{"honorForceAuthn", false}}}}}})
              .status == 200);
  auto page = GetWith(RedirectUrl(AuthnRequest("_nf", " ForceAuthn=\"true\"")), SessionCookie());
  CHECK(X1(ResponseXml(page), "/saml2p:Response/@InResponseTo") == "_nf");
}
