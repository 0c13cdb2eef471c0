// Platform and scenario loading: parse (yaml_reader) -> apply overrides -> read each section
// against its schema -> validate each file -> validate across files (style.md §4.5).
//
// Defaults (applied when a key is absent; documented in docs/inputs/ as well):
//   platform  name = file stem; node.gpus_per_node = 8; node.nics_per_node = gpus_per_node (one
//             NIC per GPU, rail-optimised); node.nic_latency = 1us; node.system_power = catalog
//             default_node_power_w x gpus_per_node / 8 (the DGX figure scaled per GPU);
//             fabric.topology = rail-fat-tree; fabric.technology = infiniband;
//             fabric.gpus_per_leaf = 0 (one leaf group per scalable unit, see FabricSpec);
//             fabric.gpus_per_pod = 0 (one pod); leaf/pod_oversubscription = 1 (non-blocking);
//             fabric.switch_latency = 1us; storage.bandwidth = 0 (not described); facility.pue = 1.1.
//   scenario  name = file stem; model.kv_heads = heads; model.mlp = gelu; model.ffn_hidden = 4 x
//             hidden (gelu only; required for swiglu); model.tied_embeddings = false; model.dropout = 0;
//             training.micro_batch = 1; precision = bf16; recompute = none; attention = flash;
//             grad_reduce_dtype = fp32;
//             parallelism tp = pp = cp = vpp = 1, dp = gpus / (tp*cp*pp), zero = 1,
//             sequence_parallel = true, order = tp-cp-dp-pp; overlap tp_comm = false,
//             grad_reduce = param_gather = true; checkpoint.interval = 30min,
//             storage_bandwidth = the platform's, save_time = derived, async = false,
//             async_stall = derived (job/), node_bandwidth = derived (job/);
//             failures absent = model none; rate_scale = 1, job_mtbf = from the model,
//             distribution = exponential, weibull_shape = 0.7, detection = 5min, restart = 10min,
//             repair = 4h, spare_nodes = 0, planned_maintenance = true (a no-op without a
//             preset or an interval), maintenance_interval / _duration = the preset's;
//             drift.diurnal_amplitude = 0; energy.pue = the platform's, carbon_intensity = price = 0,
//             embodied_carbon_per_gpu = 0 (not counted; embodied_lifetime then required);
//             simulation.seed = 1, replications = 1; cost absent = no capex (gpu_price has no default;
//             depreciation is then required; datacenter_share = 0).
#include "sim/config/loader.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "sim/common/error.hpp"
#include "sim/common/units.hpp"
#include "sim/config/yaml_reader.hpp"
#include "sim/energy/model.hpp"
#include "sim/hardware/catalog.hpp"

namespace trainsim::config {
namespace fs = std::filesystem;
using units::Kind;

namespace {

// ------------------------------------------------------------------------------ schema tables
const std::vector<std::string> kPlatformKeys = {"name", "nodes", "node", "fabric", "storage", "facility"};
const std::vector<std::string> kNodeKeys = {"gpu",           "gpus_per_node", "nics_per_node",
                                            "nic_bandwidth", "nic_latency",   "system_power"};
// `oversubscription` is design.md §5's spelling of leaf_oversubscription.
const std::vector<std::string> kFabricKeys = {"topology",
                                              "technology",
                                              "gpus_per_leaf",
                                              "gpus_per_pod",
                                              "oversubscription",
                                              "leaf_oversubscription",
                                              "pod_oversubscription",
                                              "switch_latency",
                                              "switch_radix",
                                              "switch_power"};
const std::vector<std::string> kStorageKeys = {"bandwidth", "power"};
const std::vector<std::string> kFacilityKeys = {"pue"};

const std::vector<std::string> kScenarioKeys = {"name",       "platform",   "gpus",     "model",
                                                "training",   "checkpoint", "failures", "energy",
                                                "simulation", "drift",      "cost"};
const std::vector<std::string> kPlatformRefKeys = {"file",   "name",    "nodes",   "node",
                                                   "fabric", "storage", "facility"};
const std::vector<std::string> kModelDimKeys = {"layers",          "hidden", "ffn_hidden", "heads",
                                                "kv_heads",        "vocab",  "seq_len",    "mlp",
                                                "tied_embeddings", "dropout"};
const std::vector<std::string> kTrainingKeys = {
    "tokens",    "global_batch", "micro_batch", "precision",         "parallelism",
    "recompute", "attention",    "overlap",     "grad_reduce_dtype", "batch_ramp"};
const std::vector<std::string> kBatchPhaseKeys = {"global_batch", "tokens"};
const std::vector<std::string> kParallelismKeys = {
    "tp", "pp", "dp", "cp", "vpp", "zero", "sequence_parallel", "order"};
const std::vector<std::string> kOverlapKeys = {"tp_comm", "tp_backward", "grad_reduce", "param_gather"};
const std::vector<std::string> kCheckpointKeys = {"interval", "steps",       "storage_bandwidth", "save_time",
                                                  "async",    "async_stall", "node_bandwidth"};
const std::vector<std::string> kFailureKeys = {"model",
                                               "rate_scale",
                                               "job_mtbf",
                                               "distribution",
                                               "weibull_shape",
                                               "detection",
                                               "restart",
                                               "repair",
                                               "spare_nodes",
                                               "planned_maintenance",
                                               "maintenance_interval",
                                               "maintenance_duration",
                                               "categories"};
const std::vector<std::string> kFailureCategoryKeys = {"name", "scope", "rate"};
const std::vector<std::string> kDriftKeys = {"diurnal_amplitude"};
const std::vector<std::string> kEnergyKeys = {"pue", "carbon_intensity", "price", "embodied_carbon_per_gpu",
                                              "embodied_lifetime"};
const std::vector<std::string> kSimulationKeys = {"seed", "replications", "max_wall_time"};
const std::vector<std::string> kCostKeys = {"gpu_price", "datacenter_share", "depreciation"};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
const std::vector<std::string> kModelKeys = concat({"preset", "name"}, kModelDimKeys);
const std::vector<std::string> kPresetKeys = concat({"name", "source"}, kModelDimKeys);

// ------------------------------------------------------------------------------------- limits
constexpr int64_t kMaxNodes = 10'000'000;
constexpr int64_t kMaxGpus = 100'000'000;
constexpr int64_t kMaxGpusPerNode = 1024;
constexpr int64_t kMaxDim = int64_t{1} << 30;  // model dimensions, batch sizes
// 10x the deepest published transformer (DeepNet, 1,000 layers); docs/limits.md.
constexpr int64_t kMaxLayers = 10'000;
constexpr int64_t kMaxReplications = 100'000;
// Steps of a run: 1,000x Llama 3 405B's ~1M; the job simulation's time grows with the run's length
// (10^7 steps of 9 s took 1 s per replication, so ~1.5 min near the limit; docs/limits.md).
constexpr int64_t kMaxSteps = 1'000'000'000;
constexpr double kMaxOversubscription = 1000;
constexpr double kMinPue = 1.0;
constexpr double kMaxPue = 3.0;
constexpr double kDefaultCheckpointIntervalS = 1800;
constexpr double kMaxDropout = 0.9;
constexpr double kMinWeibullShape = 0.1;  // below: a heavier tail than any published fit (LANL ~0.7-0.8)
constexpr double kMaxWeibullShape = 5.0;  // above: nearly periodic failures, not a failure process
constexpr double kMaxDiurnalAmplitude = 0.5;
constexpr double kMaxDatacenterShare = 0.95;  // the GPUs are at least 5 % of the capex
// Failure models with a planned-maintenance preset (failures/model.cpp, preset_maintenance()).
const std::vector<std::string> kMaintenancePresets = {"llama3"};

std::string file_stem(const std::string& path) { return fs::path(path).stem().string(); }

std::string str(int64_t v) { return std::to_string(v); }

// a*b for user-given counts, saturated at INT64_MAX instead of overflowing (each factor may be as
// large as its own limit, their product is checked afterwards).
int64_t mul_sat(int64_t a, int64_t b) {
  int64_t r = 0;
  return __builtin_mul_overflow(a, b, &r) ? std::numeric_limits<int64_t>::max() : r;
}
// str() of a mul_sat result.
std::string str_sat(int64_t v) {
  return v == std::numeric_limits<int64_t>::max() ? "more than 2^63" : std::to_string(v);
}

// Re-throws a ConfigError from `f` with one more note line.
template <class F>
auto with_note(const std::string& note, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(e.what()) + "\nnote: " + note);
  }
}

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

