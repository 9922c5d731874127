// SamlIdp (saml_idp.h): metadata, the SSO URL's decisions, Okta-shaped
// Responses and Assertions, faults.
#include "mock_okta/signon/saml_idp.h"

#include <regex>

#include "core/secret.h"
#include "mock_okta/signon/jwt.h"
#include "mock_okta/signon/saml_xml.h"

namespace okta::signon {

using core::Json;
using saml::XmlEscape;

namespace {

constexpr const char* kProtocolNs = "urn:oasis:names:tc:SAML:2.0:protocol";
constexpr const char* kAssertionNs = "urn:oasis:names:tc:SAML:2.0:assertion";
constexpr const char* kPostBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
constexpr const char* kRedirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
constexpr const char* kEntityFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
constexpr int kValiditySeconds = 300;  // Okta: assertions valid 5 minutes either side of IssueInstant
constexpr int kPendingSeconds = 600;
constexpr size_t kMaxPending = 1000;
constexpr size_t kMaxRelayState = 1024;

SsoDecision ErrorPage(int status, std::string title, std::string message) {
  SsoDecision d;
  d.kind = SsoDecision::kErrorPage;
  d.status = status;
  d.title = std::move(title);
  d.message = std::move(message);
  return d;
}

SsoDecision BadRequest(const std::string& message) { return ErrorPage(400, "400 Bad Request", message); }

std::string SamlId() {
  // An NCName: Okta's ids start with "id" followed by digits; ours by random base64url.
  return "id" + core::RandomToken(18);
}

std::string Time(core::TimePoint t) { return core::FormatIso8601(t); }

// The value of a user expression: user.userName (the app username),
// user.id, user.<attr> / user.profile.<attr> (string, number, bool or array),
// or a "literal". Empty: no value.
std::vector<std::string> Evaluate(const std::string& expr, const User& u, const std::string& app_username) {
  if (expr.size() >= 2 && expr.front() == '"' && expr.back() == '"') return {expr.substr(1, expr.size() - 2)};
  std::string attr = expr.rfind("user.profile.", 0) == 0 ? expr.substr(13) : expr.substr(5);
  if (attr == "userName") return {app_username};
  if (attr == "id") return {u.id};
  if (!u.profile.is_object() || !u.profile.contains(attr)) return {};
  const Json& v = u.profile[attr];
  std::vector<std::string> out;
  auto one = [&](const Json& x) {
    if (x.is_string()) {
      if (!x.get<std::string>().empty()) out.push_back(x.get<std::string>());
    } else if (x.is_number() || x.is_boolean()) {
      out.push_back(x.dump());
    }
  };
  if (v.is_array()) {
    for (const auto& x : v) one(x);
  } else {
    one(v);
  }
  return out;
}

bool GroupMatches(const SamlAttributeStatement& st, const std::string& name) {
  if (st.filter_type == "EQUALS") return name == st.filter_value;
  if (st.filter_type == "STARTS_WITH") return name.rfind(st.filter_value, 0) == 0;
  if (st.filter_type == "CONTAINS") return name.find(st.filter_value) != std::string::npos;
  try {
    return std::regex_match(name, std::regex(st.filter_value));
  } catch (const std::regex_error&) {
    return false;
  }
}

Json UserTarget(const User& u) {
  return Json{{"id", u.id},
              {"type", "User"},
              {"alternateId", u.profile.value("login", "")},
              {"displayName", u.profile.value("firstName", "") + " " + u.profile.value("lastName", "")}};
}

Json AppTarget(const SamlApp& a) {
  return Json{{"id", a.id}, {"type", "AppInstance"}, {"alternateId", a.label}, {"displayName", a.label}};
}

// The SingleLogoutService elements of an app with single logout ("" otherwise).
std::string SloServices(const App& app, const std::string& org_url) {
  auto a = SamlAppOf(app);
  if (!a.ok() || !a->slo_enabled) return "";
  std::string url = XmlEscape(org_url + "/app/" + app.name + "/" + app.id + "/slo/saml");
  return "<md:SingleLogoutService Binding=\"" + std::string(kPostBinding) + "\" Location=\"" + url +
         "\"/><md:SingleLogoutService Binding=\"" + std::string(kRedirectBinding) + "\" Location=\"" + url + "\"/>";
}

// The XML of a request sent to the SSO or SLO URL (either binding), or the error page.
std::optional<SsoDecision> DecodeMessage(const SsoRequest& r, std::string* xml) {
  if (r.saml_request.size() > saml::kMaxEncodedBytes) return BadRequest("The SAML request is too large.");
  std::string decoded;
  if (!saml::DecodeBase64Lenient(r.saml_request, &decoded)) return BadRequest("The SAML request is not base64.");
  if (r.binding == SsoRequest::kRedirect) {
    auto inflated = saml::Inflate(decoded, saml::kMaxXmlBytes);
    if (!inflated.ok()) {
      return BadRequest("The SAML request could not be inflated (HTTP-Redirect binding): " + inflated.error().detail +
                        ".");
    }
    *xml = *inflated;
  } else {
    *xml = decoded;
  }
  return std::nullopt;
}

bool HasSignedRequests(const App& app) {
  auto a = SamlAppOf(app);
  return a.ok() && a->signed_requests;
}

}  // namespace

SamlIdp::SamlIdp(Org& org, SignOn& signon, OktaStore& store, const core::Clock& clock)
    : org_(org), signon_(signon), store_(store), clock_(clock), keys_(store, clock) {}

core::Result<SamlApp> SamlIdp::LoadApp(const std::string& app_id) {
  if (app_id.empty() || app_id.size() > 64) return core::MakeError(core::ErrorCode::kNotFound, "no app");
  auto app = org_.GetApp(app_id);
  if (!app.ok()) return app.error();
  return SamlAppOf(*app);
}

// ---- metadata ----

core::Result<std::string> SamlIdp::Metadata(const std::string& app_id, const std::string& org_url) {
  auto app = org_.GetApp(app_id);
  if (!app.ok()) return app.error();
  if (!HasSamlSignOn(*app)) {
    return core::MakeError(core::ErrorCode::kNotFound, "Not found: Resource not found: " + app_id + " (SAML app)");
  }
  auto cred = keys_.Active(app_id);
  if (!cred.ok()) return cred.error();
  std::string sso = XmlEscape(org_url + SsoPath(*app));
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
         "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"" +
         XmlEscape(Issuer(app_id)) + "\"><md:IDPSSODescriptor WantAuthnRequestsSigned=\"" +
         std::string(HasSignedRequests(*app) ? "true" : "false") +
         "\" "
         "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
         "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"
         "<ds:X509Data><ds:X509Certificate>" +
         (*cred)->cert_b64 + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>" +
         SloServices(*app, org_url) +
         "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>"
         "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"
         "<md:SingleSignOnService Binding=\"" +
         std::string(kPostBinding) + "\" Location=\"" + sso +
         "\"/>"
         "<md:SingleSignOnService Binding=\"" +
         std::string(kRedirectBinding) + "\" Location=\"" + sso + "\"/></md:IDPSSODescriptor></md:EntityDescriptor>";
}

// ---- the SSO URL ----

std::optional<SsoDecision> SamlIdp::ReadRequest(const SamlApp& app, const std::string& xml, const std::string& sso_url,
                                                AuthnRequest* out) {
  auto root = saml::ParseUntrusted(xml);
  if (!root.ok()) return BadRequest("The SAML request could not be read: " + root.error().detail + ".");
  if (root->ns != kProtocolNs) return BadRequest("The SAML request is not a SAML 2.0 protocol message.");
  if (root->name == "Response") {
    return BadRequest("This is the identity provider's sign-on URL: it receives AuthnRequests, not SAML responses.");
  }
  if (root->name == "LogoutRequest") return BadRequest("Single logout is not configured for this app.");
  if (root->name != "AuthnRequest") return BadRequest("Unsupported SAML request: " + root->name + ".");
  auto attr = [&](const char* k) {
    auto it = root->attrs.find(k);
    return it == root->attrs.end() ? std::string() : it->second;
  };
  if (attr("Version") != "2.0") return BadRequest("The SAML request's Version must be 2.0.");
  out->id = attr("ID");
  if (out->id.empty() || out->id.size() > 256) return BadRequest("The SAML request has no ID.");
  std::string binding = attr("ProtocolBinding");
  if (!binding.empty() && binding != kPostBinding) {
    return BadRequest("Unsupported ProtocolBinding '" + binding + "': Okta sends SAML responses with HTTP-POST.");
  }
  if (!attr("AssertionConsumerServiceIndex").empty() && attr("AssertionConsumerServiceURL").empty()) {
    return BadRequest("AssertionConsumerServiceIndex is not supported: send AssertionConsumerServiceURL.");
  }
  out->acs_url = attr("AssertionConsumerServiceURL");
  if (!out->acs_url.empty() && out->acs_url != app.acs_url) {
    return BadRequest("The AssertionConsumerServiceURL in the SAML request (" + out->acs_url +
                      ") does not match the Single sign-on URL of the app (" + app.acs_url + ").");
  }
  std::string destination = attr("Destination");
  if (!destination.empty() && destination != sso_url) {
    return BadRequest("The Destination of the SAML request (" + destination + ") is not this app's sign-on URL (" +
                      sso_url + ").");
  }
  const saml::XmlElement* issuer = root->Child(kAssertionNs, "Issuer");
  out->issuer = issuer ? issuer->text : "";
  if (out->issuer != app.ExpectedIssuer()) {
    return BadRequest("The Issuer of the SAML request (" + (out->issuer.empty() ? "none" : out->issuer) +
                      ") does not match the Audience URI (SP Entity ID) of the app (" + app.ExpectedIssuer() + ").");
  }
  std::string force = attr("ForceAuthn");
  out->force_authn = (force == "true" || force == "1") && app.honor_force_authn;
  return std::nullopt;
}

std::string SamlIdp::KeepPending(Pending p) {
  std::lock_guard<std::mutex> lk(mu_);
  auto now = clock_.Now();
  std::erase_if(pending_, [&](const auto& kv) { return kv.second.expires <= now; });
  if (pending_.size() >= kMaxPending) {
    auto oldest = pending_.begin();
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (it->second.arrived < oldest->second.arrived) oldest = it;
    }
    pending_.erase(oldest);
  }
  std::string id = core::RandomToken(18);
  pending_[id] = std::move(p);
  return id;
}

