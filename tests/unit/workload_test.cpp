#include <gtest/gtest.h>

#include <cmath>

#include "sim/common/error.hpp"
#include "sim/step/step.hpp"
#include "sim/workload/layout.hpp"
#include "sim/workload/model.hpp"
#include "tests/test_scenarios.hpp"

namespace trainsim::workload {
namespace {

TEST(BusFactor, MatchesNcclTestsDefinitions) {
  EXPECT_DOUBLE_EQ(bus_factor(CollKind::kAllReduce, 8), 2.0 * 7 / 8);
  EXPECT_DOUBLE_EQ(bus_factor(CollKind::kAllGather, 8), 7.0 / 8);
  EXPECT_DOUBLE_EQ(bus_factor(CollKind::kReduceScatter, 4), 3.0 / 4);
  EXPECT_DOUBLE_EQ(bus_factor(CollKind::kAllReduce, 1), 0.0);
}

TEST(ModelFlops, GptMatchesNarayananClosedForm) {
  // Narayanan et al. 2021 eq. (3) without recompute: 72 B s l h^2 (1 + s/(6h) + V/(12 l h)).
  config::ModelSpec m;
  m.layers = 96;
  m.hidden = 12288;
  m.ffn_hidden = 4 * 12288;
  m.heads = 96;
  m.kv_heads = 96;
  m.vocab = 51200;
  m.seq_len = 2048;
  m.mlp = config::Mlp::kGelu;
  const double B = 1536, s = 2048, l = 96, h = 12288, V = 51200;
  const double expected = 72 * B * s * l * h * h * (1 + s / (6 * h) + V / (12 * l * h));
  EXPECT_NEAR(model_flop_per_step(m, 1536) / expected, 1.0, 1e-12);
}

TEST(ParameterCount, Llama3_405B) {
  // Llama 3 paper Table 3 / released config: 405.85e9 parameters (published_runs.yaml).
  config::ModelSpec m;
  m.layers = 126;
  m.hidden = 16384;
  m.ffn_hidden = 53248;
  m.heads = 128;
  m.kv_heads = 8;
  m.vocab = 128256;
  m.seq_len = 8192;
  m.mlp = config::Mlp::kSwiglu;
  EXPECT_NEAR(parameter_count(m) / 405.85e9, 1.0, 0.005);
}

TEST(GemmTime, RooflineAndWaveQuantisation) {
  const auto* gpu = hardware::find_gpu("h100-sxm-80gb");
  ASSERT_NE(gpu, nullptr);
  const double peak = gpu->bf16_flop_per_s;
  // A large GEMM whose tile count fills whole waves runs at the sustained share of MAMF.
  const double m = gpu->gemm_tile_m * gpu->sm_count, n = gpu->gemm_tile_n * 8, k = 8192;
  EXPECT_NEAR(gemm_time_s(*gpu, peak, m, n, k, 2),
              2 * m * n * k / (peak * gpu->gemm_efficiency * kSustainedKernelFraction), 1e-12);
  // 8 full waves of 128 x 256 tiles, then one more row of them: with that tile alone the ninth wave
  // would cost as much as a full one (9/8); cuBLAS picks the tile per shape, and 128 x 128 tiles
  // fill 17 waves of 16 x 133 = 2,128 tiles better (2,128 / 2,244 useful).
  const double n8 = gpu->gemm_tile_n * 8.0;
  const double t1 = gemm_time_s(*gpu, peak, gpu->gemm_tile_m * gpu->sm_count, n8, k, 2);
  const double t2 = gemm_time_s(*gpu, peak, gpu->gemm_tile_m * (gpu->sm_count + 1.0), n8, k, 2);
  ASSERT_EQ(gpu->sm_count, 132);
  EXPECT_NEAR(t2 / t1, (133.0 / 132.0) / (2128.0 / 2244.0), 1e-9);
  EXPECT_LT(t2 / t1, 9.0 / 8.0);

  // A skinny GEMM is memory-bound: time = bytes / achievable HBM bandwidth.
  const double tm = gemm_time_s(*gpu, peak, 1, 8192, 8192, 2);
  EXPECT_NEAR(tm,
              (8192.0 + 8192.0 * 8192 + 8192) * 2 / (gpu->hbm_bandwidth_bytes_per_s * gpu->hbm_efficiency),
              1e-12);
}

TEST(Workload, RecomputeAddsOneForward) {
  auto s = testing::small_gpt(8, 2, 1);
  const Workload none = build_workload(s);
  s.training.recompute = config::Recompute::kFull;
  const Workload full = build_workload(s);
  EXPECT_NEAR(full.layer.bwd_s, none.layer.bwd_s + none.layer.fwd_s, 1e-15);
  EXPECT_GT(full.hardware_flop_per_step, full.model_flop_per_step);
  EXPECT_DOUBLE_EQ(none.hardware_flop_per_step, none.model_flop_per_step);
  EXPECT_LT(full.memory.activations, none.memory.activations / 5);
}

TEST(Workload, UnevenStagesTakeLayersFromTheEnds) {
  auto s = testing::small_gpt(8, 16, 1);
  s.model.layers = 126;  // Llama 3 405B: 16 stages, first and last one layer fewer
  const Workload w = build_workload(s);
  ASSERT_EQ(w.layers_in.size(), 16u);
  EXPECT_EQ(w.layers_in[0][0], 7);
  EXPECT_EQ(w.layers_in[15][0], 7);
  for (size_t i = 1; i < 15; ++i) EXPECT_EQ(w.layers_in[i][0], 8);
}

TEST(Workload, SequenceParallelTrafficPerLayer) {
  // With SP, forward moves 4 all-gather/reduce-scatter of the (b s h) activation per layer.
  auto s = testing::small_gpt(8, 1, 1);
  const Workload w = build_workload(s);
  const double act = 1.0 * 2048 * 4096 * 2;
  EXPECT_NEAR(w.layer.tp_fwd_bus_bytes, 4 * act * 7 / 8, 1e-6);
  EXPECT_NEAR(w.layer.tp_bwd_bus_bytes, 6 * act * 7 / 8, 1e-6);
  // Of the 6 backward collectives, the re-gathers of the QKV and MLP-up inputs and the
  // reduce-scatters of their input gradients can run behind the backward GEMMs (tp_backward).
  EXPECT_NEAR(w.layer.tp_bwd_async_bus_bytes, 4 * act * 7 / 8, 1e-6);
  EXPECT_EQ(w.layer.tp_bwd_async_collectives, 4);
}

TEST(Workload, WithoutSequenceParallelismBothBackwardAllReducesCanOverlap) {
  auto s = testing::small_gpt(8, 1, 1);
  s.training.parallelism.sequence_parallel = false;
  const Workload w = build_workload(s);
  const double act = 1.0 * 2048 * 4096 * 2;
  EXPECT_NEAR(w.layer.tp_bwd_bus_bytes, 2 * act * 2 * 7 / 8, 1e-6);
  EXPECT_NEAR(w.layer.tp_bwd_async_bus_bytes, w.layer.tp_bwd_bus_bytes, 1e-6);
  EXPECT_EQ(w.layer.tp_bwd_async_collectives, 2);
  // Full recompute re-runs the forward's collectives in the backward, on the critical path.
  s.training.recompute = config::Recompute::kFull;
  const Workload r = build_workload(s);
  EXPECT_NEAR(r.layer.tp_bwd_bus_bytes, 2 * w.layer.tp_bwd_bus_bytes, 1e-6);
  EXPECT_NEAR(r.layer.tp_bwd_async_bus_bytes, w.layer.tp_bwd_async_bus_bytes, 1e-6);
}

TEST(Memory, TooBigModelIsInfeasibleWithNumbers) {
  auto s = testing::small_gpt(1, 1, 8);
  s.model.layers = 200;
  s.model.hidden = 12288;
  s.model.ffn_hidden = 49152;
  s.model.heads = 96;
  s.model.kv_heads = 96;
  const Workload w = build_workload(s);
  try {
    check_memory_fits(s, w);
    FAIL() << "a 360B-parameter model cannot fit on one GPU";
  } catch (const InfeasibleError& e) {
    EXPECT_NE(std::string(e.what()).find("GiB per GPU"), std::string::npos) << e.what();
  }
}

TEST(Layout, MegatronOrderKeepsTensorParallelInsideANode) {
  config::ParallelSpec par;
  par.tp = 8;
  par.pp = 4;
  par.dp = 2;
  par.order = {config::Dim::kTp, config::Dim::kCp, config::Dim::kDp, config::Dim::kPp};
  const Layout l(par, 8);
  EXPECT_EQ(l.rank_of({3, 0, 0, 0}), 3);
  EXPECT_EQ(l.rank_of({0, 0, 0, 1}), 8);   // dp next
  EXPECT_EQ(l.rank_of({0, 0, 1, 0}), 16);  // then pp
  EXPECT_EQ(l.node_of({7, 0, 1, 1}), 3);
  for (int64_t r = 0; r < l.world(); ++r) EXPECT_EQ(l.rank_of(l.coord_of(r)), r);
  par.order = {config::Dim::kTp, config::Dim::kCp, config::Dim::kPp, config::Dim::kDp};  // Llama 3
  const Layout m(par, 8);
  EXPECT_EQ(m.rank_of({0, 0, 1, 0}), 8);
  EXPECT_EQ(m.group_ranks({0, 0, 0, 0}, config::Dim::kDp), (std::vector<int64_t>{0, 32}));
}

TEST(Schedule, OneFOneBRunsEveryPassOnceInDependencyOrder) {
  for (int64_t vpp : {1, 2, 4}) {
    const int64_t pp = 4, m = 8;
    for (int64_t s = 0; s < pp; ++s) {
      const auto ops = step::pipeline_schedule(s, pp, vpp, m);
      ASSERT_EQ(static_cast<int64_t>(ops.size()), 2 * m * vpp);
      std::vector<std::vector<int>> fwd_done(m, std::vector<int>(vpp, 0));
      for (const auto& op : ops) {
        if (op.forward) {
          ++fwd_done[op.mb][op.chunk];
        } else {
          EXPECT_EQ(fwd_done[op.mb][op.chunk], 1) << "backward before forward, stage " << s << " vpp " << vpp;
        }
      }
    }
  }
  // 1F1B warm-up: the first stage runs pp - 1 forwards before its first backward.
  const auto ops = step::pipeline_schedule(0, 4, 1, 8);
  EXPECT_TRUE(ops[0].forward && ops[1].forward && ops[2].forward && ops[3].forward);
  EXPECT_FALSE(ops[4].forward);
}

}  // namespace
}  // namespace trainsim::workload

