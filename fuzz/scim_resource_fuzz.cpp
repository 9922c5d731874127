// SCIM resource canonicalisation (scim_server/resource.cpp): a POST/PUT body
// validated and canonicalised as a User and as a Group, rendered, and
// projected with `attributes` / `excludedAttributes` lists. Oracles besides
// the sanitizers: nothing throws, and a canonical resource is a fixed point
// (canonicalising it again gives the same JSON).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json_util.h"
#include "scim_server/resource.h"

namespace {

void Exercise(const core::Json& body, scim::ResourceKind kind, const std::string& projection) {
  auto canonical = scim::CanonicalizeResource(body, kind);
  if (!canonical.ok()) return;
  auto again = scim::CanonicalizeResource(canonical->data, kind);
  if (!again.ok() || again->data != canonical->data) std::abort();  // not a fixed point
  scim::ResourceMeta meta{"id-1", "2026-01-02T03:04:05.000Z", "2026-01-02T03:04:05.000Z", 3};
  core::Json full = kind == scim::ResourceKind::kUser
                        ? scim::RenderUser(canonical->data, meta, {{"g1", "Engineering"}}, "http://h/scim/v2")
                        : scim::RenderGroup(canonical->data, meta, {{"u1", "Ann"}}, "http://h/scim/v2");
  (void)core::DumpCompact(full);
  for (bool excluded : {false, true}) {
    auto p = excluded ? scim::ParseProjection("", projection, kind) : scim::ParseProjection(projection, "", kind);
    if (p.ok()) (void)scim::Project(full, *p, kind);
  }
}

}  // namespace

// Input: a JSON body, optionally preceded by a projection list and a newline
// ("emails.value,name\n{...}").
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string projection = "userName,emails.value,displayName,members";
  if (auto nl = text.find('\n'); nl != std::string_view::npos && (text.empty() || text[0] != '{')) {
    projection = std::string(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  auto body = core::ParseJson(text);
  if (!body.ok()) return 0;
  Exercise(*body, scim::ResourceKind::kUser, projection);
  Exercise(*body, scim::ResourceKind::kGroup, projection);
  return 0;
}
