// Step level: one training iteration simulated on the SimGrid platform (design.md §1, level 1).
//
// Owns: the pipeline schedule (1F1B, interleaved 1F1B) executed as exec activities on the
// node hosts, TP/CP/PP/DP communication as comm activities over the platform's links, overlap of
// DP communication with backward compute, and the resulting StepProfile.
// Must not: read YAML, print, or run more than one simulation per process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/config/spec.hpp"
#include "sim/platform/builder.hpp"

namespace trainsim::step {

// One interval of one track for the Chrome trace (Perfetto). Times are simulated seconds from
// the start of the step.
struct TraceEvent {
  std::string track;     // "stage 00 (node 0)", "dp stage 03", ...
  std::string name;      // "F mb3 c1", "B mb0 c0", "dp reduce-scatter c1", "bubble"
  std::string category;  // compute | tp | cp | pp | dp | bubble | optimizer
  double start_s = 0;
  double end_s = 0;
};

// Time of the critical (slowest) pipeline rank, split into what it was doing. The parts add up
// to time_s.
struct StepBreakdown {
  double compute_s = 0;     // forward + backward (+ recompute) kernels
  double tp_exposed_s = 0;  // tensor-parallel collectives not hidden behind compute
  double cp_exposed_s = 0;  // context-parallel K/V exchange not hidden
  double pp_exposed_s = 0;  // waiting on pipeline sends beyond the schedule's bubble
  double dp_exposed_s = 0;  // gradient reduce / parameter gather not hidden by overlap
  double bubble_s = 0;      // pipeline fill and drain
  double optimizer_s = 0;   // optimizer step
};

struct MemoryBreakdown {  // per GPU, bytes
  double weights_bytes = 0;
  double gradients_bytes = 0;
  double optimizer_bytes = 0;
  double activations_bytes = 0;
  double overhead_bytes = 0;  // CUDA context, NCCL buffers, fragmentation allowance
  double total_bytes() const {
    return weights_bytes + gradients_bytes + optimizer_bytes + activations_bytes + overhead_bytes;
  }
};

struct StepProfile {
  int64_t gpus = 0;
  double time_s = 0;           // wall time of one iteration
  double model_flop = 0;       // per step, whole job (MFU numerator x time)
  double hardware_flop = 0;    // per step, whole job, including recompute
  double peak_flop_per_s = 0;  // per GPU, dense, at the training precision
  double mfu = 0;              // model_flop / (time_s * gpus * peak)
  double hfu = 0;
  double tflops_per_gpu = 0;  // model TFLOP/s per GPU
  double tokens_per_s = 0;
  double bubble_fraction = 0;        // bubble_s / time_s
  double exposed_comm_fraction = 0;  // (tp+cp+pp+dp exposed) / time_s
  double gpu_busy_fraction = 0;      // mean over GPUs of compute time / time_s (power-state input)
  // Mean power of a node and of one GPU over the step (training state). Measured with SimGrid's
  // host energy plugin on the simulated stages' nodes when they are fully occupied by simulated
  // GPUs; otherwise the plugin's own linear model applied to gpu_busy_fraction.
  double node_power_w = 0;
  double gpu_power_w = 0;
  bool power_from_plugin = false;
  StepBreakdown breakdown;
  MemoryBreakdown memory;
  double memory_capacity_bytes = 0;  // HBM per GPU
  // Simulation statistics (not model outputs).
  int64_t simulated_activities = 0;
  int64_t simulated_flows = 0;
  std::vector<TraceEvent> trace;  // filled only when requested
};

// One entry of a pipeline rank's schedule: forward or backward of micro-batch `mb` through model
// chunk `chunk` (0 .. vpp-1).
struct PipelineOp {
  bool forward = true;
  int64_t mb = 0;
  int64_t chunk = 0;
};

// The order in which pipeline rank `stage` runs its passes: Megatron-LM's 1F1B (vpp == 1) or
// interleaved 1F1B (vpp > 1; REQUIRES micro_batches % pp == 0).
std::vector<PipelineOp> pipeline_schedule(int64_t stage, int64_t pp, int64_t vpp, int64_t micro_batches);

struct StepOptions {
  bool collect_trace = false;
};

// Runs one step simulation in the process's engine (platform/engine.hpp), building the platform.
// When `view` is given it receives the built platform, for the job simulation that follows; when
// it already holds a platform (an earlier step of the same process, e.g. another batch size of a
// ramp), that platform is reused instead of built.
// REQUIRES: a validated scenario that fits in memory; the first call of a process builds the
// platform (SimGrid keeps global state: one platform, one engine per process), later calls pass
// its view.
StepProfile simulate_step(const config::ScenarioSpec& scenario, const StepOptions& options = {},
                          platform::ClusterView* view = nullptr);

// Builds the platform a step of `scenario` runs on without simulating the step: for the job level
// when the step profile was simulated by another process (sweeps, `run --step-profile`).
// REQUIRES: the process's first platform.
platform::ClusterView build_step_platform(const config::ScenarioSpec& scenario);

}  // namespace trainsim::step
