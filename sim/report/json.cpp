#include "sim/report/json.hpp"

namespace trainsim::report {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

}  // namespace

nlohmann::ordered_json step_to_json(const step::StepProfile& p, const config::ScenarioSpec& sc) {
  const config::ParallelSpec& par = sc.training.parallelism;
  const step::StepBreakdown& b = p.breakdown;
  const step::MemoryBreakdown& m = p.memory;

  nlohmann::ordered_json breakdown;
  breakdown["compute_s"] = b.compute_s;
  breakdown["tp_exposed_s"] = b.tp_exposed_s;
  breakdown["cp_exposed_s"] = b.cp_exposed_s;
  breakdown["pp_exposed_s"] = b.pp_exposed_s;
  breakdown["dp_exposed_s"] = b.dp_exposed_s;
  breakdown["bubble_s"] = b.bubble_s;
  breakdown["optimizer_s"] = b.optimizer_s;

  nlohmann::ordered_json memory;
  memory["weights_gib"] = m.weights_bytes / kGiB;
  memory["gradients_gib"] = m.gradients_bytes / kGiB;
  memory["optimizer_gib"] = m.optimizer_bytes / kGiB;
  memory["activations_gib"] = m.activations_bytes / kGiB;
  memory["overhead_gib"] = m.overhead_bytes / kGiB;

  nlohmann::ordered_json step;
  step["gpus"] = p.gpus;
  step["time_s"] = p.time_s;
  step["mfu"] = p.mfu;
  step["hfu"] = p.hfu;
  step["tflops_per_gpu"] = p.tflops_per_gpu;
  step["peak_tflops_per_gpu"] = p.peak_flop_per_s / 1e12;
  step["tokens_per_s"] = p.tokens_per_s;
  step["bubble_fraction"] = p.bubble_fraction;
  step["exposed_comm_fraction"] = p.exposed_comm_fraction;
  step["gpu_busy_fraction"] = p.gpu_busy_fraction;
  step["memory_per_gpu_gib"] = m.total_bytes() / kGiB;
  step["memory_capacity_gib"] = p.memory_capacity_bytes / kGiB;
  step["model_flop"] = p.model_flop;
  step["hardware_flop"] = p.hardware_flop;
  step["breakdown"] = std::move(breakdown);
  step["memory"] = std::move(memory);

  const int64_t per_pipeline_batch = par.dp * sc.training.micro_batch;
  nlohmann::ordered_json layout;
  layout["tp"] = par.tp;
  layout["pp"] = par.pp;
  layout["dp"] = par.dp;
  layout["cp"] = par.cp;
  layout["vpp"] = par.vpp;
  layout["micro_batch"] = sc.training.micro_batch;
  layout["global_batch"] = sc.training.global_batch;
  layout["micro_batches_per_pipeline"] =
      per_pipeline_batch > 0 ? sc.training.global_batch / per_pipeline_batch : 0;

  nlohmann::ordered_json simulation;
  simulation["activities"] = p.simulated_activities;
  simulation["flows"] = p.simulated_flows;

  nlohmann::ordered_json j;
  j["scenario"] = sc.name;
  j["step"] = std::move(step);
  j["layout"] = std::move(layout);
  j["simulation"] = std::move(simulation);
  return j;
}

}  // namespace trainsim::report
