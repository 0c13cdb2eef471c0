// Scenario loader: bytes -> load_scenario_text -> the memory check (`trainsim check` in memory).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.hpp"
#include "sim/common/error.hpp"
#include "sim/config/loader.hpp"
#include "sim/workload/model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trainsim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const config::ScenarioSpec sc = config::load_scenario_text(text, fuzz::kScenarioPath);
    const workload::Workload w = workload::build_workload(sc);
    workload::check_memory_fits(sc, w);
  } catch (const ConfigError&) {
  } catch (const InfeasibleError&) {
  }
  return 0;
}
