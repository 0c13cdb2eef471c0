#include "sim/common/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdio>
#include <cstdlib>
#include <simgrid/s4u/Engine.hpp>

namespace trainsim::log {
namespace {

// %* -> simulated time in seconds (6 decimals) while an engine exists, "-" otherwise.
class SimClockFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    char buf[32];
    if (simgrid::s4u::Engine::is_initialized()) {
      std::snprintf(buf, sizeof buf, "%.6f", simgrid::s4u::Engine::get_clock());
    } else {
      std::snprintf(buf, sizeof buf, "-");
    }
    dest.append(buf, buf + std::char_traits<char>::length(buf));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SimClockFlag>(); }
};

}  // namespace

std::shared_ptr<spdlog::logger> get(const std::string& module) {
  if (auto existing = spdlog::get(module)) return existing;
  auto logger = spdlog::stderr_logger_st(module);
  auto fmt = std::make_unique<spdlog::pattern_formatter>();
  fmt->add_flag<SimClockFlag>('*').set_pattern("[%*] [%n/%l] %v");
  logger->set_formatter(std::move(fmt));
  const char* level = std::getenv("TRAINSIM_LOG");
  logger->set_level(level != nullptr ? spdlog::level::from_str(level) : spdlog::level::warn);
  return logger;
}

}  // namespace trainsim::log