// ---------------------------------------------------------------------------------- platform

PlatformSpec parse_platform(ReadContext& ctx, const Value& root, const std::string& path) {
  MapReader r(ctx, root, "", kPlatformKeys);
  PlatformSpec p;
  p.loc = SourceLoc{path, 0, 0};
  p.name = r.string("name").value_or(file_stem(path));
  p.nodes = r.required_integer("nodes", 1, kMaxNodes);

  const MapReader n = r.required_map("node", kNodeKeys);
  p.node.gpu = n.required_string("gpu");
  const hardware::GpuSpec* gpu = hardware::find_gpu(p.node.gpu);
  if (gpu == nullptr) {
    n.fail("gpu", "unknown GPU '" + p.node.gpu + "'",
           {"valid GPU ids (sim/hardware/catalog.cpp): " + join(hardware::gpu_ids())});
  }
  p.node.gpus_per_node = n.integer("gpus_per_node", 1, kMaxGpusPerNode).value_or(8);
  p.node.nics_per_node = n.integer("nics_per_node", 1, kMaxGpusPerNode).value_or(p.node.gpus_per_node);
  if (p.gpus() > kMaxGpus) {
    r.fail("nodes", str(p.nodes) + " nodes x " + str(p.node.gpus_per_node) +
                        " GPUs per node = " + str(p.gpus()) + " GPUs, more than the limit of " +
                        str(kMaxGpus) + " (docs/limits.md)");
  }
  p.node.nic_bandwidth_bytes_per_s = n.required_quantity("nic_bandwidth", Kind::kBandwidth, Sign::kPositive);
  p.node.nic_latency_s =
      n.quantity("nic_latency", Kind::kTime, Sign::kNonNegative).value_or(p.node.nic_latency_s);
  const double gpu_tdp_total_w = gpu->tdp_w * static_cast<double>(p.node.gpus_per_node);
  if (auto w = n.quantity("system_power", Kind::kPower, Sign::kPositive)) {
    if (*w < gpu_tdp_total_w) {
      n.fail("system_power", "node power " + units::format(*w, Kind::kPower) +
                                 " is less than its GPUs' TDP alone (" + str(p.node.gpus_per_node) + " x " +
                                 units::format(gpu->tdp_w, Kind::kPower) + ")");
    }
    p.node.system_power_w = *w;
  } else {
    p.node.system_power_w = gpu->default_node_power_w * static_cast<double>(p.node.gpus_per_node) / 8.0;
  }

  if (const std::optional<MapReader> f = r.map("fabric", kFabricKeys)) {
    const std::string topo = f->choice("topology", {"rail-fat-tree", "fat-tree"}).value_or("rail-fat-tree");
    p.fabric.topology = topo == "fat-tree" ? Topology::kFatTree : Topology::kRailFatTree;
    p.fabric.technology = f->choice("technology", {"infiniband", "roce", "ethernet"}).value_or("infiniband");
    p.fabric.gpus_per_leaf = f->integer("gpus_per_leaf", 0, kMaxGpus).value_or(0);
    p.fabric.gpus_per_pod = f->integer("gpus_per_pod", 0, kMaxGpus).value_or(0);
    if (f->has("oversubscription") && f->has("leaf_oversubscription")) {
      f->fail("oversubscription",
              "give either oversubscription or leaf_oversubscription (the same ratio), not both");
    }
    const std::string leaf_key = f->has("oversubscription") ? "oversubscription" : "leaf_oversubscription";
    p.fabric.leaf_oversubscription = f->number(leaf_key, 1.0, kMaxOversubscription).value_or(1.0);
    p.fabric.pod_oversubscription =
        f->number("pod_oversubscription", 1.0, kMaxOversubscription).value_or(1.0);
    p.fabric.switch_latency_s =
        f->quantity("switch_latency", Kind::kTime, Sign::kNonNegative).value_or(p.fabric.switch_latency_s);
    p.fabric.switch_radix = f->integer("switch_radix", 4, 1024).value_or(p.fabric.switch_radix);
    p.fabric.switch_power_w = f->quantity("switch_power", Kind::kPower, Sign::kNonNegative).value_or(0);

    const int64_t gpn = p.node.gpus_per_node;
    if (p.fabric.gpus_per_leaf > 0 && p.fabric.gpus_per_leaf % gpn != 0) {
      f->fail("gpus_per_leaf", "expected a multiple of node.gpus_per_node (" + str(gpn) + "), got " +
                                   str(p.fabric.gpus_per_leaf));
    }
    if (p.fabric.gpus_per_pod > 0 && p.fabric.gpus_per_pod % gpn != 0) {
      f->fail("gpus_per_pod", "expected a multiple of node.gpus_per_node (" + str(gpn) + "), got " +
                                  str(p.fabric.gpus_per_pod));
    }
    if (p.fabric.gpus_per_pod > 0 && p.fabric.gpus_per_leaf > 0 &&
        p.fabric.gpus_per_pod % p.fabric.gpus_per_leaf != 0) {
      f->fail("gpus_per_pod", "expected a multiple of gpus_per_leaf (" + str(p.fabric.gpus_per_leaf) +
                                  "), got " + str(p.fabric.gpus_per_pod));
    }
  }

  if (const std::optional<MapReader> s = r.map("storage", kStorageKeys)) {
    p.storage.bandwidth_bytes_per_s = s->required_quantity("bandwidth", Kind::kBandwidth, Sign::kPositive);
    p.storage.power_w = s->quantity("power", Kind::kPower, Sign::kNonNegative).value_or(0);
  }
  if (const std::optional<MapReader> fac = r.map("facility", kFacilityKeys)) {
    p.facility.pue = fac->number("pue", kMinPue, kMaxPue).value_or(p.facility.pue);
  }
  return p;
}

