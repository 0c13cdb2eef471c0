#include "sim/cli/plan_model.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "sim/common/error.hpp"
#include "sim/config/loader.hpp"
#include "sim/job/job.hpp"
#include "sim/platform/builder.hpp"
#include "sim/step/step.hpp"
#include "sim/workload/model.hpp"

namespace trainsim::cli {
namespace {

constexpr double kDay = 86400.0;
// Source: Hoffmann et al. 2022 ("Training Compute-Optimal Large Language Models", Chinchilla),
// compute-optimal tokens ~ 20 x parameters (their Table 3 / the common reading of Approach 1-3).
constexpr double kChinchillaTokensPerParam = 20.0;
// Source: Kaplan et al. 2020, §2.1: training FLOPs ~ 6 N per token (forward 2N, backward 4N).
constexpr double kFlopPerParamToken = 6.0;

const std::vector<std::string> kAssumptions = {
    "MFU and ETTR of the simulated scenario are held constant as the model size or token count "
    "changes (a larger model on the same GPUs would need another layout and reach another MFU)",
    "training compute = 6 N D model FLOPs (Kaplan et al. 2020); attention FLOPs are not added for "
    "other sizes (the simulated model's FLOPs per token are used for its own tokens)",
    "compute-optimal data: D = 20 N (Hoffmann et al. 2022, Chinchilla)",
    "the GPU count, platform, failure model and checkpoint policy are the scenario's; a batch ramp, "
    "if any, is replaced by the final global batch"};

}  // namespace

bool is_plan_model_goal(const std::string& goal) {
  return goal == "max-model" || goal == "max-tokens" || goal == "days";
}

ModelBudget model_budget(double effective_flop_per_s, double days, double tokens) {
  ModelBudget b;
  b.compute_flop = effective_flop_per_s * days * kDay;
  b.params_fixed_tokens = b.compute_flop / (kFlopPerParamToken * tokens);
  b.params_chinchilla = std::sqrt(b.compute_flop / (kFlopPerParamToken * kChinchillaTokensPerParam));
  b.tokens_chinchilla = kChinchillaTokensPerParam * b.params_chinchilla;
  return b;
}

int cmd_plan_model(const std::string& goal, const std::string& path, const std::vector<std::string>& sets,
                   double days, bool json, int64_t replications, int64_t seed_opt) {
  std::vector<config::Override> overrides;
  for (const auto& s : sets) overrides.push_back(config::parse_override(s));
  config::ScenarioSpec sc = config::load_scenario(path, overrides);
  if (goal != "days" && !(days > 0)) {
    throw ConfigError(
        format_error("--days", "", "plan --goal " + goal + " needs --days D > 0 (the time budget)"));
  }
  const bool ramp_dropped = !sc.training.batch_ramp.empty();
  sc.training.batch_ramp.clear();
  const workload::Workload w = workload::build_workload(sc);
  workload::check_memory_fits(sc, w);

  platform::ClusterView view;
  const step::StepProfile p = step::simulate_step(sc, {}, &view);
  job::JobOptions jopt;
  jopt.replications = replications > 0 ? replications : sc.simulation.replications;
  jopt.seed = seed_opt >= 0 ? static_cast<uint64_t>(seed_opt) : sc.simulation.seed;
  const job::JobResult j = job::simulate_job(sc, p, view, jopt);
  double ettr = 0, wall_s = 0;
  for (const auto& r : j.replications) {
    ettr += r.ettr();
    wall_s += r.wall_s;
  }
  ettr /= static_cast<double>(j.replications.size());
  wall_s /= static_cast<double>(j.replications.size());

  const double gpus = static_cast<double>(p.gpus);
  const double effective = gpus * p.peak_flop_per_s * p.mfu * ettr;  // useful model FLOP/s over the run
  const double tokens_per_step =
      static_cast<double>(sc.training.global_batch) * static_cast<double>(sc.model.seq_len);
  const double flop_per_token = p.model_flop / tokens_per_step;  // the simulated model, attention included
  const double params = workload::parameter_count(sc.model);

  nlohmann::ordered_json doc;
  doc["scenario"] = sc.name;
  doc["goal"] = goal;
  if (goal != "days") doc["days"] = days;
  nlohmann::ordered_json sim;
  sim["gpus"] = p.gpus;
  sim["step_time_s"] = p.time_s;
  sim["mfu"] = p.mfu;
  sim["ettr"] = ettr;
  sim["replications"] = j.replications.size();
  sim["peak_flop_per_s_per_gpu"] = p.peak_flop_per_s;
  sim["effective_flop_per_s"] = effective;
  sim["params"] = params;
  sim["model_flop_per_token"] = flop_per_token;
  sim["six_n_flop_per_token"] = kFlopPerParamToken * params;
  sim["tokens"] = sc.training.tokens;
  sim["wall_time_days"] = wall_s / kDay;
  doc["simulated"] = sim;

  nlohmann::ordered_json res;
  char buf[512];
  std::string text;
  if (goal == "max-model") {
    const ModelBudget b = model_budget(effective, days, sc.training.tokens);
    res["compute_flop"] = b.compute_flop;
    res["fixed_tokens"]["tokens"] = sc.training.tokens;
    res["fixed_tokens"]["params"] = b.params_fixed_tokens;
    res["chinchilla"]["params"] = b.params_chinchilla;
    res["chinchilla"]["tokens"] = b.tokens_chinchilla;
    std::snprintf(buf, sizeof buf,
                  "compute budget      %.3g FLOP in %.1f days (%.3g useful FLOP/s)\n"
                  "largest dense model %.0fB parameters on the scenario's %.3gT tokens (C = 6 N D)\n"
                  "compute-optimal     %.0fB parameters on %.3gT tokens (D = 20 N, Chinchilla)\n",
                  b.compute_flop, days, effective, b.params_fixed_tokens / 1e9, sc.training.tokens / 1e12,
                  b.params_chinchilla / 1e9, b.tokens_chinchilla / 1e12);
    text = buf;
  } else if (goal == "max-tokens") {
    const double tokens = effective * days * kDay / flop_per_token;
    res["tokens"] = tokens;
    res["tokens_six_n"] = effective * days * kDay / (kFlopPerParamToken * params);
    res["fraction_of_scenario_tokens"] = tokens / sc.training.tokens;
    std::snprintf(buf, sizeof buf,
                  "tokens in %.1f days  %.3gT of %s (%.0f %% of the scenario's %.3gT; %.3gT by 6 N D)\n",
                  days, tokens / 1e12, sc.model.name.c_str(), 100 * tokens / sc.training.tokens,
                  sc.training.tokens / 1e12, res["tokens_six_n"].get<double>() / 1e12);
    text = buf;
  } else {
    const double formula_days = flop_per_token * sc.training.tokens / effective / kDay;
    res["days"] = wall_s / kDay;
    res["days_formula"] = formula_days;
    res["days_six_n"] = kFlopPerParamToken * params * sc.training.tokens / effective / kDay;
    std::snprintf(buf, sizeof buf,
                  "days                %.2f (simulated run; model FLOPs / (GPUs x peak x MFU x ETTR) = %.2f, "
                  "by 6 N D = %.2f)\n",
                  wall_s / kDay, formula_days, res["days_six_n"].get<double>());
    text = buf;
  }
  doc["result"] = res;
  std::vector<std::string> assumptions = kAssumptions;
  if (ramp_dropped)
    assumptions.emplace_back("this scenario's batch ramp was replaced by its final global batch");
  doc["assumptions"] = assumptions;

  if (json) {
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  std::snprintf(buf, sizeof buf,
                "scenario            %s: %s (%.0fB parameters), %lld GPUs\n"
                "simulated           MFU %.1f %% (step %.3f s), ETTR %.3f (%zu replications) -> %.3g useful "
                "FLOP/s\n",
                sc.name.c_str(), sc.model.name.c_str(), params / 1e9, static_cast<long long>(p.gpus),
                100 * p.mfu, p.time_s, ettr, j.replications.size(), effective);
  std::cout << buf << text << "\nassumptions\n";
  for (const auto& a : assumptions) std::cout << "  - " << a << "\n";
  return 0;
}

}  // namespace trainsim::cli