SsoDecision SamlIdp::Sso(const std::string& app_name, const std::string& app_id, const SsoRequest& r,
                         const std::string& org_url) {
  auto raw_app = org_.GetApp(app_id.size() > 64 ? std::string() : app_id);
  if (!raw_app.ok() || raw_app->name != app_name || !HasSamlSignOn(*raw_app)) {
    return ErrorPage(404, "404 Not Found", "There is no SAML app at this sign-on URL.");
  }
  auto app = SamlAppOf(*raw_app);
  if (!app.ok()) return ErrorPage(500, "500 Server Error", "The app's SAML settings could not be read.");
  if (!app->active) return ErrorPage(403, "App not active", "This app has been deactivated by your administrator.");
  std::string sso_path = SsoPath(*raw_app);
  std::string sso_url = org_url + sso_path;

  // Which request: a kept one, a new one (either binding), or none (IdP-initiated).
  std::string xml, relay_state = app->default_relay_state;
  bool has_relay_state = !relay_state.empty();
  std::string stale_sid;
  bool resumed = false;
  bool has_request = false;
  core::TimePoint arrived = clock_.Now();
  if (!r.pending_id.empty()) {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = pending_.find(r.pending_id);
    if (it == pending_.end() || it->second.app_id != app_id || it->second.expires <= clock_.Now()) {
      return BadRequest("The sign-in request has expired. Start the sign-in again from the application.");
    }
    xml = it->second.xml;
    relay_state = it->second.relay_state;
    has_relay_state = it->second.has_relay_state;
    stale_sid = it->second.stale_sid;
    arrived = it->second.arrived;
    resumed = true;
    has_request = !xml.empty();
  } else if (r.binding != SsoRequest::kNone) {
    if (auto bad = DecodeMessage(r, &xml)) return *bad;
    has_request = true;
    if (r.has_relay_state) {
      relay_state = r.relay_state;
      has_relay_state = true;
    } else {
      relay_state.clear();
      has_relay_state = false;
    }
  } else if (r.has_relay_state) {
    relay_state = r.relay_state;
    has_relay_state = true;
  }
  if (relay_state.size() > kMaxRelayState) return BadRequest("The RelayState is too long.");

  AuthnRequest req;
  if (has_request) {
    if (auto refused = ReadRequest(*app, xml, sso_url, &req)) {
      refused->app_id = app_id;
      return *refused;
    }
    // Signed requests: checked when the request arrives (a kept one was checked then).
    if (app->signed_requests && !resumed) {
      core::Status sig =
          r.binding == SsoRequest::kRedirect
              ? saml::VerifyRedirectSignature(r.signed_octets, r.signature, r.sig_alg, app->sp_certificate)
              : saml::VerifyRootSignature(xml, app->sp_certificate);
      if (!sig.ok()) return BadRequest("Signed requests are required for this app: " + sig.error().detail + ".");
    }
  }

  // Who: the session, fresh enough for ForceAuthn.
  std::optional<Session> session = signon_.FindSession(r.sid);
  bool needs_fresh = req.force_authn;
  if (needs_fresh && session && resumed && session->id != stale_sid && session->created >= arrived) {
    needs_fresh = false;  // signed in again since the request came
  }
  if (!session || needs_fresh) {
    SsoDecision d;
    d.kind = SsoDecision::kSignIn;
    d.app_id = app_id;
    if (!resumed && (r.binding == SsoRequest::kPost || req.force_authn)) {
      Pending p;
      p.app_id = app_id;
      p.xml = xml;
      p.relay_state = relay_state;
      p.has_relay_state = has_relay_state;
      p.stale_sid = r.sid;
      p.arrived = arrived;
      p.expires = clock_.Now() + std::chrono::seconds(kPendingSeconds);
      d.from_uri = sso_path + "?pending=" + KeepPending(std::move(p));
    } else {
      d.from_uri = r.path_and_query.empty() ? sso_path : r.path_and_query;
    }
    return d;
  }
  auto user = org_.GetUser(session->user_id);
  if (!user.ok() || user->status != "ACTIVE") {
    return ErrorPage(403, "403 Forbidden", "Your account is not active.");
  }
  auto assignment = org_.GetAppUser(app_id, user->id);
  if (!assignment.ok()) {
    org_.Log("app.generic.unauth_app_access_attempt", "User attempted unauthorized access to app", "FAILURE",
             "User not assigned to app", Json::array({AppTarget(*app), UserTarget(*user)}),
             Json{{"signOnMode", "SAML 2.0"}});
    return ErrorPage(403, "403 Forbidden",
                     "Sorry, you can't access " + app->label +
                         " because you are not assigned this app in Okta. If you're wondering why this is happening, "
                         "please contact your administrator.");
  }
  auto response = BuildResponse(*app, *user, *session, req.id);
  if (!response.ok()) return ErrorPage(500, "500 Server Error", "The SAML response could not be signed.");
  if (resumed) {
    std::lock_guard<std::mutex> lk(mu_);
    pending_.erase(r.pending_id);
  }
  org_.Log("user.authentication.sso", "User single sign on to app", "SUCCESS", "",
           Json::array({AppTarget(*app), UserTarget(*user)}),
           Json{{"signOnMode", "SAML 2.0"},
                {"initiatedBy", req.id.empty() ? "IDP" : "SP"},
                {"inResponseTo", req.id.empty() ? Json(nullptr) : Json(req.id)}});
  SsoDecision d;
  d.kind = SsoDecision::kPostForm;
  d.status = 200;
  d.app_id = app_id;
  d.acs_url = app->acs_url;
  d.saml_response = core::Base64Encode(*response);
  d.relay_state = relay_state;
  d.has_relay_state = has_relay_state;
  return d;
}

