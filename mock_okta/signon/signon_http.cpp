// Helpers shared by the sign-on route files: cookies, forms, pages, redaction.
#include <set>

#include "core/http.h"
#include "core/log.h"
#include "core/secret.h"
#include "mock_okta/org.h"
#include "mock_okta/signon/signon_routes.h"

namespace okta::signon {

using core::Json;

std::string CookieValue(const httplib::Request& req, const std::string& name) {
  for (auto [it, end] = req.headers.equal_range("Cookie"); it != end; ++it) {
    const std::string& h = it->second;
    size_t pos = 0;
    while (pos < h.size()) {
      size_t semi = h.find(';', pos);
      std::string part = h.substr(pos, semi == std::string::npos ? std::string::npos : semi - pos);
      size_t b = part.find_first_not_of(' ');
      if (b != std::string::npos) part = part.substr(b);
      auto eq = part.find('=');
      if (eq != std::string::npos && part.substr(0, eq) == name) return part.substr(eq + 1);
      if (semi == std::string::npos) break;
      pos = semi + 1;
    }
  }
  return "";
}

bool FormFields(const httplib::Request& req, std::map<std::string, std::string>* out) {
  std::string type = req.get_header_value("Content-Type");
  if (!req.body.empty() && type.rfind("application/x-www-form-urlencoded", 0) != 0) return false;
  httplib::Params params;
  httplib::detail::parse_query_text(req.body, params);
  for (const auto& [k, v] : params) {
    if (!out->emplace(k, v).second) return false;
  }
  return true;
}

std::string WithQuery(const std::string& base, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = base;
  char sep = base.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : params) {
    out += sep + core::UrlEncode(k) + "=" + core::UrlEncode(v);
    sep = '&';
  }
  return out;
}

std::string HtmlEscape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

void PageHeaders(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("X-Content-Type-Options", "nosniff");
  // same-origin, not no-referrer: with no-referrer a browser posts the sign-in form with
  // "Origin: null", which the cross-site check must refuse.
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action *; "
                 "frame-ancestors 'none'");
}

void SendPage(httplib::Response& res, int status, const std::string& title, const std::string& message) {
  res.status = status;
  PageHeaders(res);
  res.set_content(
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + HtmlEscape(title) +
          "</title><meta name=\"viewport\" content=\"width=device-width\"><style>body{font-family:system-ui,"
          "sans-serif;background:#f4f4f6;margin:0}main{max-width:480px;margin:10vh auto;background:#fff;"
          "border:1px solid #ddd;border-radius:6px;padding:32px}h1{font-size:20px;margin-top:0}.err{color:"
          "#b00020}</style></head><body><main><h1>" +
          HtmlEscape(title) + "</h1><p class=\"err\" id=\"error-description\">" + HtmlEscape(message) +
          "</p><p><small>okta-sandbox · an Okta-compatible sign-in for local development</small></p>"
          "</main></body></html>",
      "text/html; charset=utf-8");
}

bool ForeignOrigin(const RouteContext& ctx, const httplib::Request& req) {
  if (!req.has_header("Origin")) return false;
  std::string origin = req.get_header_value("Origin");
  if (origin == ctx.base_url()) return false;
  // The same port on another loopback name (localhost ⇄ 127.0.0.1) is still this origin.
  auto ours = core::ParseUrl(ctx.base_url());
  auto theirs = core::ParseUrl(origin);
  if (!ours.ok() || !theirs.ok()) return true;
  return !(theirs->port == ours->port && core::IsLoopbackHost(theirs->host) && core::IsLoopbackHost(ours->host));
}

// ---- redaction for traffic records ----

namespace {

const std::set<std::string>& SecretFields() {
  static const std::set<std::string> s{"password",      "client_secret", "code",         "code_verifier",
                                       "refresh_token", "token",         "sessionToken", "access_token",
                                       "id_token",      "id_token_hint", "_xsrfToken"};
  return s;
}

// A JWT keeps its header and payload (useful to read, useless without the
// signature); anything else becomes a marker.
std::string Redact(const std::string& v) {
  auto d1 = v.find('.');
  auto d2 = d1 == std::string::npos ? d1 : v.find('.', d1 + 1);
  if (d2 != std::string::npos && v.find('.', d2 + 1) == std::string::npos)
    return v.substr(0, d2) + ".[signature redacted]";
  return "[redacted]";
}

std::string RedactQuery(const std::string& text) {
  if (text.empty()) return text;
  httplib::Params params;
  httplib::detail::parse_query_text(text, params);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : params) out.emplace_back(k, SecretFields().count(k) ? Redact(v) : v);
  std::string s = WithQuery("", out);
  return s.empty() ? s : s.substr(1);
}

std::string RedactUrl(const std::string& url) {
  auto q = url.find('?');
  auto h = url.find('#');
  if (q == std::string::npos && h == std::string::npos) return url;
  auto cut = std::min(q, h);
  std::string rest = url.substr(cut + 1);
  return url.substr(0, cut + 1) + RedactQuery(rest);
}

Json RedactJson(Json j) {
  if (!j.is_object()) return j;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (SecretFields().count(it.key()) && it.value().is_string()) it.value() = Redact(it.value().get<std::string>());
  }
  return j;
}

std::string RedactBody(const std::string& body, const std::string& type) {
  if (body.empty()) return body;
  if (type.rfind("application/x-www-form-urlencoded", 0) == 0) return RedactQuery(body);
  if (type.find("json") != std::string::npos) {
    auto j = Json::parse(body, nullptr, false);
    if (!j.is_discarded()) return core::DumpCompact(RedactJson(j));
  }
  if (type.rfind("text/html", 0) == 0) return "[HTML page, " + std::to_string(body.size()) + " bytes]";
  return body;
}

Json Headers(const httplib::Headers& hs) {
  Json a = Json::array();
  for (const auto& [k, v] : hs) {
    std::string value = v;
    if (core::EqualsCi(k, "Authorization")) {
      value = core::RedactHeaderValue(k, v);
    } else if (core::EqualsCi(k, "Cookie") || core::EqualsCi(k, "Set-Cookie")) {
      value = "[redacted]";
    } else if (core::EqualsCi(k, "Location")) {
      value = RedactUrl(v);
    }
    a.push_back(Json{{"name", k}, {"value", value}});
  }
  return a;
}

}  // namespace

void RecordExchange(const RouteContext& ctx, const std::string& step, const httplib::Request& req,
                    const httplib::Response& res) {
  std::string target = req.path;
  if (!req.params.empty() && req.method == "GET") {
    std::vector<std::pair<std::string, std::string>> q(req.params.begin(), req.params.end());
    target = WithQuery(req.path, q);
  }
  Json rec = Json::object();
  rec["jobId"] = nullptr;
  rec["jobKind"] = "sign_on";
  rec["appId"] = req.has_param("client_id") ? req.get_param_value("client_id") : "";
  rec["step"] = step;
  rec["startedAt"] = ctx.org->Now();
  rec["durationMs"] = 0;
  std::string base = ctx.base_url();
  rec["request"] = Json{{"method", req.method},
                        {"url", base + RedactUrl(target)},
                        {"target", RedactUrl(target)},
                        {"headers", Headers(req.headers)},
                        {"body", RedactBody(req.body, req.get_header_value("Content-Type"))}};
  std::string type = res.get_header_value("Content-Type");
  rec["response"] =
      Json{{"status", res.status}, {"headers", Headers(res.headers)}, {"body", RedactBody(res.body, type)}};
  rec["error"] = nullptr;
  ctx.org->AddTraffic(rec);
}

}  // namespace okta::signon
