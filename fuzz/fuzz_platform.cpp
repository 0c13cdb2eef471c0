// Platform loader: bytes -> load_platform_text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.hpp"
#include "sim/common/error.hpp"
#include "sim/config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trainsim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    config::load_platform_text(text, fuzz::kPlatformPath);
  } catch (const ConfigError&) {
  }
  return 0;
}