// Applies `--set` overrides to a parsed document. `platform_prefix_allowed`: a bare platform load
// also accepts "platform.x" keys (the scenario spelling).
void apply_overrides(Value& root, const std::vector<Override>& overrides, bool is_scenario) {
  const SourceLoc set_loc{"--set", 0, 0};
  for (const Override& o : overrides) {
    std::vector<std::string> path = split_key(o.key);
    Value v = parse_override_value(o.key, o.value);
    if (!is_scenario && path.size() > 1 && path[0] == "platform") path.erase(path.begin());
    if (is_scenario && path.size() > 1 && path[0] == "platform") {
      // "platform: path" becomes "platform: {file: path}" so that platform keys can be added.
      Value* pv = root.find("platform");
      if (pv != nullptr && pv->type == Value::Type::kScalar) {
        Value m;
        m.type = Value::Type::kMap;
        m.loc = pv->loc;
        m.base_dir = pv->base_dir;
        m.entries.push_back(Entry{"file", pv->loc, *pv});
        *pv = std::move(m);
      }
    }
    set_path(root, path, std::move(v), set_loc);
  }
}

// ------------------------------------------------------------------------------------- model

bool valid_preset_id(const std::string& id) {
  if (id.empty() || !(std::isalnum(static_cast<unsigned char>(id[0])) != 0)) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

// Reads the model dimensions present in `r` into `m`. With `complete`, the dimensions without a
// default are required.
void read_model_dims(const MapReader& r, ModelSpec& m, bool complete) {
  auto dim = [&](const std::string& key, int64_t& out, int64_t max = kMaxDim) {
    if (complete) {
      out = r.required_integer(key, 1, max);
    } else if (auto v = r.integer(key, 1, max)) {
      out = *v;
    }
  };
  dim("layers", m.layers, kMaxLayers);
  dim("hidden", m.hidden);
  dim("heads", m.heads);
  dim("vocab", m.vocab);
  dim("seq_len", m.seq_len);
  if (auto mlp = r.choice("mlp", {"gelu", "swiglu"})) m.mlp = *mlp == "swiglu" ? Mlp::kSwiglu : Mlp::kGelu;
  if (auto v = r.integer("kv_heads", 1, kMaxDim)) {
    m.kv_heads = *v;
  } else if (complete) {
    m.kv_heads = m.heads;  // multi-head attention
  }
  if (auto v = r.integer("ffn_hidden", 1, kMaxDim)) {
    m.ffn_hidden = *v;
  } else if (complete) {
    // GPT / Megatron convention; SwiGLU models use ~8/3 x hidden rounded, which has no single rule.
    if (m.mlp == Mlp::kSwiglu)
      r.require("ffn_hidden", "an integer: SwiGLU models have no default ffn_hidden");
    m.ffn_hidden = 4 * m.hidden;
  }
  if (auto v = r.boolean("tied_embeddings")) m.tied_embeddings = *v;
  if (auto v = r.number("dropout", 0.0, kMaxDropout)) m.dropout = *v;
}

struct ModelRead {
  ModelSpec spec;
  std::optional<ReadContext> preset_ctx;  // when a preset was used
  std::string preset_file;
};

// Fails at `key` of the model: in the scenario if it set the key, else in the preset file.
[[noreturn]] void fail_model(const ReadContext& sctx, const ModelRead& mr, const MapReader& m,
                             const std::string& key, const std::string& message,
                             std::vector<std::string> notes = {}) {
  if (m.has(key) || !mr.preset_ctx) m.fail(key, message, notes);
  notes.push_back("model preset '" + mr.spec.name + "' is used by scenario " + sctx.main_file());
  mr.preset_ctx->fail_at_key(key, message, notes);
}

// Where a model dimension came from, for notes: "heads: 128 (scenarios/models/x.yaml:6:8)".
std::string model_dim_note(const ReadContext& sctx, const ModelRead& mr, const MapReader& m,
                           const std::string& key, int64_t value) {
  const SourceLoc loc = (m.has(key) || !mr.preset_ctx) ? sctx.loc(m.dotted(key)) : mr.preset_ctx->loc(key);
  std::string src = mr.spec.name == "custom" ? "the model" : "model '" + mr.spec.name + "'";
  return src + " has " + key + " = " + str(value) + " (" + loc.str() + ")";
}

ModelRead parse_model(const MapReader& m) {
  ModelRead mr;
  if (auto preset = m.string("preset")) {
    if (!valid_preset_id(*preset)) {
      m.fail("preset",
             "expected a preset id (lowercase letters, digits, '-', '.', '_'), got '" + *preset + "'");
    }
    const std::string file = (fs::path(models_dir()) / (*preset + ".yaml")).string();
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      m.fail("preset", "unknown model preset '" + *preset + "'",
             {"valid presets (" + models_dir() + "): " + join(model_preset_ids())});
    }
    const std::string note = "model preset '" + *preset + "' named at " + m.loc("preset").str();
    with_note(note, [&] {
      Value root = load_yaml_file(file);
      mr.preset_ctx.emplace(file);
      const MapReader p(*mr.preset_ctx, root, "", kPresetKeys);
      p.required_string("source");  // every preset cites where its dimensions come from
      p.string("name");
      read_model_dims(p, mr.spec, true);
      return 0;
    });
    mr.preset_file = file;
    mr.spec.name = *preset;
    read_model_dims(m, mr.spec, false);
  } else {
    mr.spec.name = "custom";
    read_model_dims(m, mr.spec, true);
  }
  if (auto name = m.string("name")) mr.spec.name = *name;
  return mr;
}

// ---------------------------------------------------------------------------------- training

std::vector<Dim> parse_order(const MapReader& p) {
  std::vector<Dim> order = ParallelSpec{}.order;
  const auto text = p.string("order");
  if (!text) return order;
  const std::string expected =
      "a permutation of tp, cp, dp, pp joined by '-', innermost first (e.g. tp-cp-dp-pp)";
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dash = text->find('-', start);
    parts.push_back(text->substr(start, dash == std::string::npos ? std::string::npos : dash - start));
    if (dash == std::string::npos) break;
    start = dash + 1;
  }
  order.clear();
  std::set<std::string> seen;
  for (const std::string& part : parts) {
    Dim d;
    if (part == "tp") {
      d = Dim::kTp;
    } else if (part == "cp") {
      d = Dim::kCp;
    } else if (part == "dp") {
      d = Dim::kDp;
    } else if (part == "pp") {
      d = Dim::kPp;
    } else {
      p.fail("order", "expected " + expected + ", got '" + *text + "'");
    }
    if (!seen.insert(part).second)
      p.fail("order", "expected " + expected + ", got '" + *text + "' ('" + part + "' twice)");
    order.push_back(d);
  }
  if (order.size() != 4) p.fail("order", "expected " + expected + ", got '" + *text + "'");
  return order;
}

