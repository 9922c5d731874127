// The bundled scenarios (scenarios/*.json, not the schema), embedded in the
// binary at build time by app/embed_assets.cmake, so a copied okta-sandbox
// still lists and runs them without the source tree.
#pragma once

#include <span>
#include <string_view>

namespace app {

struct BundledScenario {
  std::string_view name;  // the file's stem: "setup-guide"
  std::string_view text;  // the file's bytes, as in the source tree
};

// Every bundled scenario, sorted by file name. The views live as long as the program.
std::span<const BundledScenario> BundledScenarios();

}  // namespace app
