// SAML sign-on refusals and bad input: each gets an error page, no session,
// and no successful sign-on in the System Log.
#include "mock_okta/signon/jwt.h"
#include "mock_okta/signon/saml_keys.h"
#include "tests/signon/saml_fixture.h"

using namespace testing_signon;

namespace {

// An error page: HTML, the status, and no session cookie.
void CheckErrorPageAt(const Raw& r, int status, const std::string& text = "") {
  INFO("expected " << status << " '" << text << "', got " << r.status << ": " << r.body.substr(0, 600));
  CHECK(r.status == status);
  CHECK(r.body.find("<!doctype html>") == 0);
  CHECK(r.body.find("SAMLResponse") == std::string::npos);
  CHECK(r.set_cookie.find("sid=") == std::string::npos);
  if (!text.empty()) {
    INFO(r.body);
    CHECK(r.body.find(text) != std::string::npos);
  }
}

}  // namespace

// Names the caller's line in a failure.
#define CheckErrorPage(...)        \
  do {                             \
    INFO("at line " << __LINE__);  \
    CheckErrorPageAt(__VA_ARGS__); \
  } while (0)

TEST_CASE_METHOD(Saml, "only assigned, active users of an active app get an assertion", "[saml]") {
  // Bob is not assigned: Okta's page, 403, an unauthorized-access event.
  std::string bob = SessionCookie("bob@example.com");
  CheckErrorPage(GetWith(RedirectUrl(AuthnRequest()), bob), 403, "not assigned this app");
  CheckErrorPage(GetWith(sso_path, bob), 403);
  CHECK(Logs("app.generic.unauth_app_access_attempt").size() == 2);

  // Suspended: the session stops working → the sign-in page; no assertion.
  std::string alice = SessionCookie();
  REQUIRE(Call("POST", "/api/v1/users/" + user_id + "/lifecycle/suspend").status == 200);
  auto r = GetWith(sso_path, alice);
  CHECK(r.status == 302);
  CHECK(r.location.rfind("/login/login.htm", 0) == 0);
  REQUIRE(Call("POST", "/api/v1/users/" + user_id + "/lifecycle/unsuspend").status == 200);

  // Assigned, then unassigned: refused again.
  REQUIRE(Call("POST", "/api/v1/apps/" + saml_id + "/users", Json{{"id", other_id}, {"scope", "USER"}}).status == 200);
  CHECK(GetWith(sso_path, bob).status == 200);
  REQUIRE(Call("DELETE", "/api/v1/apps/" + saml_id + "/users/" + other_id).status == 204);
  CheckErrorPage(GetWith(sso_path, bob), 403);
  std::string alice2 = SessionCookie();

  // Deactivated app.
  REQUIRE(Call("POST", "/api/v1/apps/" + saml_id + "/lifecycle/deactivate").status == 200);
  CheckErrorPage(GetWith(sso_path, alice2), 403);
  REQUIRE(Call("POST", "/api/v1/apps/" + saml_id + "/lifecycle/activate").status == 200);
  // Wrong app name or unknown app in the path; an app without SAML sign-on.
  CheckErrorPage(GetWith("/app/wrongname/" + saml_id + "/sso/saml", alice2), 404);
  CheckErrorPage(GetWith("/app/" + saml_name + "/0oanosuch/sso/saml", alice2), 404);
  CheckErrorPage(GetWith("/app/x/" + client_id + "/sso/saml", alice2), 404);  // the OIDC app
  CHECK(SsoSuccesses() == 1);                                                 // Bob's, while he was assigned
  CHECK(GetWith(sso_path, alice2).status == 200);
  CHECK(SsoSuccesses() == 2);
}

