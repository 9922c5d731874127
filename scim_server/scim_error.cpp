#include "scim_server/scim_error.h"

#include "scim_server/schema.h"

namespace scim {

using core::ErrorCode;

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kInvalidValue:
    case ErrorCode::kInvalidSyntax:
    case ErrorCode::kInvalidFilter:
    case ErrorCode::kInvalidPath:
    case ErrorCode::kNoTarget:
    case ErrorCode::kMutability:
    case ErrorCode::kTooMany: return 400;
    case ErrorCode::kUnauthorized: return 401;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kPreconditionFailed: return 412;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kNotImplemented: return 501;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

const char* ScimTypeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kConflict: return "uniqueness";
    case ErrorCode::kInvalidValue: return "invalidValue";
    case ErrorCode::kInvalidSyntax: return "invalidSyntax";
    case ErrorCode::kInvalidFilter: return "invalidFilter";
    case ErrorCode::kInvalidPath: return "invalidPath";
    case ErrorCode::kNoTarget: return "noTarget";
    case ErrorCode::kMutability: return "mutability";
    case ErrorCode::kTooMany: return "tooMany";
    default: return "";
  }
}

core::Json ErrorBody(int status, const std::string& scim_type, const std::string& detail) {
  core::Json j = {{"schemas", core::Json::array({kErrorSchema})}, {"status", std::to_string(status)}};
  if (!scim_type.empty()) j["scimType"] = scim_type;
  j["detail"] = detail;
  return j;
}

void WriteError(httplib::Response& res, int status, const std::string& scim_type, const std::string& detail) {
  res.status = status;
  res.set_content(core::DumpCompact(ErrorBody(status, scim_type, detail)), kScimContentType);
}

void WriteError(httplib::Response& res, const core::Error& error) {
  WriteError(res, HttpStatusFor(error.code), ScimTypeFor(error.code), error.detail);
}

}  // namespace scim
