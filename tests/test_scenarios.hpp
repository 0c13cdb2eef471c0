// Scenario structs built in code for tests that must not depend on the YAML loader.
#pragma once

#include "sim/config/spec.hpp"

namespace trainsim::testing {

// DGX H100 nodes, 8 x 400 Gb/s rails, one pod unless gpus_per_pod is set.
inline config::PlatformSpec dgx_h100(int64_t nodes) {
  config::PlatformSpec p;
  p.name = "test-dgx-h100";
  p.loc.file = "test";
  p.nodes = nodes;
  p.node.gpu = "h100-sxm-80gb";
  p.node.gpus_per_node = 8;
  p.node.nics_per_node = 8;
  p.node.nic_bandwidth_bytes_per_s = 50e9;
  p.storage.bandwidth_bytes_per_s = 1e12;
  return p;
}

// A GPT-style model small enough to simulate in milliseconds.
inline config::ScenarioSpec small_gpt(int64_t tp, int64_t pp, int64_t dp, int64_t vpp = 1) {
  config::ScenarioSpec s;
  s.name = "test-gpt";
  s.loc.file = "test";
  s.gpus = tp * pp * dp;
  s.platform = dgx_h100((s.gpus + 7) / 8);
  s.model.name = "test";
  s.model.layers = 8 * pp * vpp;  // 8 layers per model chunk
  s.model.hidden = 4096;
  s.model.ffn_hidden = 16384;
  s.model.heads = 32;
  s.model.kv_heads = 32;
  s.model.vocab = 51200;
  s.model.seq_len = 2048;
  s.training.tokens = 1e12;
  s.training.micro_batch = 1;
  s.training.global_batch = 8 * dp * pp;
  s.training.parallelism.tp = tp;
  s.training.parallelism.pp = pp;
  s.training.parallelism.dp = dp;
  s.training.parallelism.vpp = vpp;
  return s;
}

}  // namespace trainsim::testing
