// Logging setup (spdlog) shared by every service.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

#include "core/result.h"

namespace core {

// Sets the global level from "trace|debug|info|warn|error|off".
Status InitLogging(const std::string& level);
// A short unique id for correlating a request's log lines.
std::string NewRequestId();

}  // namespace core
