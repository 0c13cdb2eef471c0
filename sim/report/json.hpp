// Report module: turns stage results (StepProfile, ...) into what users and scripts read: JSON
// documents (this file), the terminal summary (summary.hpp), the Chrome trace (trace.hpp) and
// output files (io.hpp).
// Must not: run simulations, read YAML, or compute model quantities (it formats what the stages
// computed; the only arithmetic is unit conversion, e.g. bytes -> GiB).
//
// Key names are a contract (design.md §6; docs/outputs/step.md documents each key's unit and
// formula): a dotted report key is the JSON path, e.g. step.time_s = j["step"]["time_s"].
#pragma once

#include <nlohmann/json.hpp>

#include "sim/config/spec.hpp"
#include "sim/step/step.hpp"

namespace trainsim::report {

// The document `trainsim step --json` prints:
//   {"scenario": NAME,
//    "step": {gpus, time_s, mfu, hfu, tflops_per_gpu, peak_tflops_per_gpu, tokens_per_s,
//             bubble_fraction, exposed_comm_fraction, gpu_busy_fraction, memory_per_gpu_gib,
//             memory_capacity_gib, model_flop, hardware_flop,
//             breakdown: {compute_s, tp_exposed_s, cp_exposed_s, pp_exposed_s, dp_exposed_s,
//                         bubble_s, optimizer_s},
//             memory: {weights_gib, gradients_gib, optimizer_gib, activations_gib, overhead_gib}},
//    "layout": {tp, pp, dp, cp, vpp, micro_batch, global_batch, micro_batches_per_pipeline},
//    "simulation": {activities, flows}}
// Keys appear in this order; numbers are printed by nlohmann::json (shortest text that reads back
// to the same double), so equal profiles give byte-identical documents. The trace is not included.
nlohmann::ordered_json step_to_json(const step::StepProfile& profile, const config::ScenarioSpec& scenario);

}  // namespace trainsim::report
