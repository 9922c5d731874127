// The reports of `okta-sandbox check` (docs/check.md): pure renderers of a
// CheckReport (check_report.h) as the text lines the CLI prints, JSON (for
// machines and the console's "Check a SCIM server" page), JUnit XML, one
// self-contained HTML file and HAR 1.2. No I/O; safe from any thread.
//
// Secrets: unless RenderOptions::show_secrets, every renderer masks the value
// of Authorization headers ("Bearer ***", "Basic ***", else "***") and every
// occurrence of the strings in RenderOptions::secrets (the token, the
// password) anywhere in the report: URLs, headers, bodies, messages.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"
#include "mock_okta/checker/check_report.h"

namespace okta::check {

struct RenderOptions {
  bool show_secrets = false;         // keep Authorization values and `secrets` as they are
  std::vector<std::string> secrets;  // masked as "***" wherever they appear (empty strings are ignored)
  std::string version = "dev";       // the okta-sandbox version (HAR creator, HTML footer)
};

// Counts of a report by verdict.
struct Tally {
  int passed = 0, failed = 0, warnings = 0, skipped = 0;
};
Tally CountVerdicts(const CheckReport& report);

// "pass" / "fail" / "warn" / "skip".
const char* VerdictWord(Verdict v);
// "✔" / "✘" / "⚠" / "-".
const char* VerdictMark(Verdict v);

// The report with secrets masked as RenderOptions says (a copy; the input
// is returned unchanged with show_secrets). Every renderer below applies it.
CheckReport Redact(const CheckReport& report, const RenderOptions& options);
// One header value as shown: "Bearer abc" → "Bearer ***" for Authorization
// (any case), other headers unchanged.
std::string RedactHeader(const std::string& name, const std::string& value);

// "N passed, N failed, N warnings" (no newline).
std::string SummaryLine(const CheckReport& report);

// What the CLI prints: one line per check (mark, id, profile, title); under a
// failure, indented: the request (method and URL), the server's answer
// (status and body trimmed to 300 characters), "Okta admin would see: …" and
// the explanation; under a warning the explanation; a skipped check names
// why. Then the summary line, "N skipped", and what the run left behind on
// the server (a count and the first five). Ends with a newline.
std::string TextReport(const CheckReport& report, const RenderOptions& options = {});

// {"targetUrl","started","finished","summary":{"passed","failed","warnings",
// "skipped","total"},"results":[{"id","group","profile","title","verdict",
// "explanation","taskMessage","confidence","exchanges":[{"method","url",
// "requestHeaders":[{"name","value"}],"requestBody","status",
// "responseHeaders":[…],"responseBody","error","started","durationMs"}]}],
// "leftBehind":[…]}. Bodies stay as text (byte for byte, invalid UTF-8
// replaced when serialized).
core::Json ReportJson(const CheckReport& report, const RenderOptions& options = {});

// JUnit XML: one <testsuite>, one <testcase> per check (classname
// "okta-sandbox check.<group>", name = id), <failure> with the explanation,
// the task message and the failing exchange, <skipped> for kSkip, warnings as
// <system-out>. Well-formed XML 1.0 whatever the bodies contain.
std::string JunitXml(const CheckReport& report, const RenderOptions& options = {});

// One HTML file with inline CSS and a little inline JS (a Content-Security-
// Policy forbids any network load): the target, the summary, a table of the
// checks with their verdicts, then each check with its explanation, task
// message and every exchange in a <details> (headers, pretty-printed bodies).
// All report text is HTML-escaped; none of it is placed inside <script>.
std::string HtmlReport(const CheckReport& report, const RenderOptions& options = {});

// HAR 1.2 of every exchange in report order (the shape of `traffic export`,
// scenarios/traffic.cpp): extra fields `_checkId`, `_verdict`, `_error`, and a
// `comment` naming the check.
core::Json HarReport(const CheckReport& report, const RenderOptions& options = {});

// Text made valid UTF-8 (invalid bytes → U+FFFD).
std::string ValidUtf8(const std::string& text);

}  // namespace okta::check
