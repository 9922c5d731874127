// The SAML 2.0 steps (`samlApp`, `samlSignIn`) and the SAML Response
// reading they expect on (SamlResponseSummary); declared in
// scenarios/signon_steps.h.
#include <algorithm>
#include <cstdlib>

#include "core/http.h"
#include "core/secret.h"
#include "scenarios/match.h"
#include "scenarios/run_context.h"
#include "scenarios/signon_common.h"
#include "scenarios/signon_steps.h"

namespace scenarios {

namespace {

constexpr size_t kNpos = std::string_view::npos;

// One element found by scanning: [begin, end) is the whole element, [cb, ce) its content.
struct XmlElem {
  size_t begin = 0, end = 0, cb = 0, ce = 0;
  std::string_view open;  // the start tag between '<' and '>'
};

std::string XmlUnescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == kNpos || semi - i > 10) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    static const std::pair<const char*, char> kNamed[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    bool done = false;
    for (const auto& [name, c] : kNamed) {
      if (ent == name) {
        out += c;
        done = true;
      }
    }
    if (!done && ent.size() > 1 && ent[0] == '#') {
      bool hex = ent[1] == 'x';
      unsigned long cp = std::strtoul(std::string(ent.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10);
      if (cp > 0 && cp < 0x80) {
        out += static_cast<char>(cp);
        done = true;
      }
    }
    if (!done) {
      out += s[i];
      continue;
    }
    i = semi;
  }
  return out;
}

// The first element named `local` (any namespace prefix) starting in [from, to) and ending by `to`.
std::optional<XmlElem> FindElem(std::string_view xml, std::string_view local, size_t from, size_t to) {
  for (size_t p = xml.find('<', from); p != kNpos && p < to; p = xml.find('<', p + 1)) {
    size_t q = p + 1;
    if (q >= to || xml[q] == '/' || xml[q] == '?' || xml[q] == '!') continue;
    size_t e = xml.find_first_of(" \t\r\n/>", q);
    if (e == kNpos || e >= to) return std::nullopt;
    std::string_view qname = xml.substr(q, e - q);
    auto colon = qname.find(':');
    if ((colon == kNpos ? qname : qname.substr(colon + 1)) != local) continue;
    // The end of the start tag ('>' outside quoted attribute values).
    char quote = 0;
    size_t gt = e;
    for (; gt < to; ++gt) {
      char c = xml[gt];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
    }
    if (gt >= to) return std::nullopt;
    XmlElem el;
    el.begin = p;
    el.open = xml.substr(q, gt - q);
    if (xml[gt - 1] == '/') {
      el.cb = el.ce = el.end = gt + 1;
      return el;
    }
    std::string close = "</" + std::string(qname) + ">";
    size_t c = xml.find(close, gt + 1);
    if (c == kNpos || c + close.size() > to) return std::nullopt;
    el.cb = gt + 1;
    el.ce = c;
    el.end = c + close.size();
    return el;
  }
  return std::nullopt;
}

// An attribute of a start tag (unescaped), or null.
Json Attr(std::string_view open, std::string_view name) {
  for (size_t p = open.find(name); p != kNpos; p = open.find(name, p + 1)) {
    if (p == 0 || (open[p - 1] != ' ' && open[p - 1] != '\t' && open[p - 1] != '\n' && open[p - 1] != '\r')) continue;
    size_t eq = p + name.size();
    if (eq + 1 >= open.size() || open[eq] != '=' || (open[eq + 1] != '"' && open[eq + 1] != '\'')) continue;
    size_t end = open.find(open[eq + 1], eq + 2);
    if (end == kNpos) return nullptr;
    return XmlUnescape(open.substr(eq + 2, end - eq - 2));
  }
  return nullptr;
}

Json Text(std::string_view xml, const std::optional<XmlElem>& el) {
  if (!el) return nullptr;
  return XmlUnescape(xml.substr(el->cb, el->ce - el->cb));
}

// The value of a hidden field of an auto-submitting form (HTML-unescaped), or nullopt.
std::optional<std::string> FormField(const std::string& html, const std::string& name) {
  auto p = html.find("name=\"" + name + "\"");
  if (p == std::string::npos) return std::nullopt;
  auto tag_end = html.find('>', p);
  auto v = html.find("value=\"", p);
  if (v == std::string::npos || v > tag_end) return std::nullopt;
  v += 7;
  return HtmlUnescape(html.substr(v, html.find('"', v) - v));
}

std::string FormAction(const std::string& html) {
  auto p = html.find("<form");
  if (p == std::string::npos) return "";
  p = html.find("action=\"", p);
  if (p == std::string::npos) return "";
  p += 8;
  return HtmlUnescape(html.substr(p, html.find('"', p) - p));
}

std::string NameIdFormat(const std::string& f) {
  static const std::pair<const char*, const char*> kFormats[] = {
      {"unspecified", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"},
      {"emailAddress", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"},
      {"x509SubjectName", "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName"},
      {"persistent", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"},
      {"transient", "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"}};
  for (const auto& [shortName, urn] : kFormats)
    if (f == shortName) return urn;
  return f;  // a full URN as is
}

// A minimal AuthnRequest as SPs send it (no Destination, unsigned).
std::string AuthnRequest(const std::string& id, const std::string& issuer, const std::string& acs) {
  auto esc = [](std::string v) {
    std::string o;
    for (char c : v) {
      if (c == '&') o += "&amp;";
      else if (c == '<') o += "&lt;";
      else if (c == '>') o += "&gt;";
      else if (c == '"') o += "&quot;";
      else o += c;
    }
    return o;
  };
  return "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
         "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" +
         esc(id) +
         "\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\" "
         "ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" AssertionConsumerServiceURL=\"" +
         esc(acs) + "\"><saml:Issuer>" + esc(issuer) + "</saml:Issuer></samlp:AuthnRequest>";
}

// Raw DEFLATE (RFC 1951) made of stored blocks: valid input for any inflater, no zlib needed.
std::string DeflateStored(std::string_view data) {
  std::string out;
  do {
    size_t n = std::min<size_t>(data.size(), 65535);
    bool last = n == data.size();
    out += static_cast<char>(last ? 1 : 0);
    out += static_cast<char>(n & 0xff);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(~n & 0xff);
    out += static_cast<char>((~n >> 8) & 0xff);
    out.append(data.substr(0, n));
    data.remove_prefix(n);
  } while (!data.empty());
  return out;
}

std::string SamlSummary(const Json& outcome) {
  if (outcome.contains("error")) return FailureSummary(outcome);
  Json name_id = outcome.value("nameId", Json());
  return "SAML assertion for " + (name_id.is_string() ? name_id.get<std::string>() : std::string("?"));
}

Json SamlSignInOutcome(RunContext& run, const Json& a, const SamlApp& app) {
  auto must = [](const Reply& r, const std::string& what) { MustAnswer(r, "samlSignIn", what); };
  AuthnResult authn = Authn(run, a, "samlSignIn");
  if (authn.failure) return *authn.failure;
  std::string target = app.sso_path;
  std::vector<std::pair<std::string, std::string>> query;
  std::string request_id;
  if (a.value("spInitiated", false)) {
    request_id = "_scenario-req-" + std::to_string(run.NextSignIn());
    query.emplace_back("SAMLRequest", core::Base64Encode(DeflateStored(AuthnRequest(
                                          request_id, a.value("requestIssuer", app.audience), app.acs_url))));
  }
  if (a.contains("relayState")) query.emplace_back("RelayState", a.value("relayState", ""));
  if (!query.empty()) target += "?" + Form(query);
  Reply rd = run.sandbox().Send("GET",
                                "/login/sessionCookieRedirect?" +
                                    Form({{"token", authn.session_token}, {"redirectUrl", target}}),
                                "", "");
  must(rd, "GET /login/sessionCookieRedirect");
  std::string cookie;
  for (const auto& [k, v] : rd.headers)
    if (core::EqualsCi(k, "Set-Cookie") && v.rfind("sid=", 0) == 0) cookie = v;
  if (rd.status != 302 || cookie.rfind("sid=", 0) != 0)
    return SignInFailure("session", "no_session", "sessionCookieRedirect answered " + rd.Describe(), rd.status);
  cookie = cookie.substr(0, cookie.find(';'));

  Reply sso = run.sandbox().Send("GET", target, "", "", {{"Cookie", cookie}});
  must(sso, "GET " + app.sso_path);
  auto field = FormField(sso.body, "SAMLResponse");
  if (sso.status != 200 || !field) {
    if (sso.status == 302)
      return SignInFailure("sso", "sign_in_page", "redirected to " + Header(sso.headers, "Location"), sso.status);
    std::string msg = PageMessage(sso.body);
    bool unassigned = sso.status == 403 && msg.find("not assigned this app") != std::string::npos;
    return SignInFailure("sso", unassigned ? "not_assigned" : "error_page", msg, sso.status);
  }
  std::string b64 = *field;
  std::erase_if(b64, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
  std::string xml, why;
  if (!core::Base64Decode(b64, &xml)) why = "the SAMLResponse is not base64";
  std::optional<Json> summary = why.empty() ? SamlResponseSummary(xml, &why) : std::nullopt;
  if (!summary) {
    run.FailHere("samlSignIn: the SSO URL's SAMLResponse cannot be read: " + why);
    return SignInFailure("sso", "bad_response", why, sso.status);
  }
  Json out = *summary;
  out["acsUrl"] = FormAction(sso.body);
  auto relay = FormField(sso.body, "RelayState");
  out["relayState"] = relay ? Json(*relay) : Json(nullptr);
  if (out["acsUrl"] != app.acs_url)
    run.FailHere("the SAML form posts to " + Brief(out["acsUrl"]) + ", not to the app's ACS URL " + app.acs_url);
  if (!request_id.empty() && out["inResponseTo"] != request_id)
    run.FailHere("the Response's InResponseTo is not the AuthnRequest's ID " + request_id + ": " +
                 Brief(out["inResponseTo"]));
  if (a.contains("relayState") && out["relayState"] != a["relayState"])
    run.FailHere("RelayState " + Brief(a["relayState"]) + " was not echoed: " + Brief(out["relayState"]));
  return out;
}

}  // namespace

std::optional<Json> SamlResponseSummary(std::string_view xml, std::string* why) {
  auto fail = [&](const std::string& m) -> std::optional<Json> {
    if (why) *why = m;
    return std::nullopt;
  };
  if (xml.size() > (1u << 20)) return fail("larger than 1 MiB");
  if (xml.find("<!DOCTYPE") != kNpos || xml.find("<!ENTITY") != kNpos) return fail("it has a DOCTYPE");
  auto resp = FindElem(xml, "Response", 0, xml.size());
  if (!resp) return fail("no Response element");
  auto asrt = FindElem(xml, "Assertion", resp->cb, resp->ce);
  if (!asrt) return fail("no Assertion in the Response (an EncryptedAssertion is not read)");
  Json out = Json::object();
  out["destination"] = Attr(resp->open, "Destination");
  out["inResponseTo"] = Attr(resp->open, "InResponseTo");
  out["issuer"] = Text(xml, FindElem(xml, "Issuer", resp->cb, asrt->begin));
  Json status = nullptr;
  if (auto code = FindElem(xml, "StatusCode", resp->cb, asrt->begin)) {
    status = Attr(code->open, "Value");
    if (status.is_string()) {
      std::string v = status;
      status = v.substr(v.rfind(':') + 1);
    }
  }
  out["samlStatus"] = status;
  out["assertionIssuer"] = Text(xml, FindElem(xml, "Issuer", asrt->cb, asrt->ce));
  auto name_id = FindElem(xml, "NameID", asrt->cb, asrt->ce);
  out["nameId"] = Text(xml, name_id);
  out["nameIdFormat"] = name_id ? Attr(name_id->open, "Format") : Json(nullptr);
  auto scd = FindElem(xml, "SubjectConfirmationData", asrt->cb, asrt->ce);
  out["recipient"] = scd ? Attr(scd->open, "Recipient") : Json(nullptr);
  out["audience"] = Text(xml, FindElem(xml, "Audience", asrt->cb, asrt->ce));
  Json attrs = Json::object();
  if (auto st = FindElem(xml, "AttributeStatement", asrt->cb, asrt->ce)) {
    for (auto at = FindElem(xml, "Attribute", st->cb, st->ce); at; at = FindElem(xml, "Attribute", at->end, st->ce)) {
      Json name = Attr(at->open, "Name");
      if (!name.is_string()) continue;
      Json values = Json::array();
      for (auto v = FindElem(xml, "AttributeValue", at->cb, at->ce); v;
           v = FindElem(xml, "AttributeValue", v->end, at->ce))
        values.push_back(Text(xml, v));
      attrs[name.get<std::string>()] = values;
    }
  }
  out["attributes"] = attrs;
  bool response_signed = FindElem(xml, "Signature", resp->cb, asrt->begin).has_value() ||
                         FindElem(xml, "Signature", asrt->end, resp->ce).has_value();
  bool assertion_signed = FindElem(xml, "Signature", asrt->cb, asrt->ce).has_value();
  out["signed"] = Json{{"response", response_signed}, {"assertion", assertion_signed}};
  return out;
}

// ------------------------------------------------------------------ samlApp

std::vector<std::string_view> SamlAppKeys() {
  return {"label",           "ssoAcsUrl",      "audience",        "nameIdFormat", "nameIdTemplate", "attributes",
          "groupsAttribute", "responseSigned", "assertionSigned", "assignGroups", "assignUsers"};
}

void SamlAppStep(RunContext& run, const Json& a) {
  SamlApp app;
  app.label = a.value("label", "");
  if (app.label.empty()) throw StepFailed{"samlApp: \"label\" is required"};
  app.acs_url = a.value("ssoAcsUrl", "http://localhost:4000/saml/acs");
  app.audience = a.value("audience", "http://localhost:4000/saml/metadata");
  Json so{{"ssoAcsUrl", app.acs_url},
          {"audience", app.audience},
          {"subjectNameIdTemplate", a.value("nameIdTemplate", "${user.userName}")},
          {"subjectNameIdFormat", NameIdFormat(a.value("nameIdFormat", "unspecified"))},
          {"responseSigned", a.value("responseSigned", true)},
          {"assertionSigned", a.value("assertionSigned", true)},
          {"signatureAlgorithm", "RSA_SHA256"},
          {"digestAlgorithm", "SHA256"}};
  Json statements = Json::array();
  const Json& attributes = a.value("attributes", Json::object());
  if (!attributes.is_object()) throw StepFailed{"samlApp: \"attributes\" is {name: \"user.x\" | [values]}"};
  for (auto it = attributes.begin(); it != attributes.end(); ++it) {
    auto values = Strings(it.value());
    if (values.empty()) throw StepFailed{"samlApp: attribute " + it.key() + " has no value expression"};
    statements.push_back(Json{{"type", "EXPRESSION"}, {"name", it.key()}, {"values", values}});
  }
  if (a.contains("groupsAttribute")) {
    const Json& g = a["groupsAttribute"];
    auto filter = GroupFilter(g.is_object() ? g.value("filter", Json()) : Json());
    if (!filter)
      throw StepFailed{"samlApp: groupsAttribute is {name, filter: {startsWith|equals|contains|regex: \"…\"}}"};
    statements.push_back(Json{{"type", "GROUP"},
                              {"name", g.is_object() ? g.value("name", "groups") : "groups"},
                              {"filterType", filter->first},
                              {"filterValue", filter->second}});
  }
  so["attributeStatements"] = statements;
  Json created =
      run.okta().Must("POST", "/api/v1/apps",
                      Json{{"label", app.label}, {"signOnMode", "SAML_2_0"}, {"settings", Json{{"signOn", so}}}});
  app.id = created.value("id", "");
  app.sso_path = "/app/" + created.value("name", "") + "/" + app.id + "/sso/saml";
  run.RememberSamlApp(app);
  AssignApp(run, app.id, a);
}

// --------------------------------------------------------------- samlSignIn

std::vector<std::string_view> SamlSignInKeys() {
  return {"user", "password", "app", "relayState", "spInitiated", "requestIssuer", "expect"};
}

void SamlSignInStep(RunContext& run, const Json& a) {
  if (!a.is_object() || a.value("user", "").empty()) throw StepFailed{"samlSignIn: \"user\" (a login) is required"};
  const SamlApp& app = run.FindSamlApp(a.value("app", ""));
  Json outcome = SamlSignInOutcome(run, a, app);
  ExpectOutcome(run, a, outcome, "samlSignIn", "SAML sign-in of " + a.value("user", "") + " → " + app.label,
                SamlSummary(outcome));
}

}  // namespace scenarios