#include "sim/platform/builder.hpp"

namespace trainsim::platform {
namespace {

TEST(SwitchCount, MatchesTheKAryFatTree) {
  // Al-Fares et al. 2008: a k-ary fat tree (k = 4) joins k^3/4 = 16 hosts with 5k^2/4 = 20 switches.
  config::PlatformSpec p = testing::dgx_h100(2);
  p.node.nics_per_node = 8;
  p.fabric.switch_radix = 4;
  EXPECT_EQ(switch_count(p, 2), 20);
  // 8 NIC ports fit 64-port switches' reach in one leaf tier plus spines: 1 leaf... one switch.
  p.fabric.switch_radix = 64;
  EXPECT_EQ(switch_count(p, 2), 1);
  // Meta's 24,576 GPUs: 768 leaves, 768 spines, 1:7 above the pods -> 55 core switches.
  config::PlatformSpec m = testing::dgx_h100(3072);
  m.fabric.pod_oversubscription = 7;
  EXPECT_EQ(switch_count(m, 3072), 768 + 768 + 55);
}

TEST(SwitchCount, SwitchPowerEntersTheItPeak) {
  config::PlatformSpec m = testing::dgx_h100(3072);
  m.fabric.pod_oversubscription = 7;
  const double base = summarize(m).it_peak_w;
  m.fabric.switch_power_w = 1500;
  EXPECT_NEAR(summarize(m).it_peak_w - base, 1591 * 1500.0, 1e-6);
}

}  // namespace
}  // namespace trainsim::platform
