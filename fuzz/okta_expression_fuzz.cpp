// Okta's search/filter expression parser and evaluator
// (mock_okta/okta_expression.cpp), behind GET /api/v1/users?search= and
// ?filter=, /api/v1/apps?filter=. Past finding kept in the corpus: ~3,000
// nested `(` overflowed the stack (a depth limit now refuses them).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mock_okta/okta_expression.h"

namespace {

bool AnyAttr(const std::string&, const std::string&) { return true; }

std::optional<std::string> Lookup(const std::string& attr) {
  if (attr == "status") return "ACTIVE";
  if (attr == "profile.login") return "ann@example.com";
  if (attr == "lastUpdated") return "2026-01-02T03:04:05.000Z";
  if (attr == "profile.empty") return "";
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto e = okta::ParseOktaExpression(text, AnyAttr); e.ok()) (void)okta::EvaluateOktaExpression(**e, Lookup);
  if (auto e = okta::ParseOptionalOktaExpression(text, okta::UserSearchable); e.ok() && *e) {
    (void)okta::EvaluateOktaExpression(**e, Lookup);
  }
  (void)okta::ParseOktaExpression(text, okta::UserFilterable);
  (void)okta::ParseOktaExpression(text, okta::AppFilterable);
  return 0;
}
