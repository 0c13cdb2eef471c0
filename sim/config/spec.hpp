// Validated input of trainsim: the plain structs that config/ produces from platform and scenario
// YAML files and that every later stage consumes. No YAML, no SimGrid here.
//
// Every dimensioned field is a double in SI base units with the unit in its name
// (bytes, s, bytes_per_s, flop_per_s, w, j, kg_per_j, usd_per_j). Counts are int64_t.
// A loaded spec is complete: defaults are filled in and cross-file rules are checked
// (see config/loader.hpp), so consumers never re-validate.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace trainsim::config {

// Where a value came from, for error messages of later stages ("file:line:col").
struct SourceLoc {
  std::string file;         // path as given by the user, or "--set"
  int line = 0;             // 1-based; 0 = unknown
  int col = 0;              // 1-based
  std::string str() const;  // "file:line:col" (or "file" when line is 0)
};

// ---------------------------------------------------------------- platform
enum class Topology { kRailFatTree, kFatTree };

struct NodeSpec {
  std::string gpu;  // hardware catalog id, e.g. "h100-sxm-80gb"
  int64_t gpus_per_node = 8;
  int64_t nics_per_node = 8;
  double nic_bandwidth_bytes_per_s = 0;  // per NIC, one direction
  double nic_latency_s = 1e-6;           // NIC + first hop, one way
  double system_power_w = 0;             // whole node at full load (vendor max); 0 = catalog default
};

// A three-tier Clos: nodes -> leaf (ToR / rail group) -> spine inside a pod -> core across pods.
//   leaf_oversubscription: downlink:uplink capacity ratio at the leaves (1 = non-blocking).
//   pod_oversubscription:  ratio at the pod's uplinks to the core (Meta Llama 3: 7).
struct FabricSpec {
  Topology topology = Topology::kRailFatTree;
  std::string technology = "infiniband";  // infiniband | roce | ethernet (documentation, latency)
  int64_t gpus_per_leaf = 0;              // 0 = one leaf group per scalable unit (see docs)
  int64_t gpus_per_pod = 0;               // 0 = the whole platform is one pod
  double leaf_oversubscription = 1.0;
  double pod_oversubscription = 1.0;
  double switch_latency_s = 1e-6;  // per switch hop, one way
  int64_t switch_radix = 64;  // ports per switch (Quantum-2 NDR: 64 x 400G; Spectrum-4 SN5600: 64 x 800G)
  double switch_power_w = 0;  // per switch; 0 = switches not counted in IT power
};

struct StorageSpec {
  double bandwidth_bytes_per_s = 0;  // aggregate checkpoint write bandwidth
  double power_w = 0;                // the storage system's power; 0 = not counted in IT power
};

struct FacilitySpec {
  double pue = 1.1;
};

struct PlatformSpec {
  std::string name;
  SourceLoc loc;  // the platform file
  int64_t nodes = 0;
  NodeSpec node;
  FabricSpec fabric;
  StorageSpec storage;
  FacilitySpec facility;
  int64_t gpus() const { return nodes * node.gpus_per_node; }
};

// ---------------------------------------------------------------- workload
enum class Mlp { kGelu, kSwiglu };
enum class Precision { kBf16, kFp8 };
enum class Recompute { kNone, kSelective, kFull };

struct ModelSpec {
  std::string name;  // preset id or "custom"
  int64_t layers = 0;
  int64_t hidden = 0;
  int64_t ffn_hidden = 0;
  int64_t heads = 0;
  int64_t kv_heads = 0;  // = heads for multi-head attention
  int64_t vocab = 0;
  int64_t seq_len = 0;
  Mlp mlp = Mlp::kGelu;
  bool tied_embeddings = false;
  double dropout = 0.0;  // hidden and attention dropout probability (GPT-3/Megatron: 0.1; Llama: 0)
  int64_t head_dim() const { return hidden / heads; }
};

// Rank order, innermost first, as Megatron's `--order`/Llama 3's [TP, CP, PP, DP].
enum class Dim { kTp, kCp, kPp, kDp };

struct ParallelSpec {
  int64_t tp = 1, pp = 1, dp = 1, cp = 1;
  int64_t vpp = 1;   // virtual stages (model chunks) per pipeline rank
  int64_t zero = 1;  // 0: replicated; 1: optimizer sharded; 2: + grads; 3: + params (FSDP)
  bool sequence_parallel = true;
  std::vector<Dim> order = {Dim::kTp, Dim::kCp, Dim::kDp, Dim::kPp};  // Megatron default tp-cp-dp-pp
};

struct OverlapSpec {
  bool tp_comm = false;  // Megatron --tp-comm-overlap
  // Backward TP collectives of the column-parallel layers (QKV, MLP up) issued asynchronously
  // behind their data- and weight-gradient GEMMs, as Megatron-LM's
  // LinearWithGradAccumulationAndAsyncCommunication (2021-09 without, 2022-07 with sequence
  // parallelism) and Transformer Engine's Linear modules do.
  bool tp_backward = false;
  bool grad_reduce = true;   // --overlap-grad-reduce
  bool param_gather = true;  // --overlap-param-gather
};

// One phase of a batch-size ramp: `tokens` trained at `global_batch` sequences per step before
// the next phase (Llama 3 §3.4.1: 4M tokens per batch, then 8M after 252M tokens, then 16M after
// 2.87T).
struct BatchPhase {
  int64_t global_batch = 0;
  double tokens = 0;
};

