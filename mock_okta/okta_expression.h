// Okta's expression language, the subset behind the Management API's
// `search` and `filter` query parameters. Pure: no HTTP, no store; callers
// say which attributes may be used and how to read them.
//
//   expr   := term ("or" term)*
//   term   := factor ("and" factor)*
//   factor := "(" expr ")" | attr op value | attr "pr"
//   op     := eq ne sw co gt ge lt le       (keywords case-insensitive)
//   value  := "string" (\ escapes the next character) | a bare word: a
//             number, true, false, null, …
//
// Evaluation compares text: string comparisons are case-insensitive (as
// Okta's are for profile attributes) and dates compare as ISO 8601 text. An
// absent attribute matches only `ne`; `pr` needs a present, non-empty value.
// Errors: kInvalidFilter with a detail saying what is wrong; routes answer
// it as 400 E0000031 (okta_error.h InvalidSearchError).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace okta {

struct OktaExpr {
  enum Kind { kAnd, kOr, kCmp } kind = kCmp;
  std::unique_ptr<OktaExpr> l, r;  // kAnd, kOr
  std::string attr, op, value;     // kCmp; op lower-case; value unquoted ("" for pr)
};
using OktaExprPtr = std::unique_ptr<OktaExpr>;

// Whether `attr op` may be used (filter allows far less than search).
using AttrCheck = std::function<bool(const std::string& attr, const std::string& op)>;
// The attribute's value as text; nullopt when absent.
using AttrLookup = std::function<std::optional<std::string>(const std::string& attr)>;

// Parses `text`; every comparison must pass `check`. Never returns null.
core::Result<OktaExprPtr> ParseOktaExpression(std::string_view text, const AttrCheck& check);
// As ParseOktaExpression, but empty or blank text (spaces, tabs) is "no
// expression": a null pointer.
core::Result<OktaExprPtr> ParseOptionalOktaExpression(std::string_view text, const AttrCheck& check);

bool EvaluateOktaExpression(const OktaExpr& e, const AttrLookup& lookup);

// Attribute policies of the Okta API.
// Users `search`: id, status, created, activated, statusChanged, lastUpdated,
// passwordChanged and any profile.<name>, with every operator.
bool UserSearchable(const std::string& attr, const std::string& op);
// Users `filter`: status eq, id eq, profile.login|email|firstName|lastName eq,
// lastUpdated eq|gt|ge|lt|le.
bool UserFilterable(const std::string& attr, const std::string& op);
// Apps `filter`: status eq, name eq, id eq.
bool AppFilterable(const std::string& attr, const std::string& op);

}  // namespace okta
