// The SAML routes (saml_routes.h): parse, call SamlIdp, render.
#include "mock_okta/signon/saml_routes.h"

#include "mock_okta/api_request.h"
#include "mock_okta/signon/signon_routes.h"

namespace okta::signon {

using core::Json;

namespace {

void SendPostForm(httplib::Response& res, const SsoDecision& d) {
  std::string body =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing in…</title></head><body>"
      "<noscript><p>Note: Since your browser does not support JavaScript, you must press the Continue button once "
      "to proceed.</p></noscript><form id=\"appForm\" action=\"" +
      HtmlEscape(d.acs_url) + "\" method=\"POST\"><input name=\"SAMLResponse\" type=\"hidden\" value=\"" +
      HtmlEscape(d.saml_response) + "\"/>";
  if (d.has_relay_state) {
    body += "<input name=\"RelayState\" type=\"hidden\" value=\"" + HtmlEscape(d.relay_state) + "\"/>";
  }
  body +=
      "<noscript><input type=\"submit\" value=\"Continue\"/></noscript></form>"
      "<script>document.getElementById('appForm').submit();</script></body></html>";
  res.status = 200;
  PageHeaders(res);
  res.set_content(body, "text/html; charset=utf-8");
}

void Render(httplib::Response& res, const SsoDecision& d) {
  switch (d.kind) {
    case SsoDecision::kPostForm: return SendPostForm(res, d);
    case SsoDecision::kSignIn:
      res.status = 302;
      PageHeaders(res);
      res.set_header("Location", WithQuery("/login/login.htm", {{"fromURI", d.from_uri}}));
      return;
    case SsoDecision::kErrorPage: return SendPage(res, d.status, d.title, d.message);
  }
}

// The request's path with its query as sent (the sign-in page continues there).
std::string PathAndQuery(const httplib::Request& req) {
  if (!req.target.empty() && req.target[0] == '/') return req.target;
  if (req.params.empty()) return req.path;
  std::vector<std::pair<std::string, std::string>> q(req.params.begin(), req.params.end());
  return WithQuery(req.path, q);
}

// The octets an HTTP-Redirect signature covers (SAML bindings §3.4.4.1):
// SAMLRequest, RelayState (when present) and SigAlg, with their values exactly
// as they appear in the request's query.
std::string SignedOctets(const httplib::Request& req) {
  auto q = req.target.find('?');
  if (q == std::string::npos) return "";
  std::map<std::string, std::string> raw;
  std::string query = req.target.substr(q + 1);
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    std::string part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = part.find('=');
    if (eq != std::string::npos) raw.emplace(part.substr(0, eq), part.substr(eq + 1));
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  std::string out = "SAMLRequest=" + raw["SAMLRequest"];
  if (raw.count("RelayState")) out += "&RelayState=" + raw["RelayState"];
  return out + "&SigAlg=" + raw["SigAlg"];
}

void SsoOrSlo(const RouteContext& ctx, SamlIdp& idp, const httplib::Request& req, httplib::Response& res, bool slo) {
  SsoRequest r;
  r.sid = CookieValue(req, "sid");
  r.path_and_query = PathAndQuery(req);
  std::string app_name = req.matches[1], app_id = req.matches[2];
  SsoDecision d;
  if (req.method == "POST") {
    std::map<std::string, std::string> form;
    if (!FormFields(req, &form)) {
      d.kind = SsoDecision::kErrorPage;
      d.title = "400 Bad Request";
      d.message = "The HTTP-POST binding sends the SAML request as an application/x-www-form-urlencoded form.";
      Render(res, d);
      return RecordExchange(ctx, "saml sso", req, res);
    }
    if (form.count("SAMLResponse")) {
      d.kind = SsoDecision::kErrorPage;
      d.title = "400 Bad Request";
      d.message = "This is the identity provider's sign-on URL: it receives AuthnRequests, not SAML responses.";
      Render(res, d);
      return RecordExchange(ctx, "saml sso", req, res);
    }
    r.binding = SsoRequest::kPost;
    r.saml_request = form["SAMLRequest"];
    if (auto it = form.find("RelayState"); it != form.end()) {
      r.relay_state = it->second;
      r.has_relay_state = true;
    }
    if (r.saml_request.empty()) {
      d.kind = SsoDecision::kErrorPage;
      d.title = "400 Bad Request";
      d.message = "The HTTP-POST binding needs a SAMLRequest form field.";
      Render(res, d);
      return RecordExchange(ctx, "saml sso", req, res);
    }
  } else {
    if (req.has_param("SAMLResponse")) {
      d.kind = SsoDecision::kErrorPage;
      d.title = "400 Bad Request";
      d.message = "This is the identity provider's sign-on URL: it receives AuthnRequests, not SAML responses.";
      Render(res, d);
      return RecordExchange(ctx, "saml sso", req, res);
    }
    if (req.has_param("SAMLRequest")) {
      r.binding = SsoRequest::kRedirect;
      r.saml_request = req.get_param_value("SAMLRequest");
      if (r.saml_request.empty()) {
        d.kind = SsoDecision::kErrorPage;
        d.title = "400 Bad Request";
        d.message = "The SAMLRequest parameter is empty.";
        Render(res, d);
        return RecordExchange(ctx, "saml sso", req, res);
      }
    }
    if (req.has_param("RelayState")) {
      r.relay_state = req.get_param_value("RelayState");
      r.has_relay_state = true;
    }
    if (req.has_param("pending")) r.pending_id = req.get_param_value("pending");
    if (req.has_param("Signature") || req.has_param("SigAlg")) {
      r.signature = req.get_param_value("Signature");
      r.sig_alg = req.get_param_value("SigAlg");
      r.signed_octets = SignedOctets(req);
    }
  }
  d = slo ? idp.Slo(app_name, app_id, r, ctx.base_url()) : idp.Sso(app_name, app_id, r, ctx.base_url());
  Render(res, d);
  if (d.clear_session) res.set_header("Set-Cookie", "sid=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
  RecordExchange(ctx, slo ? "saml slo" : "saml sso", req, res);
}

void RefuseForeign(ApiCall& c) {
  c.SendJson(403, Json{{"errorCode", "E0000006"},
                       {"errorSummary", "You do not have permission to perform the requested action"},
                       {"errorCauses", Json::array({Json{{"errorSummary", "cross-site request refused"}}})}});
}

void SendXml(httplib::Response& res, const std::string& xml) {
  res.status = 200;
  res.set_header("Cache-Control", "no-cache, no-store");
  res.set_content(xml, "application/xml; charset=utf-8");
}

}  // namespace

void RegisterSamlRoutes(httplib::Server& s, const RouteContext& ctx, SamlIdp& idp) {
  SamlIdp* p = &idp;
  auto metadata = [ctx, p](const httplib::Request& req, httplib::Response& res) {
    auto xml = p->Metadata(req.matches[1], ctx.base_url());
    if (!xml.ok()) return SendPage(res, 404, "404 Not Found", "There is no SAML app with this id.");
    SendXml(res, *xml);
  };
  s.Get(R"(/app/([^/]+)/sso/saml/metadata)", metadata);
  s.Get(R"(/api/v1/apps/([^/]+)/sso/saml/metadata)", [ctx, p](const httplib::Request& req, httplib::Response& res) {
    ApiCall c(ctx, req, res);
    auto xml = p->Metadata(c.Path(1), ctx.base_url());
    if (!xml.ok()) return c.SendError(xml.error());
    SendXml(res, *xml);
  });
  s.Get(R"(/api/v1/apps/([^/]+)/saml/certificate)", [ctx, p](const httplib::Request& req, httplib::Response& res) {
    ApiCall c(ctx, req, res);
    c.Reply(p->Certificate(c.Path(1)), [](const Json& j) { return j; });
  });
  // Okta's app key credentials (the SAML signing certificate as a JWK with x5c).
  s.Get(R"(/api/v1/apps/([^/]+)/credentials/keys)", [ctx, p](const httplib::Request& req, httplib::Response& res) {
    ApiCall c(ctx, req, res);
    c.Reply(p->CredentialKeys(c.Path(1)), [](const Json& j) { return j; });
  });
  s.Get(R"(/api/v1/apps/([^/]+)/credentials/keys/([^/]+))",
        [ctx, p](const httplib::Request& req, httplib::Response& res) {
          ApiCall c(ctx, req, res);
          auto keys = p->CredentialKeys(c.Path(1));
          if (!keys.ok()) return c.SendError(keys.error());
          for (const auto& k : *keys) {
            if (k["kid"] == c.Path(2)) return c.SendJson(200, k);
          }
          c.SendError(core::MakeError(core::ErrorCode::kNotFound,
                                      "Not found: Resource not found: " + c.Path(2) + " (AppInstanceKeyCredential)"));
        });
  auto sso = [ctx, p](const httplib::Request& req, httplib::Response& res) { SsoOrSlo(ctx, *p, req, res, false); };
  s.Get(R"(/app/([^/]+)/([^/]+)/sso/saml)", sso);
  s.Post(R"(/app/([^/]+)/([^/]+)/sso/saml)", sso);
  auto slo = [ctx, p](const httplib::Request& req, httplib::Response& res) { SsoOrSlo(ctx, *p, req, res, true); };
  s.Get(R"(/app/([^/]+)/([^/]+)/slo/saml)", slo);
  s.Post(R"(/app/([^/]+)/([^/]+)/slo/saml)", slo);
  s.Get(R"(/sandbox/apps/([^/]+)/saml-faults)", [ctx, p](const httplib::Request& req, httplib::Response& res) {
    ApiCall c(ctx, req, res);
    c.Reply(p->Faults(c.Path(1)), [](const SamlFaults& f) { return f.ToJson(); });
  });
  s.Patch(R"(/sandbox/apps/([^/]+)/saml-faults)", [ctx, p](const httplib::Request& req, httplib::Response& res) {
    ApiCall c(ctx, req, res);
    if (ForeignOrigin(ctx, req)) {
      return RefuseForeign(c);
    }
    auto body = c.Body();
    if (!body.ok()) return c.SendError(body.error());
    c.Reply(p->PatchFaults(c.Path(1), *body), [](const SamlFaults& f) { return f.ToJson(); });
  });
  s.Post(R"(/sandbox/apps/([^/]+)/saml/keys/rotate)", [ctx, p](const httplib::Request& req, httplib::Response& res) {
    ApiCall c(ctx, req, res);
    if (ForeignOrigin(ctx, req)) {
      return RefuseForeign(c);
    }
    c.Reply(p->RotateKey(c.Path(1)), [](const Json& j) { return j; });
  });
}

}  // namespace okta::signon