// training.batch_ramp: a list of {global_batch, tokens} phases run before the final global_batch.
std::vector<BatchPhase> parse_batch_ramp(const MapReader& t) {
  const std::string expected = "a list of maps {global_batch, tokens}";
  const Value& list = t.require("batch_ramp", expected);
  const std::string key = t.dotted("batch_ramp");
  ReadContext& ctx = t.context();
  ctx.record(key, list.loc, true);
  if (list.type != Value::Type::kSequence)
    t.fail("batch_ramp", "expected " + expected + ", got " + describe_value(list));
  if (list.items.empty()) t.fail("batch_ramp", "expected at least one phase, got an empty list");
  std::vector<BatchPhase> out;
  for (size_t i = 0; i < list.items.size(); ++i) {
    const MapReader ph(ctx, list.items[i], key + "[" + std::to_string(i) + "]", kBatchPhaseKeys);
    BatchPhase b;
    b.global_batch = ph.required_integer("global_batch", 1, kMaxDim);
    b.tokens = ph.required_quantity("tokens", Kind::kCount, Sign::kPositive);
    if (!out.empty() && b.global_batch <= out.back().global_batch)
      ph.fail("global_batch", "a ramp grows: " + std::to_string(b.global_batch) +
                                  " is not larger than the previous phase's " +
                                  std::to_string(out.back().global_batch));
    out.push_back(b);
  }
  return out;
}

void parse_training(const MapReader& t, int64_t gpus, TrainingSpec& tr) {
  tr.tokens = t.required_quantity("tokens", Kind::kCount, Sign::kPositive);
  tr.global_batch = t.required_integer("global_batch", 1, kMaxDim);
  if (t.has("batch_ramp")) tr.batch_ramp = parse_batch_ramp(t);
  tr.micro_batch = t.integer("micro_batch", 1, kMaxDim).value_or(1);
  tr.precision =
      t.choice("precision", {"bf16", "fp8"}).value_or("bf16") == "fp8" ? Precision::kFp8 : Precision::kBf16;
  const std::string rc = t.choice("recompute", {"none", "selective", "full"}).value_or("none");
  tr.recompute = rc == "full"        ? Recompute::kFull
                 : rc == "selective" ? Recompute::kSelective
                                     : Recompute::kNone;
  tr.flash_attention = t.choice("attention", {"flash", "standard"}).value_or("flash") == "flash";
  tr.grad_reduce_fp32 = t.choice("grad_reduce_dtype", {"fp32", "bf16"}).value_or("fp32") == "fp32";

  ParallelSpec& par = tr.parallelism;
  if (const std::optional<MapReader> p = t.map("parallelism", kParallelismKeys)) {
    par.tp = p->integer("tp", 1, kMaxGpus).value_or(1);
    par.pp = p->integer("pp", 1, kMaxGpus).value_or(1);
    par.cp = p->integer("cp", 1, kMaxGpus).value_or(1);
    par.vpp = p->integer("vpp", 1, kMaxLayers).value_or(1);
    par.zero = p->integer("zero", 0, 3).value_or(par.zero);
    par.sequence_parallel = p->boolean("sequence_parallel").value_or(par.sequence_parallel);
    par.order = parse_order(*p);
    if (par.vpp > 1 && par.pp == 1) {
      p->fail("vpp", "virtual pipeline stages (vpp = " + str(par.vpp) +
                         ") need pipeline parallelism (pp > 1), got pp = 1");
    }
    const int64_t tcp = mul_sat(mul_sat(par.tp, par.cp), par.pp);
    if (auto dp = p->integer("dp", 1, kMaxGpus)) {
      par.dp = *dp;
    } else if (gpus % tcp != 0) {
      p->fail("dp", "cannot derive dp: gpus (" + str(gpus) + ") is not divisible by tp*cp*pp (" +
                        str_sat(tcp) + ")");
    } else {
      par.dp = gpus / tcp;
    }
  } else {
    par.dp = gpus;
  }
  if (const std::optional<MapReader> o = t.map("overlap", kOverlapKeys)) {
    tr.overlap.tp_comm = o->boolean("tp_comm").value_or(tr.overlap.tp_comm);
    tr.overlap.tp_backward = o->boolean("tp_backward").value_or(tr.overlap.tp_backward);
    tr.overlap.grad_reduce = o->boolean("grad_reduce").value_or(tr.overlap.grad_reduce);
    tr.overlap.param_gather = o->boolean("param_gather").value_or(tr.overlap.param_gather);
  }
}

