// The one place where an Error becomes an RFC 7644 §3.12 error response.
#pragma once

#include <httplib.h>

#include <string>

#include "core/json_util.h"
#include "core/result.h"

namespace scim {

inline constexpr const char* kScimContentType = "application/scim+json";

// HTTP status and scimType ("" when RFC 7644 defines none) for an error code.
int HttpStatusFor(core::ErrorCode code);
const char* ScimTypeFor(core::ErrorCode code);

core::Json ErrorBody(int status, const std::string& scim_type, const std::string& detail);
// Writes the error to `res` with the SCIM content type.
void WriteError(httplib::Response& res, const core::Error& error);
void WriteError(httplib::Response& res, int status, const std::string& scim_type, const std::string& detail);

}  // namespace scim
