// The scenario file loader (scenarios/scenario.cpp): comment stripping and
// the shape checks of ParseScenario, on any text. Every error is a Result.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenarios/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)scenarios::StripComments(text);
  (void)scenarios::ParseScenario(text, "fuzz.json");
  return 0;
}
