// The reports of `okta-sandbox check` (mock_okta/checker/check_output.h) on a
// report filled by hand: text lines and summary, JSON shape, JUnit XML
// well-formed, HTML escaping and self-containment, HAR 1.2 fields, redaction.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "mock_okta/checker/check_output.h"

namespace {

using core::Json;
using okta::check::CheckReport;
using okta::check::CheckResult;
using okta::check::Exchange;
using okta::check::RenderOptions;
using okta::check::Verdict;

constexpr const char* kToken = "s3cr3t-token-0123456789";
constexpr const char* kEvil = "</script><img src=x onerror=alert(1)>";

Exchange MakeExchange(std::string method, std::string url, int status, std::string response_body,
                      std::string request_body = "") {
  Exchange e;
  e.method = std::move(method);
  e.url = std::move(url);
  e.request_headers = {{"Accept", "application/scim+json"},
                       {"Authorization", std::string("Bearer ") + kToken},
                       {"User-Agent", "Okta SCIM Client 1.0.0"}};
  if (!request_body.empty()) e.request_headers.push_back({"Content-Type", "application/scim+json; charset=utf-8"});
  e.request_body = std::move(request_body);
  e.status = status;
  if (status != 0) e.response_headers = {{"Content-Type", "application/scim+json"}};
  e.response_body = std::move(response_body);
  e.started = "2024-05-01T09:00:00.000Z";
  e.duration_ms = 12;
  return e;
}

CheckReport SampleReport() {
  const std::string base = "http://127.0.0.1:7020/scim/v2";
  CheckReport r;
  r.target_url = base;
  r.started = "2024-05-01T09:00:00.000Z";
  r.finished = "2024-05-01T09:00:03.000Z";

  CheckResult pass;
  pass.id = "connector.test";
  pass.group = "connector";
  pass.title = "Test Connector Configuration: GET /Users?filter=userName eq \"…\"&startIndex=1&count=1 answers a list";
  pass.verdict = Verdict::kPass;
  pass.confidence = "documented";
  pass.exchanges.push_back(MakeExchange(
      "GET", base + "/Users?filter=userName%20eq%20%22probe%40example.com%22&startIndex=1&count=1", 200,
      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]})"));
  r.results.push_back(pass);

