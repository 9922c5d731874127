// Expected failures as values (after leveldb's Status). Exceptions are kept for
// bugs and broken invariants; "not found" or "bad filter" is a Result.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace core {

// Add a code only when a caller must tell it apart from the others.
enum class ErrorCode {
  kNotFound,            // the addressed resource does not exist
  kConflict,            // a uniqueness rule would be broken
  kInvalidValue,        // a value is missing, of the wrong type, or not allowed
  kInvalidSyntax,       // the request body or a parameter cannot be parsed
  kInvalidFilter,       // a SCIM filter does not parse or names an unknown attribute
  kInvalidPath,         // a PATCH path does not parse or names an unknown attribute
  kNoTarget,            // a PATCH path matched nothing where a match is required
  kMutability,          // an attempt to change an immutable/read-only attribute
  kTooMany,             // a query would return too many results
  kUnauthorized,        // credentials missing or wrong
  kPayloadTooLarge,     // request body over the configured limit
  kPreconditionFailed,  // If-Match did not match
  kUnavailable,         // a dependency (e.g. the encryption service) is down
  kNotImplemented,      // the operation is not supported
  kInternal,            // a bug or an I/O failure
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string detail;
};

inline Error MakeError(ErrorCode code, std::string detail) {
  return Error{code, std::move(detail)};
}

// Result<T>: either a T or an Error. Cheap to move; check ok() before value().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}    // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status: success or an Error, for operations with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT
  static Status Ok() { return Status(); }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace core