// ---- single logout ----

SsoDecision SamlIdp::Slo(const std::string& app_name, const std::string& app_id, const SsoRequest& r,
                         const std::string& org_url) {
  auto raw_app = org_.GetApp(app_id.size() > 64 ? std::string() : app_id);
  if (!raw_app.ok() || raw_app->name != app_name || !HasSamlSignOn(*raw_app)) {
    return ErrorPage(404, "404 Not Found", "There is no SAML app at this single logout URL.");
  }
  auto app = SamlAppOf(*raw_app);
  if (!app.ok() || !app->slo_enabled) {
    return ErrorPage(404, "404 Not Found", "Single logout is not enabled for this app.");
  }
  if (r.binding == SsoRequest::kNone) return BadRequest("The single logout URL needs a SAMLRequest (LogoutRequest).");
  std::string xml;
  if (auto bad = DecodeMessage(r, &xml)) return *bad;
  auto root = saml::ParseUntrusted(xml);
  if (!root.ok()) return BadRequest("The SAML request could not be read: " + root.error().detail + ".");
  if (root->ns != kProtocolNs || root->name != "LogoutRequest") {
    return BadRequest("The single logout URL receives LogoutRequests.");
  }
  auto attr = [&](const char* k) {
    auto it = root->attrs.find(k);
    return it == root->attrs.end() ? std::string() : it->second;
  };
  if (attr("Version") != "2.0") return BadRequest("The SAML request's Version must be 2.0.");
  std::string request_id = attr("ID");
  if (request_id.empty() || request_id.size() > 256) return BadRequest("The SAML request has no ID.");
  std::string slo_url = org_url + SloPath(*raw_app);
  if (!attr("Destination").empty() && attr("Destination") != slo_url) {
    return BadRequest("The Destination of the LogoutRequest (" + attr("Destination") +
                      ") is not this app's single logout URL (" + slo_url + ").");
  }
  const saml::XmlElement* issuer = root->Child(kAssertionNs, "Issuer");
  std::string expected = app->slo_issuer.empty() ? app->ExpectedIssuer() : app->slo_issuer;
  if (!issuer || issuer->text != expected) {
    return BadRequest("The Issuer of the LogoutRequest (" + (issuer ? issuer->text : std::string("none")) +
                      ") is not the app's SP issuer (" + expected + ").");
  }
  if (!root->Child(kAssertionNs, "NameID")) return BadRequest("The LogoutRequest has no NameID.");
  core::Status sig = r.binding == SsoRequest::kRedirect
                         ? saml::VerifyRedirectSignature(r.signed_octets, r.signature, r.sig_alg, app->sp_certificate)
                         : saml::VerifyRootSignature(xml, app->sp_certificate);
  if (!sig.ok()) return BadRequest("LogoutRequests must be signed: " + sig.error().detail + ".");

  auto session = signon_.FindSession(r.sid);
  if (!r.sid.empty()) signon_.EndSession(r.sid);
  Json targets = Json::array({AppTarget(*app)});
  if (session) {
    if (auto u = org_.GetUser(session->user_id); u.ok()) targets.push_back(UserTarget(*u));
  }
  org_.Log("user.session.end", "User logout from Okta", "SUCCESS", "", targets,
           Json{{"signOnMode", "SAML 2.0"}, {"initiatedBy", "SP (single logout)"}, {"inResponseTo", request_id}});

  auto cred = keys_.Active(app->id);
  if (!cred.ok()) return ErrorPage(500, "500 Server Error", "The LogoutResponse could not be signed.");
  std::string response_id = SamlId();
  std::string now = Time(std::chrono::time_point_cast<std::chrono::milliseconds>(clock_.Now()));
  std::string response =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><saml2p:LogoutResponse "
      "xmlns:saml2p=\"urn:oasis:names:tc:SAML:2.0:protocol\" Destination=\"" +
      XmlEscape(app->slo_logout_url) + "\" ID=\"" + response_id + "\" InResponseTo=\"" + XmlEscape(request_id) +
      "\" IssueInstant=\"" + now + "\" Version=\"2.0\"><saml2:Issuer xmlns:saml2=\"" + kAssertionNs + "\" Format=\"" +
      kEntityFormat + "\">" + XmlEscape(Issuer(app->id)) +
      "</saml2:Issuer><saml2p:Status><saml2p:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>"
      "</saml2p:Status></saml2p:LogoutResponse>";
  auto signed_response = saml::SignXml(response, {response_id}, *(*cred)->key);
  if (!signed_response.ok()) return ErrorPage(500, "500 Server Error", "The LogoutResponse could not be signed.");
  SsoDecision d;
  d.kind = SsoDecision::kPostForm;
  d.status = 200;
  d.app_id = app->id;
  d.acs_url = app->slo_logout_url;
  d.saml_response = core::Base64Encode(*signed_response);
  d.relay_state = r.relay_state;
  d.has_relay_state = r.has_relay_state;
  d.clear_session = true;
  return d;
}