// A failure category id: it names a report key (job.failures_by_category), so identifier characters.
bool valid_category_name(const std::string& name) {
  if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// failures.categories (model: explicit): a non-empty list of {name, scope, rate} maps, rate in
// failures per component of the scope per time ("1.2e-4/h").
std::vector<FailureCategory> parse_failure_categories(const MapReader& f) {
  const std::string expected = "a list of maps {name, scope, rate}";
  const Value& list = f.require("categories", expected + " (model: explicit has no preset rates)");
  const std::string key = f.dotted("categories");
  ReadContext& ctx = f.context();
  ctx.record(key, list.loc, true);
  if (list.type != Value::Type::kSequence) {
    f.fail("categories", "expected " + expected + ", got " + describe_value(list));
  }
  if (list.items.empty()) f.fail("categories", "expected at least one category, got an empty list");
  std::vector<FailureCategory> out;
  std::vector<SourceLoc> name_locs;
  for (size_t i = 0; i < list.items.size(); ++i) {
    const MapReader c(ctx, list.items[i], key + "[" + std::to_string(i) + "]", kFailureCategoryKeys);
    FailureCategory cat;
    cat.name = c.required_string("name");
    if (!valid_category_name(cat.name)) {
      c.fail("name",
             "expected a category id (lowercase letters, digits, '_', '-', starting with a letter), got '" +
                 cat.name + "'");
    }
    for (size_t j = 0; j < out.size(); ++j) {
      if (out[j].name != cat.name) continue;
      const std::string where =
          name_locs[j].line > 0 ? " (first at line " + std::to_string(name_locs[j].line) + ")" : "";
      c.fail("name", "duplicate category name '" + cat.name + "'" + where);
    }
    c.require("scope", "one of gpu | node | switch | job");
    const std::string scope = *c.choice("scope", {"gpu", "node", "switch", "job"});
    cat.scope = scope == "gpu"      ? FailureScope::kGpu
                : scope == "node"   ? FailureScope::kNode
                : scope == "switch" ? FailureScope::kSwitch
                                    : FailureScope::kJob;
    cat.rate_per_component_s = c.required_quantity("rate", Kind::kRate, Sign::kPositive);
    name_locs.push_back(c.loc("name"));
    out.push_back(std::move(cat));
  }
  return out;
}

void parse_failures(const MapReader& f, FailureSpec& fl) {
  f.require("model", "one of llama3 | meta-rsc | none | explicit");
  fl.model = *f.choice("model", {"llama3", "meta-rsc", "none", "explicit"});
  if (fl.model == "explicit") {
    fl.categories = parse_failure_categories(f);
  } else if (f.has("categories")) {
    f.fail("categories", "categories are read only with model: explicit (model is '" + fl.model + "')",
           {"model '" + fl.model + "' brings its own categories; docs/models/failures.md lists them"});
  }
  fl.rate_scale = f.number("rate_scale", 0.0, 1e6).value_or(1.0);
  fl.job_mtbf_s = f.quantity("job_mtbf", Kind::kTime, Sign::kPositive).value_or(0);
  if (fl.job_mtbf_s > 0 && fl.model == "none") {
    f.fail("job_mtbf", "model none has no failure categories to rescale",
           {"job_mtbf keeps the model's category proportions and fixes their total; for a single process "
            "use model: explicit with one category, e.g. {name: node, scope: node, rate: 1/d}"});
  }
  if (fl.job_mtbf_s > 0 && fl.rate_scale != 1.0) {
    f.fail("rate_scale", "give either rate_scale or job_mtbf, not both: job_mtbf fixes the job's MTBF");
  }
  const std::string dist = f.choice("distribution", {"exponential", "weibull"}).value_or("exponential");
  fl.distribution = dist == "weibull" ? InterArrival::kWeibull : InterArrival::kExponential;
  if (f.has("weibull_shape") && fl.distribution != InterArrival::kWeibull) {
    f.fail("weibull_shape",
           "weibull_shape applies only with distribution: weibull (distribution is " + dist + ")");
  }
  fl.weibull_shape = f.number("weibull_shape", kMinWeibullShape, kMaxWeibullShape).value_or(fl.weibull_shape);
  fl.detection_s = f.quantity("detection", Kind::kTime, Sign::kNonNegative).value_or(fl.detection_s);
  fl.restart_s = f.quantity("restart", Kind::kTime, Sign::kNonNegative).value_or(fl.restart_s);
  fl.repair_s = f.quantity("repair", Kind::kTime, Sign::kNonNegative).value_or(fl.repair_s);
  fl.spare_nodes = f.integer("spare_nodes", 0, kMaxNodes).value_or(0);

  fl.planned_maintenance = f.boolean("planned_maintenance").value_or(fl.planned_maintenance);
  fl.maintenance_interval_s = f.quantity("maintenance_interval", Kind::kTime, Sign::kPositive).value_or(0);
  fl.maintenance_duration_s = f.quantity("maintenance_duration", Kind::kTime, Sign::kNonNegative).value_or(0);
  for (const char* k : {"maintenance_interval", "maintenance_duration"}) {
    if (!fl.planned_maintenance && f.has(k)) {
      f.fail(k, std::string(k) + " is set but planned_maintenance is false");
    }
  }
  const bool has_preset = std::find(kMaintenancePresets.begin(), kMaintenancePresets.end(), fl.model) !=
                          kMaintenancePresets.end();
  const bool asked =
      f.has("maintenance_duration") || (f.has("planned_maintenance") && fl.planned_maintenance);
  if (asked && !has_preset && fl.maintenance_interval_s == 0) {
    f.fail(f.has("maintenance_duration") ? "maintenance_duration" : "planned_maintenance",
           "planned maintenance needs failures.maintenance_interval: model '" + fl.model +
               "' has no planned-maintenance preset",
           {"presets with planned maintenance: " + join(kMaintenancePresets)});
  }
}

// A fraction in [0, max]: a plain number or a percentage ("0.015", "1.5%").
std::optional<double> fraction(const MapReader& m, const std::string& key, double max) {
  const std::optional<double> x = m.quantity(key, Kind::kFraction, Sign::kNonNegative);
  if (x && *x > max) {
    m.fail(key, "expected a fraction in [0, " + units::format(max, Kind::kCount) +
                    "] (a plain number or a percentage, e.g. 0.015 or 1.5%), got " + m.find(key)->scalar);
  }
  return x;
}

// An energy key that is either a constant or the path of an hourly CSV profile (a value ending in
// ".csv", resolved against the file that names it). Returns the profile, or nullopt for a constant.
std::optional<HourlyProfile> energy_profile(const MapReader& e, const std::string& key,
                                            const std::vector<std::pair<std::string, double>>& columns,
                                            double min_si, double max_si) {
  const Value* v = e.find(key);
  if (v == nullptr || v->type != Value::Type::kScalar) return std::nullopt;
  const std::string& text = v->scalar;
  const std::string ext = ".csv";
  if (text.size() <= ext.size() || text.compare(text.size() - ext.size(), ext.size(), ext) != 0)
    return std::nullopt;
  e.string(key);  // records its position
  const std::string path = resolve_path(v->base_dir, text);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    e.fail(key, "hourly profile not found: " + path,
           {"a relative path resolves against the directory of the file that names it"});
  }
  const std::string note = "hourly profile named by " + e.dotted(key) + " at " + e.loc(key).str();
  return with_note(note,
                   [&] { return energy::read_hourly_csv(path, e.dotted(key), columns, min_si, max_si); });
}

void parse_energy(const MapReader& e, EnergySpec& en) {
  constexpr double kJPerKwh = 3.6e6;
  const std::string csv_note =
      "or the path of an hourly CSV profile ending in .csv (docs/inputs/scenario.md)";
  if (auto profile = energy_profile(e, "pue", {{"pue", 1.0}}, kMinPue, kMaxPue)) {
    en.pue_profile = std::move(*profile);
    en.pue = energy::mean_over(en.pue_profile, 0, 3600.0 * static_cast<double>(en.pue_profile.values.size()));
  } else {
    en.pue = with_note(csv_note, [&] { return e.number("pue", kMinPue, kMaxPue).value_or(0); });
  }
  if (auto profile = energy_profile(e, "carbon_intensity",
                                    {{"kg_per_kwh", 1 / kJPerKwh}, {"g_per_kwh", 1e-3 / kJPerKwh}}, 0,
                                    std::numeric_limits<double>::infinity())) {
    en.carbon_intensity_profile = std::move(*profile);
    const double period_s = 3600.0 * static_cast<double>(en.carbon_intensity_profile.values.size());
    en.carbon_intensity_kg_per_j = energy::mean_over(en.carbon_intensity_profile, 0, period_s);
  } else {
    en.carbon_intensity_kg_per_j = with_note(csv_note, [&] {
      return e.quantity("carbon_intensity", Kind::kCarbonIntensity, Sign::kNonNegative).value_or(0);
    });
  }
  en.price_usd_per_j = e.quantity("price", Kind::kPrice, Sign::kNonNegative).value_or(0);
  en.embodied_carbon_per_gpu_kg =
      e.quantity("embodied_carbon_per_gpu", Kind::kMass, Sign::kNonNegative).value_or(0);
  en.embodied_lifetime_s = e.quantity("embodied_lifetime", Kind::kTime, Sign::kPositive).value_or(0);
  if (e.has("embodied_carbon_per_gpu") && !e.has("embodied_lifetime")) {
    e.fail("embodied_carbon_per_gpu",
           "needs energy.embodied_lifetime: the GPUs' service life over which their embodied carbon is "
           "amortised (e.g. 5y)");
  }
  if (e.has("embodied_lifetime") && !e.has("embodied_carbon_per_gpu")) {
    e.fail("embodied_lifetime", "embodied_lifetime applies only with energy.embodied_carbon_per_gpu");
  }
}

