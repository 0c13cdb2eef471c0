#include "sim/config/spec.hpp"

namespace trainsim::config {

std::string SourceLoc::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(col > 0 ? col : 1);
}

}  // namespace trainsim::config
