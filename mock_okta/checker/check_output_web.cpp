// The HAR and HTML renderers of the check report (see check_output.h).
#include <algorithm>
#include <cstdio>

#include "mock_okta/checker/check_output.h"
#include "mock_okta/checker/check_output_util.h"

namespace okta::check {

using core::Json;
using namespace detail;  // NOLINT: the renderers' shared helpers

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

