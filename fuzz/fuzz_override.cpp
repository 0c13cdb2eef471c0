// `--set` overrides: each input line is one KEY=VALUE (parse_override), applied to the shipped
// Llama 3 405B scenario (load_scenario_text), then the memory check, as `trainsim check --set`.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_input.hpp"
#include "sim/common/error.hpp"
#include "sim/config/loader.hpp"
#include "sim/workload/model.hpp"

namespace {

const std::string& base_scenario() {
  static const std::string text = [] {
    std::ifstream in(trainsim::fuzz::kBaseScenario, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
  }();
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trainsim;
  constexpr size_t kMaxOverrides = 16;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    std::vector<config::Override> overrides;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line) && overrides.size() < kMaxOverrides) {
      overrides.push_back(config::parse_override(line));
    }
    const config::ScenarioSpec sc =
        config::load_scenario_text(base_scenario(), fuzz::kBaseScenario, overrides);
    const workload::Workload w = workload::build_workload(sc);
    workload::check_memory_fits(sc, w);
  } catch (const ConfigError&) {
  } catch (const InfeasibleError&) {
  }
  return 0;
}
