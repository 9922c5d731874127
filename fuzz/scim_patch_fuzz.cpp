// The SCIM PATCH engine (scim_server/patch_apply.cpp, patch_targets.cpp,
// patch_values.cpp): a PatchOp body parsed and applied to a User and to a
// Group as stored. Oracles besides the sanitizers: nothing throws (a wrongly
// typed value must be a Result error, not an escaping nlohmann exception),
// and a failed PATCH leaves the resource unchanged (all or nothing).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/json_util.h"
#include "scim_server/patch_apply.h"

namespace {

const core::Json& Stored(scim::ResourceKind kind) {
  static const core::Json user = *core::ParseJson(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    "userName": "ann@example.com", "active": true, "displayName": "Ann",
    "name": {"givenName": "Ann", "familyName": "Lee"},
    "emails": [{"value": "ann@example.com", "type": "work", "primary": true}, {"value": "a@home.example"}],
    "phoneNumbers": [{"value": "+1 555 0100", "type": "mobile"}],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "7", "manager": {"value": "u2"}}
  })");
  static const core::Json group = *core::ParseJson(R"({
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Engineering"
  })");
  return kind == scim::ResourceKind::kUser ? user : group;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = core::ParseJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!body.ok()) return 0;
  auto ops = scim::ParsePatchRequest(*body);
  if (!ops.ok()) return 0;
  for (auto kind : {scim::ResourceKind::kUser, scim::ResourceKind::kGroup}) {
    core::Json resource = Stored(kind);
    std::vector<scim::MemberChange> changes;
    auto status = scim::ApplyPatch(resource, *ops, kind, &changes);
    if (!status.ok() && resource != Stored(kind)) std::abort();  // a failed PATCH changed the resource
  }
  return 0;
}