TEST_CASE_METHOD(Saml, "AuthnRequests that do not match the app are refused", "[saml]") {
  std::string cookie = SessionCookie();
  CheckErrorPage(GetWith(RedirectUrl(AuthnRequest("_a", "", kSpEntity, "http://evil.example/acs")), cookie), 400,
                 "AssertionConsumerServiceURL");
  CheckErrorPage(GetWith(RedirectUrl(AuthnRequest("_a", "", "http://other-sp.example")), cookie), 400, "Issuer");
  CheckErrorPage(GetWith(RedirectUrl(AuthnRequest("_a", "", "")), cookie), 400, "Issuer");
  // Destination of another app.
  std::string other = AuthnRequest("_a");
  other.replace(other.find(saml_id), saml_id.size(), "0oaother");
  CheckErrorPage(GetWith(RedirectUrl(other), cookie), 400, "Destination");
  // A response binding Okta does not use.
  std::string artifact = AuthnRequest("_a");
  artifact.replace(artifact.find("bindings:HTTP-POST"), 18, "bindings:HTTP-Artifact");
  CheckErrorPage(GetWith(RedirectUrl(artifact), cookie), 400, "ProtocolBinding");
  // Not an AuthnRequest.
  CheckErrorPage(GetWith(RedirectUrl("<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
                                     "ID=\"_l\" Version=\"2.0\"/>"),
                         cookie),
                 400, "logout");
  CheckErrorPage(GetWith(RedirectUrl("<AuthnRequest ID=\"_x\" Version=\"2.0\"/>"), cookie), 400);
  std::string v1 = AuthnRequest("_a");
  v1.replace(v1.find("Version=\"2.0\""), 13, "Version=\"1.1\"");
  CheckErrorPage(GetWith(RedirectUrl(v1), cookie), 400, "Version");
  CheckErrorPage(GetWith(RedirectUrl(AuthnRequest("")), cookie), 400, "ID");
  // RelayState too long.
  CheckErrorPage(GetWith(RedirectUrl(AuthnRequest(), std::string(2000, 'r')), cookie), 400, "RelayState");
  CHECK(SsoSuccesses() == 0);
}

TEST_CASE_METHOD(Saml, "bad input: malformed, DOCTYPE/XXE, deflate bomb, oversized, wrong binding", "[saml]") {
  std::string cookie = SessionCookie();
  auto redirect_raw = [&](const std::string& bytes) {
    return GetWith(sso_path + "?SAMLRequest=" + core::UrlEncode(core::Base64Encode(bytes)), cookie);
  };
  auto post = [&](const std::string& b64) { return PostWith(sso_path, Form({{"SAMLRequest", b64}}), cookie); };

  // Malformed XML, both bindings.
  CheckErrorPage(GetWith(RedirectUrl("<samlp:AuthnRequest"), cookie), 400, "not well-formed");
  CheckErrorPage(post(core::Base64Encode("<not-xml")), 400, "not well-formed");
  CheckErrorPage(GetWith(RedirectUrl(""), cookie), 400);

  // XXE: an external entity (file and network), a billion-laughs DTD: refused, nothing read.
  std::string xxe =
      "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
      "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
      "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_x\" Version=\"2.0\"><saml:Issuer>&x;</saml:Issuer>"
      "</samlp:AuthnRequest>";
  auto r = GetWith(RedirectUrl(xxe), cookie);
  CheckErrorPage(r, 400, "DOCTYPE");
  CHECK(r.body.find("root:") == std::string::npos);
  CheckErrorPage(post(core::Base64Encode(xxe)), 400, "DOCTYPE");
  std::string net = xxe;
  net.replace(net.find("file:///etc/passwd"), 18, "http://127.0.0.1:9/x");
  CheckErrorPage(GetWith(RedirectUrl(net), cookie), 400, "DOCTYPE");
  std::string lol =
      "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;\">]><a>&lol2;</a>";
  CheckErrorPage(GetWith(RedirectUrl(lol), cookie), 400, "DOCTYPE");
  std::string lower = "<!doctype a SYSTEM \"http://127.0.0.1:9/dtd\"><a/>";
  CheckErrorPage(post(core::Base64Encode(lower)), 400, "DOCTYPE");
  // An entity reference without a DTD is just not well-formed.
  std::string undeclared = AuthnRequest("_u", "", "&ext;");
  CheckErrorPage(GetWith(RedirectUrl(undeclared), cookie), 400);

  // A deflate bomb: 4 MB of spaces (4 KB deflated, within the URL limit) inflate past the cap and stop there.
  std::string bomb = xml::Deflate(std::string(4 * 1024 * 1024, ' '));
  CHECK(bomb.size() < 5 * 1024);
  CheckErrorPage(redirect_raw(bomb), 400, "too large");
  // Oversized: a request over the cap, encoded or decoded.
  std::string big = AuthnRequest("_big", " Extra=\"" + std::string(70 * 1024, 'a') + "\"");
  CheckErrorPage(GetWith(RedirectUrl(big), cookie), 400, "too large");
  // Over the HTTP layer's limit for form bodies (cpp-httplib: 8 KiB): refused before it is read.
  CHECK(post(core::Base64Encode(big)).status == 413);
  CHECK(post(std::string(200 * 1024, 'A')).status == 413);

  // Wrong binding: plain XML over HTTP-Redirect (not deflated), deflated XML over HTTP-POST,
  // a SAMLResponse sent to the SSO URL, a POST that is not a form, base64 that is not.
  CheckErrorPage(redirect_raw(AuthnRequest()), 400, "inflated");
  CheckErrorPage(post(core::Base64Encode(xml::Deflate(AuthnRequest()))), 400, "not well-formed");
  CheckErrorPage(PostWith(sso_path, Form({{"SAMLResponse", core::Base64Encode("<x/>")}}), cookie), 400,
                 "not SAML responses");
  CheckErrorPage(GetWith(sso_path + "?SAMLResponse=abc", cookie), 400, "not SAML responses");
  CheckErrorPage(Send("POST", sso_path, "<xml/>", "text/xml", {{"Cookie", cookie}}), 400, "form");
  CheckErrorPage(post(""), 400, "SAMLRequest");
  CheckErrorPage(GetWith(sso_path + "?SAMLRequest=%25%25%25", cookie), 400, "base64");
  CheckErrorPage(GetWith(sso_path + "?pending=nosuch", cookie), 400, "expired");

  CHECK(SsoSuccesses() == 0);
  // The sandbox is still fine afterwards.
  CHECK(X1(SpInitiated(), "/saml2p:Response/@InResponseTo") == "_req1");
}

