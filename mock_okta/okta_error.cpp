#include "mock_okta/okta_error.h"

#include "core/log.h"

namespace okta {

using core::ErrorCode;
using core::Json;

namespace {
OktaError Make(int status, const char* code, const std::string& summary, const Json& causes, const std::string& id) {
  Json b = Json::object();
  b["errorCode"] = code;
  b["errorSummary"] = summary;
  b["errorLink"] = code;
  b["errorId"] = id;
  b["errorCauses"] = causes;
  return OktaError{status, b};
}
}  // namespace

OktaError RenderOktaError(const core::Error& e, const std::string& id) {
  switch (e.code) {
    case ErrorCode::kNotFound:
      return Make(404, "E0000007", e.detail.empty() ? "Not found: Resource not found" : e.detail, Json::array(), id);
    case ErrorCode::kUnauthorized:
      return Make(401, "E0000011", "Invalid token provided", Json::array(), id);
    case ErrorCode::kInvalidValue:
    case ErrorCode::kConflict:
    case ErrorCode::kInvalidFilter:
    case ErrorCode::kMutability:
      return Make(400, "E0000001", "Api validation failed: " + e.detail.substr(0, e.detail.find(':')),
                  Json::array({Json{{"errorSummary", e.detail}}}), id);
    case ErrorCode::kInvalidSyntax:
    case ErrorCode::kInvalidPath:
    case ErrorCode::kPayloadTooLarge:
      return Make(400, "E0000003", "The request body was not well-formed.", Json::array({Json{{"errorSummary", e.detail}}}),
                  id);
    case ErrorCode::kNotImplemented:
      return Make(501, "E0000060", "Unsupported operation.", Json::array(), id);
    case ErrorCode::kTooMany:
      return Make(429, "E0000047", "API call exceeded rate limit due to too many requests.", Json::array(), id);
    default:
      return Make(500, "E0000009", "Internal Server Error", Json::array(), id);
  }
}

OktaError MethodNotAllowed(const std::string& id) {
  return Make(405, "E0000022", "The endpoint does not support the provided HTTP method", Json::array(), id);
}

OktaError InvalidSearchError(const std::string& detail, const std::string& id) {
  return Make(400, "E0000031", "Invalid search criteria.", Json::array({Json{{"errorSummary", detail}}}), id);
}

void SendError(httplib::Response& res, const core::Error& e) {
  OktaError oe = RenderOktaError(e, "oae" + core::NewRequestId());
  SendJson(res, oe.status, oe.body);
}

void SendJson(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(core::DumpCompact(body), "application/json");
}

core::Result<Json> ObjectBody(const httplib::Request& req) {
  if (req.body.empty()) return Json::object();
  auto j = core::ParseJson(req.body);
  if (!j.ok()) return j.error();
  if (!j->is_object()) return core::MakeError(ErrorCode::kInvalidSyntax, "body must be a JSON object");
  return j;
}

}  // namespace okta
