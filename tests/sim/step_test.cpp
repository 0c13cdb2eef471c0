// Step simulations; each TEST runs one SimGrid engine and ctest runs each in its own process
// (gtest_discover_tests), because SimGrid cannot run two simulations in one process.
#include "sim/step/step.hpp"

#include <gtest/gtest.h>

#include "sim/workload/model.hpp"
#include "tests/test_scenarios.hpp"

namespace trainsim::step {
namespace {

TEST(Step, SingleGpuStepIsTheSumOfItsKernels) {
  auto s = testing::small_gpt(1, 1, 1);
  s.training.global_batch = 4;
  const auto w = workload::build_workload(s);
  const StepProfile p = simulate_step(s);
  const double kernels = 4 * (8 * (w.layer.fwd_s + w.layer.bwd_s) + w.embed_fwd_s + w.embed_bwd_s +
                              w.head_fwd_s + w.head_bwd_s) +
                         w.optimizer_s_first;
  SCOPED_TRACE("one GPU, 4 micro-batches: no communication, no bubble");
  EXPECT_NEAR(p.time_s, kernels, 1e-6 * kernels);
  EXPECT_DOUBLE_EQ(p.bubble_fraction, 0.0);
  EXPECT_NEAR(p.mfu, p.model_flop / (p.time_s * p.peak_flop_per_s), 1e-12);
}

TEST(Step, PipelineBubbleMatches1F1BTheory) {
  auto s = testing::small_gpt(8, 4, 1, 1);
  s.training.global_batch = 8;
  const StepProfile p = simulate_step(s);
  SCOPED_TRACE("1F1B bubble = (pp-1)/(m+pp-1) = 3/11 of the step (Narayanan et al. 2021 §2.2.1)");
  EXPECT_NEAR(p.bubble_fraction, 3.0 / 11.0, 0.03);
  EXPECT_NEAR(p.breakdown.compute_s + p.breakdown.tp_exposed_s + p.breakdown.cp_exposed_s +
                  p.breakdown.pp_exposed_s + p.breakdown.dp_exposed_s + p.breakdown.bubble_s +
                  p.breakdown.optimizer_s,
              p.time_s, 1e-9 * p.time_s);
}

TEST(Step, TensorParallelTrafficIsOnTheCriticalPathWithoutOverlap) {
  auto s = testing::small_gpt(8, 1, 1);
  const StepProfile p = simulate_step(s);
  const auto w = workload::build_workload(s);
  // 8 layers x 8 micro-batches of fwd+bwd traffic over 8 GPUs' NVLink at the NCCL efficiency.
  const auto* gpu = w.gpu;
  const double bw = gpu->nvlink_bandwidth_bytes_per_s * gpu->nvlink_bus_efficiency;
  const double transfer = 8.0 * 8 * (w.layer.tp_fwd_bus_bytes + w.layer.tp_bwd_bus_bytes) / bw;
  // Plus the ring latency: (4 fwd + 6 bwd collectives) x 7 steps x 1.5 us per layer and micro-batch.
  const double latency = 8.0 * 8 * 10 * 7 * 1.5e-6;
  EXPECT_NEAR(p.breakdown.tp_exposed_s, transfer + latency, 0.01 * (transfer + latency));
}

TEST(Step, AsyncBackwardTensorParallelHidesTheColumnParallelCollectives) {
  auto s = testing::small_gpt(8, 1, 1);
  s.training.overlap.tp_backward = true;
  const StepProfile p = simulate_step(s);
  const auto w = workload::build_workload(s);
  const double bw = w.gpu->nvlink_bandwidth_bytes_per_s * w.gpu->nvlink_bus_efficiency;
  // Exposed: the 4 forward collectives and the 2 output-gradient all-gathers of the backward; the
  // other 4 backward collectives run behind the backward kernels, which are longer than they are.
  const double exposed_bytes =
      w.layer.tp_fwd_bus_bytes + w.layer.tp_bwd_bus_bytes - w.layer.tp_bwd_async_bus_bytes;
  const double expected = 8.0 * 8 * exposed_bytes / bw + 8.0 * 8 * (4 + 2) * 7 * 1.5e-6;
  ASSERT_GT(w.layer.bwd_s, w.layer.tp_bwd_async_bus_bytes / bw);
  EXPECT_NEAR(p.breakdown.tp_exposed_s, expected, 0.02 * expected);
}

TEST(Step, OverlappingTensorParallelTrafficIsFaster) {
  auto s = testing::small_gpt(8, 1, 1);
  s.training.overlap.tp_comm = true;
  const StepProfile p = simulate_step(s);
  auto w = workload::build_workload(s);
  const double bw = w.gpu->nvlink_bandwidth_bytes_per_s * w.gpu->nvlink_bus_efficiency;
  const double serial = 8.0 * 8 * (w.layer.tp_fwd_bus_bytes + w.layer.tp_bwd_bus_bytes) / bw;
  const double latency = 8.0 * 8 * 10 * 7 * 1.5e-6;
  SCOPED_TRACE("overlap exposes the first of tp pieces of every collective, plus its latency");
  EXPECT_NEAR(p.breakdown.tp_exposed_s, serial / 8 + latency, 0.02 * (serial / 8 + latency));
}

// Two pods of 4 nodes; the DP rings (8 members, one per node, one ring per TP rank merged into one
// flow per edge) cross the pod boundary on edges 3->4 and 7->0. With one micro-batch nothing hides
// the parameter all-gather and the gradient reduce-scatter, so the exposed DP time is their ring
// time: at the node NIC rate when the core is non-blocking, at half of it when the pod uplinks are
// 1:8 oversubscribed (4 nodes x 368 GB/s / 8 = 184 GB/s for the one crossing flow).
// The model is made communication-bound (16-token sequences, 2 wide layers) so that the ~1.5 ms of
// kernels hide at most 5 % of the ~35 ms of DP traffic.
double dp_ring_seconds_at_node_rate(const config::ScenarioSpec& s) {
  const auto w = workload::build_workload(s);
  const double params = 2 * w.layer.params_per_gpu + w.embed_params_per_gpu + w.head_params_per_gpu;
  const double node_bps = 8 * s.platform.node.nic_bandwidth_bytes_per_s *
                          hardware::network_bus_efficiency(s.platform.fabric.technology);
  const double bytes = 7.0 / 8 * params * (2 + 4) * 8;  // bf16 gather + fp32 reduce, 8 TP rings merged
  return bytes / node_bps;
}

config::ScenarioSpec dp_across_pods(double oversubscription) {
  auto s = testing::small_gpt(8, 1, 8);
  s.platform.fabric.gpus_per_pod = 32;
  s.platform.fabric.pod_oversubscription = oversubscription;
  s.training.global_batch = 8;
  s.training.parallelism.zero = 1;
  s.model.layers = 2;
  s.model.hidden = 8192;
  s.model.ffn_hidden = 32768;
  s.model.heads = 64;
  s.model.kv_heads = 64;
  s.model.seq_len = 16;
  return s;
}

TEST(Step, OversubscribedCoreHalvesTheCrossPodRingRate) {
  const auto s = dp_across_pods(8.0);
  const StepProfile p = simulate_step(s);
  SCOPED_TRACE("1:8 pod uplinks: the crossing edges run at half the node rate");
  EXPECT_NEAR(p.breakdown.dp_exposed_s / (2 * dp_ring_seconds_at_node_rate(s)), 1.0, 0.05);
}

TEST(Step, NonBlockingCoreRunsRingsAtTheNodeRate) {
  const auto s = dp_across_pods(1.0);
  const StepProfile p = simulate_step(s);
  EXPECT_NEAR(p.breakdown.dp_exposed_s / dp_ring_seconds_at_node_rate(s), 1.0, 0.06);
}

// Without --overlap-param-gather / --overlap-grad-reduce the parameter all-gather runs before the
// first forward and the gradient reduce-scatter after the last backward, so the whole ring time
// is exposed however much compute there is to hide it behind; with them, part of it hides behind
// the first forward and the last backward.
config::ScenarioSpec dp_with_compute(bool overlap) {
  auto s = dp_across_pods(1.0);
  s.model.seq_len = 2048;
  s.training.global_batch = 32;  // 4 micro-batches per data-parallel rank
  s.training.overlap.grad_reduce = overlap;
  s.training.overlap.param_gather = overlap;
  return s;
}

TEST(Step, WithoutDpOverlapTheWholeRingTimeIsExposed) {
  const auto s = dp_with_compute(false);
  const StepProfile p = simulate_step(s);
  EXPECT_NEAR(p.breakdown.dp_exposed_s / dp_ring_seconds_at_node_rate(s), 1.0, 0.06);
}

TEST(Step, DpOverlapHidesPartOfTheRingTime) {
  const auto s = dp_with_compute(true);
  const StepProfile p = simulate_step(s);
  const auto w = workload::build_workload(s);
  // At least the last backward of the two layers hides reduce-scatter time.
  EXPECT_LT(p.breakdown.dp_exposed_s, dp_ring_seconds_at_node_rate(s) - 0.9 * 2 * w.layer.bwd_s);
}

TEST(Step, TraceHasATrackPerStage) {
  auto s = testing::small_gpt(8, 2, 1);
  StepOptions opt;
  opt.collect_trace = true;
  const StepProfile p = simulate_step(s, opt);
  bool stage0 = false, stage1 = false;
  for (const auto& e : p.trace) {
    stage0 |= e.track.rfind("stage 00", 0) == 0;
    stage1 |= e.track.rfind("stage 01", 0) == 0;
    EXPECT_LE(e.start_s, e.end_s);
    EXPECT_LE(e.end_s, p.time_s + 1e-9);
  }
  EXPECT_TRUE(stage0 && stage1);
}

}  // namespace
}  // namespace trainsim::step