// cost.*: capex of the hardware the job holds (docs/models/efficiency.md). Every key is optional, but
// a price needs a service life to be amortised over, and the other two keys need a price.
void parse_cost(const MapReader& c, CostSpec& cost) {
  cost.gpu_price_usd = c.quantity("gpu_price", Kind::kMoney, Sign::kPositive).value_or(0);
  cost.datacenter_share = fraction(c, "datacenter_share", kMaxDatacenterShare).value_or(0);
  cost.depreciation_s = c.quantity("depreciation", Kind::kTime, Sign::kPositive).value_or(0);
  if (c.has("gpu_price") && !c.has("depreciation")) {
    c.fail("gpu_price",
           "needs cost.depreciation: the service life over which the hardware is amortised (e.g. 4y)");
  }
  for (const char* key : {"datacenter_share", "depreciation"}) {
    if (c.has(key) && !c.has("gpu_price")) {
      c.fail(key, std::string(key) + " applies only with cost.gpu_price (the capex it scales or amortises)");
    }
  }
}

void parse_job_sections(const MapReader& r, ScenarioSpec& sc) {
  if (const std::optional<MapReader> c = r.map("checkpoint", kCheckpointKeys)) {
    CheckpointSpec& ck = sc.checkpoint;
    if (c->has("interval") && c->has("steps")) {
      c->fail("steps", "give either checkpoint.interval or checkpoint.steps, not both");
    }
    const Value* iv = c->find("interval");
    if (iv != nullptr && iv->type == Value::Type::kScalar && iv->scalar == "auto") {
      c->string("interval");  // records its position
      ck.mode = CheckpointSpec::Mode::kAuto;
    } else if (c->has("interval")) {
      ck.mode = CheckpointSpec::Mode::kInterval;
      ck.interval_s = *c->quantity("interval", Kind::kTime, Sign::kPositive);
    } else if (auto steps = c->integer("steps", 1, std::numeric_limits<int64_t>::max())) {
      ck.mode = CheckpointSpec::Mode::kSteps;
      ck.interval_steps = *steps;
    }
    ck.storage_bandwidth_bytes_per_s =
        c->quantity("storage_bandwidth", Kind::kBandwidth, Sign::kPositive).value_or(0);
    ck.save_time_s = c->quantity("save_time", Kind::kTime, Sign::kPositive).value_or(0);
    ck.async = c->boolean("async").value_or(false);
    if (c->has("async_stall") && !ck.async) {
      c->fail("async_stall",
              "async_stall applies only with async: true (a blocking save stalls for the whole save)");
    }
    ck.async_stall_s = c->quantity("async_stall", Kind::kTime, Sign::kPositive).value_or(0);
    ck.node_bandwidth_bytes_per_s =
        c->quantity("node_bandwidth", Kind::kBandwidth, Sign::kPositive).value_or(0);
  } else {
    sc.checkpoint.interval_s = kDefaultCheckpointIntervalS;
  }

  if (const std::optional<MapReader> f = r.map("failures", kFailureKeys)) parse_failures(*f, sc.failures);

  if (const std::optional<MapReader> d = r.map("drift", kDriftKeys)) {
    sc.drift.diurnal_amplitude = fraction(*d, "diurnal_amplitude", kMaxDiurnalAmplitude).value_or(0);
  }

  if (const std::optional<MapReader> e = r.map("energy", kEnergyKeys)) parse_energy(*e, sc.energy);

  if (const std::optional<MapReader> c = r.map("cost", kCostKeys)) parse_cost(*c, sc.cost);

  if (const std::optional<MapReader> s = r.map("simulation", kSimulationKeys)) {
    sc.simulation.seed =
        static_cast<uint64_t>(s->integer("seed", 0, std::numeric_limits<int64_t>::max()).value_or(1));
    sc.simulation.replications = s->integer("replications", 1, kMaxReplications).value_or(1);
    sc.simulation.max_wall_time_s =
        s->quantity("max_wall_time", units::Kind::kTime, Sign::kPositive).value_or(0);
  }
}

// --------------------------------------------------------------------------- cross-file rules

