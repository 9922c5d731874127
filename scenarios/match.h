// Matching expected JSON against actual JSON, with readable differences.
// Pure functions, no I/O.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_util.h"

namespace scenarios {

using core::Json;

// One difference: the JSON path of the mismatch ("$.members[1].value") and
// what was expected and found, already rendered as text.
struct Mismatch {
  std::string path;
  std::string expected;
  std::string actual;
  std::string ToString() const;
};

// One mismatch per line, each prefixed with `pad`.
std::string JoinMismatches(const std::vector<Mismatch>& ms, const std::string& pad = "");

// `expected` is a subset of `actual`: every key of an expected object must be
// in the actual object with a matching value (extra actual keys are fine);
// arrays must have the same length and match element by element; scalars
// must be equal (numbers compare by value). A string "*" matches any value
// that is present; a string starting with "~" matches a string containing the
// rest; `null` in an expected object means the key is absent or null.
// Appends mismatches to `out`; returns true when there were none.
bool MatchSubset(const Json& expected, const Json& actual, const std::string& path, std::vector<Mismatch>* out);

// Shell-style glob: '*' matches any run of characters (including '/'), '?'
// one character. Everything else is literal.
bool GlobMatch(std::string_view pattern, std::string_view text);

// Percent-decodes a URL component; with `plus_is_space`, '+' becomes ' '.
std::string UrlDecode(std::string_view s, bool plus_is_space = true);
// Splits "a=1&b=x%20y" into decoded pairs (last value wins for repeated keys).
std::map<std::string, std::string> ParseQuery(std::string_view query);

// Compact one-line rendering of a value for messages, cut at `max` chars.
std::string Brief(const Json& j, size_t max = 160);

}  // namespace scenarios
