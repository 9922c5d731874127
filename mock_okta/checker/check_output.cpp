#include "mock_okta/checker/check_output.h"

#include "core/json_util.h"
#include "core/secret.h"
#include "mock_okta/checker/check_output_util.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace okta::check {

using core::Json;

using namespace detail;  // NOLINT: the renderers' shared helpers



// ------------------------------------------------------------------ basics

std::string ValidUtf8(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t n = core::Utf8SequenceAt(text, i);
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
  return core::RedactHeaderValue(name, value);  // keeps the scheme: "Bearer ***", "Basic ***"
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


}  // namespace okta::check