void validate_scenario(const ReadContext& sctx, const ReadContext& pctx, const MapReader& m,
                       const ModelRead& mr, ScenarioSpec& sc) {
  const PlatformSpec& pf = sc.platform;
  const ModelSpec& md = sc.model;
  const ParallelSpec& par = sc.training.parallelism;
  const hardware::GpuSpec& gpu = *hardware::find_gpu(pf.node.gpu);
  const int64_t gpn = pf.node.gpus_per_node;
  const std::string platform_note = "platform '" + pf.name + "' (" + pf.loc.file + ") has " + str(pf.gpus()) +
                                    " GPUs (" + str(pf.nodes) + " nodes x " + str(gpn) + ")";
  const std::string gpn_note = "platform '" + pf.name + "' has gpus_per_node = " + str(gpn) + " (" +
                               pctx.loc("node.gpus_per_node").str() + ")";
  const std::string par_key = "training.parallelism";

  // --- model alone
  if (md.kv_heads > md.heads) {
    fail_model(sctx, mr, m, "kv_heads",
               "kv_heads (" + str(md.kv_heads) + ") exceeds heads (" + str(md.heads) + ")");
  }
  if (md.heads % md.kv_heads != 0) {
    fail_model(sctx, mr, m, "kv_heads",
               "heads (" + str(md.heads) + ") is not divisible by kv_heads (" + str(md.kv_heads) +
                   "): every KV head must serve the same number of query heads");
  }
  if (md.hidden % md.heads != 0) {
    fail_model(sctx, mr, m, m.has("heads") ? "heads" : "hidden",
               "hidden (" + str(md.hidden) + ") is not divisible by heads (" + str(md.heads) + ")");
  }

  // --- job size vs platform
  if (sc.gpus > pf.gpus()) {
    sctx.fail_at_key("gpus", str(sc.gpus) + " GPUs requested, more than the platform has", {platform_note});
  }
  if (sc.gpus % gpn != 0) {
    sctx.fail_at_key("gpus",
                     str(sc.gpus) + " is not a multiple of gpus_per_node (" + str(gpn) +
                         "): jobs are allocated whole nodes",
                     {gpn_note});
  }

  // --- parallel layout
  const int64_t product = mul_sat(mul_sat(mul_sat(par.tp, par.cp), par.pp), par.dp);
  if (product != sc.gpus) {
    sctx.fail_at_key(par_key,
                     "tp*cp*pp*dp = " + str(par.tp) + "*" + str(par.cp) + "*" + str(par.pp) + "*" +
                         str(par.dp) + " = " + str_sat(product) + ", but gpus = " + str(sc.gpus),
                     {"gpus is set at " + sctx.loc("gpus").str()});
  }
  const std::string tp_key = par_key + ".tp";
  if (par.tp > gpn) {
    sctx.fail_at_key(tp_key,
                     str(par.tp) + " exceeds gpus_per_node (" + str(gpn) + ") of platform '" + pf.name +
                         "': tensor parallelism must stay inside one NVLink domain",
                     {gpn_note});
  }
  if (gpn % par.tp != 0) {
    sctx.fail_at_key(tp_key,
                     "gpus_per_node (" + str(gpn) + ") of platform '" + pf.name +
                         "' is not divisible by tp (" + str(par.tp) + ")",
                     {gpn_note});
  }
  if (md.heads % par.tp != 0) {
    sctx.fail_at_key(
        tp_key, "the model's heads (" + str(md.heads) + ") are not divisible by tp (" + str(par.tp) + ")",
        {model_dim_note(sctx, mr, m, "heads", md.heads)});
  }
  if (md.kv_heads % par.tp != 0 && par.tp % md.kv_heads != 0) {
    sctx.fail_at_key(tp_key,
                     "kv_heads (" + str(md.kv_heads) + ") and tp (" + str(par.tp) +
                         ") must divide one another (KV heads are split across tp ranks, or replicated)",
                     {model_dim_note(sctx, mr, m, "kv_heads", md.kv_heads)});
  }
  if (md.ffn_hidden % par.tp != 0) {
    sctx.fail_at_key(
        tp_key,
        "the model's ffn_hidden (" + str(md.ffn_hidden) + ") is not divisible by tp (" + str(par.tp) + ")",
        {model_dim_note(sctx, mr, m, "ffn_hidden", md.ffn_hidden)});
  }
  // Uneven stages are allowed: the workload gives the end stages one layer fewer, as Llama 3 does
  // (126 layers on pp = 16; workload/model.hpp). Every model chunk needs at least one layer.
  if (md.layers < par.pp * par.vpp) {
    const bool vpp = par.vpp > 1;
    sctx.fail_at_key(
        par_key + (vpp ? ".vpp" : ".pp"),
        "the model's layers (" + str(md.layers) + ") are fewer than " +
            (vpp ? "pp*vpp (" + str(par.pp) + "*" + str(par.vpp) + " = " + str(par.pp * par.vpp) + ")"
                 : "pp (" + str(par.pp) + ")") +
            ": every pipeline " + (vpp ? "model chunk" : "stage") + " needs at least one layer",
        {model_dim_note(sctx, mr, m, "layers", md.layers)});
  }
  const int64_t dp_mb = par.dp * sc.training.micro_batch;
  double ramp_tokens = 0;
  for (size_t i = 0; i < sc.training.batch_ramp.size(); ++i) {
    const BatchPhase& b = sc.training.batch_ramp[i];
    const std::string k = "training.batch_ramp[" + std::to_string(i) + "].global_batch";
    if (b.global_batch % dp_mb != 0)
      sctx.fail_at_key(k, str(b.global_batch) + " is not divisible by dp*micro_batch (" + str(dp_mb) + ")");
    if (b.global_batch >= sc.training.global_batch)
      sctx.fail_at_key(k, str(b.global_batch) + " is not smaller than the final training.global_batch (" +
                              str(sc.training.global_batch) + ")");
    ramp_tokens += b.tokens;
  }
  if (ramp_tokens >= sc.training.tokens && !sc.training.batch_ramp.empty())
    sctx.fail_at_key("training.batch_ramp",
                     "the ramp's tokens reach the whole budget training.tokens: nothing is left for the "
                     "final global_batch");
  // The job simulation's cost grows with the run's length and its step counts are int64_t: bound
  // the number of steps (ramp phases included) before anything is simulated.
  {
    const double seq = static_cast<double>(md.seq_len);
    double steps = (sc.training.tokens - ramp_tokens) / (static_cast<double>(sc.training.global_batch) * seq);
    for (const BatchPhase& b : sc.training.batch_ramp)
      steps += b.tokens / (static_cast<double>(b.global_batch) * seq);
    if (!(steps <= static_cast<double>(kMaxSteps))) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.3g", steps);
      sctx.fail_at_key("training.tokens",
                       "the run would take " + std::string(buf) +
                           " steps (tokens / (global_batch x seq_len)), more than the limit of " +
                           str(kMaxSteps) + " (docs/limits.md)",
                       {"Llama 3 405B took about 1,000,000 steps (15.6T tokens at 16M tokens per step)"});
    }
  }
  if (sc.training.global_batch % dp_mb != 0) {
    sctx.fail_at_key("training.global_batch",
                     str(sc.training.global_batch) + " is not divisible by dp*micro_batch (" + str(par.dp) +
                         "*" + str(sc.training.micro_batch) + " = " + str(dp_mb) + ")",
                     {"every data-parallel rank runs the same whole number of micro-batches per step"});
  }
  // Megatron's interleaved schedule runs micro-batches in groups of pp (schedules.py asserts it).
  if (par.vpp > 1) {
    auto check_groups = [&](int64_t global_batch, const std::string& key) {
      const int64_t m = global_batch / dp_mb;
      if (m % par.pp != 0)
        sctx.fail_at_key(key, str(global_batch) + " gives " + str(m) +
                                  " micro-batches per pipeline, not a multiple of pp (" + str(par.pp) +
                                  ") as the interleaved schedule (vpp " + str(par.vpp) + ") needs");
    };
    check_groups(sc.training.global_batch, "training.global_batch");
    for (size_t i = 0; i < sc.training.batch_ramp.size(); ++i)
      check_groups(sc.training.batch_ramp[i].global_batch,
                   "training.batch_ramp[" + std::to_string(i) + "].global_batch");
  }
  if (par.cp > 1) {
    const std::string cp_key = par_key + ".cp";
    if (md.seq_len % (2 * par.cp) != 0) {
      sctx.fail_at_key(cp_key,
                       "the model's seq_len (" + str(md.seq_len) + ") is not divisible by 2*cp (" +
                           str(2 * par.cp) +
                           "): load-balanced context parallelism splits the sequence "
                           "into 2*cp chunks",
                       {model_dim_note(sctx, mr, m, "seq_len", md.seq_len)});
    }
  }
  if (sc.training.precision == Precision::kFp8 && gpu.fp8_flop_per_s <= 0) {
    sctx.fail_at_key(
        "training.precision", "fp8 needs a GPU with FP8 tensor cores; '" + gpu.id + "' has none",
        {"platform '" + pf.name + "' uses node.gpu = " + gpu.id + " (" + pctx.loc("node.gpu").str() + ")"});
  }

  // --- job level
  const int64_t job_nodes = sc.gpus / gpn;
  if (job_nodes + sc.failures.spare_nodes > pf.nodes) {
    sctx.fail_at_key("failures.spare_nodes",
                     str(sc.failures.spare_nodes) + " spare nodes plus the job's " + str(job_nodes) +
                         " nodes exceed the platform's " + str(pf.nodes),
                     {platform_note});
  }
  if (sc.checkpoint.storage_bandwidth_bytes_per_s == 0) {
    sc.checkpoint.storage_bandwidth_bytes_per_s = pf.storage.bandwidth_bytes_per_s;
  }
  if (sc.checkpoint.storage_bandwidth_bytes_per_s == 0 && sc.checkpoint.save_time_s == 0) {
    sctx.fail_at_key(
        "checkpoint",
        "no checkpoint storage bandwidth: platform '" + pf.name +
            "' has no storage.bandwidth; set checkpoint.storage_bandwidth or checkpoint.save_time");
  }
  if (sc.energy.pue == 0) sc.energy.pue = pf.facility.pue;
}