TEST_CASE("saml_xml: Inflate caps its output; ParseUntrusted refuses DTDs", "[saml]") {
  std::string ten_k(10000, 'x');
  auto ok = xml::Inflate(xml::Deflate(ten_k), 10000);
  REQUIRE(ok.ok());
  CHECK(*ok == ten_k);
  CHECK_FALSE(xml::Inflate(xml::Deflate(ten_k), 9999).ok());
  CHECK_FALSE(xml::Inflate("not deflate at all", 1000).ok());
  std::string truncated = xml::Deflate(ten_k + "abc");
  truncated.resize(truncated.size() / 2);
  CHECK_FALSE(xml::Inflate(truncated, 100000).ok());
  CHECK_FALSE(xml::Inflate(xml::Deflate("abc") + "trailing", 1000).ok());

  CHECK(xml::ParseUntrusted("<a x=\"1\"><b>t</b></a>").ok());
  CHECK(xml::ParseUntrusted("<a x=\"1\"><b>t</b></a>")->Child("", "b")->text == "t");
  CHECK_FALSE(xml::ParseUntrusted("<!DOCTYPE a><a/>").ok());
  CHECK_FALSE(xml::ParseUntrusted("<?xml version=\"1.0\"?>\n<!DoCtYpE a []><a/>").ok());
  CHECK_FALSE(xml::ParseUntrusted("<a>&ent;</a>").ok());
  CHECK_FALSE(xml::ParseUntrusted(std::string(100, ' ') + "<a/>", 50).ok());
  CHECK(xml::XmlEscape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
}

TEST_CASE_METHOD(Saml, "signed requests: required when the app enables them, verified with its SP certificate",
                 "[saml]") {
  auto now = testing_okta::Epoch();
  auto sp = okta::signon::saml::GenerateCredential("sp", now, now + std::chrono::hours(24 * 365));
  auto other = okta::signon::saml::GenerateCredential("sp", now, now + std::chrono::hours(24 * 365));
  REQUIRE(sp.ok());
  REQUIRE(other.ok());
  // Enabling needs a certificate.
  CHECK(Call("PUT", "/api/v1/apps/" + saml_id,
             Json{{"settings", Json{{"signOn", Json{{"samlSignedRequestEnabled", true}}}}}})
            .status == 400);
  CHECK(Call("PUT", "/api/v1/apps/" + saml_id,
             Json{{"settings",
                   Json{{"signOn", Json{{"spCertificate", Json{{"x5c", Json::array({"bm90IGEgY2VydA=="})}}}}}}}})
            .status == 400);
  auto put =
      Call("PUT", "/api/v1/apps/" + saml_id,
           Json{{"settings", Json{{"signOn", Json{{"samlSignedRequestEnabled", true},
                                                  {"spCertificate", Json{{"x5c", Json::array({sp->cert_b64})}}}}}}}});
  REQUIRE(put.status == 200);
  CHECK(X1(Get("/app/" + saml_id + "/sso/saml/metadata").body, "//md:IDPSSODescriptor/@WantAuthnRequestsSigned") ==
        "true");
  std::string cookie = SessionCookie();

  // HTTP-Redirect: Signature over SAMLRequest=…&RelayState=…&SigAlg=… as sent.
  auto signed_url = [&](const okta::signon::saml::SamlCredential& key, const std::string& id,
                        const std::string& alg = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                        const std::string& relay = "rs-signed") {
    std::string octets = "SAMLRequest=" + core::UrlEncode(core::Base64Encode(xml::Deflate(AuthnRequest(id)))) +
                         "&RelayState=" + core::UrlEncode(relay) + "&SigAlg=" + core::UrlEncode(alg);
    auto signer = okta::signon::SigningKey::FromPrivatePem("sp", key.key_pem);
    REQUIRE(signer.ok());
    auto sig = (*signer)->Sign(octets);
    REQUIRE(sig.ok());
    return sso_path + "?" + octets + "&Signature=" + core::UrlEncode(core::Base64Encode(*sig));
  };
  auto page = GetWith(signed_url(*sp, "_s1"), cookie);
  CHECK(X1(ResponseXml(page), "/saml2p:Response/@InResponseTo") == "_s1");
  CHECK(Field(page.body, "RelayState") == "rs-signed");
  CheckErrorPage(GetWith(RedirectUrl(AuthnRequest("_s2")), cookie), 400, "not signed");
  CheckErrorPage(GetWith(signed_url(*other, "_s3"), cookie), 400, "does not verify");
  CheckErrorPage(GetWith(signed_url(*sp, "_s4", "http://www.w3.org/2000/09/xmldsig#rsa-sha1"), cookie), 400, "SigAlg");
  std::string tampered = signed_url(*sp, "_s5");
  tampered.replace(tampered.find("rs-signed"), 9, "rs-evil!!");
  CheckErrorPage(GetWith(tampered, cookie), 400, "does not verify");

  // HTTP-POST: an enveloped signature on the AuthnRequest.
  auto post_signed = [&](const okta::signon::saml::SamlCredential& key, const std::string& request_xml,
                         const std::string& id) {
    auto signed_xml = xml::SignXml(request_xml, {id}, *key.key);
    REQUIRE(signed_xml.ok());
    return PostWith(sso_path, Form({{"SAMLRequest", core::Base64Encode(*signed_xml)}}), cookie);
  };
  CHECK(X1(ResponseXml(post_signed(*sp, AuthnRequest("_p1"), "_p1")), "/saml2p:Response/@InResponseTo") == "_p1");
  CheckErrorPage(PostWith(sso_path, Form({{"SAMLRequest", core::Base64Encode(AuthnRequest("_p2"))}}), cookie), 400,
                 "not signed");
  CheckErrorPage(post_signed(*other, AuthnRequest("_p3"), "_p3"), 400, "does not verify");
  // A signed request altered afterwards: its content, or its ID (the signature then covers another element).
  auto signed_xml = xml::SignXml(AuthnRequest("_p4"), {"_p4"}, *sp->key);
  REQUIRE(signed_xml.ok());
  std::string content = *signed_xml;
  content.replace(content.find("nameid-format:emailAddress"), 26, "nameid-format:unspecified!");
  CheckErrorPage(PostWith(sso_path, Form({{"SAMLRequest", core::Base64Encode(content)}}), cookie), 400,
                 "does not verify");
  std::string moved = *signed_xml;
  moved.replace(moved.find("ID=\"_p4\""), 8, "ID=\"_p5\"");
  CheckErrorPage(PostWith(sso_path, Form({{"SAMLRequest", core::Base64Encode(moved)}}), cookie), 400, "does not cover");
  CHECK(SsoSuccesses() == 2);
}

TEST_CASE_METHOD(Saml, "single logout: a signed LogoutRequest ends the session and gets a signed LogoutResponse",
                 "[saml]") {
  const std::string logout_url = "http://localhost:4000/saml/logout";
  auto now = testing_okta::Epoch();
  auto sp = okta::signon::saml::GenerateCredential("sp", now, now + std::chrono::hours(24 * 365));
  REQUIRE(sp.ok());
  std::string slo_path = "/app/" + saml_name + "/" + saml_id + "/slo/saml";
  std::string cookie = SessionCookie();
  CheckErrorPage(GetWith(slo_path + "?SAMLRequest=x", cookie), 404, "not enabled");
  CHECK(Call("PUT", "/api/v1/apps/" + saml_id,
             Json{{"settings", Json{{"signOn", Json{{"slo", Json{{"enabled", true}, {"logoutUrl", logout_url}}}}}}}})
            .status == 400);  // needs the SP certificate
  auto put =
      Call("PUT", "/api/v1/apps/" + saml_id,
           Json{{"settings", Json{{"signOn", Json{{"spCertificate", Json{{"x5c", Json::array({sp->cert_b64})}}},
                                                  {"slo", Json{{"enabled", true}, {"logoutUrl", logout_url}}}}}}}});
  REQUIRE(put.status == 200);
  CHECK(put.body["settings"]["signOn"]["slo"]["logoutUrl"] == logout_url);
  auto md = Get("/app/" + saml_id + "/sso/saml/metadata").body;
  CHECK(X(md, "//md:SingleLogoutService/@Location") == std::vector<std::string>{base + slo_path, base + slo_path});

  auto logout_request = [&](const std::string& id, const std::string& issuer = kSpEntity) {
    return "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
           "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" +
           id + "\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\" Destination=\"" + base + slo_path +
           "\"><saml:Issuer>" + issuer +
           "</saml:Issuer><saml:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">"
           "alice@example.com</saml:NameID></samlp:LogoutRequest>";
  };
  auto signed_url = [&](const std::string& request_xml) {
    std::string octets =
        "SAMLRequest=" + core::UrlEncode(core::Base64Encode(xml::Deflate(request_xml))) +
        "&RelayState=bye&SigAlg=" + core::UrlEncode("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
    auto signer = okta::signon::SigningKey::FromPrivatePem("sp", sp->key_pem);
    REQUIRE(signer.ok());
    auto sig = (*signer)->Sign(octets);
    REQUIRE(sig.ok());
    return slo_path + "?" + octets + "&Signature=" + core::UrlEncode(core::Base64Encode(*sig));
  };
  // Refused: unsigned, another issuer, an AuthnRequest.
  CheckErrorPage(
      GetWith(slo_path + "?SAMLRequest=" + core::UrlEncode(core::Base64Encode(xml::Deflate(logout_request("_l0")))),
              cookie),
      400, "must be signed");
  CheckErrorPage(GetWith(signed_url(logout_request("_l1", "http://other.example")), cookie), 400, "Issuer");
  CheckErrorPage(GetWith(signed_url(AuthnRequest("_l2")), cookie), 400, "LogoutRequests");
  CHECK(GetWith(sso_path, cookie).status == 200);  // still signed in

  auto page = GetWith(signed_url(logout_request("_out1")), cookie);
  REQUIRE(page.status == 200);
  CHECK(page.set_cookie.rfind("sid=;", 0) == 0);
  CHECK(page.body.find("action=\"" + logout_url + "\"") != std::string::npos);
  CHECK(Field(page.body, "RelayState") == "bye");
  std::string b64 = Field(page.body, "SAMLResponse"), doc;
  REQUIRE(core::Base64Decode(b64, &doc));
  CHECK(X1(doc, "/saml2p:LogoutResponse/@InResponseTo") == "_out1");
  CHECK(X1(doc, "/saml2p:LogoutResponse/@Destination") == logout_url);
  CHECK(X1(doc, "/saml2p:LogoutResponse/saml2:Issuer") == "http://www.okta.com/" + saml_id);
  CHECK(X1(doc, "//saml2p:StatusCode/@Value") == "urn:oasis:names:tc:SAML:2.0:status:Success");
  auto sigs = xml::CheckSignatures(doc, cert_pem);
  REQUIRE(sigs.ok());
  REQUIRE(sigs->size() == 1);
  CHECK((*sigs)[0].valid);
  CHECK((*sigs)[0].parent == "LogoutResponse");
  // The session is over.
  CHECK(GetWith(sso_path, cookie).status == 302);
  CHECK(Logs("user.session.end").size() >= 1);
  // HTTP-POST binding, signed enveloped.
  std::string cookie2 = SessionCookie();
  auto signed_xml = xml::SignXml(logout_request("_out2"), {"_out2"}, *sp->key);
  REQUIRE(signed_xml.ok());
  auto post = PostWith(slo_path, Form({{"SAMLRequest", core::Base64Encode(*signed_xml)}}), cookie2);
  REQUIRE(post.status == 200);
  CHECK(GetWith(sso_path, cookie2).status == 302);
}
