// Request parsing and error rendering for the encryption stub's HTTP routes:
// JSON bodies in, domain structs or an ApiError out. No sockets, no httplib,
// so every bad-input rule is testable on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "encryption_stub/encryption_stub.h"
#include "encryption_stub/key_service.h"

namespace encryption {

// An error as it goes on the wire: HTTP status plus
// {"error": code, "message": message}.
struct ApiError {
  int status = 500;
  std::string code;
  std::string message;
};

ApiError MakeApiError(int status, std::string code, std::string message);
// The one mapping from KeyService errors to the wire: kNotFound → 404
// notFound, kConflict → 409 keyVersionConflict, kInvalidValue → 400
// invalidKey (the service's only invalid value is a rejected public key),
// kUnavailable → 503 unavailable, anything else → 500 internal.
ApiError ToApiError(const core::Error& error);
core::Json RenderError(const ApiError& error);

// Group and member ids: 1..256 bytes, no '|' (it separates the AAD fields),
// no control characters. `what` names the field in the message.
inline constexpr size_t kMaxIdBytes = 256;
bool ValidateId(std::string_view what, const std::string& id, ApiError* err);

// Each Parse* returns false and fills `err` (400 invalidJson, invalidRequest,
// invalidBase64 or invalidKey) when the body is not acceptable.
bool ParseCreateGroup(std::string_view body, std::string* group_id, ApiError* err);
bool ParseAddMember(std::string_view body, MemberKey* member, ApiError* err);

struct RotateRequest {
  std::vector<MemberKey> members;          // no duplicate member ids
  std::optional<int64_t> expected_version; // "expectedKeyVersion", optional
};
bool ParseRotate(std::string_view body, RotateRequest* request, ApiError* err);

// {"down":bool,"delayMs":int,"failStatus":int}; a missing field means off.
// delayMs is 0..kMaxDelayMs; failStatus is 0 or 400..599.
inline constexpr int kMaxDelayMs = 60000;
bool ParseFault(std::string_view body, Fault* fault, ApiError* err);
core::Json RenderFault(const Fault& fault);

}  // namespace encryption
