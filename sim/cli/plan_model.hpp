// Inverse planning (`trainsim plan --goal max-model|max-tokens|days`, docs/models/efficiency.md
// "Inverse planning"): from one simulated step (MFU) and one simulated run (ETTR) of a scenario,
// the largest dense model trainable in a time budget, the tokens reachable in it, or the days the
// scenario's run takes. Kept apart from the other planning goals so that each file stays small.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace trainsim::cli {

// The three goals this file answers.
bool is_plan_model_goal(const std::string& goal);

// Closed-form part of the plan, exposed for tests. Compute budget C = gpus x peak x MFU x ETTR x
// days; dense-transformer training FLOPs ~ 6 N D (Kaplan et al. 2020, Hoffmann et al. 2022).
struct ModelBudget {
  double compute_flop = 0;         // C: useful model FLOPs the cluster delivers in the budget
  double params_fixed_tokens = 0;  // N = C / (6 D) for the scenario's D
  double params_chinchilla = 0;    // N = sqrt(C / 120): C = 6 N D with D = 20 N
  double tokens_chinchilla = 0;    // 20 N
};
// REQUIRES: effective_flop_per_s > 0, days > 0, tokens > 0.
ModelBudget model_budget(double effective_flop_per_s, double days, double tokens);

// Runs the scenario (one step simulation, then `replications` job replications) and prints the
// plan. REQUIRES: goal is one of is_plan_model_goal's; days > 0 for max-model and max-tokens
// (a ConfigError otherwise). Returns the exit code.
int cmd_plan_model(const std::string& goal, const std::string& path, const std::vector<std::string>& sets,
                   double days, bool json, int64_t replications, int64_t seed);

}  // namespace trainsim::cli
