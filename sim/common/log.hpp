// Application logging (spdlog), one logger per module, on stderr so that --json stdout stays a
// single document. Pattern "[%*] [module/level] message" where %* is the simulated clock when a
// SimGrid engine is running (style.md §5).
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace trainsim::log {

// Returns the named logger (created on first use). Level from $TRAINSIM_LOG (trace..off; default
// warn).
std::shared_ptr<spdlog::logger> get(const std::string& module);

}  // namespace trainsim::log
