// sim/config/loader: presets load, defaults are filled, every cross-file rule fires with its
// location, overrides (`--set` and scenario-side platform keys) are validated like the file.
#include "sim/config/loader.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/common/error.hpp"
#include "tests/unit/test_files.hpp"

namespace trainsim::config {
namespace {

using trainsim::testing::TempDir;

const std::string kRepo = TRAINSIM_SOURCE_DIR;
const std::string kGood = std::string(TRAINSIM_TEST_DIR) + "/inputs/good_scenario.yaml";

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError thrown";
  return "";
}

// Sets an environment variable for one test ("" = unset) and restores it.
class EnvGuard {
 public:
  EnvGuard(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value.empty()) {
      ::unsetenv(name);
    } else {
      ::setenv(name, value.c_str(), 1);
    }
  }
  ~EnvGuard() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::vector<Override> overrides(const std::vector<std::string>& texts) {
  std::vector<Override> out;
  for (const std::string& t : texts) out.push_back(parse_override(t));
  return out;
}

// --------------------------------------------------------------------------------- platforms

struct PresetRow {
  const char* file;
  int64_t gpus;
  const char* gpu;
  double nic_bytes_per_s;
  Topology topology;
  const char* technology;
  int64_t gpus_per_leaf, gpus_per_pod;
  double pod_oversubscription;
  double storage_bytes_per_s;
  double pue;
};

void PrintTo(const PresetRow& row, std::ostream* os) { *os << row.file; }

class PlatformPresets : public ::testing::TestWithParam<PresetRow> {};

TEST_P(PlatformPresets, Load) {
  const PresetRow& row = GetParam();
  const PlatformSpec p = load_platform(kRepo + "/platforms/" + row.file);
  EXPECT_EQ(p.gpus(), row.gpus);
  EXPECT_EQ(p.node.gpu, row.gpu);
  EXPECT_EQ(p.node.gpus_per_node, 8);
  EXPECT_EQ(p.node.nics_per_node, 8);
  EXPECT_DOUBLE_EQ(p.node.nic_bandwidth_bytes_per_s, row.nic_bytes_per_s);
  EXPECT_EQ(p.fabric.topology, row.topology);
  EXPECT_EQ(p.fabric.technology, row.technology);
  EXPECT_EQ(p.fabric.gpus_per_leaf, row.gpus_per_leaf);
  EXPECT_EQ(p.fabric.gpus_per_pod, row.gpus_per_pod);
  EXPECT_DOUBLE_EQ(p.fabric.leaf_oversubscription, 1.0);
  EXPECT_DOUBLE_EQ(p.fabric.pod_oversubscription, row.pod_oversubscription);
  EXPECT_DOUBLE_EQ(p.storage.bandwidth_bytes_per_s, row.storage_bytes_per_s);
  EXPECT_DOUBLE_EQ(p.facility.pue, row.pue);
  EXPECT_GT(p.node.system_power_w, 0);
  EXPECT_EQ(p.loc.file, kRepo + "/platforms/" + row.file);
}

INSTANTIATE_TEST_SUITE_P(
    Table, PlatformPresets,
    ::testing::Values(PresetRow{"dgx-h100.yaml", 1024, "h100-sxm-80gb", 50e9, Topology::kRailFatTree,
                                "infiniband", 256, 0, 1, 400e9, 1.2},
                      PresetRow{"dgx-a100.yaml", 1120, "a100-sxm-80gb", 25e9, Topology::kRailFatTree,
                                "infiniband", 160, 0, 1, 200e9, 1.2},
                      PresetRow{"meta-llama3-h100.yaml", 24576, "h100-sxm-80gb", 50e9, Topology::kFatTree,
                                "roce", 16, 3072, 7, 2e12, 1.1},
                      PresetRow{"xai-colossus-h100.yaml", 100000, "h100-sxm-80gb", 50e9,
                                Topology::kRailFatTree, "ethernet", 512, 8192, 1, 2e12, 1.3}));

TEST(Loader, PlatformDefaults) {
  TempDir dir;
  const std::string f =
      dir.write("p.yaml", "nodes: 4\nnode: {gpu: a100-sxm-40gb, gpus_per_node: 4, nic_bandwidth: 200Gb/s}\n");
  const PlatformSpec p = load_platform(f);
  EXPECT_EQ(p.name, "p");  // file stem
  EXPECT_EQ(p.node.nics_per_node, 4);
  EXPECT_DOUBLE_EQ(p.node.system_power_w, 6500.0 / 2);  // DGX A100 figure scaled to 4 GPUs
  EXPECT_DOUBLE_EQ(p.node.nic_latency_s, 1e-6);
  EXPECT_EQ(p.fabric.topology, Topology::kRailFatTree);
  EXPECT_EQ(p.fabric.technology, "infiniband");
  EXPECT_EQ(p.fabric.gpus_per_leaf, 0);
  EXPECT_DOUBLE_EQ(p.fabric.switch_latency_s, 1e-6);
  EXPECT_DOUBLE_EQ(p.storage.bandwidth_bytes_per_s, 0);
  EXPECT_DOUBLE_EQ(p.facility.pue, 1.1);
}

TEST(Loader, OversubscriptionAlias) {
  TempDir dir;
  const std::string base = "nodes: 4\nnode: {gpu: h100-sxm-80gb, nic_bandwidth: 400Gb/s}\n";
  const std::string f = dir.write("p.yaml", base + "fabric: {oversubscription: 2}\n");
  EXPECT_DOUBLE_EQ(load_platform(f).fabric.leaf_oversubscription, 2.0);
  const std::string g =
      dir.write("q.yaml", base + "fabric: {oversubscription: 2, leaf_oversubscription: 2}\n");
  EXPECT_EQ(error_of([&] { load_platform(g); }), g + ":3:28: error: fabric.oversubscription: give either "
                                                     "oversubscription or leaf_oversubscription (the same "
                                                     "ratio), not both");
}

struct PlatformErrorRow {
  const char* name;
  const char* set;      // one override on platforms/dgx-h100.yaml
  const char* message;  // after "--set SET: error: "
};

void PrintTo(const PlatformErrorRow& row, std::ostream* os) { *os << row.set; }

class PlatformErrors : public ::testing::TestWithParam<PlatformErrorRow> {};

TEST_P(PlatformErrors, RejectedAtTheOverride) {
  const PlatformErrorRow& row = GetParam();
  const std::string e =
      error_of([&] { load_platform(kRepo + "/platforms/dgx-h100.yaml", overrides({row.set})); });
  EXPECT_EQ(e.substr(0, e.find('\n')), std::string("--set ") + row.set + ": error: " + row.message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, PlatformErrors,
    ::testing::Values(
        PlatformErrorRow{"unknown_gpu", "node.gpu=h100-pcie", "node.gpu: unknown GPU 'h100-pcie'"},
        PlatformErrorRow{"nodes_zero", "nodes=0", "nodes: expected an integer in [1, 10000000], got 0"},
        PlatformErrorRow{"bare_bandwidth", "node.nic_bandwidth=400",
                         "node.nic_bandwidth: expected a bandwidth with a unit (e.g. 400Gb/s, 50GB/s), got "
                         "bare number 400"},
        PlatformErrorRow{"zero_bandwidth", "node.nic_bandwidth=0Gb/s",
                         "node.nic_bandwidth: expected a value > 0, got 0Gb/s"},
        PlatformErrorRow{"low_power", "node.system_power=5kW",
                         "node.system_power: node power 5000 W is less than its GPUs' TDP alone (8 x 700 W)"},
        PlatformErrorRow{"leaf_not_nodes", "fabric.gpus_per_leaf=100",
                         "fabric.gpus_per_leaf: expected a multiple of node.gpus_per_node (8), got 100"},
        PlatformErrorRow{"pod_not_nodes", "fabric.gpus_per_pod=1004",
                         "fabric.gpus_per_pod: expected a multiple of node.gpus_per_node (8), got 1004"},
        PlatformErrorRow{"pod_not_leaves", "fabric.gpus_per_pod=1000",
                         "fabric.gpus_per_pod: expected a multiple of gpus_per_leaf (256), got 1000"},
        PlatformErrorRow{"pod_oversub", "fabric.pod_oversubscription=0.5",
                         "fabric.pod_oversubscription: expected a number in [1, 1000], got 0.5"},
        PlatformErrorRow{"topology", "fabric.topology=torus",
                         "fabric.topology: expected one of rail-fat-tree | fat-tree, got 'torus'"},
        PlatformErrorRow{"technology", "fabric.technology=omnipath",
                         "fabric.technology: expected one of infiniband | roce | ethernet, got 'omnipath'"},
        PlatformErrorRow{"pue_high", "facility.pue=3.5",
                         "facility.pue: expected a number in [1, 3], got 3.5"},
        PlatformErrorRow{"node_scalar", "node=8",
                         "node: expected a map of keys (gpu, gpus_per_node, nics_per_node, "
                         "nic_bandwidth, nic_latency, system_power), got '8'"}),
    [](const ::testing::TestParamInfo<PlatformErrorRow>& i) { return std::string(i.param.name); });

TEST(Loader, PlatformOverridesAcceptBothSpellings) {
  const std::string f = kRepo + "/platforms/dgx-h100.yaml";
  EXPECT_EQ(load_platform(f, overrides({"nodes=64"})).nodes, 64);
  EXPECT_EQ(load_platform(f, overrides({"platform.nodes=32"})).nodes, 32);
  EXPECT_EQ(error_of([&] { load_platform(f, overrides({"node.colour=red"})); }).substr(0, 35),
            "--set: error: node.colour: unknown ");
}

TEST(Loader, PlatformFileErrorsPointIntoTheFile) {
  TempDir dir;
  const std::string f = dir.write("p.yaml", "nodes: 4\nnode:\n  gpu: h100-sxm-80gb\n  nic_bandwidth: 400\n");
  EXPECT_EQ(error_of([&] { load_platform(f); }), f + ":4:18: error: node.nic_bandwidth: expected a bandwidth "
                                                     "with a unit (e.g. 400Gb/s, 50GB/s), got bare "
                                                     "number 400");
}

// --------------------------------------------------------------------------------- scenarios

TEST(Loader, GoodScenario) {
  const ScenarioSpec sc = load_scenario(kGood);
  EXPECT_EQ(sc.name, "llama3-70b-dgx");
  EXPECT_EQ(sc.loc.file, kGood);
  EXPECT_EQ(sc.platform.name, "dgx-h100");
  EXPECT_EQ(sc.gpus, 1024);
  EXPECT_EQ(sc.model.name, "llama3-70b");
  EXPECT_EQ(sc.model.layers, 80);
  EXPECT_EQ(sc.model.hidden, 8192);
  EXPECT_EQ(sc.model.ffn_hidden, 28672);
  EXPECT_EQ(sc.model.heads, 64);
  EXPECT_EQ(sc.model.kv_heads, 8);
  EXPECT_EQ(sc.model.vocab, 128256);
  EXPECT_EQ(sc.model.seq_len, 8192);
  EXPECT_EQ(sc.model.mlp, Mlp::kSwiglu);
  EXPECT_FALSE(sc.model.tied_embeddings);
  EXPECT_DOUBLE_EQ(sc.training.tokens, 15.6e12);
  EXPECT_EQ(sc.training.global_batch, 1024);
  EXPECT_EQ(sc.training.precision, Precision::kBf16);
  const ParallelSpec& p = sc.training.parallelism;
  EXPECT_EQ(p.tp, 8);
  EXPECT_EQ(p.pp, 4);
  EXPECT_EQ(p.dp, 32);
  EXPECT_EQ(p.cp, 1);
  EXPECT_EQ(p.vpp, 5);
  EXPECT_EQ(p.zero, 1);
  EXPECT_TRUE(p.sequence_parallel);
  EXPECT_EQ(p.order, (std::vector<Dim>{Dim::kTp, Dim::kCp, Dim::kDp, Dim::kPp}));
  EXPECT_TRUE(sc.training.flash_attention);
  EXPECT_TRUE(sc.training.grad_reduce_fp32);
  EXPECT_EQ(sc.checkpoint.mode, CheckpointSpec::Mode::kInterval);
  EXPECT_DOUBLE_EQ(sc.checkpoint.interval_s, 1800);
  EXPECT_DOUBLE_EQ(sc.checkpoint.storage_bandwidth_bytes_per_s, 400e9);
  EXPECT_EQ(sc.failures.model, "llama3");
  EXPECT_DOUBLE_EQ(sc.failures.detection_s, 300);
  EXPECT_DOUBLE_EQ(sc.failures.restart_s, 600);
  EXPECT_DOUBLE_EQ(sc.energy.pue, 1.2);
  EXPECT_DOUBLE_EQ(sc.energy.carbon_intensity_kg_per_j, 0.4 / 3.6e6);
  EXPECT_DOUBLE_EQ(sc.energy.price_usd_per_j, 0.083 / 3.6e6);
  EXPECT_EQ(sc.simulation.seed, 1u);
  EXPECT_EQ(sc.simulation.replications, 10);
}

TEST(Loader, ScenarioDefaults) {
  TempDir dir;
  const std::string f =
      dir.write("s.yaml", "platform: " + kRepo +
                              "/platforms/dgx-h100.yaml\n"
                              "gpus: 64\n"
                              "model: {layers: 24, hidden: 2048, heads: 16, vocab: 50257, seq_len: 2048}\n"
                              "training: {tokens: 1T, global_batch: 512}\n");
  const ScenarioSpec sc = load_scenario(f);
  EXPECT_EQ(sc.name, "s");
  EXPECT_EQ(sc.model.name, "custom");
  EXPECT_EQ(sc.model.kv_heads, 16);
  EXPECT_EQ(sc.model.ffn_hidden, 4 * 2048);
  EXPECT_EQ(sc.model.mlp, Mlp::kGelu);
  EXPECT_DOUBLE_EQ(sc.model.dropout, 0.0);
  EXPECT_EQ(sc.training.micro_batch, 1);
  EXPECT_EQ(sc.training.parallelism.dp, 64);  // no parallelism section: pure data parallelism
  EXPECT_EQ(sc.training.recompute, Recompute::kNone);
  EXPECT_EQ(sc.checkpoint.mode, CheckpointSpec::Mode::kInterval);
  EXPECT_DOUBLE_EQ(sc.checkpoint.interval_s, 1800);
  EXPECT_DOUBLE_EQ(sc.checkpoint.storage_bandwidth_bytes_per_s, 400e9);  // the platform's
  EXPECT_EQ(sc.failures.model, "none");
  EXPECT_DOUBLE_EQ(sc.energy.pue, 1.2);  // the platform's
  EXPECT_EQ(sc.simulation.replications, 1);
}

TEST(Loader, SwigluNeedsFfnHidden) {
  TempDir dir;
  const std::string f = dir.write(
      "s.yaml", "platform: " + kRepo +
                    "/platforms/dgx-h100.yaml\n"
                    "gpus: 64\n"
                    "model:\n  layers: 24\n  hidden: 2048\n  heads: 16\n  vocab: 50257\n  seq_len: 2048\n"
                    "  mlp: swiglu\n"
                    "training: {tokens: 1T, global_batch: 512}\n");
  EXPECT_EQ(
      error_of([&] { load_scenario(f); }),
      f + ":4:3: error: model.ffn_hidden: missing required key: expected an integer: SwiGLU models have no "
          "default ffn_hidden");
}

// Every model preset loads, with the dimensions of its source.
TEST(Loader, ModelPresets) {
  const std::vector<std::string> ids = model_preset_ids();
  EXPECT_EQ(ids, (std::vector<std::string>{"bloom-176b", "gpt3-175b", "llama2-70b", "llama3-405b",
                                           "llama3-70b", "llama3-8b", "mt-nlg-530b"}));
  for (const std::string& id : ids) {
    SCOPED_TRACE("preset " + id);
    const ScenarioSpec sc = load_scenario(
        kGood, overrides({"gpus=8", "model={preset: " + id + "}",
                          "training.parallelism={tp: 1, pp: 1, dp: 8}", "training.global_batch=8"}));
    EXPECT_EQ(sc.model.name, id);
    EXPECT_GT(sc.model.layers, 0);
    EXPECT_EQ(sc.model.hidden % sc.model.heads, 0);
  }
  const ScenarioSpec l =
      load_scenario(kGood, overrides({"model.preset=llama3-405b", "training.parallelism.vpp=1",
                                      "training.parallelism.pp=16", "training.parallelism.dp=8"}));
  EXPECT_EQ(l.model.layers, 126);  // on pp = 16: uneven stages, accepted (workload gives the ends one fewer)
  EXPECT_EQ(l.model.hidden, 16384);
  EXPECT_EQ(l.model.ffn_hidden, 53248);
  EXPECT_EQ(l.model.heads, 128);
  EXPECT_EQ(l.model.kv_heads, 8);
  EXPECT_EQ(l.model.vocab, 128256);
  const ScenarioSpec g =
      load_scenario(kGood, overrides({"model={preset: gpt3-175b, seq_len: 4096, dropout: 0.1}"}));
  EXPECT_EQ(g.model.layers, 96);
  EXPECT_EQ(g.model.hidden, 12288);
  EXPECT_EQ(g.model.kv_heads, 96);
  EXPECT_EQ(g.model.seq_len, 4096);  // preset override
  EXPECT_DOUBLE_EQ(g.model.dropout, 0.1);
  EXPECT_EQ(g.model.mlp, Mlp::kGelu);
}

TEST(Loader, ModelPresetDirectoryFromEnvironment) {
  TempDir dir;
  dir.write("models/tiny.yaml",
            "name: Tiny\nsource: test\nlayers: 4\nhidden: 256\nffn_hidden: 1024\nheads: 4\nvocab: "
            "1000\nseq_len: 128\n");
  dir.write("models/nosource.yaml", "layers: 4\nhidden: 256\nheads: 4\nvocab: 1000\nseq_len: 128\n");
  const EnvGuard env("TRAINSIM_DATA_DIR", dir.path());
  EXPECT_EQ(models_dir(), dir.path("models"));
  EXPECT_EQ(model_preset_ids(), (std::vector<std::string>{"nosource", "tiny"}));
  const ScenarioSpec sc =
      load_scenario(kGood, overrides({"model.preset=tiny", "training.parallelism={tp: 4, pp: 4, dp: 64}"}));
  EXPECT_EQ(sc.model.hidden, 256);
  const std::string e = error_of([&] { load_scenario(kGood, overrides({"model.preset=nosource"})); });
  EXPECT_EQ(e.substr(0, e.find('\n')), dir.path("models/nosource.yaml") +
                                           ":1:1: error: source: missing required key: expected a string");
  EXPECT_NE(e.find("\nnote: model preset 'nosource' named at --set model.preset=nosource"), std::string::npos)
      << e;
}

TEST(Loader, ModelPresetDirectoryDefault) {
  const EnvGuard env("TRAINSIM_DATA_DIR", "");
  EXPECT_EQ(models_dir(), kRepo + "/scenarios/models");
}

TEST(Loader, PresetIdCannotEscapeTheDirectory) {
  EXPECT_EQ(error_of([&] { load_scenario(kGood, overrides({"model.preset=../../platforms/dgx-h100"})); }),
            "--set model.preset=../../platforms/dgx-h100: error: model.preset: expected a preset id "
            "(lowercase letters, "
            "digits, '-', '.', '_'), got '../../platforms/dgx-h100'");
}

// Relative paths resolve against the scenario's directory, whatever the CWD.
TEST(Loader, PlatformPathAndOverridesFromTheScenario) {
  TempDir dir;
  dir.write("platforms/p.yaml",
            "name: small\nnodes: 16\nnode:\n  gpu: h100-sxm-80gb\n  nic_bandwidth: 400Gb/s\nstorage: "
            "{bandwidth: 100GB/s}\n");
  const std::string s = dir.write("scenarios/s.yaml",
                                  "platform:\n"
                                  "  file: ../platforms/p.yaml\n"
                                  "  nodes: 8\n"
                                  "  node: {gpus_per_node: 4, nics_per_node: 4}\n"
                                  "gpus: 32\n"
                                  "model: {preset: llama3-8b}\n"
                                  "training: {tokens: 1T, global_batch: 64, parallelism: {tp: 4, pp: 2}}\n");
  const ScenarioSpec sc = load_scenario(s);
  EXPECT_EQ(sc.platform.name, "small");
  EXPECT_EQ(sc.platform.nodes, 8);
  EXPECT_EQ(sc.platform.node.gpu, "h100-sxm-80gb");  // kept from the file: maps merge key by key
  EXPECT_EQ(sc.platform.node.gpus_per_node, 4);
  EXPECT_EQ(sc.platform.loc.file, dir.path("platforms/p.yaml"));
  EXPECT_EQ(sc.training.parallelism.dp, 4);  // derived: 32 / (4*1*2)

  // An error in a scenario-side platform key points into the scenario, with the platform prefix.
  const std::string bad = dir.write("scenarios/bad.yaml",
                                    "platform:\n"
                                    "  file: ../platforms/p.yaml\n"
                                    "  node: {nic_bandwidth: 400}\n"
                                    "gpus: 32\n"
                                    "model: {preset: llama3-8b}\n"
                                    "training: {tokens: 1T, global_batch: 64}\n");
  std::string e = error_of([&] { load_scenario(bad); });
  EXPECT_EQ(e.substr(0, e.find('\n')), bad +
                                           ":3:25: error: platform.node.nic_bandwidth: expected a bandwidth "
                                           "with a unit (e.g. 400Gb/s, 50GB/s), "
                                           "got bare number 400");

  // An error inside the platform file points there, with a note naming the scenario.
  dir.write("platforms/broken.yaml", "nodes: 16\nnode:\n  gpu: h100-sxm-80gb\n  nic_bandwidth: fast\n");
  const std::string uses =
      dir.write("scenarios/uses.yaml",
                "platform: ../platforms/broken.yaml\ngpus: 32\nmodel: {preset: llama3-8b}\n"
                "training: {tokens: 1T, global_batch: 64}\n");
  e = error_of([&] { load_scenario(uses); });
  EXPECT_EQ(e.substr(0, e.find('\n')),
            dir.path("platforms/broken.yaml") +
                ":4:18: error: node.nic_bandwidth: expected a bandwidth with a unit (e.g. "
                "400Gb/s, 50GB/s), got 'fast' (not a number)");
  EXPECT_NE(e.find("\nnote: platform of scenario " + uses + " (named at " + uses + ":1:11)"),
            std::string::npos)
      << e;
}

TEST(Loader, CheckpointNeedsABandwidth) {
  TempDir dir;
  const std::string p =
      dir.write("p.yaml", "nodes: 16\nnode: {gpu: h100-sxm-80gb, nic_bandwidth: 400Gb/s}\n");
  const std::string s = dir.write("s.yaml",
                                  "platform: p.yaml\ngpus: 8\nmodel: {preset: llama3-8b}\n"
                                  "training: {tokens: 1T, global_batch: 64}\n");
  EXPECT_EQ(error_of([&] { load_scenario(s); }), s + ":1:1: error: checkpoint: no checkpoint storage "
                                                     "bandwidth: platform 'p' has no storage.bandwidth; set "
                                                     "checkpoint.storage_bandwidth or checkpoint.save_time");
  EXPECT_DOUBLE_EQ(load_scenario(s, overrides({"checkpoint.save_time=2min"})).checkpoint.save_time_s, 120);
  (void)p;
}

// ------------------------------------------------------------------- cross-file rules (table)

struct RuleRow {
  const char* name;
  std::vector<std::string> sets;  // overrides on tests/inputs/good_scenario.yaml
  std::string where;              // "L:C" in the good scenario, or "--set ..." / "--set"
  std::string message;            // "key: message" (first line)
  std::string note;               // a substring of the notes, "" = none checked
};

void PrintTo(const RuleRow& row, std::ostream* os) { *os << row.name; }

class CrossFileRules : public ::testing::TestWithParam<RuleRow> {};

TEST_P(CrossFileRules, RejectWithLocation) {
  const RuleRow& row = GetParam();
  const std::string e = error_of([&] { load_scenario(kGood, overrides(row.sets)); });
  const std::string where = row.where.rfind("--set", 0) == 0 ? row.where : kGood + ":" + row.where;
  EXPECT_EQ(e.substr(0, e.find('\n')), where + ": error: " + row.message);
  if (!row.note.empty()) EXPECT_NE(e.find("\nnote: " + row.note), std::string::npos) << e;
}

const std::string kPar = "12:16";  // training.parallelism in good_scenario.yaml
const std::string kTp = "12:22";

INSTANTIATE_TEST_SUITE_P(
    Table, CrossFileRules,
    ::testing::Values(
        RuleRow{"product",
                {"training.parallelism.dp=16"},
                kPar,
                "training.parallelism: tp*cp*pp*dp = 8*1*4*16 = 512, but gpus = 1024",
                "gpus is set at "},
        RuleRow{"more_gpus_than_platform",
                {"gpus=2048", "training.parallelism.dp=64"},
                "--set gpus=2048",
                "gpus: 2048 GPUs requested, more than the platform has",
                "platform 'dgx-h100' (" + kRepo + "/platforms/dgx-h100.yaml) has 1024 GPUs (128 nodes x 8)"},
        RuleRow{"whole_nodes",
                {"gpus=1020", "training.parallelism={tp: 4, pp: 3, dp: 85}", "training.global_batch=1020"},
                "--set gpus=1020",
                "gpus: 1020 is not a multiple of gpus_per_node (8): jobs are allocated whole nodes",
                "platform 'dgx-h100' has gpus_per_node = 8"},
        RuleRow{"tp_exceeds_node",
                {"training.parallelism.tp=16", "training.parallelism.dp=16"},
                "--set training.parallelism.tp=16",
                "training.parallelism.tp: 16 exceeds gpus_per_node (8) of platform 'dgx-h100': tensor "
                "parallelism must "
                "stay inside one NVLink domain",
                ""},
        RuleRow{
            "tp_divides_node",
            {"gpus=96", "training.parallelism={tp: 3, pp: 1, dp: 32}"},
            "--set training.parallelism={tp: 3, pp: 1, dp: 32}",
            "training.parallelism.tp: gpus_per_node (8) of platform 'dgx-h100' is not divisible by tp (3)",
            ""},
        RuleRow{"heads_tp",
                {"model.heads=36", "model.hidden=4608", "model.kv_heads=4"},
                kTp,
                "training.parallelism.tp: the model's heads (36) are not divisible by tp (8)",
                "model 'llama3-70b' has heads = 36 (--set model.heads=36)"},
        RuleRow{"kv_heads_tp",
                {"model.heads=24", "model.hidden=3072", "model.kv_heads=3"},
                kTp,
                "training.parallelism.tp: kv_heads (3) and tp (8) must divide one another (KV heads are "
                "split across tp "
                "ranks, or replicated)",
                ""},
        RuleRow{"ffn_tp",
                {"model.ffn_hidden=28670"},
                kTp,
                "training.parallelism.tp: the model's ffn_hidden (28670) is not divisible by tp (8)",
                ""},
        RuleRow{"heads_kv_heads",
                {"model.kv_heads=24"},
                "--set model.kv_heads=24",
                "model.kv_heads: heads (64) is not divisible by kv_heads (24): every KV head must serve the "
                "same number "
                "of query heads",
                ""},
        RuleRow{"kv_exceeds_heads",
                {"model.kv_heads=128"},
                "--set model.kv_heads=128",
                "model.kv_heads: kv_heads (128) exceeds heads (64)",
                ""},
        RuleRow{"hidden_heads",
                {"model.hidden=8100"},
                "--set model.hidden=8100",
                "model.hidden: hidden (8100) is not divisible by heads (64)",
                ""},
        RuleRow{"layers_pp",
                {"model.layers=3", "training.parallelism.vpp=1"},
                "12:29",
                "training.parallelism.pp: the model's layers (3) are fewer than pp (4): every pipeline stage "
                "needs at "
                "least one layer",
                "model 'llama3-70b' has layers = 3 (--set model.layers=3)"},
        RuleRow{"layers_pp_vpp",
                {"model.layers=16"},
                "12:52",
                "training.parallelism.vpp: the model's layers (16) are fewer than pp*vpp (4*5 = 20): every "
                "pipeline "
                "model chunk needs at least one layer",
                ""},
        RuleRow{"vpp_without_pp",
                {"training.parallelism={tp: 8, dp: 128, vpp: 2}"},
                "--set training.parallelism={tp: 8, dp: 128, vpp: 2}",
                "training.parallelism.vpp: virtual pipeline stages (vpp = 2) need pipeline parallelism (pp > "
                "1), got "
                "pp = 1",
                ""},
        RuleRow{"batch_dp",
                {"training.global_batch=1000"},
                "--set training.global_batch=1000",
                "training.global_batch: 1000 is not divisible by dp*micro_batch (32*1 = 32)",
                ""},
        RuleRow{"batch_dp_micro",
                {"training.micro_batch=3"},
                "9:17",
                "training.global_batch: 1024 is not divisible by dp*micro_batch (32*3 = 96)",
                ""},
        RuleRow{
            "cp_seq_len",
            {"training.parallelism.cp=2", "training.parallelism.dp=16", "model.seq_len=8190"},
            "--set training.parallelism.cp=2",
            "training.parallelism.cp: the model's seq_len (8190) is not divisible by 2*cp (4): load-balanced "
            "context parallelism splits the sequence into 2*cp chunks",
            "model 'llama3-70b' has seq_len = 8190 (--set model.seq_len=8190)"},
        RuleRow{"fp8_a100",
                {"platform.node.gpu=a100-sxm-80gb", "training.precision=fp8"},
                "--set training.precision=fp8",
                "training.precision: fp8 needs a GPU with FP8 tensor cores; 'a100-sxm-80gb' has none",
                "platform 'dgx-h100' uses node.gpu = a100-sxm-80gb (--set platform.node.gpu=a100-sxm-80gb)"},
        RuleRow{"zero",
                {"training.parallelism.zero=4"},
                "--set training.parallelism.zero=4",
                "training.parallelism.zero: expected an integer in [0, 3], got 4",
                ""},
        RuleRow{"tokens",
                {"training.tokens=0"},
                "--set training.tokens=0",
                "training.tokens: expected a value > 0, got 0",
                ""},
        RuleRow{"replications_low",
                {"simulation.replications=0"},
                "--set simulation.replications=0",
                "simulation.replications: expected an integer in [1, 100000], got 0",
                ""},
        RuleRow{"replications_high",
                {"simulation.replications=100001"},
                "--set simulation.replications=100001",
                "simulation.replications: expected an integer in [1, 100000], got 100001",
                ""},
        RuleRow{"spare_nodes",
                {"failures.spare_nodes=1"},
                "--set failures.spare_nodes=1",
                "failures.spare_nodes: 1 spare nodes plus the job's 128 nodes exceed the platform's 128",
                ""},
        RuleRow{"order_missing",
                {"training.parallelism.order=tp-cp-dp"},
                "--set training.parallelism.order=tp-cp-dp",
                "training.parallelism.order: expected a permutation of tp, cp, dp, pp joined by '-', "
                "innermost first "
                "(e.g. tp-cp-dp-pp), got 'tp-cp-dp'",
                ""},
        RuleRow{"order_twice",
                {"training.parallelism.order=tp-tp-dp-pp"},
                "--set training.parallelism.order=tp-tp-dp-pp",
                "training.parallelism.order: expected a permutation of tp, cp, dp, pp joined by '-', "
                "innermost first "
                "(e.g. tp-cp-dp-pp), got 'tp-tp-dp-pp' ('tp' twice)",
                ""},
        RuleRow{"checkpoint_both",
                {"checkpoint.steps=100"},
                "--set checkpoint.steps=100",
                "checkpoint.steps: give either checkpoint.interval or checkpoint.steps, not both",
                ""},
        RuleRow{"unknown_key",
                {"training.learning_rate=3e-4"},
                "--set",
                "training.learning_rate: unknown key",
                "valid keys in 'training': tokens, global_batch"},
        RuleRow{"unknown_platform_key",
                {"platform.node.colour=red"},
                "--set",
                "platform.node.colour: unknown key",
                "valid keys in 'platform.node': gpu"},
        RuleRow{"platform_bare_number",
                {"platform.node.nic_bandwidth=400"},
                "--set platform.node.nic_bandwidth=400",
                "platform.node.nic_bandwidth: expected a bandwidth with a unit (e.g. 400Gb/s, 50GB/s), got "
                "bare number "
                "400",
                "platform of scenario"},
        RuleRow{"platform_missing",
                {"platform=nope.yaml"},
                "--set platform=nope.yaml",
                "platform: platform file not found: 'nope.yaml'",
                ""},
        RuleRow{"failure_model",
                {"failures.model=weibull"},
                "--set failures.model=weibull",
                "failures.model: expected one of llama3 | meta-rsc | none | explicit, got 'weibull'",
                ""},
        RuleRow{"attention",
                {"training.attention=paged"},
                "--set training.attention=paged",
                "training.attention: expected one of flash | standard, got 'paged'",
                ""}),
    [](const ::testing::TestParamInfo<RuleRow>& i) { return std::string(i.param.name); });

// Overrides that must load, and what they produce.
TEST(Loader, ValidOverrides) {
  EXPECT_EQ(load_scenario(kGood, overrides({"model.kv_heads=4"})).model.kv_heads,
            4);  // tp % kv_heads == 0: replicated
  EXPECT_EQ(load_scenario(kGood, overrides({"model.layers=126"})).model.layers, 126);  // uneven stages
  EXPECT_EQ(load_scenario(kGood, overrides({"training.parallelism.cp=2", "training.parallelism.dp=16"}))
                .training.parallelism.cp,
            2);
  const ScenarioSpec derived = load_scenario(kGood, overrides({"training.parallelism={tp: 8, pp: 4}"}));
  EXPECT_EQ(derived.training.parallelism.dp, 32);
  EXPECT_EQ(derived.training.parallelism.vpp, 1);
  EXPECT_EQ(load_scenario(kGood, overrides({"checkpoint.interval=auto"})).checkpoint.mode,
            CheckpointSpec::Mode::kAuto);
  const ScenarioSpec steps = load_scenario(kGood, overrides({"checkpoint={steps: 500}"}));
  EXPECT_EQ(steps.checkpoint.mode, CheckpointSpec::Mode::kSteps);
  EXPECT_EQ(steps.checkpoint.interval_steps, 500);
  EXPECT_EQ(load_scenario(kGood, overrides({"platform.nodes=256"})).platform.nodes, 256);
  EXPECT_EQ(load_scenario(kGood, overrides({"training.precision=fp8"})).training.precision, Precision::kFp8);
  EXPECT_EQ(
      load_scenario(kGood, overrides({"training.parallelism.order=tp-cp-pp-dp"})).training.parallelism.order,
      (std::vector<Dim>{Dim::kTp, Dim::kCp, Dim::kPp, Dim::kDp}));
  EXPECT_FALSE(
      load_scenario(kGood, overrides({"training.grad_reduce_dtype=bf16"})).training.grad_reduce_fp32);
  EXPECT_FALSE(load_scenario(kGood, overrides({"training.attention=standard"})).training.flash_attention);
  EXPECT_EQ(load_scenario(kGood, overrides({"simulation.replications=100000"})).simulation.replications,
            100000);
  // Later overrides win.
  EXPECT_EQ(load_scenario(kGood, overrides({"simulation.seed=5", "simulation.seed=7"})).simulation.seed, 7u);
}

// Job-level keys (issue 3): defaults, SI conversion, explicit categories, drift as a fraction.
TEST(Loader, JobLevelKeys) {
  const ScenarioSpec d = load_scenario(kGood);
  EXPECT_EQ(d.failures.distribution, InterArrival::kExponential);
  EXPECT_EQ(d.failures.repair_s, 4 * 3600.0);
  EXPECT_TRUE(d.failures.planned_maintenance);
  EXPECT_EQ(d.failures.maintenance_interval_s, 0);
  EXPECT_TRUE(d.failures.categories.empty());  // presets are expanded by failures/, not here
  EXPECT_EQ(d.checkpoint.async_stall_s, 0);
  EXPECT_EQ(d.drift.diurnal_amplitude, 0);

  const ScenarioSpec s = load_scenario(
      kGood, overrides({"failures.distribution=weibull", "failures.weibull_shape=0.75", "failures.repair=2h",
                        "failures.maintenance_interval=1d", "failures.maintenance_duration=20min",
                        "checkpoint.async=true", "checkpoint.async_stall=1.5s",
                        "checkpoint.node_bandwidth=200Gb/s", "drift.diurnal_amplitude=1.5%"}));
  EXPECT_EQ(s.failures.distribution, InterArrival::kWeibull);
  EXPECT_EQ(s.failures.weibull_shape, 0.75);
  EXPECT_EQ(s.failures.repair_s, 7200);
  EXPECT_EQ(s.failures.maintenance_interval_s, 86400);
  EXPECT_EQ(s.failures.maintenance_duration_s, 1200);
  EXPECT_EQ(s.checkpoint.async_stall_s, 1.5);
  EXPECT_EQ(s.checkpoint.node_bandwidth_bytes_per_s, 25e9);
  EXPECT_NEAR(s.drift.diurnal_amplitude, 0.015, 1e-15);
  EXPECT_NEAR(load_scenario(kGood, overrides({"drift.diurnal_amplitude=0.02"})).drift.diurnal_amplitude, 0.02,
              1e-15);

  const ScenarioSpec ex = load_scenario(
      kGood,
      overrides({"failures.model=explicit",
                 "failures.categories=[{name: gpu, scope: gpu, rate: 2.5e-5/h}, {name: leaf, scope: switch, "
                 "rate: 1e-3/d}, {name: nccl-hang, scope: job, rate: 0.1/d}, {name: host, scope: node, "
                 "rate: 3/min}]"}));
  ASSERT_EQ(ex.failures.categories.size(), 4u);
  EXPECT_EQ(ex.failures.categories[0].name, "gpu");
  EXPECT_EQ(ex.failures.categories[0].scope, FailureScope::kGpu);
  EXPECT_NEAR(ex.failures.categories[0].rate_per_component_s, 2.5e-5 / 3600, 1e-20);
  EXPECT_EQ(ex.failures.categories[1].scope, FailureScope::kSwitch);
  EXPECT_NEAR(ex.failures.categories[1].rate_per_component_s, 1e-3 / 86400, 1e-20);
  EXPECT_EQ(ex.failures.categories[2].scope, FailureScope::kJob);
  EXPECT_EQ(ex.failures.categories[3].scope, FailureScope::kNode);
  EXPECT_NEAR(ex.failures.categories[3].rate_per_component_s, 0.05, 1e-15);
  // A --set value's errors point to the override.
  EXPECT_EQ(error_of([] {
              load_scenario(kGood, overrides({"failures.model=explicit",
                                              "failures.categories=[{name: gpu, scope: gpu, rate: 1e-5}]"}));
            })
                .rfind("--set failures.categories=[{name: gpu, scope: gpu, rate: 1e-5}]: error: "
                       "failures.categories[0].rate: expected a rate per time",
                       0),
            0u);
  // job_mtbf with a preset and the file's rate_scale: 1.0 is fine.
  EXPECT_EQ(load_scenario(kGood, overrides({"failures.job_mtbf=3h"})).failures.job_mtbf_s, 10800);
}

// --------------------------------------------------------------------------------- misc API

TEST(Loader, ParseOverride) {
  const Override o = parse_override("training.parallelism.tp=8");
  EXPECT_EQ(o.key, "training.parallelism.tp");
  EXPECT_EQ(o.value, "8");
  EXPECT_EQ(parse_override("a=b=c").value, "b=c");
  EXPECT_EQ(parse_override("a=").value, "");
  EXPECT_EQ(error_of([] { parse_override("training.tp"); }),
            "--set: error: expected KEY=VALUE, got 'training.tp'");
  EXPECT_EQ(error_of([] { parse_override("=8"); }), "--set: error: expected KEY=VALUE, got an empty key");
  EXPECT_EQ(error_of([] { parse_override("a..b=1"); }),
            "--set: error: a..b: expected a dotted key of names (e.g. training.parallelism.tp)");
}

TEST(Loader, DetectKind) {
  EXPECT_EQ(detect_kind(kGood), FileKind::kScenario);
  EXPECT_EQ(detect_kind(kRepo + "/platforms/dgx-h100.yaml"), FileKind::kPlatform);
  TempDir dir;
  EXPECT_EQ(detect_kind(kRepo + "/scenarios/sweeps/failure-sensitivity.yaml"), FileKind::kSweep);
  const std::string f = dir.write("x.yaml", "foo: a.yaml\ngrid: {}\n");
  EXPECT_EQ(error_of([&] { detect_kind(f); }),
            f + ": error: cannot tell whether this is a platform (has "
                "'node'), a scenario (has 'model' or 'training') or a sweep "
                "(has 'base')"
                "\nnote: top-level keys: foo, grid");
}

}  // namespace
}  // namespace trainsim::config
