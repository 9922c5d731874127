#include "core/result.h"

namespace core {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound: return "NotFound";
    case ErrorCode::kConflict: return "Conflict";
    case ErrorCode::kInvalidValue: return "InvalidValue";
    case ErrorCode::kInvalidSyntax: return "InvalidSyntax";
    case ErrorCode::kInvalidFilter: return "InvalidFilter";
    case ErrorCode::kInvalidPath: return "InvalidPath";
    case ErrorCode::kNoTarget: return "NoTarget";
    case ErrorCode::kMutability: return "Mutability";
    case ErrorCode::kTooMany: return "TooMany";
    case ErrorCode::kUnauthorized: return "Unauthorized";
    case ErrorCode::kPayloadTooLarge: return "PayloadTooLarge";
    case ErrorCode::kPreconditionFailed: return "PreconditionFailed";
    case ErrorCode::kUnavailable: return "Unavailable";
    case ErrorCode::kNotImplemented: return "NotImplemented";
    case ErrorCode::kInternal: return "Internal";
  }
  return "Unknown";
}

}  // namespace core
