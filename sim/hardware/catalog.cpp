// Hardware catalog values. Every number carries its source; docs/models/hardware.md has the same
// table. Source shorthands:
//   [RF]   ../shared/data/reference_facts.md (row named after the colon), with its tag
//   [PR]   ../shared/data/published_runs.yaml, hardware_peaks / cases (entry named)
//   [GK]   glennklockwood.com/garden/processors/B200 (HGX B200 at 1,000 W, NVIDIA-quoted table)
//   [SMI]  nvidia-smi / torch.cuda memory totals and idle power printed in public repositories
//          (found by exact-string search of stored GitHub files, e.g. "81559MiB")
// "recalled" = from memory of vendor material, not read in a source during this work: check before
// relying on it. Dense peaks exclude 2:4 sparsity (vendor headline numbers are often sparse = 2x).
#include "sim/hardware/catalog.hpp"

#include <algorithm>
#include <stdexcept>

namespace trainsim::hardware {
namespace {

constexpr double kTera = 1e12;
constexpr double kGiga = 1e9;
constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kGiB = 1024.0 * kMiB;

GpuSpec make_h100_sxm_80gb() {
  GpuSpec g;
  g.id = "h100-sxm-80gb";
  g.display_name = "NVIDIA H100 SXM5 80GB";
  // Source: [PR] hardware_peaks.H100_SXM.bf16_dense_tflops (= 1979 sparse / 2)
  g.bf16_flop_per_s = 989.5 * kTera;
  // Source: [PR] hardware_peaks.H100_SXM.fp8_dense_tflops; [RF] "H100 SXM dense BF16 peak"
  g.fp8_flop_per_s = 1979.0 * kTera;
  // Source: [PR] hardware_peaks.H100_SXM.tf32_dense_tflops
  g.tf32_flop_per_s = 494.7 * kTera;
  // Source: [SMI] nvidia-smi "81559MiB" total for "NVIDIA H100 80GB HBM3"
  g.hbm_bytes = 81559.0 * kMiB;
  // Source: [RF] "HBM peak" (HBM3, 3.35 TB/s); [PR] hbm_tb_s
  g.hbm_bandwidth_bytes_per_s = 3.35 * kTera;
  // Source: [PR] hardware_peaks.H100_SXM.tdp_w; [RF] "H100 SXM TDP" (Llama 3 §3.3.1)
  g.tdp_w = 700;
  // Source: [SMI] nvidia-smi idle P0 readings 67-73 W of 700 W; [RF] "H100 / A100
  // idle power" is tagged recalled (~60-90 W): an estimate, not a measured spec
  g.idle_w = 70;
  // Source: [RF] "NVLink 4": 18 x 25 GB/s per direction
  g.nvlink_bandwidth_bytes_per_s = 450 * kGiga;
  // Source: [PR] dgx-system-power (DGX H100 User Guide Table 3, "10.2 kW max.")
  g.default_node_power_w = 10200;
  // Source: NVIDIA H100 SXM5 (528 tensor cores / 4 per SM, [RF] "H100 SXM dense BF16 peak")
  g.sm_count = 132;

  // --- calibration block: H100 efficiency constants (initial values; the step model calibrates) ---
  // Source: [RF] "H100 SXM achievable BF16 matmul (MAMF)": 794.5 / 989
  g.gemm_efficiency = 0.803;
  // Source: [RF] "FA3 vs FA2 forward": cuDNN 595-617, FA3 causal 521-616 TFLOP/s ~ 600/989
  g.attn_fwd_efficiency = 0.61;
  // Source: [RF] "FA3 vs FA2 backward": FA3 501-561, cuDNN 465-518 TFLOP/s ~ 515/989
  g.attn_bwd_efficiency = 0.52;
  // Source: [RF] "HBM achievable fraction, H100": 3.02-3.08 of 3.35 TB/s (weak source)
  g.hbm_efficiency = 0.90;
  // Source: [RF] "Intra-node 8-GPU busbw": ring all-reduce 367.2 GB/s / 450 (8x H200,
  // same NVLink 4); also "NCCL protocol overhead on NVLink" ~370 GB/s
  g.nvlink_bus_efficiency = 0.82;
  // --- end calibration block ---
  return g;
}

GpuSpec make_h200_sxm_141gb() {
  // Same GH100 die as H100 SXM (same compute peaks and NVLink 4), with 141 GB HBM3e.
  GpuSpec g = make_h100_sxm_80gb();
  g.id = "h200-sxm-141gb";
  g.display_name = "NVIDIA H200 SXM 141GB";
  // Source: [SMI] "memory: 143771 MiB" for an H200 (NVL variant, same HBM3e)
  g.hbm_bytes = 143771.0 * kMiB;
  // Source: [RF] "HBM peak": H200 4.8 TB/s
  g.hbm_bandwidth_bytes_per_s = 4.8 * kTera;
  // Source: recalled (NVIDIA H200 SXM datasheet: "up to 700 W")
  g.tdp_w = 700;
  // Source: recalled estimate, taken equal to H100
  g.idle_w = 70;
  // Source: [PR] dgx-system-power (DGX H100/H200 User Guide Table 3, 10.2 kW)
  g.default_node_power_w = 10200;
  // --- calibration block: H200 efficiency constants = H100's (same die); the NVLink figure was
  // measured on 8x H200 ([RF] "Intra-node 8-GPU busbw"). HBM efficiency assumed as H100. ---
  return g;
}

GpuSpec make_a100_sxm_80gb() {
  GpuSpec g;
  g.id = "a100-sxm-80gb";
  g.display_name = "NVIDIA A100 SXM4 80GB";
  // Source: [PR] hardware_peaks.A100_SXM_80GB.bf16_dense_tflops; [RF] "A100 SXM dense BF16 peak"
  g.bf16_flop_per_s = 312 * kTera;
  // Source: [RF] "A100 SXM dense BF16 peak": no FP8
  g.fp8_flop_per_s = 0;
  // Source: [PR] hardware_peaks.A100_SXM_80GB.tf32_dense_tflops
  g.tf32_flop_per_s = 156 * kTera;
  // Source: [SMI] torch total_memory_bytes 85,056,798,720 for "NVIDIA A100-SXM4-80GB"
  g.hbm_bytes = 85056798720.0;
  // Source: [PR] hardware_peaks.A100_SXM_80GB.hbm_gb_s; [RF] "HBM peak"
  g.hbm_bandwidth_bytes_per_s = 2039 * kGiga;
  // Source: [PR] hardware_peaks.A100_SXM_80GB.tdp_w ([RF] tags it recalled)
  g.tdp_w = 400;
  // Source: [RF] "H100 / A100 idle power": recalled estimate (~50-60 W)
  g.idle_w = 55;
  // Source: [RF] "NVLink 3 (A100)": 600 GB/s bidirectional
  g.nvlink_bandwidth_bytes_per_s = 300 * kGiga;
  // Source: [PR] dgx-system-power (DGX A100 User Guide, "6.5 kW max.")
  g.default_node_power_w = 6500;
  // Source: [RF] "A100 SXM dense BF16 peak": 432 tensor cores / 4 per SM
  g.sm_count = 108;

  // --- calibration block: A100 efficiency constants (initial values; the step model calibrates) ---
  // Source: [RF] "A100 SXM achievable BF16 matmul (MAMF)": 271.2 / 312
  g.gemm_efficiency = 0.869;
  // Source: [RF] "FlashAttention-2 utilisation": 50-73% of A100 peak (fwd upper part)
  g.attn_fwd_efficiency = 0.60;
  // Source: [RF] "FlashAttention-2 utilisation": 50-73% (bwd lower end)
  g.attn_bwd_efficiency = 0.50;
  // Source: [RF] "HBM achievable fraction, A100": ~85-90%, recalled
  g.hbm_efficiency = 0.88;
  // Source: [RF] "A100 8-GPU all-reduce busbw": ~235 GB/s / 300
  g.nvlink_bus_efficiency = 0.78;
  // --- end calibration block ---
  return g;
}

GpuSpec make_a100_sxm_40gb() {
  GpuSpec g = make_a100_sxm_80gb();
  g.id = "a100-sxm-40gb";
  g.display_name = "NVIDIA A100 SXM4 40GB";
  // Source: recalled (PyTorch "39.59 GiB total capacity" on A100 40GB)
  g.hbm_bytes = 39.59 * kGiB;
  // Source: recalled (NVIDIA A100 datasheet, HBM2 40GB: 1,555 GB/s)
  g.hbm_bandwidth_bytes_per_s = 1555 * kGiga;
  // --- calibration block: = A100 80GB (same GA100 die); HBM efficiency assumed equal. ---
  return g;
}

GpuSpec make_b200() {
  GpuSpec g;
  g.id = "b200";
  g.display_name = "NVIDIA B200 (HGX/DGX B200, 1000 W)";
  // Source: [GK] HGX B200 table, BF16 matrix dense 2,250 TFLOP/s
  g.bf16_flop_per_s = 2250 * kTera;
  // Source: [GK] FP8 matrix dense 4,500 TFLOP/s
  g.fp8_flop_per_s = 4500 * kTera;
  // Source: [GK] TF32 matrix dense 1,100 TFLOP/s
  g.tf32_flop_per_s = 1100 * kTera;
  // Source: recalled (DGX B200: 1,440 GB total for 8 GPUs); [GK] lists 192 GB physical
  g.hbm_bytes = 180e9;
  // Source: [GK] "8 TB/s (max)"
  g.hbm_bandwidth_bytes_per_s = 8 * kTera;
  // Source: [GK] "1000 W maximum"
  g.tdp_w = 1000;
  // Source: recalled estimate (no measurement found): rough, check before use
  g.idle_w = 100;
  // Source: [GK] "2x 900 GB/s NVLink 5" = 1.8 TB/s bidirectional
  g.nvlink_bandwidth_bytes_per_s = 900 * kGiga;
  // Source: recalled (DGX B200 datasheet, "~14.3 kW max")
  g.default_node_power_w = 14300;
  // Source: recalled (B200: 148 SMs over two dies)
  g.sm_count = 148;

  // --- calibration block: B200 efficiency constants. No measurement in the reference data:
  // assumed equal to H100's until calibrated (a placeholder, not a claim). ---
  // Source: placeholder = H100 (RF "H100 SXM achievable BF16 matmul (MAMF)")
  g.gemm_efficiency = 0.803;
  // Source: placeholder = H100 (RF "FA3 vs FA2 forward")
  g.attn_fwd_efficiency = 0.61;
  // Source: placeholder = H100 (RF "FA3 vs FA2 backward")
  g.attn_bwd_efficiency = 0.52;
  // Source: placeholder = H100 (RF "HBM achievable fraction, H100")
  g.hbm_efficiency = 0.90;
  // Source: placeholder = H100 (RF "Intra-node 8-GPU busbw", NVLink 4; NVLink 5 not measured)
  g.nvlink_bus_efficiency = 0.82;
  // --- end calibration block ---
  return g;
}

const std::vector<GpuSpec>& catalog() {
  static const std::vector<GpuSpec> kCatalog = {make_a100_sxm_40gb(), make_a100_sxm_80gb(), make_b200(),
                                                make_h100_sxm_80gb(), make_h200_sxm_141gb()};
  return kCatalog;
}

}  // namespace

double GpuSpec::peak_flop_per_s(config::Precision p) const {
  switch (p) {
    case config::Precision::kBf16:
      return bf16_flop_per_s;
    case config::Precision::kFp8:
      return fp8_flop_per_s;
  }
  return 0;
}

const GpuSpec* find_gpu(std::string_view id) {
  for (const GpuSpec& g : catalog()) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

std::vector<std::string> gpu_ids() {
  std::vector<std::string> ids;
  for (const GpuSpec& g : catalog()) ids.push_back(g.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

double network_bus_efficiency(const std::string& technology) {
  // Achievable fraction of NIC line rate for bulk collectives. The RDMA ceiling is
  // ib_write_bw at 96.9% of line rate ([RF] "RDMA point-to-point efficiency"); NCCL all-reduce on
  // 2x DGX A100 (8x 200G HDR) reaches ~192 of 200 GB/s busbw ([RF] "Inter-node, DGX A100"), but
  // 2-node figures can exceed ring rates (Tree), so at scale we take a few points less.
  if (technology == "infiniband") return 0.92;
  // RoCE: same NICs (ConnectX-7), Ethernet framing and congestion control cost a little more;
  // no measurement in the reference data: assumed 0.90 (Llama 3 cluster, [RF] "Meta Llama 3 RoCE").
  if (technology == "roce") return 0.90;
  // Ethernet with Spectrum-X: "95% data throughput vs ~60% for standard Ethernet" ([RF] "xAI
  // Colossus", vendor claim); 0.90 keeps it at RoCE's level.
  if (technology == "ethernet") return 0.90;
  throw std::invalid_argument("network_bus_efficiency: unknown technology '" + technology + "'");
}

}  // namespace trainsim::hardware
