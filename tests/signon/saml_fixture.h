// A mock Okta on a manual clock with a SAML 2.0 app (both Response and
// Assertion signed, attribute and group statements), Alice assigned through
// a group, Bob not assigned, and helpers that play the service provider:
// AuthnRequests for either binding, a session through POST /api/v1/authn +
// /login/sessionCookieRedirect, and the SAMLResponse read back from the
// auto-submitting form.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "mock_okta/signon/saml_xml.h"
#include "tests/signon/oidc_fixture.h"

namespace testing_signon {

inline const std::string kAcs = "http://localhost:4000/saml/acs";
inline const std::string kSpEntity = "http://localhost:4000/saml/metadata";

namespace xml = okta::signon::saml;

class Saml : public Oidc {
 public:
  Saml() {
    auto r = Call("POST", "/api/v1/apps", SamlApp("Acme SAML"));
    REQUIRE(r.status == 200);
    saml_id = r.body["id"].get<std::string>();
    saml_name = r.body["name"].get<std::string>();
    sso_path = "/app/" + saml_name + "/" + saml_id + "/sso/saml";
    REQUIRE(Call("PUT", "/api/v1/apps/" + saml_id + "/groups/" + group_id, Json::object()).status == 200);
    REQUIRE(CreateGroup("Everyone Else").size() > 0);
    auto cert = Call("GET", "/api/v1/apps/" + saml_id + "/saml/certificate");
    REQUIRE(cert.status == 200);
    cert_pem = cert.body["pem"].get<std::string>();
  }

