// Failure taxonomy, job-level rates, maintenance, random draws, Daly, summaries
// (model.hpp; docs/models/failures.md has the tables and the reasoning behind every choice).
#include "sim/failures/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace trainsim::failures {
namespace {

using config::FailureCategory;
using config::FailureScope;

constexpr double kDayS = 86400.0;

// ---------------------------------------------------------------- Llama 3 observation window
// Source: Llama Team, "The Llama 3 Herd of Models", arXiv:2407.21783, §3.3.4 and Table 5:
// "During a 54-day snapshot period of pre-training, we experienced a total of 466 job
// interruptions. Of these, 47 were planned [...] and 419 were unexpected", on 16,384 H100 GPUs.
// The job's components, which turn Table 5's counts into per-component rates:
//   GPUs            16,384
//   nodes            2,048  (8 GPUs per Grand Teton node)
//   leaf switches    1,024  (one rack switch, RTSW, per 2 nodes = 16 GPUs; platforms/meta-llama3-h100.yaml)
constexpr double kLlama3WindowS = 54 * kDayS;
constexpr double kLlama3Gpus = 16384;
constexpr double kLlama3Nodes = 2048;
constexpr double kLlama3LeafSwitches = 1024;
constexpr double kLlama3PlannedInterruptions = 47;

// Meta RSC-1: 6.5 node failures per 1,000 node-days. Source: Kokolis et al., "Revisiting
// Reliability in Large-Scale Machine Learning Research Clusters", HPCA 2025 (arXiv:2410.21680);
// their projection MTTF = 1 / (nodes x r_f) gives 1.8 h at 16,384 GPUs and 0.23 h at 131,072.
constexpr double kRscNodeFailuresPerNodeDay = 6.5 / 1000.0;

// Nodes behind one leaf group when the platform does not say (fabric.gpus_per_leaf = 0): a DGX
// SuperPOD scalable unit, the same default platform/builder.cpp uses for a switch's blast radius.
constexpr int64_t kDefaultNodesPerLeafGroup = 32;

struct TableRow {
  const char* name;
  FailureScope scope;
  int count;  // Table 5 count (not the printed percentage: Faulty GPU prints 30.1 % for 148/419)
};

// Llama 3 Table 5, all 18 rows, in the table's order. Scope = the component whose count the row's
// failures scale with (docs/models/failures.md, "Taxonomy"):
//   kGpu    a fault of one GPU package (die, HBM, SRAM, GSP, SDC, thermal interface): per GPU;
//   kNode   host parts and unplanned host maintenance: per node;
//   kSwitch network switch or cable: per leaf switch (the rack switches and their cables);
//   kJob    software bugs, NCCL watchdog timeouts, dependencies: per job, independent of size
//           (a software defect surfaces once per job, not once per GPU).
constexpr TableRow kLlama3Table5[] = {
    {"faulty_gpu", FailureScope::kGpu, 148},
    {"gpu_hbm3", FailureScope::kGpu, 72},
    {"software_bug", FailureScope::kJob, 54},
    {"network_switch_cable", FailureScope::kSwitch, 35},
    {"host_maintenance_unplanned", FailureScope::kNode, 32},
    {"gpu_sram", FailureScope::kGpu, 19},
    {"gpu_system_processor", FailureScope::kGpu, 17},
    {"nic", FailureScope::kNode, 7},
    {"nccl_watchdog_timeout", FailureScope::kJob, 7},
    {"silent_data_corruption", FailureScope::kGpu, 6},
    {"gpu_thermal_interface_sensor", FailureScope::kGpu, 6},
    {"ssd", FailureScope::kNode, 3},
    {"power_supply", FailureScope::kNode, 3},
    {"server_chassis", FailureScope::kNode, 2},
    {"io_expansion_board", FailureScope::kNode, 2},
    {"dependency", FailureScope::kJob, 2},
    {"cpu", FailureScope::kNode, 2},
    {"system_memory", FailureScope::kNode, 2},
};

// Components of `scope` in the Llama 3 job of Table 5.
double llama3_components(FailureScope scope) {
  switch (scope) {
    case FailureScope::kGpu:
      return kLlama3Gpus;
    case FailureScope::kNode:
      return kLlama3Nodes;
    case FailureScope::kSwitch:
      return kLlama3LeafSwitches;
    case FailureScope::kJob:
      break;
  }
  return 1.0;
}

// ----------------------------------------------------------------------------- random helpers

// splitmix64 (Steele, Lea & Flood 2014; Vigna's reference code): one step of the sequence.
uint64_t splitmix64(uint64_t& x) {
  x += 0x9E3779B97F4A7C15ULL;
  uint64_t z = x;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t mix(uint64_t x) { return splitmix64(x); }

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

// ------------------------------------------------------------------------------- taxonomy

std::vector<FailureCategory> preset_categories(const std::string& model) {
  std::vector<FailureCategory> out;
  if (model == "llama3") {
    for (const TableRow& row : kLlama3Table5) {
      // count / (components of the scope in the Llama 3 job x 54 days): per component-second.
      const double per_component_s = row.count / (llama3_components(row.scope) * kLlama3WindowS);
      out.push_back(FailureCategory{row.name, row.scope, per_component_s});
    }
  } else if (model == "meta-rsc") {
    out.push_back(FailureCategory{"node", FailureScope::kNode, kRscNodeFailuresPerNodeDay / kDayS});
  } else if (model != "none" && model != "explicit") {
    throw std::invalid_argument("unknown failure model '" + model +
                                "' (llama3 | meta-rsc | none | explicit)");
  }
  return out;
}

std::vector<FailureCategory> categories(const config::FailureSpec& failures) {
  if (failures.model == "explicit") return failures.categories;
  return preset_categories(failures.model);
}

int64_t job_leaf_switches(const config::ScenarioSpec& s) {
  const config::PlatformSpec& p = s.platform;
  const int64_t gpn = std::max<int64_t>(1, p.node.gpus_per_node);
  const int64_t nodes = (s.gpus + gpn - 1) / gpn;
  const int64_t per_group = p.fabric.gpus_per_leaf > 0 ? std::max<int64_t>(1, p.fabric.gpus_per_leaf / gpn)
                                                       : kDefaultNodesPerLeafGroup;
  const int64_t groups = (nodes + per_group - 1) / per_group;
  // A rail-optimised leaf group has one leaf switch per rail (NIC index): dgx-h100's 256-GPU group
  // is 8 rail leaves. A fat-tree group is one top-of-rack switch.
  const int64_t per_group_switches =
      p.fabric.topology == config::Topology::kRailFatTree ? std::max<int64_t>(1, p.node.nics_per_node) : 1;
  return groups * per_group_switches;
}

int64_t job_components(const config::ScenarioSpec& s, FailureScope scope) {
  switch (scope) {
    case FailureScope::kGpu:
      return s.gpus;
    case FailureScope::kNode: {
      const int64_t gpn = std::max<int64_t>(1, s.platform.node.gpus_per_node);
      return (s.gpus + gpn - 1) / gpn;
    }
    case FailureScope::kSwitch:
      return job_leaf_switches(s);
    case FailureScope::kJob:
      break;
  }
  return 1;
}

JobFailureRates job_rates(const config::ScenarioSpec& s) {
  JobFailureRates out;
  double unscaled_total = 0;
  for (const FailureCategory& c : categories(s.failures)) {
    Rate r;
    r.name = c.name;
    r.scope = c.scope;
    r.rate_per_component_s = c.rate_per_component_s;
    r.components = job_components(s, c.scope);
    r.per_s = c.rate_per_component_s * static_cast<double>(r.components);
    unscaled_total += r.per_s;
    out.rates.push_back(r);
  }
  double factor = s.failures.rate_scale;
  if (s.failures.job_mtbf_s > 0) {
    if (!(unscaled_total > 0)) {
      throw std::invalid_argument(
          "failures.job_mtbf needs a failure model with non-zero category rates (model '" + s.failures.model +
          "')");
    }
    factor = 1.0 / (s.failures.job_mtbf_s * unscaled_total);
  }
  for (Rate& r : out.rates) {
    r.per_s *= factor;
    out.total_per_s += r.per_s;
  }
  return out;
}

double job_mttf_s(const config::ScenarioSpec& s) {
  const double total = job_rates(s).total_per_s;
  return total > 0 ? 1.0 / total : std::numeric_limits<double>::infinity();
}

// ------------------------------------------------------------------------- maintenance

Maintenance preset_maintenance(const std::string& model) {
  Maintenance m;
  if (model == "llama3") {
    // Source: Llama 3 §3.3.4: 47 planned interruptions in the 54-day snapshot, "at least one
    // training interruption daily due to automated maintenance such as firmware and Linux
    // kernel upgrades". Modelled as a period of 54 d / 47 = 27.6 h. Duration 0: the paper gives
    // none; the 16K-GPU job ran on a 24K-GPU cluster, so upgraded nodes can be swapped in while
    // the job restarts, and the job's cost is the drain checkpoint + restart + reload
    // (docs/models/failures.md, "Planned maintenance").
    m.interval_s = kLlama3WindowS / kLlama3PlannedInterruptions;
    m.duration_s = 0;
  }
  return m;
}

Maintenance maintenance(const config::ScenarioSpec& s) {
  const config::FailureSpec& f = s.failures;
  if (!f.planned_maintenance) return {};
  Maintenance m = preset_maintenance(f.model);
  if (f.maintenance_interval_s > 0) m.interval_s = f.maintenance_interval_s;
  if (f.maintenance_duration_s > 0) m.duration_s = f.maintenance_duration_s;
  if (m.interval_s <= 0) return {};
  return m;
}

// ------------------------------------------------------------------------------ random

uint64_t stable_hash(std::string_view text) {
  uint64_t h = 0xCBF29CE484222325ULL;  // FNV-1a 64 offset basis
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;  // FNV 64 prime
  }
  return h;
}

Rng::Rng(uint64_t seed, uint64_t replication, std::string_view stream) {
  // Each input goes through a full splitmix64 avalanche before the next is mixed in, so nearby
  // seeds, replications and names give unrelated states.
  uint64_t key = mix(seed);
  key = mix(key ^ replication);
  key = mix(key ^ stable_hash(stream));
  for (uint64_t& w : s_) w = splitmix64(key);
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // xoshiro's one forbidden state
}

uint64_t Rng::next_u64() {
  // xoshiro256** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018).
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

uint64_t Rng::uniform_index(uint64_t n) {
  // Lemire, "Fast random integer generation in an interval", ACM TOMACS 2019.
  unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(next_u64()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

double Rng::exponential(double rate_per_s) {
  // Inverse CDF: -ln(1 - U) / rate; 1 - U is in (0, 1], so the log is finite.
  return -std::log1p(-uniform01()) / rate_per_s;
}

double Rng::weibull(double shape, double mean) {
  // F(t) = 1 - exp(-(t / scale)^shape), mean = scale Gamma(1 + 1/shape).
  const double scale = mean / std::tgamma(1.0 + 1.0 / shape);
  return scale * std::pow(-std::log1p(-uniform01()), 1.0 / shape);
}

size_t Rng::pick(const std::vector<double>& weights) {
  double total = 0;
  for (const double w : weights) total += w;
  const double target = uniform01() * total;  // in [0, total)
  double acc = 0;
  size_t last_positive = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] > 0)) continue;
    acc += weights[i];
    last_positive = i;
    if (target < acc) return i;
  }
  return last_positive;  // rounding: target landed on the total
}

// ------------------------------------------------------------------ checkpoint interval

double young_interval_s(double save_s, double mtbf_s) {
  if (std::isinf(mtbf_s)) return mtbf_s;
  return std::sqrt(2.0 * save_s * mtbf_s);
}

double daly_interval_s(double save_s, double mtbf_s) {
  if (std::isinf(mtbf_s)) return mtbf_s;
  if (save_s >= 2.0 * mtbf_s) return mtbf_s;
  const double x = save_s / (2.0 * mtbf_s);
  return std::sqrt(2.0 * save_s * mtbf_s) * (1.0 + std::sqrt(x) / 3.0 + x / 9.0) - save_s;
}

// --------------------------------------------------------------------------- summaries

double quantile(const std::vector<double>& sorted, double q) {
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

Summary summarize(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("summarize: no values");
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (const double v : values) sum += v;
  Summary s;
  s.mean = sum / static_cast<double>(values.size());
  s.p5 = quantile(values, 0.05);
  s.p50 = quantile(values, 0.50);
  s.p95 = quantile(values, 0.95);
  return s;
}

}  // namespace trainsim::failures
