// User-facing errors. Only main() catches them and turns them into exit codes:
//   ConfigError     -> exit 2 (bad input or usage)
//   InfeasibleError -> exit 3 (well-formed input that cannot run, e.g. does not fit in memory)
// what() is the complete, GCC-style message ("file:line:col: error: key: what was expected"),
// optionally followed by "\nnote: ..." lines.
#pragma once

#include <stdexcept>
#include <string>

namespace trainsim {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InfeasibleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Builds "where: error: key: message" (key omitted when empty).
std::string format_error(const std::string& where, const std::string& key, const std::string& message);
// The same with "warning:" instead of "error:".
std::string format_warning(const std::string& where, const std::string& key, const std::string& message);

}  // namespace trainsim
