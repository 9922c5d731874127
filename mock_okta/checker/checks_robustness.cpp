// Robustness Okta depends on (okta-behaviour §1.0, §1.9): bodies with the
// attributes Okta adds when they are mapped, and — read from every exchange
// of the run so far — the answers' Content-Type, error bodies, 429s and
// response times.
#include "mock_okta/checker/checks.h"
#include "mock_okta/flows.h"

namespace okta::check {

using core::Json;

namespace {

std::string HeaderOf(const Exchange& e, const std::string& name) {
  for (const auto& [k, v] : e.response_headers) {
    if (core::EqualsCi(k, name)) return v;
  }
  return "";
}

// Keeps at most 5 example exchanges on the result.
void Examples(CheckResult& r, const std::vector<const Exchange*>& bad) {
  for (size_t i = 0; i < bad.size() && i < 5; ++i) r.exchanges.push_back(*bad[i]);
}

}  // namespace

void RobustUnknownAttributes(CheckContext& c, CheckResult& r) {
  ScimExchange ex;
  Json extra = Json{{"title", "Engineer"}, {"mobilePhone", "+1 555 0100"}, {"department", "Checks"}};
  std::string id = c.DirectCreate(c.Login("attributes"), &ex, extra);
  if (id.empty()) {
    Fail(r,
         "A create carrying title, phoneNumbers and the enterprise extension (department), as Okta sends them "
         "when they are mapped, answered " +
             std::to_string(ex.status) +
             ". A server should accept attributes "
             "and extensions it does not use (okta-behaviour §1.2). Answer: " +
             Trim(RemoteErrorDetail(ex.body), 200));
  }
}

void RobustContentType(CheckContext& c, CheckResult& r) {
  auto all = c.sender.All();
  std::vector<const Exchange*> bad;
  for (const auto& e : all) {
    if (e.status == 0 || e.response_body.empty()) continue;
    if (core::ToLower(HeaderOf(e, "Content-Type")).find("json") == std::string::npos) bad.push_back(&e);
  }
  if (bad.empty()) return;
  Examples(r, bad);
  Warn(r, std::to_string(bad.size()) + " answer(s) with a body had Content-Type \"" +
              HeaderOf(*bad[0], "Content-Type") +
              "\"; SCIM answers are application/scim+json (application/json also works with Okta).");
}

void RobustErrorBodies(CheckContext& c, CheckResult& r) {
  auto all = c.sender.All();
  std::vector<const Exchange*> bad;
  for (const auto& e : all) {
    if (e.status < 400 || e.status == 429) continue;
    Json body = BodyJson(e.response_body);
    const Json* s = core::FindKeyCi(body, "schemas");
    if (!s || s->dump().find("messages:2.0:Error") == std::string::npos) bad.push_back(&e);
  }
  if (bad.empty()) return;
  Examples(r, bad);
  Warn(r, std::to_string(bad.size()) +
              " error answer(s) had no SCIM error body (first: " + Brief(*bad[0], c.opts.base_url) +
              "). Okta puts the error's \"detail\" in the task an admin reads; without it the admin sees only the "
              "status (okta-behaviour §1.9).");
}

void RobustRateLimit(CheckContext& c, CheckResult& r) {
  auto all = c.sender.All();
  std::vector<const Exchange*> limited, no_retry_after;
  for (const auto& e : all) {
    if (e.status != 429) continue;
    limited.push_back(&e);
    std::string ra = HeaderOf(e, "Retry-After");
    if (ra.empty() || ra.find_first_not_of("0123456789") != std::string::npos) no_retry_after.push_back(&e);
  }
  if (no_retry_after.empty()) return;
  Examples(r, no_retry_after);
  Warn(r, std::to_string(no_retry_after.size()) + " of " + std::to_string(limited.size()) +
              " HTTP 429 answers had no "
              "integer Retry-After: Okta then waits 5 minutes, doubling on each further 429, and gives up after 10 "
              "(okta-behaviour §1.0).");
}

void RobustTimeouts(CheckContext& c, CheckResult& r) {
  auto all = c.sender.All();
  std::vector<const Exchange*> timed_out, slow;
  for (const auto& e : all) {
    if (e.status == 0 && e.error.find("timed out") != std::string::npos) timed_out.push_back(&e);
    else if (e.status != 0 && e.duration_ms > 10000) slow.push_back(&e);
  }
  if (!timed_out.empty()) {
    Examples(r, timed_out);
    return Fail(r, std::to_string(timed_out.size()) + " request(s) got no answer within " +
                       std::to_string(c.opts.timeout_ms) +
                       " ms; Okta gives up after 60 s and fails the operation "
                       "(okta-behaviour §1.0, §3 item 20).");
  }
  if (slow.empty()) return;
  Examples(r, slow);
  Warn(r, std::to_string(slow.size()) + " answer(s) took more than 10 s; Okta's limit is 60 s.");
}

}  // namespace okta::check
