#include "sim/common/error.hpp"

namespace trainsim {

std::string format_error(const std::string& where, const std::string& key, const std::string& message) {
  std::string out = where;
  out += ": error: ";
  if (!key.empty()) {
    out += key;
    out += ": ";
  }
  out += message;
  return out;
}

}  // namespace trainsim
