// Sweep loader: bytes -> load_sweep_text (expansion, random draws, per-value and per-point
// validation against the base scenario; at most 8 points are loaded as scenarios per input).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.hpp"
#include "sim/common/error.hpp"
#include "sim/config/sweep.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trainsim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)config::load_sweep_text(text, fuzz::kSweepPath, 8);
  } catch (const ConfigError&) {
  } catch (const InfeasibleError&) {
  }
  return 0;
}
