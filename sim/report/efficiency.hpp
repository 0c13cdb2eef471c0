// Five-factor efficiency and total cost of a run (docs/models/efficiency.md; design.md §6
// efficiency.* and cost.*). Pure arithmetic on what the step, job and energy stages computed: no
// SimGrid, no YAML.
//
// The five factors multiply to the run's end-to-end efficiency
//   product = useful model FLOPs / (peak FLOP/s x allocated GPUs x wall time x PUE)
// exactly when the step time is constant over the run (no batch ramp, no diurnal drift); with
// either, `end_to_end` (computed directly) and `product` differ by the ramp's or drift's effect on
// the mean step time, and both are reported.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/config/spec.hpp"
#include "sim/energy/accounting.hpp"
#include "sim/job/job.hpp"
#include "sim/step/step.hpp"

namespace trainsim::report {

struct Efficiency {
  double energy = 0;       // 1 / PUE: IT energy per facility energy
  double kernel = 0;       // model FLOPs / (GPU compute-busy time x peak): achieved vs peak while computing
  double scaling = 0;      // compute-busy time / step time: the step lost to bubble and exposed comm
  double ettr = 0;         // productive time / wall time (mean over replications)
  double utilisation = 0;  // GPUs training / GPUs allocated (job + spare nodes' GPUs)
  double product = 0;      // the five multiplied
  double end_to_end = 0;   // useful FLOPs / (peak x allocated GPUs x wall x PUE), mean over replications
  int64_t allocated_gpus = 0;
  double useful_flop = 0;  // model FLOPs of the whole run (steps x model FLOPs per step)
};

// GPUs the job holds: its own plus its spare nodes' (they wait idle for a failure).
int64_t allocated_gpus(const config::ScenarioSpec& s);

// Model FLOPs of the whole run: steps x model FLOPs per step; with a batch ramp, model FLOPs per
// token x the token budget.
double useful_flop(const step::StepProfile& step, const job::JobResult& job, const config::ScenarioSpec& s);

// REQUIRES: step.time_s > 0, step.gpu_busy_fraction > 0, at least one replication.
Efficiency efficiency(const step::StepProfile& step, const job::JobResult& job,
                      const config::ScenarioSpec& s);

struct Cost {
  bool has_capex = false;  // cost.gpu_price given
  double capex_usd = 0;    // allocated GPUs x price / (1 - datacenter_share) x wall / depreciation
  double electricity_usd = 0;
  double total_usd = 0;
  double electricity_share = 0;  // electricity / total (1 without capex)
  double usd_per_trillion_tokens = 0;
};

// `wall_s` and `electricity_usd` are the run's means over replications.
Cost total_cost(const config::ScenarioSpec& s, double wall_s, double electricity_usd);

}  // namespace trainsim::report
