// The one place that turns a core::Error into Okta's error JSON and status.
#pragma once

#include <httplib.h>

#include <string>

#include "core/json_util.h"
#include "core/result.h"

namespace okta {

struct OktaError {
  int status;
  core::Json body;  // errorCode, errorSummary, errorLink, errorId, errorCauses
};

// kNotFound → 404 E0000007; kUnauthorized → 401 E0000011; kInvalidValue /
// kConflict → 400 E0000001 (detail in errorCauses); kInvalidSyntax → 400
// E0000003; kNotImplemented → 501 E0000060; kTooMany → 429 E0000047;
// anything else → 500 E0000009.
OktaError RenderOktaError(const core::Error& e, const std::string& error_id);
// 405 E0000022 and 404 E0000007 for unknown routes.
OktaError MethodNotAllowed(const std::string& error_id);
// 400 E0000031 "Invalid search criteria.": a `search` or `filter` that does
// not parse or uses an attribute/operator not allowed there; `detail` (e.g.
// "filter: missing ')'") is the one errorCause.
OktaError InvalidSearchError(const std::string& detail, const std::string& error_id);

// Route helpers shared by the /api/v1, /sandbox and console routes.
// Writes e as Okta's error JSON with a fresh errorId.
void SendError(httplib::Response& res, const core::Error& e);
// Writes body as application/json.
void SendJson(httplib::Response& res, int status, const core::Json& body);
// The request's JSON object body; an empty body is {}. Errors: kInvalidSyntax
// (not JSON, or not an object).
core::Result<core::Json> ObjectBody(const httplib::Request& req);

}  // namespace okta
