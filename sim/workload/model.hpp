// Workload: what one training step asks of each GPU, derived from the model dimensions, the
// parallel layout and the GPU kind. Pure C++ (no SimGrid): the step simulation turns these
// costs into exec and comm activities.
//
// Conventions (docs/models/workload.md):
//  - "model FLOPs" follow Megatron-LM's num_floating_point_operations (mid-2024, r0.8): dense
//    matmuls plus full (non-causal) attention score/value products, forward = 1x, backward = 2x,
//    no recompute. MFU uses these.
//  - "hardware FLOPs" add recompute.
//  - Kernel times come from a per-GEMM roofline with wave quantisation, flash-attention
//    efficiencies and memory-bound element-wise kernels (see kernel_time below). The efficiency
//    constants live in the hardware catalog, identical for every scenario.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/config/spec.hpp"
#include "sim/hardware/catalog.hpp"

namespace trainsim::workload {

// The step model's two calibration knobs, identical for every scenario and GPU kind, fitted once
// by least mean |error| over tests/validation (docs/validation.md):
//  * kSustainedKernelFraction: share of the isolated-kernel microbenchmarks (MAMF GEMM, flash
//    attention) that a kernel sustains inside a training step (power/clock capping under
//    sustained load, NCCL kernels sharing SMs and HBM). 0.86 x MAMF = 683 TFLOP/s on H100, 233 on A100
//    (0.88 until 2026-12-06; re-fitted on the same grid when GEMMs began to pick their tile shape).
//  * kKernelOverheadS: fixed cost per kernel (launch, dependency gap, host dispatch of eager
//    PyTorch when kernels are short); ~45 kernels per layer forward+backward.
inline constexpr double kSustainedKernelFraction = 0.86;
inline constexpr double kKernelOverheadS = 15e-6;

enum class CollKind { kAllReduce, kAllGather, kReduceScatter };

// Ring bus-traffic factor per rank: all-reduce 2(n-1)/n, all-gather / reduce-scatter (n-1)/n
// (NVIDIA nccl-tests doc/PERFORMANCE.md).
double bus_factor(CollKind kind, int64_t n);

// Cost of one GEMM of shape (m x k) . (k x n) on one GPU: roofline on FLOPs and HBM bytes with
// wave quantisation of (tile_m x tile_n) output tiles over the SMs.
// Source: NVIDIA Deep Learning Performance Guide, "Matrix Multiplication Background" (tile and
// wave quantisation); achievable peak = gemm_efficiency (MAMF, stas00/ml-engineering).
double gemm_time_s(const hardware::GpuSpec& gpu, double peak_flop_per_s, double m, double n, double k,
                   double bytes_per_element);

// Per-micro-batch, per-GPU cost of a group of transformer layers (a model chunk).
struct ChunkCost {
  int64_t layers = 1;
  double fwd_s = 0;           // forward kernels (GEMMs + attention + element-wise)
  double bwd_s = 0;           // backward kernels, including recompute when enabled
  double fwd_model_flop = 0;  // per GPU
  double bwd_model_flop = 0;
  double recompute_flop = 0;
  // Tensor-parallel traffic per GPU (bytes on the ring, already multiplied by the bus factor).
  double tp_fwd_bus_bytes = 0;
  double tp_bwd_bus_bytes = 0;
  // The part of tp_bwd_bus_bytes (and of its collectives) that overlap.tp_backward issues
  // asynchronously behind the backward GEMMs.
  double tp_bwd_async_bus_bytes = 0;
  int64_t tp_fwd_collectives = 0;  // count, for the latency term
  int64_t tp_bwd_collectives = 0;
  int64_t tp_bwd_async_collectives = 0;
  // Context-parallel K/V all-gather (fwd) and dK/dV reduce-scatter (bwd), bus bytes per GPU.
  double cp_fwd_bus_bytes = 0;
  double cp_bwd_bus_bytes = 0;
  double params_per_gpu = 0;          // parameters held by one GPU for these layers (after TP)
  ChunkCost scaled(int64_t n) const;  // the same for n layers
};

struct MemoryEstimate {  // bytes per GPU on the most loaded pipeline stage
  double weights = 0, gradients = 0, optimizer = 0, activations = 0, overhead = 0;
  int64_t stage = 0;  // which stage is the most loaded
  double total() const { return weights + gradients + optimizer + activations + overhead; }
};

// Everything the step simulation needs, computed once.
struct Workload {
  const hardware::GpuSpec* gpu = nullptr;
  double peak_flop_per_s = 0;  // dense, training precision
  int64_t micro_batches = 0;   // per pipeline per step = global_batch / (dp * micro_batch)
  // Transformer layers of each (pipeline stage, model chunk). When pp*vpp does not divide the
  // layers, stages at the ends of the pipeline get one layer fewer, as Llama 3 does (paper §3.3.2:
  // first and last stage one layer fewer), then the next ones inwards.
  std::vector<std::vector<int64_t>> layers_in;  // [stage][chunk]
  int64_t max_layers_per_stage = 0;
  ChunkCost layer;  // one transformer layer (ChunkCost::layers == 1)
  // Extra work of the first stage (embedding) and the last stage (final norm, logits, loss).
  double embed_fwd_s = 0, embed_bwd_s = 0;
  double head_fwd_s = 0, head_bwd_s = 0;
  double head_model_flop = 0;  // fwd+bwd per micro-batch per GPU
  double head_params_per_gpu = 0, embed_params_per_gpu = 0;
  // Pipeline send of one micro-batch's activations (or their gradient), bytes per GPU.
  double pp_bytes_per_gpu = 0;
  // Data parallelism: bytes per GPU of gradients to reduce and parameters to gather.
  double grad_bytes_per_param = 4;  // fp32 (Megatron bf16 default) or 2
  double param_bytes = 2;           // bf16 weights
  // Optimizer step (Adam) on the parameters a GPU updates, memory-bound.
  double optimizer_s_first = 0, optimizer_s_mid = 0, optimizer_s_last = 0;
  // Totals per step for the whole job.
  double model_flop_per_step = 0;
  double hardware_flop_per_step = 0;
  double total_params = 0;
  MemoryEstimate memory;
};

// Total parameter count of the model (embeddings included; the output layer counted separately
// unless tied).
double parameter_count(const config::ModelSpec& m);

// Model FLOPs of one step (Megatron r0.8 accounting, see file comment).
double model_flop_per_step(const config::ModelSpec& m, int64_t global_batch);

// Builds the workload. REQUIRES: a validated scenario (config/loader).
Workload build_workload(const config::ScenarioSpec& s);

// Throws InfeasibleError ("needs X GiB per GPU, has Y GiB") when the most loaded stage does not fit.
void check_memory_fits(const config::ScenarioSpec& s, const Workload& w);
// "does not fit in GPU memory: ... needs X GiB per GPU, ... has Y GiB" plus a note line with the
// parts, or "" when it fits (the text of check_memory_fits's error, without the advice).
std::string memory_shortfall(const Workload& w);

}  // namespace trainsim::workload
