// Capacity planning by simulation (docs/planning.md):
//   plan --goal layout    the fastest tp/cp/pp/dp/vpp/micro-batch for the scenario's GPUs under the
//                         memory limit: closed-form pruning, then step simulations (one child
//                         process each) in order of a compute lower bound, branch and bound
//   plan --goal min-gpus  the smallest job (data-parallel width; and the cluster nodes it needs)
//                         that trains the token budget by --deadline, failures and checkpoints
//                         included, with its ETTR
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/config/spec.hpp"
#include "sim/workload/model.hpp"

namespace trainsim::cli {

struct PlanOptions {
  std::string path;
  std::vector<std::string> sets;
  bool json = false;
  int jobs = 1;
  int64_t replications = 0;  // 0 = the scenario's
  int64_t seed = -1;
  double deadline_s = 0;     // min-gpus
  bool scale_batch = false;  // min-gpus: global batch grows with dp (weak scaling)
  int max_simulations = 24;  // layout
  std::string exe;
};

int cmd_plan_layout(const PlanOptions& o);
int cmd_plan_min_gpus(const PlanOptions& o);

// Lower bound of the step time (s) from the workload alone: the most loaded pipeline rank's
// kernel time for all micro-batches, the ideal pipeline fill and drain ((pp - 1) / vpp passes of
// the least loaded rank) and the optimizer; no communication. The step simulation can only be
// slower, so a candidate whose bound exceeds a simulated time can be pruned.
double step_time_lower_bound_s(const config::ScenarioSpec& sc, const workload::Workload& w);

}  // namespace trainsim::cli
