#include "mock_okta/checker/check_output.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace okta::check {

using core::Json;

namespace {

constexpr size_t kAnswerChars = 300;    // the server's answer in the text lines
constexpr size_t kLeftBehindLines = 5;  // left-behind resources listed in the text lines

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
}

// Length of the valid UTF-8 sequence at s[i], or 0 when the bytes there are not one.
size_t Utf8SequenceAt(const std::string& s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

// The first `max` characters (code points) of valid UTF-8 text, "…" appended when cut.
std::string TrimChars(const std::string& s, size_t max) {
  size_t i = 0, chars = 0;
  while (i < s.size() && chars < max) {
    size_t n = Utf8SequenceAt(s, i);
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

const char* StatusText(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

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

}  // namespace

// ------------------------------------------------------------------ basics

std::string ValidUtf8(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8SequenceAt(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

Tally CountVerdicts(const CheckReport& report) {
  Tally t;
  for (const auto& r : report.results) {
    switch (r.verdict) {
      case Verdict::kPass: ++t.passed; break;
      case Verdict::kFail: ++t.failed; break;
      case Verdict::kWarn: ++t.warnings; break;
      case Verdict::kSkip: ++t.skipped; break;
    }
  }
  return t;
}

const char* VerdictWord(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kWarn: return "warn";
    case Verdict::kSkip: return "skip";
  }
  return "?";
}

const char* VerdictMark(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "✔";
    case Verdict::kFail: return "✘";
    case Verdict::kWarn: return "⚠";
    case Verdict::kSkip: return "-";
  }
  return "?";
}

std::string RedactHeader(const std::string& name, const std::string& value) {
  if (!core::EqualsCi(name, "Authorization") && !core::EqualsCi(name, "Proxy-Authorization")) return value;
  size_t space = value.find(' ');
  if (space == std::string::npos || space == 0) return "***";
  return value.substr(0, space) + " ***";  // keep the scheme: "Bearer ***", "Basic ***"
}

CheckReport Redact(const CheckReport& report, const RenderOptions& options) {
  if (options.show_secrets) return report;
  std::vector<std::string> secrets;
  for (const auto& s : options.secrets)
    if (!s.empty()) secrets.push_back(s);
  // Longest first, so a secret that contains another is masked whole.
  std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  auto mask = [&](std::string& s) { s = MaskSecrets(std::move(s), secrets); };
  CheckReport out = report;
  mask(out.target_url);
  for (auto& item : out.left_behind) mask(item);
  for (auto& r : out.results) {
    mask(r.title);
    mask(r.explanation);
    mask(r.task_message);
    for (auto& e : r.exchanges) {
      mask(e.url);
      mask(e.request_body);
      mask(e.response_body);
      mask(e.error);
      for (auto& [n, v] : e.request_headers) {
        v = RedactHeader(n, v);
        mask(v);
      }
      for (auto& [n, v] : e.response_headers) {
        v = RedactHeader(n, v);
        mask(v);
      }
    }
  }
  return out;
}

std::string SummaryLine(const CheckReport& report) {
  Tally t = CountVerdicts(report);
  return std::to_string(t.passed) + " passed, " + std::to_string(t.failed) + " failed, " + std::to_string(t.warnings) +
         " warnings";
}

// ------------------------------------------------------------------ text

std::string TextReport(const CheckReport& input, const RenderOptions& options) {
  CheckReport report = Redact(input, options);
  size_t width = 0;
  for (const auto& r : report.results) width = std::max(width, Label(r).size());
  width = std::min<size_t>(width, 48);
  std::string out;
  for (const auto& r : report.results) {
    std::string label = Label(r);
    std::string pad = label.size() < width ? std::string(width - label.size(), ' ') : "";
    out += std::string(VerdictMark(r.verdict)) + " " + label + pad + "  " + ValidUtf8(r.title);
    if (r.verdict == Verdict::kSkip && !r.explanation.empty()) {
      bool says_skipped = r.explanation.rfind("Skipped", 0) == 0 || r.explanation.rfind("skipped", 0) == 0;
      out += " (" + std::string(says_skipped ? "" : "skipped: ") + ValidUtf8(r.explanation) + ")";
    }
    out += "\n";
    if (r.verdict == Verdict::kFail) {
      if (const Exchange* e = FailingExchange(r)) {
        out += "    request : " + e->method + " " + ValidUtf8(e->url) + "\n";
        out += "    answer  : " + AnswerLine(*e) + "\n";
      }
      if (!r.task_message.empty()) out += "    Okta admin would see: " + ValidUtf8(r.task_message) + "\n";
      if (!r.explanation.empty()) out += "    why     : " + ValidUtf8(r.explanation) + "\n";
    } else if (r.verdict == Verdict::kWarn && !r.explanation.empty()) {
      out += "    note    : " + ValidUtf8(r.explanation) + "\n";
    }
  }
  Tally t = CountVerdicts(report);
  out += "\n" + SummaryLine(report) + "\n";
  out += std::to_string(t.skipped) + " skipped\n";
  if (report.left_behind.empty()) {
    out += "Left behind on the server: nothing\n";
  } else {
    // A run creates a few hundred users (groups of 101 members): the first
    // few here, all of them in the JSON and HTML reports.
    size_t users = 0, groups = 0;
    for (const auto& item : report.left_behind) {
      if (item.rfind("user ", 0) == 0) ++users;
      if (item.rfind("group ", 0) == 0) ++groups;
    }
    out += "Left behind on the server: " + std::to_string(report.left_behind.size());
    if (users + groups == report.left_behind.size()) {
      out += " (" + std::to_string(users) + " users, " + std::to_string(groups) + " groups)";
    }
    out += "\n";
    for (size_t i = 0; i < report.left_behind.size() && i < kLeftBehindLines; ++i) {
      out += "  - " + ValidUtf8(report.left_behind[i]) + "\n";
    }
    if (report.left_behind.size() > kLeftBehindLines) {
      out += "  … and " + std::to_string(report.left_behind.size() - kLeftBehindLines) +
             " more (every one in --json and --html)\n";
    }
  }
  return out;
}

// ------------------------------------------------------------------ JSON

core::Json ReportJson(const CheckReport& input, const RenderOptions& options) {
  CheckReport report = Redact(input, options);
  Tally t = CountVerdicts(report);
  Json results = Json::array();
  for (const auto& r : report.results) {
    Json exchanges = Json::array();
    for (const auto& e : r.exchanges) {
      exchanges.push_back(Json{{"method", ValidUtf8(e.method)},
                               {"url", ValidUtf8(e.url)},
                               {"requestHeaders", HeadersJson(e.request_headers)},
                               {"requestBody", ValidUtf8(e.request_body)},
                               {"status", e.status},
                               {"responseHeaders", HeadersJson(e.response_headers)},
                               {"responseBody", ValidUtf8(e.response_body)},
                               {"error", ValidUtf8(e.error)},
                               {"started", e.started},
                               {"durationMs", e.duration_ms}});
    }
    results.push_back(Json{{"id", r.id},
                           {"group", r.group},
                           {"profile", r.profile},
                           {"title", ValidUtf8(r.title)},
                           {"verdict", VerdictWord(r.verdict)},
                           {"explanation", ValidUtf8(r.explanation)},
                           {"taskMessage", ValidUtf8(r.task_message)},
                           {"confidence", r.confidence},
                           {"exchanges", std::move(exchanges)}});
  }
  Json left = Json::array();
  for (const auto& item : report.left_behind) left.push_back(ValidUtf8(item));
  return Json{{"targetUrl", ValidUtf8(report.target_url)},
              {"started", report.started},
              {"finished", report.finished},
              {"summary", Json{{"passed", t.passed},
                               {"failed", t.failed},
                               {"warnings", t.warnings},
                               {"skipped", t.skipped},
                               {"total", static_cast<int>(report.results.size())}}},
              {"results", std::move(results)},
              {"leftBehind", std::move(left)}};
}

// ------------------------------------------------------------------ JUnit

std::string JunitXml(const CheckReport& input, const RenderOptions& options) {
  CheckReport report = Redact(input, options);
  Tally t = CountVerdicts(report);
  int64_t total_ms = 0;
  for (const auto& r : report.results) total_ms += TotalMs(r);
  const std::string n = std::to_string(report.results.size());
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites name=\"okta-sandbox check\" tests=\"" + n + "\" failures=\"" + std::to_string(t.failed) +
       "\" errors=\"0\" skipped=\"" + std::to_string(t.skipped) + "\" time=\"" + Seconds(total_ms) + "\">\n";
  x += "  <testsuite name=\"okta-sandbox check " + EscapeXml(report.target_url) + "\" tests=\"" + n + "\" failures=\"" +
       std::to_string(t.failed) + "\" errors=\"0\" skipped=\"" + std::to_string(t.skipped) + "\" time=\"" +
       Seconds(total_ms) + "\"" + (report.started.empty() ? "" : " timestamp=\"" + EscapeXml(report.started) + "\"") +
       ">\n";
  for (const auto& r : report.results) {
    x += "    <testcase classname=\"okta-sandbox check." + EscapeXml(r.group.empty() ? "checks" : r.group) +
         "\" name=\"" + EscapeXml(Label(r)) + "\" time=\"" + Seconds(TotalMs(r)) + "\">\n";
    if (r.verdict == Verdict::kFail) {
      std::string body = r.explanation + "\n";
      if (!r.task_message.empty()) body += "Okta admin would see: " + r.task_message + "\n";
      if (const Exchange* e = FailingExchange(r)) body += "\n" + ExchangeText(*e);
      x += "      <failure message=\"" + EscapeXml(r.explanation.empty() ? r.title : r.explanation) +
           "\" type=\"okta-compatibility\">" + EscapeXml(body) + "</failure>\n";
    } else if (r.verdict == Verdict::kSkip) {
      x += "      <skipped message=\"" + EscapeXml(r.explanation) + "\"/>\n";
    }
    std::string out = r.title + "\n";
    if (r.verdict == Verdict::kWarn) out += "warning: " + r.explanation + "\n";
    if (!r.confidence.empty()) out += "confidence: " + r.confidence + "\n";
    out += std::to_string(r.exchanges.size()) + " SCIM exchanges\n";
    x += "      <system-out>" + EscapeXml(out) + "</system-out>\n";
    x += "    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

// ------------------------------------------------------------------ HAR

core::Json HarReport(const CheckReport& input, const RenderOptions& options) {
  CheckReport report = Redact(input, options);
  Json entries = Json::array();
  for (const auto& r : report.results) {
    for (const auto& e : r.exchanges) {
      std::string url = ValidUtf8(e.url);
      Json query = Json::array();
      if (auto q = url.find('?'); q != std::string::npos) {
        std::string qs = url.substr(q + 1);
        if (auto hash = qs.find('#'); hash != std::string::npos) qs.resize(hash);
        size_t start = 0;
        while (start <= qs.size()) {
          size_t amp = qs.find('&', start);
          if (amp == std::string::npos) amp = qs.size();
          std::string part = qs.substr(start, amp - start);
          if (!part.empty()) {
            size_t eq = part.find('=');
            query.push_back(Json{{"name", ValidUtf8(UrlDecode(part.substr(0, eq)))},
                                 {"value", eq == std::string::npos ? "" : ValidUtf8(UrlDecode(part.substr(eq + 1)))}});
          }
          start = amp + 1;
        }
      }
      Json request = Json::object();
      request["method"] = e.method;
      request["url"] = url;
      request["httpVersion"] = "HTTP/1.1";
      request["cookies"] = Json::array();
      request["headers"] = HeadersJson(e.request_headers);
      request["queryString"] = query;
      if (!e.request_body.empty()) {
        std::string mime = HeaderValue(e.request_headers, "Content-Type");
        request["postData"] = Json{{"mimeType", mime.empty() ? "application/scim+json" : ValidUtf8(mime)},
                                   {"text", ValidUtf8(e.request_body)}};
      }
      request["headersSize"] = -1;
      request["bodySize"] = static_cast<int64_t>(e.request_body.size());

      bool answered = e.status != 0;
      std::string mime = HeaderValue(e.response_headers, "Content-Type");
      Json response = Json::object();
      response["status"] = e.status;
      response["statusText"] = StatusText(e.status);
      response["httpVersion"] = "HTTP/1.1";
      response["cookies"] = Json::array();
      response["headers"] = HeadersJson(e.response_headers);
      response["content"] = Json{{"size", static_cast<int64_t>(e.response_body.size())},
                                 {"mimeType", mime.empty() ? "x-unknown" : ValidUtf8(mime)},
                                 {"text", ValidUtf8(e.response_body)}};
      response["redirectURL"] = HeaderValue(e.response_headers, "Location");
      response["headersSize"] = -1;
      response["bodySize"] = answered ? static_cast<int64_t>(e.response_body.size()) : -1;
      if (!answered) response["_error"] = ValidUtf8(e.error);

      Json entry = Json::object();
      entry["startedDateTime"] =
          e.started.empty() ? (report.started.empty() ? "1970-01-01T00:00:00.000Z" : report.started) : e.started;
      entry["time"] = e.duration_ms;
      entry["request"] = std::move(request);
      entry["response"] = std::move(response);
      entry["cache"] = Json::object();
      entry["timings"] = Json{{"blocked", -1},         {"dns", -1},    {"connect", -1}, {"send", 0},
                              {"wait", e.duration_ms}, {"receive", 0}, {"ssl", -1}};
      entry["comment"] = ValidUtf8(Label(r) + ": " + r.title);
      entry["_checkId"] = r.id;
      entry["_profile"] = r.profile;
      entry["_verdict"] = VerdictWord(r.verdict);
      if (!e.error.empty()) entry["_error"] = ValidUtf8(e.error);
      entries.push_back(std::move(entry));
    }
  }
  Json log = Json::object();
  log["version"] = "1.2";
  log["creator"] = Json{{"name", "okta-sandbox check"}, {"version", options.version}};
  log["pages"] = Json::array();
  log["entries"] = std::move(entries);
  log["comment"] = ValidUtf8("okta-sandbox check against " + report.target_url + ": " + SummaryLine(report));
  return Json{{"log", std::move(log)}};
}

// ------------------------------------------------------------------ HTML

namespace {

constexpr const char* kHtmlStyle = R"CSS(
:root{--pass:#0a7d32;--fail:#c4122f;--warn:#b06a00;--skip:#6b7280;--line:#e3e6ea;--bg:#f6f7f9;--ink:#1d1f23}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:15px;margin:0 0 4px}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.meta{color:#4b5563;margin:0 0 14px}
.cards{display:flex;gap:10px;flex-wrap:wrap;margin:12px 0}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:24px}
.card.pass b{color:var(--pass)}.card.fail b{color:var(--fail)}.card.warn b{color:var(--warn)}.card.skip b{color:var(--skip)}
.summary-line{font-weight:600}
.toolbar{display:flex;gap:10px;align-items:center;margin:12px 0}
button{font:inherit;border:1px solid #c7ccd3;background:#fff;border-radius:6px;padding:4px 10px;cursor:pointer}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef0f3;font-weight:600}
.mark{font-weight:700;width:1.5em}
tr.pass .mark,.check.pass .mark{color:var(--pass)}tr.fail .mark,.check.fail .mark{color:var(--fail)}
tr.warn .mark,.check.warn .mark{color:var(--warn)}tr.skip .mark,.check.skip .mark{color:var(--skip)}
.check{background:#fff;border:1px solid var(--line);border-left:4px solid var(--skip);border-radius:6px;padding:12px 14px;margin:10px 0}
.check.pass{border-left-color:var(--pass)}.check.fail{border-left-color:var(--fail)}.check.warn{border-left-color:var(--warn)}
.pill{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;background:#eef0f3;color:#374151;margin-left:6px}
.explanation{margin:6px 0}
.task{margin:6px 0;padding:8px 10px;background:#fff4f4;border:1px solid #f3c2c9;border-radius:6px}
details{margin:6px 0;border:1px solid var(--line);border-radius:6px;background:#fbfbfc}
summary{cursor:pointer;padding:6px 10px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
.status{display:inline-block;min-width:3.2em;font-weight:700}
.s2{color:var(--pass)}.s3{color:#2563eb}.s4,.s0{color:var(--fail)}.s5{color:var(--fail)}
.ms{color:#6b7280}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px;padding:0 10px 10px}
.pair h4{margin:6px 0;font-size:13px}
pre{margin:0 0 6px;padding:8px;background:#fff;border:1px solid var(--line);border-radius:4px;white-space:pre-wrap;word-break:break-word;max-height:480px;overflow:auto}
.empty{color:#6b7280;font-style:italic}
footer{color:#6b7280;margin:30px 0 10px;font-size:12px}
body.problems .check.pass,body.problems .check.skip,body.problems tr.pass,body.problems tr.skip{display:none}
@media (max-width:800px){.pair{grid-template-columns:1fr}}
)CSS";

// Only DOM toggles: no report data lives in the script.
constexpr const char* kHtmlScript = R"JS(
document.getElementById('expand').onclick=function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});};
document.getElementById('collapse').onclick=function(){document.querySelectorAll('details').forEach(function(d){d.open=false;});};
document.getElementById('problems').onchange=function(e){document.body.classList.toggle('problems',e.target.checked);};
)JS";

std::string HeadersPre(const std::vector<std::pair<std::string, std::string>>& headers) {
  if (headers.empty()) return "<pre class=\"empty\">no headers</pre>";
  std::string s;
  for (const auto& [n, v] : headers) s += n + ": " + v + "\n";
  return "<pre>" + EscapeHtml(s) + "</pre>";
}

std::string BodyPre(const std::string& body) {
  if (body.empty()) return "<pre class=\"empty\">empty body</pre>";
  return "<pre>" + EscapeHtml(PrettyBody(body)) + "</pre>";
}

std::string ExchangeHtml(const Exchange& e, bool open) {
  std::string status = e.status == 0 ? "—" : std::to_string(e.status);
  std::string cls = "s" + std::to_string(e.status / 100);
  std::string h = std::string("<details class=\"exchange\"") + (open ? " open" : "") +
                  "><summary><span class=\"status " + cls + "\">" + status + "</span> " + EscapeHtml(e.method) + " " +
                  EscapeHtml(e.url) + " <span class=\"ms\">" + std::to_string(e.duration_ms) + " ms</span></summary>";
  h += "<div class=\"pair\"><div><h4>Request</h4>" + HeadersPre(e.request_headers) + BodyPre(e.request_body) + "</div>";
  h += "<div><h4>Response";
  if (e.status != 0) {
    const char* text = StatusText(e.status);
    h += " " + std::to_string(e.status) + (*text ? std::string(" ") + text : "");
  }
  h += "</h4>";
  if (e.status == 0) {
    h += "<pre>" + EscapeHtml("no answer" + (e.error.empty() ? std::string() : ": " + e.error)) + "</pre>";
  } else {
    h += HeadersPre(e.response_headers) + BodyPre(e.response_body);
    if (!e.error.empty()) h += "<pre>" + EscapeHtml(e.error) + "</pre>";
  }
  h += "</div></div></details>";
  return h;
}

}  // namespace

std::string HtmlReport(const CheckReport& input, const RenderOptions& options) {
  CheckReport report = Redact(input, options);
  Tally t = CountVerdicts(report);
  std::string h = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
       "script-src 'unsafe-inline'; img-src data:\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>okta-sandbox check: " + EscapeHtml(report.target_url) + "</title>\n";
  h += std::string("<style>") + kHtmlStyle + "</style>\n</head>\n<body>\n<main>\n";
  h += "<h1>Will this SCIM server work with Okta?</h1>\n";
  h += "<p class=\"meta\">Target <code>" + EscapeHtml(report.target_url) + "</code>";
  if (!report.started.empty()) h += " · started " + EscapeHtml(report.started);
  if (!report.finished.empty()) h += " · finished " + EscapeHtml(report.finished);
  h += "</p>\n<div class=\"cards\">";
  h += "<div class=\"card pass\"><b>" + std::to_string(t.passed) + "</b>passed</div>";
  h += "<div class=\"card fail\"><b>" + std::to_string(t.failed) + "</b>failed</div>";
  h += "<div class=\"card warn\"><b>" + std::to_string(t.warnings) + "</b>warnings</div>";
  h += "<div class=\"card skip\"><b>" + std::to_string(t.skipped) + "</b>skipped</div></div>\n";
  h += "<p class=\"summary-line\" data-summary>" + EscapeHtml(SummaryLine(report)) + "</p>\n";
  h += "<p>✔ works as Okta expects · ✘ Okta's provisioning breaks here (an Okta admin sees the task message) · "
       "⚠ works, but differs from what Okta expects in a way that bites later · - not run.</p>\n";
  h += "<div class=\"toolbar\"><button type=\"button\" id=\"expand\">Expand all exchanges</button>"
       "<button type=\"button\" id=\"collapse\">Collapse all</button>"
       "<label><input type=\"checkbox\" id=\"problems\"> Only failures and warnings</label></div>\n";

  h += "<table class=\"checks\"><thead><tr><th></th><th>Check</th><th>Profile</th><th>What Okta does</th>"
       "<th>Confidence</th><th>Requests</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < report.results.size(); ++i) {
    const auto& r = report.results[i];
    const std::string v = VerdictWord(r.verdict);
    h += "<tr class=\"" + v + "\"><td class=\"mark\" title=\"" + v + "\">" + VerdictMark(r.verdict) +
         "</td><td><a class=\"mono\" href=\"#check-" + std::to_string(i) + "\">" + EscapeHtml(r.id) + "</a></td><td>" +
         EscapeHtml(r.profile) + "</td><td>" + EscapeHtml(r.title) + "</td><td>" + EscapeHtml(r.confidence) +
         "</td><td>" + std::to_string(r.exchanges.size()) + "</td></tr>\n";
  }
  h += "</tbody></table>\n<h2>Checks</h2>\n";
  for (size_t i = 0; i < report.results.size(); ++i) {
    const auto& r = report.results[i];
    const std::string v = VerdictWord(r.verdict);
    h += "<section class=\"check " + v + "\" id=\"check-" + std::to_string(i) + "\" data-verdict=\"" + v + "\">";
    h += "<h3><span class=\"mark\">" + std::string(VerdictMark(r.verdict)) + "</span> <span class=\"mono\">" +
         EscapeHtml(r.id) + "</span>";
    if (!r.profile.empty()) h += "<span class=\"pill\">" + EscapeHtml(r.profile) + "</span>";
    if (!r.confidence.empty()) h += "<span class=\"pill\">" + EscapeHtml(r.confidence) + "</span>";
    h += "</h3><div>" + EscapeHtml(r.title) + "</div>";
    if (!r.explanation.empty()) h += "<p class=\"explanation\">" + EscapeHtml(r.explanation) + "</p>";
    if (!r.task_message.empty()) {
      h += "<div class=\"task\"><b>Okta admin would see:</b> " + EscapeHtml(r.task_message) + "</div>";
    }
    const Exchange* failing = r.verdict == Verdict::kFail ? FailingExchange(r) : nullptr;
    for (const auto& e : r.exchanges) h += ExchangeHtml(e, &e == failing);
    h += "</section>\n";
  }
  h += "<h2>Left behind on the server</h2>\n";
  if (report.left_behind.empty()) {
    h += "<p>Nothing.</p>\n";
  } else {
    h += "<ul>";
    for (const auto& item : report.left_behind) h += "<li class=\"mono\">" + EscapeHtml(item) + "</li>";
    h += "</ul>\n";
  }
  h += "<footer>okta-sandbox " + EscapeHtml(options.version) +
       " · <code>okta-sandbox check</code> (docs/check.md) · Authorization values are ";
  h += options.show_secrets ? "shown (--show-secrets)" : "masked";
  h += "</footer>\n</main>\n<script>" + std::string(kHtmlScript) + "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace okta::check