  CheckResult fail;
  fail.id = "users.create";
  fail.group = "users";
  fail.profile = "aiw_put";
  fail.title = "Okta creates an assigned user (POST /Users) and keeps the id the server returns";
  fail.verdict = Verdict::kFail;
  fail.explanation = "The 201 answer has no \"id\": Okta cannot link the user.";
  fail.task_message = "Automatic provisioning of user Ada Lovelace to app Check failed: Error while creating user";
  fail.confidence = "observed";
  fail.exchanges.push_back(MakeExchange("GET", base + "/Users?filter=userName%20eq%20%22a%40example.com%22", 200,
                                        R"({"totalResults":0,"Resources":[]})"));
  std::string long_body = R"({"detail":")" + std::string(600, 'x') + R"("})";
  fail.exchanges.push_back(MakeExchange("POST", base + "/Users", 400, long_body, R"({"userName":"a@example.com"})"));
  r.results.push_back(fail);

  CheckResult warn;
  warn.id = "robustness.content_type";
  warn.group = "robustness";
  warn.title = "Answers carry Content-Type application/scim+json";
  warn.verdict = Verdict::kWarn;
  warn.explanation = "Answers are text/html; Okta parses them anyway today.";
  warn.confidence = "inferred";
  warn.exchanges.push_back(MakeExchange("GET", base + "/Users/1", 200, kEvil));
  r.results.push_back(warn);

  CheckResult skip;
  skip.id = "groups.push";
  skip.group = "groups";
  skip.profile = "oin_patch";
  skip.title = "Okta pushes a group";
  skip.verdict = Verdict::kSkip;
  skip.explanation = "--no-groups";
  r.results.push_back(skip);

  CheckResult noanswer;
  noanswer.id = "robustness.timeout";
  noanswer.group = "robustness";
  noanswer.title = "Answers come within Okta's 60 s timeout";
  noanswer.verdict = Verdict::kFail;
  noanswer.explanation = "No answer within 60000 ms.";
  Exchange e = MakeExchange("GET", base + "/Users?startIndex=1&count=100", 0, "");
  e.error = "Read timeout";
  noanswer.exchanges.push_back(e);
  r.results.push_back(noanswer);

  r.left_behind = {"user okta-check-1a2b-ada@example.com (id 42, deactivated)"};
  return r;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A small XML 1.0 well-formedness check: one root, balanced and properly
// nested tags, quoted attributes, no raw '<' or '&' outside markup and
// entities, no forbidden control characters.
std::string XmlProblem(const std::string& x) {
  std::vector<std::string> stack;
  size_t i = 0;
  int roots = 0;
  auto entity_ok = [&](size_t at) {
    size_t semi = x.find(';', at);
    if (semi == std::string::npos || semi - at > 8) return false;
    std::string name = x.substr(at + 1, semi - at - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return true;
    if (name.size() > 1 && name[0] == '#') return name.find_first_not_of("0123456789", 1) == std::string::npos;
    return false;
  };
  while (i < x.size()) {
    unsigned char c = static_cast<unsigned char>(x[i]);
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return "control character at " + std::to_string(i);
    if (c == '&') {
      if (!entity_ok(i)) return "bad entity at " + std::to_string(i);
      ++i;
      continue;
    }
    if (c != '<') {
      if (stack.empty() && !std::isspace(c)) return "text outside the root at " + std::to_string(i);
      ++i;
      continue;
    }
    if (x.compare(i, 5, "<?xml") == 0) {
      size_t end = x.find("?>", i);
      if (end == std::string::npos) return "unterminated declaration";
      i = end + 2;
      continue;
    }
    size_t end = i + 1;
    char quote = 0;
    for (; end < x.size(); ++end) {
      if (quote) {
        if (x[end] == quote) quote = 0;
        else if (x[end] == '<') return "'<' in an attribute at " + std::to_string(end);
        else if (x[end] == '&' && !entity_ok(end)) return "bad entity in an attribute at " + std::to_string(end);
      } else if (x[end] == '"' || x[end] == '\'') {
        quote = x[end];
      } else if (x[end] == '>') {
        break;
      } else if (x[end] == '<') {
        return "'<' inside a tag at " + std::to_string(end);
      }
    }
    if (end >= x.size()) return "unterminated tag at " + std::to_string(i);
    std::string tag = x.substr(i + 1, end - i - 1);
    if (!tag.empty() && tag[0] == '/') {
      std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name) return "unbalanced </" + name + ">";
      stack.pop_back();
    } else {
      bool self = !tag.empty() && tag.back() == '/';
      std::string name = tag.substr(0, tag.find_first_of(" \t\n/"));
      if (name.empty()) return "empty tag name at " + std::to_string(i);
      if (stack.empty() && ++roots > 1) return "more than one root element";
      if (!self) stack.push_back(name);
    }
    i = end + 1;
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (roots != 1) return "no root element";
  return "";
}

}  // namespace

TEST_CASE("text: one line per check with its mark, failures indented, the summary line", "[check_output]") {
  std::string text = okta::check::TextReport(SampleReport());
  auto lines = Lines(text);
  REQUIRE(lines.size() > 6);
  CHECK(lines[0].rfind("✔ connector.test", 0) == 0);
  CHECK(Contains(lines[0], "Test Connector Configuration"));
  CHECK(lines[1].rfind("✘ users.create (aiw_put)", 0) == 0);
  CHECK(lines[2] == "    request : POST http://127.0.0.1:7020/scim/v2/Users");
  REQUIRE(lines[3].rfind("    answer  : 400 Bad Request {\"detail\":\"xxx", 0) == 0);
  // Trimmed to 300 characters of the body, marked as cut.
  std::string answer_body = lines[3].substr(std::string("    answer  : 400 Bad Request ").size());
  CHECK(answer_body.size() == 300 + std::string("…").size());
  CHECK(lines[4] ==
        "    Okta admin would see: Automatic provisioning of user Ada Lovelace to app Check failed: Error "
        "while creating user");
  CHECK((Contains(lines[5], "why") && Contains(lines[5], "no \"id\"")));
  CHECK(lines[6].rfind("⚠ robustness.content_type", 0) == 0);
  CHECK(Contains(lines[7], "Okta parses them anyway"));
  CHECK(lines[8].rfind("- groups.push (oin_patch)", 0) == 0);
  CHECK(Contains(lines[8], "(skipped: --no-groups)"));
  CHECK(lines[9].rfind("✘ robustness.timeout", 0) == 0);
  CHECK(lines[11] == "    answer  : no answer: Read timeout");
  CHECK(Contains(text, "\n2 failed") == false);
  CHECK(Contains(text, "\n1 passed, 2 failed, 1 warnings\n1 skipped\n"));
  CHECK(okta::check::SummaryLine(SampleReport()) == "1 passed, 2 failed, 1 warnings");
  CHECK(Contains(text,
                 "Left behind on the server: 1 (1 users, 0 groups)\n"
                 "  - user okta-check-1a2b-ada@example.com (id 42, deactivated)\n"));
  // The id column is aligned.
  CHECK(lines[0].find("Test Connector") == lines[6].find("Answers carry"));
}

TEST_CASE("text: a long left-behind list is cut after five, with the count", "[check_output]") {
  CheckReport r;
  for (int i = 0; i < 8; ++i) r.left_behind.push_back("user u" + std::to_string(i));
  r.left_behind.push_back("group g");
  std::string text = okta::check::TextReport(r);
  CHECK(Contains(text, "Left behind on the server: 9 (8 users, 1 groups)\n  - user u0\n"));
  CHECK(Contains(text, "  - user u4\n  … and 4 more (every one in --json and --html)\n"));
  CHECK_FALSE(Contains(text, "u5"));
}

TEST_CASE("text: a skipped check says why once", "[check_output]") {
  CheckReport r;
  CheckResult c;
  c.id = "users.update.aiw_put";
  c.title = "Profile update";
  c.verdict = Verdict::kSkip;
  c.explanation = "Skipped: needs users.create.aiw_put, which failed.";
  r.results.push_back(c);
  CHECK(Lines(okta::check::TextReport(r))[0] ==
        "- users.update.aiw_put  Profile update (Skipped: needs users.create.aiw_put, which failed.)");
}

TEST_CASE("text: a profile already in the id is not repeated; nothing left behind is said", "[check_output]") {
  CheckReport r;
  CheckResult c;
  c.id = "groups.members.remove.oin_patch";
  c.profile = "oin_patch";
  c.title = "removes a member";
  r.results.push_back(c);
  std::string text = okta::check::TextReport(r);
  CHECK(Lines(text)[0] == "✔ groups.members.remove.oin_patch  removes a member");
  CHECK(Contains(text, "1 passed, 0 failed, 0 warnings\n0 skipped\nLeft behind on the server: nothing\n"));
}

TEST_CASE("JSON: summary, results with verdict words and exchanges, left behind", "[check_output]") {
  Json j = okta::check::ReportJson(SampleReport());
  CHECK(j["targetUrl"] == "http://127.0.0.1:7020/scim/v2");
  CHECK(j["summary"] == Json{{"passed", 1}, {"failed", 2}, {"warnings", 1}, {"skipped", 1}, {"total", 5}});
  REQUIRE(j["results"].size() == 5);
  const Json& f = j["results"][1];
  CHECK(f["id"] == "users.create");
  CHECK(f["group"] == "users");
  CHECK(f["profile"] == "aiw_put");
  CHECK(f["verdict"] == "fail");
  CHECK(f["confidence"] == "observed");
  CHECK(f["taskMessage"].get<std::string>().rfind("Automatic provisioning", 0) == 0);
  REQUIRE(f["exchanges"].size() == 2);
  const Json& x = f["exchanges"][1];
  for (const char* key : {"method", "url", "requestHeaders", "requestBody", "status", "responseHeaders", "responseBody",
                          "error", "started", "durationMs"}) {
    CHECK(x.contains(key));
  }
  CHECK(x["status"] == 400);
  CHECK(x["requestHeaders"][1] == Json{{"name", "Authorization"}, {"value", "Bearer ***"}});
  CHECK(j["results"][2]["verdict"] == "warn");
  CHECK(j["results"][3]["verdict"] == "skip");
  CHECK(j["leftBehind"].size() == 1);
}

TEST_CASE("JSON: invalid UTF-8 in a body is replaced, so the report always serializes", "[check_output]") {
  CheckReport r = SampleReport();
  r.results[0].exchanges[0].response_body = std::string("bad \xff\xfe bytes \xc3");
  Json j = okta::check::ReportJson(r);
  std::string dumped;
  REQUIRE_NOTHROW(dumped = j.dump());
  CHECK(Contains(dumped, "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD"));
  CHECK(okta::check::ValidUtf8("ü✔") == "ü✔");
}

TEST_CASE("JUnit: one testcase per check, failure and skipped elements, well-formed XML", "[check_output]") {
  CheckReport r = SampleReport();
  r.results[0].exchanges[0].response_body = std::string("ctl \x01\x02 and ]]> and \xff");
  std::string x = okta::check::JunitXml(r);
  CHECK(XmlProblem(x) == "");
  CHECK(Contains(x, "tests=\"5\" failures=\"2\" errors=\"0\" skipped=\"1\""));
  CHECK(Contains(x, "<testcase classname=\"okta-sandbox check.users\" name=\"users.create (aiw_put)\""));
  CHECK(Contains(x, "<failure message=\"The 201 answer has no &quot;id&quot;: Okta cannot link the user.\""));
  CHECK(Contains(x, "Okta admin would see: Automatic provisioning of user Ada Lovelace"));
  CHECK(Contains(x, "<skipped message=\"--no-groups\"/>"));
  CHECK(Contains(x, "warning: Answers are text/html"));
  // A body with markup stays text.
  CHECK(Contains(x, "&lt;/script&gt;") == false);  // the warning's exchange is not in the failure text
  size_t testcases = 0;
  for (size_t p = 0; (p = x.find("<testcase ", p)) != std::string::npos; ++p) ++testcases;
  CHECK(testcases == 5);
  CHECK(XmlProblem("<a><b></a></b>") != "");  // the checker itself catches bad nesting
  CHECK(XmlProblem("<a>x < y</a>") != "");
}

TEST_CASE("HTML: self-contained, every exchange in <details>, bodies escaped", "[check_output]") {
  std::string h = okta::check::HtmlReport(SampleReport());
  CHECK(h.rfind("<!doctype html>", 0) == 0);
  CHECK(Contains(h, "Content-Security-Policy\" content=\"default-src 'none'"));
  CHECK(Contains(h, "1 passed, 2 failed, 1 warnings"));
  // No external resources.
  CHECK_FALSE(Contains(h, "<link"));
  CHECK_FALSE(Contains(h, "<script src"));
  CHECK_FALSE(Contains(h, "<iframe"));
  CHECK_FALSE(Contains(h, "url("));
  CHECK_FALSE(Contains(h, "@import"));
  // The hostile body is text, not markup.
  CHECK_FALSE(Contains(h, kEvil));
  CHECK_FALSE(Contains(h, "<img"));
  CHECK(Contains(h, "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
  // Exactly one script element (the page's toggles).
  size_t scripts = 0;
  for (size_t p = 0; (p = h.find("<script", p)) != std::string::npos; ++p) ++scripts;
  CHECK(scripts == 1);
  size_t details = 0;
  for (size_t p = 0; (p = h.find("<details", p)) != std::string::npos; ++p) ++details;
  CHECK(details == 5);  // 1 + 2 + 1 + 0 + 1 exchanges
  // The failing exchange of a failure is open, with its body pretty-printed.
  CHECK(Contains(h, "<details class=\"exchange\" open><summary><span class=\"status s4\">400</span> POST "));
  CHECK(Contains(h, "{\n  &quot;userName&quot;: &quot;a@example.com&quot;\n}"));
  CHECK(Contains(h, "<b>Okta admin would see:</b> Automatic provisioning"));
  CHECK(Contains(h, "Bearer ***"));
  CHECK_FALSE(Contains(h, kToken));
}

TEST_CASE("HAR 1.2: the required fields of every entry", "[check_output]") {
  RenderOptions o;
  o.version = "1.2.3";
  Json har = okta::check::HarReport(SampleReport(), o);
  const Json& log = har["log"];
  CHECK(log["version"] == "1.2");
  CHECK(log["creator"]["name"].is_string());
  CHECK(log["creator"]["version"] == "1.2.3");
  REQUIRE(log["entries"].is_array());
  REQUIRE(log["entries"].size() == 5);
  for (const auto& e : log["entries"]) {
    CHECK(e["startedDateTime"].is_string());
    CHECK(e["time"].is_number());
    const Json& q = e["request"];
    for (const char* k : {"method", "url", "httpVersion"}) CHECK(q[k].is_string());
    for (const char* k : {"cookies", "headers", "queryString"}) CHECK(q[k].is_array());
    CHECK(q["headersSize"].is_number());
    CHECK(q["bodySize"].is_number());
    for (const auto& hdr : q["headers"]) CHECK((hdr["name"].is_string() && hdr["value"].is_string()));
    const Json& s = e["response"];
    CHECK(s["status"].is_number());
    for (const char* k : {"statusText", "httpVersion", "redirectURL"}) CHECK(s[k].is_string());
    for (const char* k : {"cookies", "headers"}) CHECK(s[k].is_array());
    CHECK(s["content"]["size"].is_number());
    CHECK(s["content"]["mimeType"].is_string());
    CHECK(s["headersSize"].is_number());
    CHECK(s["bodySize"].is_number());
    CHECK(e["cache"].is_object());
    for (const char* k : {"send", "wait", "receive"}) CHECK(e["timings"][k].is_number());
    CHECK(e["_checkId"].is_string());
  }
  const Json& first = log["entries"][0];
  CHECK(first["request"]["queryString"][0] == Json{{"name", "filter"}, {"value", "userName eq \"probe@example.com\""}});
  CHECK(first["_verdict"] == "pass");
  const Json& post = log["entries"][2];
  CHECK(post["request"]["postData"]["mimeType"] == "application/scim+json; charset=utf-8");
  CHECK(post["request"]["postData"]["text"] == "{\"userName\":\"a@example.com\"}");
  CHECK(post["response"]["statusText"] == "Bad Request");
  const Json& timeout = log["entries"][4];
  CHECK(timeout["response"]["status"] == 0);
  CHECK(timeout["response"]["_error"] == "Read timeout");
}

TEST_CASE("secrets: Authorization masked in every report unless show_secrets; listed secrets masked anywhere",
          "[check_output]") {
  CheckReport r = SampleReport();
  r.results[1].exchanges[1].response_body = std::string("{\"echo\":\"") + kToken + "\"}";
  RenderOptions o;
  o.secrets = {kToken, ""};
  std::vector<std::string> outputs = {okta::check::TextReport(r, o), okta::check::ReportJson(r, o).dump(),
                                      okta::check::JunitXml(r, o), okta::check::HtmlReport(r, o),
                                      okta::check::HarReport(r, o).dump()};
  for (const auto& out : outputs) CHECK_FALSE(Contains(out, kToken));
  CHECK(Contains(outputs[1], "\"Bearer ***\""));
  CHECK(Contains(outputs[4], "\"Bearer ***\""));
  CHECK(Contains(outputs[1], R"({\"echo\":\"***\"})"));

  // Without the secrets list the header is still masked; the body is not (nothing says it is secret).
  Json plain = okta::check::ReportJson(r);
  CHECK(plain["results"][1]["exchanges"][1]["requestHeaders"][1]["value"] == "Bearer ***");

  RenderOptions show;
  show.show_secrets = true;
  show.secrets = {kToken};
  CHECK(Contains(okta::check::ReportJson(r, show).dump(), std::string("Bearer ") + kToken));
  CHECK(Contains(okta::check::HarReport(r, show).dump(), std::string("Bearer ") + kToken));

  CHECK(okta::check::RedactHeader("authorization", "Basic dXNlcjpwYXNz") == "Basic ***");
  CHECK(okta::check::RedactHeader("Authorization", "verbatim-token") == "***");
  CHECK(okta::check::RedactHeader("Content-Type", "application/scim+json") == "application/scim+json");
}
