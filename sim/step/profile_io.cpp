#include "sim/step/profile_io.hpp"

#include <fstream>
#include <sstream>

#include "sim/common/error.hpp"

namespace trainsim::step {
namespace {

constexpr int kFormatVersion = 1;

}  // namespace

nlohmann::json profile_to_json(const StepProfile& p, const std::string& key) {
  nlohmann::json j;
  j["format"] = kFormatVersion;
  j["key"] = key;
  j["gpus"] = p.gpus;
  j["time_s"] = p.time_s;
  j["model_flop"] = p.model_flop;
  j["hardware_flop"] = p.hardware_flop;
  j["peak_flop_per_s"] = p.peak_flop_per_s;
  j["mfu"] = p.mfu;
  j["hfu"] = p.hfu;
  j["tflops_per_gpu"] = p.tflops_per_gpu;
  j["tokens_per_s"] = p.tokens_per_s;
  j["bubble_fraction"] = p.bubble_fraction;
  j["exposed_comm_fraction"] = p.exposed_comm_fraction;
  j["gpu_busy_fraction"] = p.gpu_busy_fraction;
  j["node_power_w"] = p.node_power_w;
  j["gpu_power_w"] = p.gpu_power_w;
  j["power_from_plugin"] = p.power_from_plugin;
  const StepBreakdown& b = p.breakdown;
  j["breakdown"] = {{"compute_s", b.compute_s},       {"tp_exposed_s", b.tp_exposed_s},
                    {"cp_exposed_s", b.cp_exposed_s}, {"pp_exposed_s", b.pp_exposed_s},
                    {"dp_exposed_s", b.dp_exposed_s}, {"bubble_s", b.bubble_s},
                    {"optimizer_s", b.optimizer_s}};
  const MemoryBreakdown& m = p.memory;
  j["memory"] = {{"weights_bytes", m.weights_bytes},
                 {"gradients_bytes", m.gradients_bytes},
                 {"optimizer_bytes", m.optimizer_bytes},
                 {"activations_bytes", m.activations_bytes},
                 {"overhead_bytes", m.overhead_bytes}};
  j["memory_capacity_bytes"] = p.memory_capacity_bytes;
  j["simulated_activities"] = p.simulated_activities;
  j["simulated_flows"] = p.simulated_flows;
  return j;
}

StepProfile load_profile(const std::string& path, const std::string& key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(format_error(path, "", "cannot read the step profile"));
  std::stringstream ss;
  ss << in.rdbuf();
  StepProfile p;
  try {
    const nlohmann::json j = nlohmann::json::parse(ss.str());
    if (j.at("format").get<int>() != kFormatVersion)
      throw ConfigError(
          format_error(path, "format", "expected step profile format " + std::to_string(kFormatVersion)));
    if (!key.empty() && j.at("key").get<std::string>() != key)
      throw ConfigError(format_error(path, "key", "the profile was simulated for other inputs"));
    p.gpus = j.at("gpus").get<int64_t>();
    p.time_s = j.at("time_s").get<double>();
    p.model_flop = j.at("model_flop").get<double>();
    p.hardware_flop = j.at("hardware_flop").get<double>();
    p.peak_flop_per_s = j.at("peak_flop_per_s").get<double>();
    p.mfu = j.at("mfu").get<double>();
    p.hfu = j.at("hfu").get<double>();
    p.tflops_per_gpu = j.at("tflops_per_gpu").get<double>();
    p.tokens_per_s = j.at("tokens_per_s").get<double>();
    p.bubble_fraction = j.at("bubble_fraction").get<double>();
    p.exposed_comm_fraction = j.at("exposed_comm_fraction").get<double>();
    p.gpu_busy_fraction = j.at("gpu_busy_fraction").get<double>();
    p.node_power_w = j.at("node_power_w").get<double>();
    p.gpu_power_w = j.at("gpu_power_w").get<double>();
    p.power_from_plugin = j.at("power_from_plugin").get<bool>();
    const nlohmann::json& b = j.at("breakdown");
    p.breakdown.compute_s = b.at("compute_s").get<double>();
    p.breakdown.tp_exposed_s = b.at("tp_exposed_s").get<double>();
    p.breakdown.cp_exposed_s = b.at("cp_exposed_s").get<double>();
    p.breakdown.pp_exposed_s = b.at("pp_exposed_s").get<double>();
    p.breakdown.dp_exposed_s = b.at("dp_exposed_s").get<double>();
    p.breakdown.bubble_s = b.at("bubble_s").get<double>();
    p.breakdown.optimizer_s = b.at("optimizer_s").get<double>();
    const nlohmann::json& m = j.at("memory");
    p.memory.weights_bytes = m.at("weights_bytes").get<double>();
    p.memory.gradients_bytes = m.at("gradients_bytes").get<double>();
    p.memory.optimizer_bytes = m.at("optimizer_bytes").get<double>();
    p.memory.activations_bytes = m.at("activations_bytes").get<double>();
    p.memory.overhead_bytes = m.at("overhead_bytes").get<double>();
    p.memory_capacity_bytes = j.at("memory_capacity_bytes").get<double>();
    p.simulated_activities = j.at("simulated_activities").get<int64_t>();
    p.simulated_flows = j.at("simulated_flows").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(format_error(path, "", std::string("malformed step profile: ") + e.what()));
  }
  return p;
}

}  // namespace trainsim::step