  static Json SamlApp(const std::string& label, Json sign_on_extra = Json::object()) {
    Json so{
        {"ssoAcsUrl", kAcs},
        {"audience", kSpEntity},
        {"subjectNameIdTemplate", "${user.userName}"},
        {"subjectNameIdFormat", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"},
        {"responseSigned", true},
        {"assertionSigned", true},
        {"signatureAlgorithm", "RSA_SHA256"},
        {"digestAlgorithm", "SHA256"},
        {"defaultRelayState", "/home"},
        {"attributeStatements",
         Json::array(
             {Json{{"type", "EXPRESSION"}, {"name", "email"}, {"values", Json::array({"user.email"})}},
              Json{{"type", "EXPRESSION"}, {"name", "firstName"}, {"values", Json::array({"user.firstName"})}},
              Json{{"type", "EXPRESSION"}, {"name", "department"}, {"values", Json::array({"user.department"})}},
              Json{{"type", "GROUP"}, {"name", "groups"}, {"filterType", "STARTS_WITH"}, {"filterValue", "Eng"}}})}};
    for (auto it = sign_on_extra.begin(); it != sign_on_extra.end(); ++it) so[it.key()] = it.value();
    return Json{{"label", label}, {"signOnMode", "SAML_2_0"}, {"settings", Json{{"signOn", so}}}};
  }

  // An AuthnRequest as a typical SP (node-saml, passport-saml) writes it.
  std::string AuthnRequest(const std::string& id = "_req1", const std::string& extra_attrs = "",
                           const std::string& issuer = kSpEntity, const std::string& acs = kAcs) {
    return "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
           "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" +
           id +
           "\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\" "
           "ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" "
           "AssertionConsumerServiceURL=\"" +
           acs + "\" Destination=\"" + base + sso_path + "\"" + extra_attrs + "><saml:Issuer>" + issuer +
           "</saml:Issuer><samlp:NameIDPolicy "
           "Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\" AllowCreate=\"true\"/>"
           "</samlp:AuthnRequest>";
  }
  // The SSO URL with an HTTP-Redirect binding request.
  std::string RedirectUrl(const std::string& request_xml, const std::string& relay = "rs-1") {
    std::string q = "SAMLRequest=" + core::UrlEncode(core::Base64Encode(xml::Deflate(request_xml)));
    if (!relay.empty()) q += "&RelayState=" + core::UrlEncode(relay);
    return sso_path + "?" + q;
  }

  // A session cookie for `login` ("sid=…").
  std::string SessionCookie(const std::string& login = "alice@example.com") {
    auto r = Get("/login/sessionCookieRedirect?token=" + core::UrlEncode(SessionToken(login)) +
                 "&redirectUrl=" + core::UrlEncode("/app/x"));
    REQUIRE(r.status == 302);
    REQUIRE(r.set_cookie.rfind("sid=", 0) == 0);
    return r.set_cookie.substr(0, r.set_cookie.find(';'));
  }
  Raw GetWith(const std::string& target, const std::string& cookie) { return Get(target, {{"Cookie", cookie}}); }
  Raw PostWith(const std::string& target, const std::string& form, const std::string& cookie) {
    return Send("POST", target, form, "application/x-www-form-urlencoded", {{"Cookie", cookie}});
  }

  // A hidden form field of the auto-submitting page ("" when absent).
  static std::string Field(const std::string& html, const std::string& name) {
    std::string key = "name=\"" + name + "\" type=\"hidden\" value=\"";
    auto p = html.find(key);
    if (p == std::string::npos) return "";
    p += key.size();
    std::string v = html.substr(p, html.find('"', p) - p);
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
      if (v.compare(i, 5, "&amp;") == 0) {
        out += '&';
        i += 4;
      } else if (v.compare(i, 6, "&quot;") == 0) {
        out += '"';
        i += 5;
      } else if (v.compare(i, 5, "&#39;") == 0) {
        out += '\'';
        i += 4;
      } else if (v.compare(i, 4, "&lt;") == 0) {
        out += '<';
        i += 3;
      } else if (v.compare(i, 4, "&gt;") == 0) {
        out += '>';
        i += 3;
      } else {
        out += v[i];
      }
    }
    return out;
  }
  // The decoded SAMLResponse XML of a form page.
  static std::string ResponseXml(const Raw& page) {
    REQUIRE(page.status == 200);
    REQUIRE(page.body.find("action=\"" + kAcs + "\"") != std::string::npos);
    std::string b64 = Field(page.body, "SAMLResponse");
    REQUIRE(!b64.empty());
    std::string out;
    REQUIRE(core::Base64Decode(b64, &out));
    return out;
  }
  // cpp-httplib's client (0.11) URL-decodes header values once: Location as the test sees it.
  static std::string Decoded(const std::string& s) { return httplib::detail::decode_url(s, false); }
  // The fromURI of a redirect to the sign-in page (Location, decoded once by the client).
  static std::string FromUri(const Raw& r) {
    const std::string prefix = "/login/login.htm?fromURI=";
    REQUIRE(r.status == 302);
    REQUIRE(r.location.rfind(prefix, 0) == 0);
    return r.location.substr(prefix.size());
  }
  // Whitespace removed (base64 in XML may be wrapped).
  static std::string NoSpace(std::string s) {
    std::erase_if(s, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
    return s;
  }
  static std::vector<std::string> X(const std::string& doc, const std::string& xpath) {
    auto v = xml::XPathValues(doc, xpath);
    REQUIRE(v.ok());
    return *v;
  }
  static std::string X1(const std::string& doc, const std::string& xpath) {
    auto v = X(doc, xpath);
    return v.empty() ? std::string("<none>") : v.front();
  }

  // Signs in Alice SP-initiated over the redirect binding and returns the Response XML.
  std::string SpInitiated(const std::string& id = "_req1") {
    return ResponseXml(GetWith(RedirectUrl(AuthnRequest(id)), SessionCookie()));
  }

  size_t SsoSuccesses() {
    size_t n = 0;
    for (const auto& e : Logs("user.authentication.sso")) {
      if (e["outcome"]["result"] == "SUCCESS" && e["debugContext"]["debugData"].value("signOnMode", "") == "SAML 2.0")
        ++n;
    }
    return n;
  }

  std::string saml_id, saml_name, sso_path, cert_pem;
};

}  // namespace testing_signon
