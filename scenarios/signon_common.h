// What the OIDC steps (scenarios/oidc_steps.cpp) and the SAML steps
// (scenarios/saml_steps.cpp) share: the authn call that starts every sign-in,
// assigning an app, Okta's group filter types, the failure outcome and the
// final match against a step's `expect`. Internal to scenarios/.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/http.h"
#include "core/json_util.h"
#include "scenarios/service_client.h"

namespace scenarios {

using core::Json;
class RunContext;

// A string, or the strings of an array (other values skipped).
std::vector<std::string> Strings(const Json& v);
// application/x-www-form-urlencoded (also a query string).
std::string Form(const std::vector<std::pair<std::string, std::string>>& kv);
// A header's value (name case-insensitive), or "".
std::string Header(const httplib::Headers& hs, const std::string& name);
// &lt; &gt; &quot; &#39; &amp; (what the mock's pages escape).
std::string HtmlUnescape(std::string s);
// The message of the mock's error page (<p … id="error-description">…</p>), or the body cut short.
std::string PageMessage(const std::string& html);

// A failed sign-in's outcome: {stage, error, errorDescription, status}.
Json SignInFailure(const char* stage, const std::string& error, const std::string& description, int status);
// "stage → error: description" of a failure outcome.
std::string FailureSummary(const Json& outcome);

// Throws StepFailed ("<step>: <what> -> <why>") when the request got no answer.
void MustAnswer(const Reply& r, const std::string& step, const std::string& what);

// POST /api/v1/authn with `a.user` and `a.password` (default: the password
// the scenario gave that user). The sessionToken on success; otherwise the
// failure outcome (stage "authn", error "authentication_failed", Okta's
// errorCode, and authnStatus when the answer was 200 without SUCCESS).
struct AuthnResult {
  std::string session_token;
  std::optional<Json> failure;
};
AuthnResult Authn(RunContext& run, const Json& a, const std::string& step);

// Assigns `a.assignGroups` (then settles after each) and `a.assignUsers` to
// the app /api/v1/apps/{app_id}.
void AssignApp(RunContext& run, const std::string& app_id, const Json& a);

// {startsWith|equals|contains|regex: "…"} → Okta's filter type
// (STARTS_WITH, …) and the value; nullopt unless exactly one of those keys.
std::optional<std::pair<std::string, Json>> GroupFilter(const Json& filter);

// The end of a sign-in step: the outcome's summary as a progress line, then
// `a.expect` (substituted; without `error`, the sign-in must succeed)
// subset-matched against the outcome; a mismatch fails the step with
// "<what>: <summary>", the differences and the outcome.
void ExpectOutcome(RunContext& run, const Json& a, const Json& outcome, const std::string& step,
                   const std::string& what, const std::string& summary);

}  // namespace scenarios
