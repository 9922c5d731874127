// core::ParseJson (core/json_util.cpp), the parser in front of every request
// body of the three services. Oracles besides the sanitizers: it never throws
// (an escaping nlohmann exception was a 500, e.g. `1e400`), and what it
// accepts serialises (DumpCompact) to text it accepts again as the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = core::ParseJson(text);
  (void)core::ParseJson(text, 4);
  if (!parsed.ok()) return 0;
  std::string dumped = core::DumpCompact(*parsed);
  auto again = core::ParseJson(dumped);
  if (!again.ok() || core::DumpCompact(*again) != dumped) std::abort();
  return 0;
}
