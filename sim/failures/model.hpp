// Failure model of the job level (design.md §1 level 2; docs/models/failures.md).
//
// Owns: the failure taxonomy and its presets (Llama 3 Table 5, Meta RSC), the conversion of
// per-component rates into job-level rates on a given platform and job size, the planned
// maintenance process, the seeded random source every stochastic part of the job level draws
// from, Daly's optimum checkpoint interval, and the replication summary (mean, percentiles).
// Must not: include SimGrid or yaml-cpp, read files, log, or hold global mutable state. The
// failure-injector actor that turns hosts off lives in sim/job/ and calls this.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/spec.hpp"

namespace trainsim::failures {

// ------------------------------------------------------------------------------- taxonomy

// The categories of a preset, each with its rate per component of its scope (per GPU-second,
// node-second, leaf-switch-second or job-second).
//   "llama3":   the 18 root causes of Llama 3 Table 5 (419 unexpected interruptions in 54 days on
//               16,384 GPUs), in the table's order (descending count).
//   "meta-rsc": one category "node" at 6.5 failures per 1,000 node-days (Kokolis et al., HPCA'25).
//   "none", "explicit": empty (explicit categories come from the scenario, see categories()).
// Throws std::invalid_argument for any other name (the loader admits only these four).
std::vector<config::FailureCategory> preset_categories(const std::string& model);

// The categories in force: the scenario's own list for model "explicit", else the preset's.
std::vector<config::FailureCategory> categories(const config::FailureSpec& failures);

// Leaf switches under the job's nodes, the components of FailureScope::kSwitch:
//   groups   = ceil(job nodes / nodes per leaf group), nodes per leaf group =
//              fabric.gpus_per_leaf / gpus_per_node, or 32 when gpus_per_leaf is 0 (a DGX SuperPOD
//              scalable unit; the same group platform/ uses for a switch's blast radius);
//   switches = groups for a fat-tree (one top-of-rack switch per group),
//              groups x nics_per_node for a rail-fat-tree (one leaf per rail per group).
// Llama 3 on meta-llama3-h100 (fat-tree, 16 GPUs per leaf): 16,384 GPUs -> 1,024 switches.
int64_t job_leaf_switches(const config::ScenarioSpec& s);

// Components of `scope` in the job: GPUs, nodes (gpus / gpus_per_node), leaf switches, or 1.
int64_t job_components(const config::ScenarioSpec& s, config::FailureScope scope);

// One category at the job level.
struct Rate {
  std::string name;
  config::FailureScope scope = config::FailureScope::kJob;
  double rate_per_component_s = 0;  // as in the category (before rate_scale / job_mtbf)
  int64_t components = 0;           // of its scope, in the job
  double per_s = 0;                 // job-level rate: per component x components x scale
};

struct JobFailureRates {
  std::vector<Rate> rates;  // in category order
  double total_per_s = 0;   // sum of rates[i].per_s
};

// Job-level rate of every category: rate_per_component x components x failures.rate_scale.
// When failures.job_mtbf_s > 0 every rate is instead rescaled so that total_per_s = 1 / job_mtbf
// (category proportions kept; rate_scale does not apply). No categories: empty, total 0.
// Throws std::invalid_argument when job_mtbf_s > 0 but the model has no categories or all of them
// have a zero rate (the loader rejects such scenarios).
JobFailureRates job_rates(const config::ScenarioSpec& s);

// Mean time to (unexpected) failure of the whole job = 1 / job_rates(s).total_per_s; +infinity
// when the job has no failures (model none, or rate_scale 0).
double job_mttf_s(const config::ScenarioSpec& s);

// ------------------------------------------------------------------------- maintenance

// Planned interruptions: one every `interval_s` (deterministic period). The job drains with a
// final checkpoint, stays down `duration_s`, then restarts and reloads as after a failure (the
// restart and reload times come from failures.restart and the checkpoint model, not from here).
struct Maintenance {
  double interval_s = 0;  // 0 = no planned maintenance
  double duration_s = 0;  // down time between the drain checkpoint and the restart
};

// The preset's process: "llama3" = 47 planned interruptions in 54 days (interval 54 d / 47 =
// 27.6 h), duration 0 (see docs/models/failures.md); any other model: none.
Maintenance preset_maintenance(const std::string& model);

// The scenario's process: none when failures.planned_maintenance is false; otherwise the preset's
// with failures.maintenance_interval_s / maintenance_duration_s overriding when > 0.
Maintenance maintenance(const config::ScenarioSpec& s);

// ------------------------------------------------------------------------------ random

// A deterministic random source: xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64
// from (scenario seed, replication index, FNV-1a 64 hash of the stream name). Pure integer
// arithmetic, so a stream is the same on every platform and standard library; draws are built
// by inverse CDF here, never with std:: distributions. Different stream names give independent
// streams, so adding a draw to one part of the model does not shift another part's draws.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t replication, std::string_view stream);

  uint64_t next_u64();
  // Uniform on [0, 1), 53 random bits.
  double uniform01();
  // Uniform integer in [0, n). REQUIRES: n > 0. Unbiased (Lemire's multiply-and-reject).
  uint64_t uniform_index(uint64_t n);
  // Exponential with the given rate (mean 1 / rate). REQUIRES: rate_per_s > 0.
  double exponential(double rate_per_s);
  // Weibull with the given shape and mean: scale = mean / Gamma(1 + 1/shape).
  // REQUIRES: shape > 0, mean > 0.
  double weibull(double shape, double mean);
  // Index i with probability weights[i] / sum(weights). REQUIRES: weights non-empty, each >= 0,
  // sum > 0. A zero weight is never picked.
  size_t pick(const std::vector<double>& weights);

 private:
  uint64_t s_[4];
};

// FNV-1a 64-bit hash: stable across compilers and library versions (std::hash is not).
uint64_t stable_hash(std::string_view text);

// ------------------------------------------------------------------ checkpoint interval

// Young's first-order optimum sqrt(2 save M) (Young 1974, CACM 17(9)).
// REQUIRES: save_s >= 0, mtbf_s > 0.
double young_interval_s(double save_s, double mtbf_s);

// Daly's higher-order optimum of the compute time between checkpoints (Daly 2006, "A higher
// order estimate of the optimum checkpoint interval for restart dumps", FGCS 22(3), eq. 37):
//   tau = sqrt(2 d M) [1 + (1/3) sqrt(d / 2M) + (1/9) (d / 2M)] - d   for d < 2M,   else M,
// d = save (dump) time, M = mean time between failures. +infinity when M is infinite.
// REQUIRES: save_s >= 0, mtbf_s > 0.
double daly_interval_s(double save_s, double mtbf_s);

// --------------------------------------------------------------------------- summaries

// Mean and percentiles over replications. Percentiles interpolate linearly between order
// statistics (numpy's default, "linear" / Hyndman-Fan type 7): with the values sorted x[0..n-1],
// the q-quantile is x[floor(h)] + (h - floor(h)) (x[floor(h)+1] - x[floor(h)]), h = (n - 1) q.
struct Summary {
  double mean = 0, p5 = 0, p50 = 0, p95 = 0;
};

// q-quantile of `sorted` (ascending) as above. REQUIRES: sorted non-empty, 0 <= q <= 1.
double quantile(const std::vector<double>& sorted, double q);

// Throws std::invalid_argument for an empty vector. Deterministic: the mean is summed over the
// sorted values, so it does not depend on the input order.
Summary summarize(std::vector<double> values);

}  // namespace trainsim::failures