void check_override_key(const Override& o) {
  if (o.key.empty()) throw ConfigError(format_error("--set", "", "expected KEY=VALUE, got an empty key"));
  for (const std::string& part : split_key(o.key)) {
    const bool ok = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
    });
    if (!ok) {
      throw ConfigError(
          format_error("--set", o.key, "expected a dotted key of names (e.g. training.parallelism.tp)"));
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------- public API

Override parse_override(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos) {
    throw ConfigError(format_error("--set", "", "expected KEY=VALUE, got '" + text + "'"));
  }
  Override o{text.substr(0, eq), text.substr(eq + 1)};
  check_override_key(o);
  return o;
}

FileKind detect_kind(const std::string& path) {
  const Value root = load_yaml_file(path);
  if (root.find("model") != nullptr || root.find("training") != nullptr) return FileKind::kScenario;
  if (root.find("node") != nullptr) return FileKind::kPlatform;
  if (root.find("base") != nullptr) return FileKind::kSweep;
  std::vector<std::string> keys;
  for (const Entry& e : root.entries) keys.push_back(e.key);
  throw ConfigError(format_error(
      path, "",
      "cannot tell whether this is a platform (has 'node'), a scenario (has 'model' or 'training') or a "
      "sweep (has 'base')"
      "\nnote: top-level keys: " +
          join(keys)));
}

namespace {

PlatformSpec load_platform_root(Value root, const std::string& path, const std::vector<Override>& overrides) {
  for (const Override& o : overrides) check_override_key(o);
  apply_overrides(root, overrides, false);
  ReadContext ctx(path);
  return parse_platform(ctx, root, path);
}

ScenarioSpec load_scenario_root(Value root, const std::string& path, const std::vector<Override>& overrides) {
  for (const Override& o : overrides) check_override_key(o);
  apply_overrides(root, overrides, true);

  ReadContext ctx(path);
  const MapReader r(ctx, root, "", kScenarioKeys);
  ScenarioSpec sc;
  sc.loc = SourceLoc{path, 0, 0};
  sc.name = r.string("name").value_or(file_stem(path));

  // --- platform: a path, or {file: PATH, <platform keys merged over the file's>}
  const std::string platform_expected =
      "a path to a platform file, or a map {file: PATH, <platform keys to override>}";
  const Value& pv = r.require("platform", platform_expected);
  const Value* file_value = &pv;
  Value overlay;
  overlay.type = Value::Type::kMap;
  if (pv.type == Value::Type::kMap) {
    const MapReader pr = *r.map("platform", kPlatformRefKeys);
    pr.required_string("file");
    file_value = pr.find("file");
    for (const Entry& e : pv.entries) {
      if (e.key != "file") overlay.entries.push_back(e);
    }
  } else {
    r.string("platform");  // type check (scalar, non-empty) and position record
  }
  const std::string platform_key = pv.type == Value::Type::kMap ? "platform.file" : "platform";
  if (file_value->type != Value::Type::kScalar) {
    ctx.fail(file_value->loc, platform_key,
             "expected " + platform_expected + ", got " + describe_value(*file_value));
  }
  const std::string platform_path = resolve_path(file_value->base_dir, file_value->scalar);
  std::error_code ec;
  if (!fs::exists(platform_path, ec)) {
    ctx.fail(file_value->loc, platform_key, "platform file not found: '" + platform_path + "'",
             {"relative paths resolve against the directory of the file that names them"});
  }
  ReadContext pctx(platform_path, "platform.");
  sc.platform = with_note("platform of scenario " + path + " (named at " + file_value->loc.str() + ")", [&] {
    Value proot = load_yaml_file(platform_path);
    merge_maps(proot, overlay);
    return parse_platform(pctx, proot, platform_path);
  });

  // --- job size, model, training and job-level sections
  sc.gpus = r.required_integer("gpus", 1, kMaxGpus);
  const MapReader m = r.required_map("model", kModelKeys);
  const ModelRead mr = parse_model(m);
  sc.model = mr.spec;
  parse_training(r.required_map("training", kTrainingKeys), sc.gpus, sc.training);
  parse_job_sections(r, sc);

  validate_scenario(ctx, pctx, m, mr, sc);
  return sc;
}

}  // namespace

std::vector<InputKey> input_keys() {
  // Each map of each file: its dotted path and the schema table the loader reads it with. A new
  // sub-map needs a line here; a new key in an existing table is listed automatically.
  struct Section {
    const char* file;
    const char* path;
    const std::vector<std::string>* keys;
  };
  static const Section kSections[] = {
      {"platform", "", &kPlatformKeys},
      {"platform", "node", &kNodeKeys},
      {"platform", "fabric", &kFabricKeys},
      {"platform", "storage", &kStorageKeys},
      {"platform", "facility", &kFacilityKeys},
      {"scenario", "", &kScenarioKeys},
      {"scenario", "platform", &kPlatformRefKeys},
      {"scenario", "model", &kModelKeys},
      {"scenario", "training", &kTrainingKeys},
      {"scenario", "training.batch_ramp[]", &kBatchPhaseKeys},
      {"scenario", "training.parallelism", &kParallelismKeys},
      {"scenario", "training.overlap", &kOverlapKeys},
      {"scenario", "checkpoint", &kCheckpointKeys},
      {"scenario", "failures", &kFailureKeys},
      {"scenario", "failures.categories[]", &kFailureCategoryKeys},
      {"scenario", "drift", &kDriftKeys},
      {"scenario", "energy", &kEnergyKeys},
      {"scenario", "simulation", &kSimulationKeys},
      {"scenario", "cost", &kCostKeys},
      {"model_preset", "", &kPresetKeys},
  };
  std::vector<InputKey> out;
  for (const Section& sec : kSections) {
    const std::string prefix = std::string(sec.path).empty() ? "" : std::string(sec.path) + ".";
    for (const std::string& k : *sec.keys) {
      if (std::string(sec.file) == "scenario" && std::string(sec.path) == "platform" && k != "file")
        continue;  // the platform keys themselves
      out.push_back({sec.file, prefix + k});
    }
  }
  return out;
}

PlatformSpec load_platform(const std::string& path, const std::vector<Override>& overrides) {
  return load_platform_root(load_yaml_file(path), path, overrides);
}

PlatformSpec load_platform_text(const std::string& text, const std::string& path,
                                const std::vector<Override>& overrides) {
  return load_platform_root(load_yaml_text(text, path), path, overrides);
}

ScenarioSpec load_scenario(const std::string& path, const std::vector<Override>& overrides) {
  return load_scenario_root(load_yaml_file(path), path, overrides);
}

ScenarioSpec load_scenario_text(const std::string& text, const std::string& path,
                                const std::vector<Override>& overrides) {
  return load_scenario_root(load_yaml_text(text, path), path, overrides);
}

std::string models_dir() {
  const char* data_dir = std::getenv("TRAINSIM_DATA_DIR");
  if (data_dir != nullptr && *data_dir != '\0') return (fs::path(data_dir) / "models").string();
#ifdef TRAINSIM_SOURCE_DIR
  return TRAINSIM_SOURCE_DIR "/scenarios/models";
#else
  return "scenarios/models";
#endif
}

std::vector<std::string> model_preset_ids() {
  std::vector<std::string> ids;
  std::error_code ec;
  for (fs::directory_iterator it(models_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".yaml" && it->is_regular_file(ec))
      ids.push_back(it->path().stem().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace trainsim::config
