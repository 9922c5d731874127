// JSON helpers over nlohmann::json.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "core/result.h"

namespace core {

using Json = nlohmann::ordered_json;  // keeps key order: Okta's bodies and echoes depend on it

// Parses `text`; malformed JSON → kInvalidSyntax with the parser's position,
// nesting deeper than `max_depth` → kInvalidSyntax. Never throws.
Result<Json> ParseJson(std::string_view text, int max_depth = 64);

// Compact serialization (no whitespace), invalid UTF-8 replaced, as Okta sends.
std::string DumpCompact(const Json& j);

// Case-insensitive key lookup in an object (SCIM attribute names are
// case-insensitive). Returns nullptr when absent or when `obj` is not an object.
const Json* FindKeyCi(const Json& obj, std::string_view key);
Json* FindKeyCi(Json& obj, std::string_view key);
// The exact key as spelled in `obj`, or "" when absent.
std::string KeyCi(const Json& obj, std::string_view key);

bool EqualsCi(std::string_view a, std::string_view b);
// Length of the valid UTF-8 sequence at s[i], or 0 when the bytes there are
// not one (overlong forms, surrogates and values past U+10FFFF are invalid).
size_t Utf8SequenceAt(std::string_view s, size_t i);
std::string ToLower(std::string_view s);

}  // namespace core
