#include "sim/workload/model.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "sim/common/error.hpp"

namespace trainsim::workload {
namespace {

constexpr double kBf16Bytes = 2.0;
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// Fixed per-GPU memory outside the model state: CUDA context and kernels (~0.5-1 GiB), NCCL
// communicator buffers (~1 GiB at scale), allocator fragmentation. An assumption, documented in
// docs/models/workload.md (no primary source gives one figure).
constexpr double kMemoryOverheadBytes = 2.0 * kGiB;

// Adam step, bytes moved per updated parameter: fp32 master weight read+write (8), fp32
// gradient read (4), first and second moments read+write (16), bf16 weight write (2), gradient
// norm for clipping (4 read). Memory-bound (Megatron distributed optimizer; Adam, Kingma & Ba).
constexpr double kAdamBytesPerParam = 34.0;

// Flash-attention backward performs 2.5x the forward FLOPs (it recomputes the score matrix);
// Dao 2023 (FlashAttention-2, §4) counts it this way, and the efficiencies in the catalog use
// that convention.
constexpr double kFlashBwdFlopRatio = 2.5;

// Fraction of the full s x s score matrix a causal kernel computes (blocks above the diagonal are
// skipped): ~1/2 for long sequences.
constexpr double kCausalFraction = 0.5;

double ceil_div(double a, double b) { return std::ceil(a / b); }

}  // namespace

double bus_factor(CollKind kind, int64_t n) {
  if (n <= 1) return 0.0;
  const double f = static_cast<double>(n - 1) / static_cast<double>(n);
  return kind == CollKind::kAllReduce ? 2.0 * f : f;
}

double gemm_time_s(const hardware::GpuSpec& gpu, double peak_flop_per_s, double m, double n, double k,
                   double bytes_per_element) {
  if (m <= 0 || n <= 0 || k <= 0) return 0.0;
  const double flop = 2.0 * m * n * k;
  // Wave quantisation (NVIDIA, Matrix Multiplication Background User's Guide §3.2): the output is
  // cut into tiles, one per SM at a time, and a partial last wave costs a whole one. cuBLAS's
  // heuristics choose the tile configuration per problem shape (same guide, §2.3), so the useful
  // fraction is the best over the catalog's large tile in both orientations and a 128 x 128 tile,
  // all assumed to sustain the microbenchmark rate.
  auto useful_fraction = [&](double tm, double tn) {
    const double tiles = ceil_div(m, tm) * ceil_div(n, tn);
    return tiles / (ceil_div(tiles, gpu.sm_count) * gpu.sm_count);
  };
  const double wave_eff =
      std::max({useful_fraction(gpu.gemm_tile_m, gpu.gemm_tile_n),
                useful_fraction(gpu.gemm_tile_n, gpu.gemm_tile_m), useful_fraction(128, 128)});
  const double compute_s =
      flop / (peak_flop_per_s * gpu.gemm_efficiency * kSustainedKernelFraction * wave_eff);
  const double bytes = (m * k + k * n + m * n) * bytes_per_element;
  const double memory_s = bytes / (gpu.hbm_bandwidth_bytes_per_s * gpu.hbm_efficiency);
  return std::max(compute_s, memory_s);
}

double parameter_count(const config::ModelSpec& m) {
  const double h = m.hidden, f = m.ffn_hidden, d = m.head_dim();
  const double attn = h * (m.heads * d) + 2.0 * h * (m.kv_heads * d) + (m.heads * d) * h;
  const double mlp = h * f * (m.mlp == config::Mlp::kSwiglu ? 3.0 : 2.0);
  const double norms = 2.0 * h;
  const double per_layer = attn + mlp + norms;
  const double embed = static_cast<double>(m.vocab) * h;
  const double head = m.tied_embeddings ? 0.0 : embed;
  return m.layers * per_layer + embed + head + h;
}

double model_flop_per_step(const config::ModelSpec& m, int64_t global_batch) {
  // Per token, forward: QKV 2h(h+2gd), scores+values 4sh (full, non-causal), projection 2h^2,
  // MLP 2hf(3 swiglu | 2 gelu), logits 2hV. Forward+backward = 3x. Megatron-LM r0.8
  // num_floating_point_operations (training.py), rewritten per term.
  const double h = m.hidden, f = m.ffn_hidden, s = m.seq_len, V = m.vocab;
  const double gd = static_cast<double>(m.kv_heads) * m.head_dim();
  const double mlp_mul = m.mlp == config::Mlp::kSwiglu ? 3.0 : 2.0;
  const double per_layer = 2.0 * h * (h + 2.0 * gd) + 4.0 * s * h + 2.0 * h * h + 2.0 * h * f * mlp_mul;
  const double per_token = m.layers * per_layer + 2.0 * h * V;
  return 3.0 * per_token * s * static_cast<double>(global_batch);
}

namespace {

// Per-GPU, per-micro-batch cost of one transformer layer.
struct LayerCost {
  double fwd_s = 0, bwd_s = 0, fwd_model_flop = 0, bwd_model_flop = 0;
  double gemm_fwd_s = 0, gemm_bwd_s = 0;
  double params = 0;
  double act_bytes = 0;  // activation memory kept for backward
};

LayerCost layer_cost(const config::ScenarioSpec& sc, const hardware::GpuSpec& gpu, double peak) {
  const auto& m = sc.model;
  const auto& par = sc.training.parallelism;
  const double t = par.tp, c = par.cp;
  const double b = sc.training.micro_batch, s = m.seq_len;
  const double h = m.hidden, f = m.ffn_hidden, d = m.head_dim();
  const double a_l = m.heads / t;  // query heads per GPU
  const double g_l =
      std::max(1.0, static_cast<double>(m.kv_heads) / t);  // KV heads per GPU (replicated if < tp)
  const double T = b * s / c;                              // tokens per GPU per micro-batch
  const double T_sp = par.sequence_parallel ? T / t : T;   // tokens in norm/residual regions
  const bool swiglu = m.mlp == config::Mlp::kSwiglu;
  const double up_n = f / t * (swiglu ? 2.0 : 1.0);
  const double e = kBf16Bytes;
  const double hbm = gpu.hbm_bandwidth_bytes_per_s * gpu.hbm_efficiency;

  LayerCost lc;
  // GEMMs (m, n, k): QKV, projection, MLP up(+gate), MLP down.
  struct G {
    double m, n, k;
  };
  const G gemms[] = {{T, (a_l + 2 * g_l) * d, h}, {T, h, a_l * d}, {T, up_n, h}, {T, h, f / t}};
  for (const G& g : gemms) {
    lc.gemm_fwd_s += gemm_time_s(gpu, peak, g.m, g.n, g.k, e);
    // Backward: data gradient (m x k) = (m x n)(n x k) and weight gradient (k x n) = (k x m)(m x n),
    // the latter accumulating into the fp32 main gradient (read + write 4 B each).
    lc.gemm_bwd_s += gemm_time_s(gpu, peak, g.m, g.k, g.n, e);
    const double wgrad = gemm_time_s(gpu, peak, g.k, g.n, g.m, e);
    lc.gemm_bwd_s += std::max(wgrad, (g.k * g.n * 8.0 + (g.m * g.k + g.m * g.n) * e) / hbm);
    lc.fwd_model_flop += 2.0 * g.m * g.n * g.k;
    lc.params += g.n * g.k;
  }
  // Attention core: model FLOPs count the full score matrix (Megatron r0.8).
  const double attn_full = 4.0 * T * s * a_l * d;
  lc.fwd_model_flop += attn_full;
  const bool dropout = m.dropout > 0;
  double attn_fwd_s, attn_bwd_s, attn_act_bytes = 0;
  if (sc.training.flash_attention) {
    // Flash attention: the causal kernel computes about half of the score blocks; efficiencies from
    // the FA2/FA3 measurements in the catalog. No score matrix in memory.
    const double attn_hw = attn_full * kCausalFraction;
    attn_fwd_s = attn_hw / (peak * gpu.attn_fwd_efficiency * kSustainedKernelFraction);
    attn_bwd_s = kFlashBwdFlopRatio * attn_hw / (peak * gpu.attn_bwd_efficiency * kSustainedKernelFraction);
  } else {
    // Materialised attention (Megatron before flash attention, e.g. Narayanan et al. 2021,
    // Korthikanti et al. 2022): batched GEMMs QK^T and PV of (T x s x d) per head, and a fused
    // scale-mask-softmax over the b a/t T s score matrix (read 2 B, write 2 B per score), then
    // dropout (read 2, write 2 + 1 B mask). Backward: four batched GEMMs, softmax backward (read
    // probabilities and gradient, write gradient) and dropout backward (read mask and gradient,
    // write gradient). The score matrix, probabilities and mask stay in memory for backward
    // (Korthikanti et al. 2022 eq. 2: 5 a s / h x s b h bytes) unless recompute is selective.
    const double heads = b * a_l;
    const double scores = heads * T * s;
    auto bgemm = [&](double mm, double nn, double kk) {
      const double flop = 2.0 * heads * mm * nn * kk;
      const double bytes = heads * (mm * kk + kk * nn + mm * nn) * e;
      return std::max(flop / (peak * gpu.gemm_efficiency * kSustainedKernelFraction), bytes / hbm);
    };
    const double softmax_fwd = scores * (2 * e + (dropout ? 2 * e + 1 : 0)) / hbm;
    const double softmax_bwd = scores * (3 * e + (dropout ? 2 * e + 1 : 0)) / hbm;
    attn_fwd_s = bgemm(T, s, d) + bgemm(T, d, s) + softmax_fwd;
    attn_bwd_s = 2.0 * (bgemm(T, s, d) + bgemm(T, d, s)) + softmax_bwd;
    if (sc.training.recompute == config::Recompute::kSelective) {
      attn_bwd_s += attn_fwd_s;  // recompute the score path instead of storing it
    } else {
      attn_act_bytes = scores * (e + (dropout ? e + 1 : 0));
    }
  }
  // Element-wise, memory-bound kernels (bytes): two norms (read+write), two residual adds (2 reads,
  // 1 write; with dropout a bias-dropout-add that also writes a 1 B mask), the MLP activation
  // (swiglu reads 2f writes f; gelu reads f writes f), rotary embedding on q and k for swiglu
  // (Llama-style) models. Backward moves about twice as much.
  double ew = T_sp * h * e * (2 * 2 + 2 * 3) + (dropout ? T_sp * h * 2.0 : 0.0);
  ew += T * (f / t) * e * (swiglu ? 3.0 : 2.0);
  if (swiglu) ew += T * (a_l + g_l) * d * e * 2.0;
  const double ew_fwd_s = ew / hbm;
  const double ew_bwd_s = 2.0 * ew / hbm;

  // Fixed per-kernel cost (launch latency and the idle gap between dependent kernels), times the
  // kernels of a layer: 4 GEMMs, attention (flash 1 | materialised 3), 2 norms, 2 residual or
  // bias-dropout-add, the activation, rotary embedding (swiglu models), and the TP collectives;
  // backward runs about twice as many (data- and weight-gradient GEMMs).
  const double attn_kernels = sc.training.flash_attention ? 1.0 : 3.0;
  const double tp_kernels =
      sc.training.parallelism.tp > 1 ? (sc.training.parallelism.sequence_parallel ? 4.0 : 2.0) : 0.0;
  const double fwd_kernels = 4 + attn_kernels + 2 + 2 + 1 + (swiglu ? 1 : 0) + tp_kernels;
  const double k_over = kKernelOverheadS;
  lc.fwd_s = lc.gemm_fwd_s + attn_fwd_s + ew_fwd_s + fwd_kernels * k_over;
  lc.bwd_s = lc.gemm_bwd_s + attn_bwd_s + ew_bwd_s + 2.0 * fwd_kernels * k_over;
  lc.bwd_model_flop = 2.0 * lc.fwd_model_flop;
  lc.params += 2.0 * h;  // norm weights (replicated on every TP rank)

  // Activations kept for backward, per micro-batch (bytes): norm inputs, QKV input, q/k/v,
  // attention output, MLP input, fc1 output, activation output (flash attention keeps no score
  // matrix). Sequence parallelism shards the norm/residual regions by tp as well
  // (Korthikanti et al. 2022, §4.2, generalised to GQA and swiglu).
  const double seq_region = T_sp * h * e * 4.0;  // ln1 in, qkv in, ln2 in, mlp in
  const double tp_region = T * e * ((a_l + 2 * g_l) * d + a_l * d + up_n + f / t);
  lc.act_bytes = seq_region + tp_region + attn_act_bytes + (dropout ? T_sp * h * 2.0 : 0.0);
  return lc;
}

}  // namespace

ChunkCost ChunkCost::scaled(int64_t n) const {
  const double k = static_cast<double>(n);
  ChunkCost c = *this;
  c.layers = layers * n;
  for (double* v : {&c.fwd_s, &c.bwd_s, &c.fwd_model_flop, &c.bwd_model_flop, &c.recompute_flop,
                    &c.tp_fwd_bus_bytes, &c.tp_bwd_bus_bytes, &c.tp_bwd_async_bus_bytes, &c.cp_fwd_bus_bytes,
                    &c.cp_bwd_bus_bytes, &c.params_per_gpu})
    *v *= k;
  c.tp_fwd_collectives *= n;
  c.tp_bwd_collectives *= n;
  c.tp_bwd_async_collectives *= n;
  return c;
}

Workload build_workload(const config::ScenarioSpec& sc) {
  Workload w;
  const auto& m = sc.model;
  const auto& tr = sc.training;
  const auto& par = tr.parallelism;
  w.gpu = hardware::find_gpu(sc.platform.node.gpu);
  if (w.gpu == nullptr) throw ConfigError(format_error(sc.platform.loc.str(), "node.gpu", "unknown GPU"));
  const hardware::GpuSpec& gpu = *w.gpu;
  w.peak_flop_per_s = gpu.peak_flop_per_s(tr.precision);
  const double peak = w.peak_flop_per_s;
  const double t = par.tp, c = par.cp;
  const double b = tr.micro_batch, s = m.seq_len, h = m.hidden, V = m.vocab;
  const double T = b * s / c;
  const double e = kBf16Bytes;
  const double hbm = gpu.hbm_bandwidth_bytes_per_s * gpu.hbm_efficiency;

  w.micro_batches = tr.global_batch / (par.dp * tr.micro_batch);
  {
    // Start from ceil(layers / pp) everywhere and take the surplus away from the ends inwards.
    const int64_t per = (m.layers + par.pp - 1) / par.pp;
    std::vector<int64_t> stage_layers(static_cast<size_t>(par.pp), per);
    int64_t surplus = per * par.pp - m.layers;
    for (int64_t i = 0; surplus > 0; ++i) {
      const int64_t idx = (i % 2 == 0) ? i / 2 : par.pp - 1 - i / 2;
      --stage_layers[static_cast<size_t>(idx)];
      --surplus;
    }
    w.layers_in.assign(static_cast<size_t>(par.pp), {});
    for (int64_t st = 0; st < par.pp; ++st) {
      const int64_t n = stage_layers[static_cast<size_t>(st)];
      w.max_layers_per_stage = std::max(w.max_layers_per_stage, n);
      for (int64_t c = 0; c < par.vpp; ++c)
        w.layers_in[static_cast<size_t>(st)].push_back(n / par.vpp + (c < n % par.vpp ? 1 : 0));
    }
  }
  w.grad_bytes_per_param = tr.grad_reduce_fp32 ? 4.0 : 2.0;
  w.param_bytes = e;

  const LayerCost lc = layer_cost(sc, gpu, peak);
  const double L = 1.0;
  ChunkCost& ck = w.layer;
  ck.layers = 1;
  ck.fwd_s = L * lc.fwd_s;
  ck.bwd_s = L * lc.bwd_s;
  ck.fwd_model_flop = L * lc.fwd_model_flop;
  ck.bwd_model_flop = L * lc.bwd_model_flop;
  ck.params_per_gpu = L * lc.params;
  if (tr.recompute == config::Recompute::kFull) {
    ck.bwd_s += ck.fwd_s;
    ck.recompute_flop = ck.fwd_model_flop;
  } else if (tr.recompute == config::Recompute::kSelective) {
    // Selective recompute re-runs the attention core only (Korthikanti et al. 2022 §5); with
    // flash attention that is what the kernel does anyway, so no extra time or memory change.
  }

  // Tensor parallelism, per layer. With sequence parallelism: forward all-gather before QKV and
  // before the MLP, reduce-scatter after the projection and after the MLP; backward mirrors them
  // and re-gathers the two inputs for the weight gradients (Korthikanti et al. 2022 §4.2.2).
  // Without it: one all-reduce after each block forward and one per block backward.
  // Of the backward collectives, those of the two column-parallel layers (QKV, MLP up) can be
  // issued asynchronously (overlap.tp_backward; Megatron-LM tensor_parallel/layers.py
  // LinearWithGradAccumulationAndAsyncCommunication.backward): with sequence parallelism the
  // re-gather of the input runs behind the data-gradient GEMM and the reduce-scatter of the input
  // gradient behind the weight-gradient GEMM (4 of the 6); without it the all-reduce of the input
  // gradient runs behind the weight-gradient GEMM (2 of 2). The all-gathers of the output
  // gradients of the row-parallel layers (projection, MLP down) stay on the critical path.
  if (par.tp > 1) {
    const double act = T * h * e;  // gathered activation, bytes
    if (par.sequence_parallel) {
      const double ag = bus_factor(CollKind::kAllGather, par.tp) * act;
      ck.tp_fwd_bus_bytes = L * 4.0 * ag;
      ck.tp_bwd_bus_bytes = L * 6.0 * ag;
      ck.tp_bwd_async_bus_bytes = L * 4.0 * ag;
      ck.tp_fwd_collectives = static_cast<int64_t>(L) * 4;
      ck.tp_bwd_collectives = static_cast<int64_t>(L) * 6;
      ck.tp_bwd_async_collectives = static_cast<int64_t>(L) * 4;
    } else {
      const double ar = bus_factor(CollKind::kAllReduce, par.tp) * act;
      ck.tp_fwd_bus_bytes = L * 2.0 * ar;
      ck.tp_bwd_bus_bytes = L * 2.0 * ar;
      ck.tp_bwd_async_bus_bytes = L * 2.0 * ar;
      ck.tp_fwd_collectives = static_cast<int64_t>(L) * 2;
      ck.tp_bwd_collectives = static_cast<int64_t>(L) * 2;
      ck.tp_bwd_async_collectives = static_cast<int64_t>(L) * 2;
    }
    if (tr.recompute == config::Recompute::kFull) {
      ck.tp_bwd_bus_bytes += ck.tp_fwd_bus_bytes;
      ck.tp_bwd_collectives += ck.tp_fwd_collectives;
    }
  }
  // Context parallelism: all-gather of K and V of the local KV heads in forward, reduce-scatter
  // of their gradients in backward (Llama 3 paper §3.3.2: all-gather based CP).
  if (par.cp > 1) {
    const double g_l = std::max(1.0, static_cast<double>(m.kv_heads) / t);
    const double kv = b * s * 2.0 * g_l * m.head_dim() * e;
    ck.cp_fwd_bus_bytes = L * bus_factor(CollKind::kAllGather, par.cp) * kv;
    ck.cp_bwd_bus_bytes = L * bus_factor(CollKind::kReduceScatter, par.cp) * kv;
    if (tr.recompute == config::Recompute::kFull) ck.cp_bwd_bus_bytes += ck.cp_fwd_bus_bytes;
  }

  // First stage: embedding lookup (write T_sp x h) and its scatter-add gradient into fp32.
  const double T_sp = par.sequence_parallel ? T / t : T;
  w.embed_fwd_s = T_sp * h * e / hbm;
  w.embed_bwd_s = T * h * (e + 8.0) / hbm;
  w.embed_params_per_gpu = V * h / t;
  // Last stage: final norm, logits GEMM (vocab-parallel), and Megatron's unfused vocab-parallel
  // cross-entropy in fp32 (megatron/core/tensor_parallel/cross_entropy.py): forward casts the bf16
  // logits to fp32 (2 B read + 4 B write), max (4 read), subtract (4+4), exp (4+4), sum (4),
  // normalise (4+4) = 38 B per logit; backward subtracts the one-hot and scales in place (8+8) and
  // casts the gradient to bf16 (4+2) = 22 B per logit.
  const double logits_gemm_fwd = gemm_time_s(gpu, peak, T, V / t, h, e);
  const double logits_gemm_bwd = gemm_time_s(gpu, peak, T, h, V / t, e) +
                                 std::max(gemm_time_s(gpu, peak, h, V / t, T, e), (h * V / t * 8.0) / hbm);
  const double ce_fwd = T * (V / t) * 38.0 / hbm, ce_bwd = T * (V / t) * 22.0 / hbm;
  const double norm = T_sp * h * e * 2.0 / hbm;
  w.head_fwd_s = norm + logits_gemm_fwd + ce_fwd;
  w.head_bwd_s = 2.0 * norm + logits_gemm_bwd + ce_bwd;
  w.head_model_flop = 3.0 * 2.0 * T * h * (V / t);
  w.head_params_per_gpu = m.tied_embeddings ? 0.0 : V * h / t;

  // Pipeline: one micro-batch's boundary activation, split across the TP ranks (sequence
  // parallel shard, or Narayanan et al. 2021 §4.1 scatter/gather optimisation without it).
  w.pp_bytes_per_gpu = par.pp > 1 ? T * h * e / t : 0.0;

  // Optimizer, per stage (first and last stages also own the embedding / output layer).
  const double stage_params = ck.params_per_gpu * static_cast<double>(w.max_layers_per_stage);
  const double shard = par.zero >= 1 ? static_cast<double>(par.dp) : 1.0;
  auto opt_s = [&](double params) { return params / shard * kAdamBytesPerParam / hbm; };
  w.optimizer_s_mid = opt_s(stage_params);
  w.optimizer_s_first = opt_s(stage_params + w.embed_params_per_gpu);
  w.optimizer_s_last =
      opt_s(stage_params + w.head_params_per_gpu + (par.pp == 1 ? w.embed_params_per_gpu : 0));

  // Totals.
  w.total_params = parameter_count(m);
  w.model_flop_per_step = model_flop_per_step(m, tr.global_batch);
  double recompute_total = 0;
  if (tr.recompute == config::Recompute::kFull) {
    // Forward of every transformer layer once more, whole job.
    recompute_total = ck.recompute_flop / L * m.layers * t * c * static_cast<double>(tr.global_batch) / b;
  }
  w.hardware_flop_per_step = w.model_flop_per_step + recompute_total;

  // Memory of the most loaded stage. Activations in flight: 1F1B keeps min(pp - i, m) micro-batches
  // on stage i; the interleaved schedule keeps pp * (1 + (pp-1)/(pp*vpp)) on stage 0 (Narayanan et
  // al. 2021 §2.2; Korthikanti et al. 2022 §4.2.3).
  const double dp = par.dp;
  double act_per_mb_layer = lc.act_bytes;
  if (tr.recompute == config::Recompute::kFull)
    act_per_mb_layer = (par.sequence_parallel ? T / t : T) * h * e;
  double best = -1;
  for (int64_t stage = 0; stage < par.pp; ++stage) {
    MemoryEstimate me;
    double params = stage_params;
    if (stage == 0) params += w.embed_params_per_gpu;
    if (stage == par.pp - 1) params += w.head_params_per_gpu;
    me.weights = params * e / (par.zero >= 3 ? dp : 1.0);
    // Gradient buffer: fp32 accumulation (zero 0/1, Megatron), or a bf16 unsharded accumulation
    // buffer plus an fp32 shard (zero >= 2, PyTorch FSDP with no_sync), or a shard (zero 3).
    if (par.zero <= 1) {
      me.gradients = params * w.grad_bytes_per_param;
    } else if (par.zero == 2) {
      me.gradients = params * e + params * 4.0 / dp;
    } else {
      me.gradients = params * 4.0 / dp;
    }
    me.optimizer = params * 12.0 / shard;  // fp32 master weights + Adam moments
    // Micro-batches whose activations are alive on this stage at the peak: 1F1B warms up with
    // pp - stage; the interleaved schedule warms up 2(pp - stage - 1) + (vpp - 1) pp chunk passes
    // (Megatron-LM schedules.py), each holding 1/vpp of the stage's layers.
    double in_flight;
    if (par.vpp > 1) {
      in_flight = (2.0 * (par.pp - stage - 1) + (par.vpp - 1.0) * par.pp + 1.0) / par.vpp;
    } else {
      in_flight = static_cast<double>(par.pp - stage);
    }
    in_flight = std::min(in_flight, static_cast<double>(w.micro_batches));
    me.activations = in_flight * static_cast<double>(w.max_layers_per_stage) * act_per_mb_layer;
    if (stage == par.pp - 1) me.activations += T * (V / t) * 4.0;  // fp32 logits of the current micro-batch
    me.overhead = kMemoryOverheadBytes;
    me.stage = stage;
    if (me.total() > best) {
      best = me.total();
      w.memory = me;
    }
  }
  return w;
}

std::string memory_shortfall(const Workload& w) {
  const double cap = w.gpu->hbm_bytes;
  if (w.memory.total() <= cap) return "";
  std::ostringstream msg;
  msg.precision(1);
  msg << std::fixed << "does not fit in GPU memory: pipeline stage " << w.memory.stage << " needs "
      << w.memory.total() / kGiB << " GiB per GPU, " << w.gpu->id << " has " << cap / kGiB << " GiB"
      << "\nnote: weights " << w.memory.weights / kGiB << " GiB, gradients " << w.memory.gradients / kGiB
      << " GiB, optimizer " << w.memory.optimizer / kGiB << " GiB, activations "
      << w.memory.activations / kGiB << " GiB, overhead " << w.memory.overhead / kGiB << " GiB";
  return msg.str();
}

void check_memory_fits(const config::ScenarioSpec& sc, const Workload& w) {
  const std::string shortfall = memory_shortfall(w);
  if (shortfall.empty()) return;
  throw InfeasibleError(format_error(sc.loc.str(), "",
                                     shortfall + "\nnote: try more tensor/pipeline parallelism, zero: 1 "
                                                 "or more, recompute: full, or a smaller micro_batch"));
}

}  // namespace trainsim::workload
