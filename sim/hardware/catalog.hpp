// Hardware catalog: GPU kinds that platform files name by id (Batsim-style), with the
// datasheet figures and the few measured efficiency constants the step model uses.
// Every value cites its source in catalog.cpp and in docs/models/hardware.md.
// Pure C++: no SimGrid, no YAML.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/config/spec.hpp"

namespace trainsim::hardware {

struct GpuSpec {
  std::string id;                       // "h100-sxm-80gb"
  std::string display_name;             // "NVIDIA H100 SXM5 80GB"
  // Dense tensor-core peaks (no 2:4 sparsity). 0 = unsupported precision.
  double bf16_flop_per_s = 0;
  double fp8_flop_per_s = 0;
  double tf32_flop_per_s = 0;
  double hbm_bytes = 0;
  double hbm_bandwidth_bytes_per_s = 0;
  double tdp_w = 0;
  double idle_w = 0;
  double nvlink_bandwidth_bytes_per_s = 0;  // per GPU, one direction
  double default_node_power_w = 0;          // vendor max of the 8-GPU system (DGX)
  int sm_count = 0;

  // --- efficiency constants (named calibration knobs, identical for every scenario) ---
  double gemm_efficiency = 0;        // achievable fraction of dense peak, large GEMMs (MAMF)
  double attn_fwd_efficiency = 0;    // flash-attention forward, fraction of dense peak
  double attn_bwd_efficiency = 0;    // flash-attention backward (FA flop convention: 2.5x fwd)
  double hbm_efficiency = 0;         // achievable fraction of HBM bandwidth for streaming kernels
  double nvlink_bus_efficiency = 0;  // NCCL ring bus bandwidth / NVLink unidirectional bandwidth
  int gemm_tile_m = 128;             // CTA tile used for wave-quantisation
  int gemm_tile_n = 256;

  double peak_flop_per_s(config::Precision p) const;
};

// Returns the catalog entry, or nullptr when the id is unknown.
const GpuSpec* find_gpu(std::string_view id);
// All ids, sorted, for error messages ("valid: a100-sxm-40gb, ...").
std::vector<std::string> gpu_ids();

// Achievable fraction of the NIC line rate for bulk RDMA collectives (ib_write_bw ~97%,
// NCCL inter-node busbw ~ 0.9 x line rate). Source in catalog.cpp.
double network_bus_efficiency(const std::string& technology);

}  // namespace trainsim::hardware