// ---- the Response ----

core::Result<std::string> SamlIdp::BuildResponse(const SamlApp& app, const User& u, const Session& s,
                                                 const std::string& in_response_to) {
  auto faults = Faults(app.id);
  SamlFaults f = faults.ok() ? *faults : SamlFaults{};
  auto cred = f.expired_certificate ? keys_.Expired(app.id) : keys_.Active(app.id);
  if (!cred.ok()) return cred.error();

  auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(clock_.Now()) + std::chrono::seconds(f.clock_skew_s);
  std::string issue = Time(now);
  std::string not_before = Time(now - std::chrono::seconds(kValiditySeconds));
  std::string not_after = Time(now + std::chrono::seconds(kValiditySeconds));
  std::string response_id = SamlId(), assertion_id = SamlId();
  std::string issuer = XmlEscape(Issuer(app.id));

  std::string app_username = u.profile.value("login", "");
  if (auto au = org_.GetAppUser(app.id, u.id); au.ok() && !au->user_name.empty()) app_username = au->user_name;
  std::string name_id;
  if (app.name_id_format == kNameIdTransient) {
    name_id = SamlId();
  } else {
    std::string expr = app.name_id_template.substr(2, app.name_id_template.size() - 3);  // ${user.x} → user.x
    auto v = Evaluate(expr, u, app_username);
    name_id = v.empty() ? app_username : v.front();
  }
  std::string in_resp = in_response_to.empty() ? "" : " InResponseTo=\"" + XmlEscape(in_response_to) + "\"";

  std::string attrs;
  for (const auto& st : app.attributes) {
    if (st.name == f.missing_attribute) continue;
    std::vector<std::string> values;
    if (st.type == "GROUP") {
      for (const auto& g : org_.ListGroupsOfUser(u.id)) {
        if (GroupMatches(st, g.name)) values.push_back(g.name);
      }
    } else {
      for (const auto& expr : st.values) {
        for (auto& v : Evaluate(expr, u, app_username)) values.push_back(std::move(v));
      }
    }
    if (values.empty()) continue;  // Okta leaves out an attribute without values
    attrs += "<saml2:Attribute Name=\"" + XmlEscape(st.name) + "\" NameFormat=\"" + XmlEscape(st.name_format) + "\">";
    for (const auto& v : values) {
      attrs +=
          "<saml2:AttributeValue xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
          "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xs:string\">" +
          XmlEscape(v) + "</saml2:AttributeValue>";
    }
    attrs += "</saml2:Attribute>";
  }

  std::string audience = f.wrong_audience ? "urn:okta-sandbox:wrong-audience" : app.audience;
  auto authn_instant =
      std::chrono::time_point_cast<std::chrono::milliseconds>(s.created) + std::chrono::seconds(f.clock_skew_s);
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<saml2p:Response xmlns:saml2p=\"urn:oasis:names:tc:SAML:2.0:protocol\" Destination=\"" +
      XmlEscape(app.destination) + "\" ID=\"" + response_id + "\"" + in_resp + " IssueInstant=\"" + issue +
      "\" Version=\"2.0\"><saml2:Issuer xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" Format=\"" +
      kEntityFormat + "\">" + issuer +
      "</saml2:Issuer><saml2p:Status><saml2p:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>"
      "</saml2p:Status><saml2:Assertion xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" +
      assertion_id + "\" IssueInstant=\"" + issue + "\" Version=\"2.0\"><saml2:Issuer Format=\"" + kEntityFormat +
      "\">" + issuer + "</saml2:Issuer><saml2:Subject><saml2:NameID Format=\"" + XmlEscape(app.name_id_format) + "\">" +
      XmlEscape(name_id) +
      "</saml2:NameID><saml2:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">"
      "<saml2:SubjectConfirmationData" +
      in_resp + " NotOnOrAfter=\"" + not_after + "\" Recipient=\"" + XmlEscape(app.recipient) +
      "\"/></saml2:SubjectConfirmation></saml2:Subject><saml2:Conditions NotBefore=\"" + not_before +
      "\" NotOnOrAfter=\"" + not_after + "\"><saml2:AudienceRestriction><saml2:Audience>" + XmlEscape(audience) +
      "</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions><saml2:AuthnStatement AuthnInstant=\"" +
      Time(authn_instant) + "\" SessionIndex=\"" + assertion_id +
      "\"><saml2:AuthnContext><saml2:AuthnContextClassRef>" + XmlEscape(app.authn_context) +
      "</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>" +
      (attrs.empty() ? "" : "<saml2:AttributeStatement>" + attrs + "</saml2:AttributeStatement>") +
      "</saml2:Assertion></saml2p:Response>";
  std::vector<std::string> sign;
  if (app.assertion_signed && !f.unsigned_assertion) sign.push_back(assertion_id);
  if (app.response_signed) sign.push_back(response_id);
  if (sign.empty()) return xml;
  return saml::SignXml(xml, sign, *(*cred)->key);
}

}  // namespace okta::signon
