#include "mock_okta/signon/saml_app.h"

#include <regex>
#include <set>

#include "mock_okta/signon/saml_xml.h"

namespace okta::signon {

using core::Json;

namespace {

const std::string kBase = "settings.signOn";

core::Error InvalidSaml(const std::string& field, const std::string& why) {
  return core::MakeError(core::ErrorCode::kInvalidValue, field + ": " + why);
}

bool AbsoluteHttpUrl(const std::string& u) {
  return (u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0) && u.size() > 8 && u.size() <= 1024 &&
         u.find_first_of(" \t\r\n\"<>") == std::string::npos && u.find('#') == std::string::npos;
}

const std::set<std::string>& NameIdFormats() {
  static const std::set<std::string> f{kNameIdUnspecified, kNameIdEmail, kNameIdX509, kNameIdPersistent,
                                       kNameIdTransient};
  return f;
}

// user.<attr>, user.profile.<attr>, or a double-quoted literal.
bool ValidExpression(const std::string& v) {
  static const std::regex attr(R"(^user\.(profile\.)?[A-Za-z_][A-Za-z0-9_]*$)");
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return true;
  return std::regex_match(v, attr);
}

core::Status ReadString(const Json& so, const char* key, std::string* out) {
  if (!so.contains(key) || so[key].is_null()) return core::Status::Ok();
  if (!so[key].is_string()) return InvalidSaml(kBase + "." + key, "must be a string.");
  *out = so[key].get<std::string>();
  return core::Status::Ok();
}

core::Status ReadBool(const Json& so, const char* key, bool* out) {
  if (!so.contains(key) || so[key].is_null()) return core::Status::Ok();
  if (!so[key].is_boolean()) return InvalidSaml(kBase + "." + key, "must be true or false.");
  *out = so[key].get<bool>();
  return core::Status::Ok();
}

// Reads and validates settings.signOn into `a`; `out` gets the normalised JSON.
core::Status Parse(const Json& so, SamlApp* a, Json* out) {
  if (!so.is_object()) return InvalidSaml(kBase, "must be an object.");
  for (auto [key, dst] : {std::pair<const char*, std::string*>{"ssoAcsUrl", &a->acs_url},
                          {"audience", &a->audience},
                          {"recipient", &a->recipient},
                          {"destination", &a->destination},
                          {"spIssuer", &a->sp_issuer},
                          {"subjectNameIdTemplate", &a->name_id_template},
                          {"subjectNameIdFormat", &a->name_id_format},
                          {"authnContextClassRef", &a->authn_context},
                          {"defaultRelayState", &a->default_relay_state}}) {
    if (auto st = ReadString(so, key, dst); !st.ok()) return st;
  }
  for (auto [key, dst] : {std::pair<const char*, bool*>{"responseSigned", &a->response_signed},
                          {"assertionSigned", &a->assertion_signed},
                          {"honorForceAuthn", &a->honor_force_authn}}) {
    if (auto st = ReadBool(so, key, dst); !st.ok()) return st;
  }
  if (a->acs_url.empty()) return InvalidSaml(kBase + ".ssoAcsUrl", "The field cannot be left blank.");
  if (!AbsoluteHttpUrl(a->acs_url)) return InvalidSaml(kBase + ".ssoAcsUrl", "'" + a->acs_url + "' is not a valid URL.");
  if (a->audience.empty()) return InvalidSaml(kBase + ".audience", "The field cannot be left blank.");
  if (a->audience.size() > 1024 || a->audience.find_first_of(" \t\r\n") != std::string::npos) {
    return InvalidSaml(kBase + ".audience", "must be a URI without spaces.");
  }
  if (a->recipient.empty()) a->recipient = a->acs_url;
  if (a->destination.empty()) a->destination = a->acs_url;
  if (!AbsoluteHttpUrl(a->recipient))
    return InvalidSaml(kBase + ".recipient", "'" + a->recipient + "' is not a valid URL.");
  if (!AbsoluteHttpUrl(a->destination)) {
    return InvalidSaml(kBase + ".destination", "'" + a->destination + "' is not a valid URL.");
  }
  if (a->name_id_template.empty()) a->name_id_template = "${user.userName}";
  static const std::regex tmpl(R"(^\$\{user\.(profile\.)?[A-Za-z_][A-Za-z0-9_]*\}$)");
  if (!std::regex_match(a->name_id_template, tmpl)) {
    return InvalidSaml(kBase + ".subjectNameIdTemplate", "must be ${user.userName} or ${user.<attribute>}.");
  }
  if (!NameIdFormats().count(a->name_id_format)) {
    return InvalidSaml(kBase + ".subjectNameIdFormat", "'" + a->name_id_format + "' is not a SAML 2.0 NameID format.");
  }
  std::string sig = so.value("signatureAlgorithm", "RSA_SHA256");
  if (sig != "RSA_SHA256") {
    return InvalidSaml(kBase + ".signatureAlgorithm", "'" + sig + "' is not supported by the sandbox (RSA_SHA256 only).");
  }
  std::string dig = so.value("digestAlgorithm", "SHA256");
  if (dig != "SHA256") {
    return InvalidSaml(kBase + ".digestAlgorithm", "'" + dig + "' is not supported by the sandbox (SHA256 only).");
  }
  if (a->default_relay_state.size() > 1024) return InvalidSaml(kBase + ".defaultRelayState", "is too long.");
  if (auto st = ReadBool(so, "samlSignedRequestEnabled", &a->signed_requests); !st.ok()) return st;
  Json sp_cert = nullptr;
  if (so.contains("spCertificate") && !so["spCertificate"].is_null()) {
    const Json& c = so["spCertificate"];
    if (!c.is_object() || !c.contains("x5c") || !c["x5c"].is_array() || c["x5c"].empty() || !c["x5c"][0].is_string() ||
        !saml::ValidCertificate(c["x5c"][0].get<std::string>())) {
      return InvalidSaml(kBase + ".spCertificate", "must be {\"x5c\": [\"<base64 DER X.509 certificate>\"]}.");
    }
    a->sp_certificate = c["x5c"][0].get<std::string>();
    sp_cert = Json{{"x5c", Json::array({a->sp_certificate})}};
  }
  if (a->signed_requests && a->sp_certificate.empty()) {
    return InvalidSaml(kBase + ".spCertificate", "is required when samlSignedRequestEnabled is true.");
  }
  Json slo = Json{{"enabled", false}};
  if (so.contains("slo") && !so["slo"].is_null()) {
    const Json& sl = so["slo"];
    if (!sl.is_object()) return InvalidSaml(kBase + ".slo", "must be an object.");
    if (sl.contains("enabled") && !sl["enabled"].is_boolean()) {
      return InvalidSaml(kBase + ".slo.enabled", "must be true or false.");
    }
    a->slo_enabled = sl.value("enabled", false);
    if (sl.contains("logoutUrl") && sl["logoutUrl"].is_string()) a->slo_logout_url = sl["logoutUrl"];
    if (sl.contains("spIssuer") && sl["spIssuer"].is_string()) a->slo_issuer = sl["spIssuer"];
    if (a->slo_enabled && !AbsoluteHttpUrl(a->slo_logout_url)) {
      return InvalidSaml(kBase + ".slo.logoutUrl", "must be the SP's single logout URL (http or https).");
    }
    if (a->slo_enabled && a->sp_certificate.empty()) {
      return InvalidSaml(kBase + ".spCertificate", "is required for single logout (LogoutRequests must be signed).");
    }
    slo = Json{{"enabled", a->slo_enabled},
               {"spIssuer", a->slo_issuer.empty() ? Json(nullptr) : Json(a->slo_issuer)},
               {"logoutUrl", a->slo_logout_url.empty() ? Json(nullptr) : Json(a->slo_logout_url)}};
  }
  Json statements = Json::array();
  if (so.contains("attributeStatements") && !so["attributeStatements"].is_null()) {
    const Json& in = so["attributeStatements"];
    if (!in.is_array()) return InvalidSaml(kBase + ".attributeStatements", "must be an array.");
    std::set<std::string> names;
    for (size_t i = 0; i < in.size(); ++i) {
      std::string field = kBase + ".attributeStatements[" + std::to_string(i) + "]";
      const Json& s = in[i];
      if (!s.is_object()) return InvalidSaml(field, "must be an object.");
      SamlAttributeStatement st;
      st.type = s.value("type", "EXPRESSION");
      if (!s.value("name", Json("")).is_string()) return InvalidSaml(field + ".name", "must be a string.");
      st.name = s.value("name", "");
      if (st.name.empty() || st.name.size() > 512) return InvalidSaml(field + ".name", "The field cannot be left blank.");
      if (!names.insert(st.name).second) return InvalidSaml(field + ".name", "'" + st.name + "' is defined twice.");
      if (s.contains("namespace") && s["namespace"].is_string() && !s["namespace"].get<std::string>().empty()) {
        st.name_format = s["namespace"].get<std::string>();
      }
      Json norm{{"type", st.type}, {"name", st.name}, {"namespace", st.name_format}};
      if (st.type == "EXPRESSION") {
        if (!s.contains("values") || !s["values"].is_array() || s["values"].empty()) {
          return InvalidSaml(field + ".values", "must be a non-empty array of expressions.");
        }
        for (const auto& v : s["values"]) {
          if (!v.is_string() || !ValidExpression(v.get<std::string>())) {
            return InvalidSaml(field + ".values", "each value must be user.<attribute> or a quoted \"literal\".");
          }
          st.values.push_back(v.get<std::string>());
        }
        norm["values"] = st.values;
      } else if (st.type == "GROUP") {
        st.filter_type = s.value("filterType", "");
        st.filter_value = s.value("filterValue", "");
        if (st.filter_type != "STARTS_WITH" && st.filter_type != "EQUALS" && st.filter_type != "CONTAINS" &&
            st.filter_type != "REGEX") {
          return InvalidSaml(field + ".filterType", "must be one of STARTS_WITH, EQUALS, CONTAINS, REGEX.");
        }
        if (st.filter_type == "REGEX") {
          try {
            std::regex check(st.filter_value);
          } catch (const std::regex_error&) {
            return InvalidSaml(field + ".filterValue", "is not a valid regular expression.");
          }
        }
        norm["filterType"] = st.filter_type;
        norm["filterValue"] = st.filter_value;
      } else {
        return InvalidSaml(field + ".type", "must be EXPRESSION or GROUP.");
      }
      a->attributes.push_back(st);
      statements.push_back(norm);
    }
  }
  *out = Json{{"defaultRelayState", a->default_relay_state},
              {"ssoAcsUrl", a->acs_url},
              {"idpIssuer", "http://www.okta.com/${org.externalKey}"},
              {"audience", a->audience},
              {"recipient", a->recipient},
              {"destination", a->destination},
              {"subjectNameIdTemplate", a->name_id_template},
              {"subjectNameIdFormat", a->name_id_format},
              {"responseSigned", a->response_signed},
              {"assertionSigned", a->assertion_signed},
              {"signatureAlgorithm", "RSA_SHA256"},
              {"digestAlgorithm", "SHA256"},
              {"honorForceAuthn", a->honor_force_authn},
              {"authnContextClassRef", a->authn_context},
              {"spIssuer", a->sp_issuer.empty() ? Json(nullptr) : Json(a->sp_issuer)},
              {"requestCompressed", false},
              {"samlSignedRequestEnabled", a->signed_requests},
              {"spCertificate", sp_cert},
              {"slo", slo},
              {"attributeStatements", statements}};
  return core::Status::Ok();
}

}  // namespace

bool HasSamlSignOn(const App& app) {
  return app.sign_on_mode == "SAML_2_0" && app.settings.is_object() && app.settings.contains("signOn") &&
         app.settings["signOn"].is_object() && app.settings["signOn"].contains("ssoAcsUrl");
}

core::Result<SamlApp> SamlAppOf(const App& app) {
  if (!HasSamlSignOn(app)) return core::MakeError(core::ErrorCode::kNotFound, "not a SAML app: " + app.id);
  SamlApp a;
  Json norm;
  if (auto st = Parse(app.settings["signOn"], &a, &norm); !st.ok()) return st.error();
  a.id = app.id;
  a.name = app.name;
  a.label = app.label;
  a.active = app.status == "ACTIVE";
  return a;
}

bool WantsSamlSignOn(const Json& body, const App& app) {
  if (app.sign_on_mode != "SAML_2_0") return false;
  if (HasSamlSignOn(app)) return true;
  return body.contains("settings") && body["settings"].is_object() && body["settings"].contains("signOn");
}

core::Status ApplySamlBody(const Json& body, App* app) {
  Json settings = app->settings.is_object() ? app->settings : Json::object();
  Json so = settings.contains("signOn") && settings["signOn"].is_object() ? settings["signOn"] : Json::object();
  if (body.contains("settings")) {
    if (!body["settings"].is_object()) return InvalidSaml("settings", "must be an object.");
    settings = body["settings"];
    if (body["settings"].contains("signOn")) {
      const Json& in = body["settings"]["signOn"];
      if (!in.is_object()) return InvalidSaml(kBase, "must be an object.");
      for (auto it = in.begin(); it != in.end(); ++it) so[it.key()] = it.value();
    }
  }
  SamlApp parsed;
  Json norm;
  if (auto st = Parse(so, &parsed, &norm); !st.ok()) return st;
  settings["signOn"] = norm;
  app->settings = settings;
  return core::Status::Ok();
}

}  // namespace okta::signon
