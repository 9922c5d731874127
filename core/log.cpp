#include "core/log.h"

#include <atomic>
#include <cstdio>

namespace core {

Status InitLogging(const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return Error{ErrorCode::kInvalidValue, "unknown log level '" + level + "' (trace, debug, info, warn, error, off)"};
  }
  spdlog::set_level(lvl);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  return Status::Ok();
}

std::string NewRequestId() {
  static std::atomic<uint64_t> counter{0};
  char buf[24];
  std::snprintf(buf, sizeof(buf), "req-%08llx", static_cast<unsigned long long>(++counter));
  return buf;
}

}  // namespace core