struct TrainingSpec {
  double tokens = 0;                   // training budget, tokens (ramp phases included)
  std::vector<BatchPhase> batch_ramp;  // phases before the final global_batch, in order
  int64_t global_batch = 0;            // sequences per step
  int64_t micro_batch = 1;             // sequences per micro-batch
  Precision precision = Precision::kBf16;
  ParallelSpec parallelism;
  Recompute recompute = Recompute::kNone;
  bool flash_attention = true;  // attention: flash | standard (materialised score matrix, pre-2022 Megatron)
  OverlapSpec overlap;
  bool grad_reduce_fp32 = true;  // Megatron: bf16 implies fp32 gradient accumulation + reduce
};

// ---------------------------------------------------------------- job level (issue 3/4 consume these)
struct CheckpointSpec {
  enum class Mode { kInterval, kSteps, kAuto } mode = Mode::kInterval;
  double interval_s = 1800;
  int64_t interval_steps = 0;
  double storage_bandwidth_bytes_per_s = 0;  // 0 = platform's
  double save_time_s = 0;                    // 0 = derived from size and bandwidth
  bool async = false;
  double async_stall_s = 0;               // 0 = derived: per-GPU shard over the host copy bandwidth
  double node_bandwidth_bytes_per_s = 0;  // per-node write limit (front-end NIC); 0 = 25 GB/s default
};

// Where a failure strikes and what it takes down (blast radius).
enum class FailureScope {
  kGpu,     // one GPU (rate per GPU-hour): its node goes down
  kNode,    // host parts (rate per node-hour): the node goes down
  kSwitch,  // a leaf switch or its cables (rate per switch-hour): the nodes behind it go down
  kJob,     // software, NCCL watchdog, dependencies (rate per job-hour): no hardware lost
};

// One failure category with its rate, per component of its scope.
struct FailureCategory {
  std::string name;  // "faulty_gpu", "gpu_hbm3", ...
  FailureScope scope = FailureScope::kGpu;
  double rate_per_component_s = 0;  // failures per component per second
};

enum class InterArrival { kExponential, kWeibull };

struct FailureSpec {
  std::string model = "none";               // llama3 | meta-rsc | none | explicit
  std::vector<FailureCategory> categories;  // explicit model: from the file; presets: filled by failures/
  double rate_scale = 1.0;
  double job_mtbf_s = 0;  // 0 = from the model; > 0 fixes the job's MTBF (exponential)
  InterArrival distribution = InterArrival::kExponential;
  double weibull_shape = 0.7;  // Schroeder & Gibson: decreasing hazard, shape ~0.7-0.8
  double detection_s = 300;
  double restart_s = 600;
  double repair_s = 4 * 3600.0;  // time to repair a failed node or switch
  int64_t spare_nodes = 0;
  bool planned_maintenance = true;    // preset llama3: 47 planned interruptions in 54 days
  double maintenance_interval_s = 0;  // 0 = from the preset; > 0 = one planned interruption every interval
  double maintenance_duration_s = 0;  // 0 = from the preset
};

// Slow drift of throughput over the run (Llama 3 §3.3.4: 1-2 % diurnal variation from
// temperature and DVFS).
struct DriftSpec {
  double diurnal_amplitude = 0;  // peak-to-mean fraction of step time, 0 = none
};

// An hourly profile read from a CSV file (energy.carbon_intensity or energy.pue given as a path):
// values[h] holds on [h, h+1) hours from the start of the run; the profile repeats every
// values.size() hours (24 rows = a daily profile, 8760 = a year). energy/model.hpp integrates it.
struct HourlyProfile {
  std::string file;            // the CSV file as resolved; "" = no profile
  std::vector<double> values;  // one per hour, SI (kg/J for carbon intensity; plain for PUE)
  bool empty() const { return values.empty(); }
};

struct EnergySpec {
  double pue = 0;  // 0 = platform's
  double carbon_intensity_kg_per_j = 0;
  double price_usd_per_j = 0;
  double embodied_carbon_per_gpu_kg = 0;   // manufacturing CO2e of one GPU; 0 = not counted
  double embodied_lifetime_s = 0;          // service life it is amortised over (required with the above)
  HourlyProfile carbon_intensity_profile;  // if set: carbon_intensity_kg_per_j = its mean over one period
  HourlyProfile pue_profile;               // if set: pue = its mean over one period
};

// Capital cost of the hardware the job holds (docs/models/efficiency.md, "Cost"). Optional: without
// gpu_price the report has no cost.capex_usd and cost.total_usd is the electricity alone.
struct CostSpec {
  double gpu_price_usd = 0;     // purchase price of one GPU with its share of the server; 0 = not given
  double datacenter_share = 0;  // fraction of the whole capex that is the rest of the cluster: fabric,
                                // storage, facility (Epoch AI: 0.19 for the cluster interconnect)
  double depreciation_s = 0;    // straight-line service life of the hardware; > 0 whenever gpu_price is
};

struct SimulationSpec {
  uint64_t seed = 1;
  int64_t replications = 1;
  // A replication stops (unfinished) at this wall-clock time from job start; 0 = the default,
  // kDefaultWallCapFactor x the failure-free training time (docs/models/job.md).
  double max_wall_time_s = 0;
};

struct ScenarioSpec {
  std::string name;
  SourceLoc loc;          // the scenario file
  PlatformSpec platform;  // after the scenario's overrides
  int64_t gpus = 0;       // used by the job
  ModelSpec model;
  TrainingSpec training;
  CheckpointSpec checkpoint;
  FailureSpec failures;
  EnergySpec energy;
  SimulationSpec simulation;
  DriftSpec drift;
  CostSpec cost;
};

}  // namespace trainsim::config
