#include "mock_okta/checker/check_output_util.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "core/http.h"
#include "core/json_util.h"
#include "mock_okta/checker/check_output.h"

namespace okta::check::detail {

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
}

// The first `max` characters (code points) of valid UTF-8 text, "…" appended when cut.
std::string TrimChars(const std::string& s, size_t max) {
  size_t i = 0, chars = 0;
  while (i < s.size() && chars < max) {
    size_t n = core::Utf8SequenceAt(s, i);
    i += n ? n : 1;
    ++chars;
  }
  if (i >= s.size()) return s;
  return s.substr(0, i) + "…";
}

// Runs of whitespace (newlines of a pretty-printed body) as one space.
std::string OneLine(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string MaskSecrets(std::string s, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) ReplaceAll(s, secret, "***");
  return s;
}

const char* StatusText(int status) { return core::HttpStatusText(status); }

std::string HeaderValue(const std::vector<std::pair<std::string, std::string>>& headers, const std::string& name) {
  for (const auto& [n, v] : headers)
    if (core::EqualsCi(n, name)) return v;
  return "";
}

// The exchange a failure is about: the last one that got no answer or an
// error status, else the last one.
const Exchange* FailingExchange(const CheckResult& r) {
  for (auto it = r.exchanges.rbegin(); it != r.exchanges.rend(); ++it)
    if (it->status == 0 || it->status >= 400) return &*it;
  return r.exchanges.empty() ? nullptr : &r.exchanges.back();
}

// A JSON body pretty-printed (2 spaces), anything else as valid UTF-8 text.
std::string PrettyBody(const std::string& body) {
  if (body.empty()) return "";
  auto j = core::ParseJson(body, 256);
  if (j.ok() && (j->is_object() || j->is_array())) return j->dump(2, ' ', false, Json::error_handler_t::replace);
  return ValidUtf8(body);
}

// The id, and the profile when the id does not already end with it.
std::string Label(const CheckResult& r) {
  if (r.profile.empty()) return r.id;
  const std::string suffix = "." + r.profile;
  if (r.id.size() >= suffix.size() && r.id.compare(r.id.size() - suffix.size(), suffix.size(), suffix) == 0)
    return r.id;
  return r.id + " (" + r.profile + ")";
}

std::string AnswerLine(const Exchange& e) {
  if (e.status == 0) return "no answer" + (e.error.empty() ? std::string() : ": " + ValidUtf8(e.error));
  std::string out = std::to_string(e.status);
  if (const char* t = StatusText(e.status); *t) out += std::string(" ") + t;
  std::string body = OneLine(ValidUtf8(e.response_body));
  out += body.empty() ? " (empty body)" : " " + TrimChars(body, kAnswerChars);
  return out;
}

// ------------------------------------------------------------------ escaping

std::string EscapeHtml(const std::string& raw) {
  std::string s = ValidUtf8(raw);
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// XML 1.0 text or attribute: markup escaped, characters XML forbids (most
// C0 controls) as U+FFFD, invalid UTF-8 replaced too.
std::string EscapeXml(const std::string& raw) {
  std::string s = ValidUtf8(raw);
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#10;"; break;  // kept in attributes too
      case '\t': out += "&#9;"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string Seconds(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ms) / 1000.0);
  return buf;
}

int64_t TotalMs(const CheckResult& r) {
  int64_t ms = 0;
  for (const auto& e : r.exchanges) ms += e.duration_ms;
  return ms;
}

std::string UrlDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

Json HeadersJson(const std::vector<std::pair<std::string, std::string>>& headers) {
  Json a = Json::array();
  for (const auto& [n, v] : headers) a.push_back(Json{{"name", ValidUtf8(n)}, {"value", ValidUtf8(v)}});
  return a;
}

std::string ExchangeText(const Exchange& e) {
  std::string out = e.method + " " + e.url + "\n";
  for (const auto& [n, v] : e.request_headers) out += n + ": " + v + "\n";
  if (!e.request_body.empty()) out += "\n" + PrettyBody(e.request_body) + "\n";
  out += "\n";
  if (e.status == 0) {
    out += "no answer: " + e.error + "\n";
    return out;
  }
  out += "HTTP/1.1 " + std::to_string(e.status) + " " + StatusText(e.status) + "\n";
  for (const auto& [n, v] : e.response_headers) out += n + ": " + v + "\n";
  if (!e.response_body.empty()) out += "\n" + PrettyBody(e.response_body) + "\n";
  return out;
}


}  // namespace okta::check::detail
