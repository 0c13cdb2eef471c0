#include "sim/common/error.hpp"

namespace trainsim {

namespace {
std::string format_diagnostic(const char* kind, const std::string& where, const std::string& key,
                              const std::string& message) {
  std::string out = where;
  out += ": ";
  out += kind;
  out += ": ";
  if (!key.empty()) {
    out += key;
    out += ": ";
  }
  out += message;
  return out;
}
}  // namespace

std::string format_error(const std::string& where, const std::string& key, const std::string& message) {
  return format_diagnostic("error", where, key, message);
}

std::string format_warning(const std::string& where, const std::string& key, const std::string& message) {
  return format_diagnostic("warning", where, key, message);
}

}  // namespace trainsim
