// sim/hardware/catalog: ids, completeness of every entry, peaks per precision, network efficiency.
#include "sim/hardware/catalog.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace trainsim::hardware {
namespace {

TEST(Catalog, IdsAreSortedAndFindable) {
  const std::vector<std::string> ids = gpu_ids();
  EXPECT_EQ(ids, (std::vector<std::string>{"a100-sxm-40gb", "a100-sxm-80gb", "b200", "h100-sxm-80gb",
                                           "h200-sxm-141gb"}));
  for (const std::string& id : ids) {
    const GpuSpec* g = find_gpu(id);
    ASSERT_NE(g, nullptr) << id;
    EXPECT_EQ(g->id, id);
  }
  EXPECT_EQ(find_gpu("h100"), nullptr);
  EXPECT_EQ(find_gpu(""), nullptr);
}

TEST(Catalog, EveryEntryIsComplete) {
  for (const std::string& id : gpu_ids()) {
    SCOPED_TRACE(id);
    const GpuSpec& g = *find_gpu(id);
    EXPECT_FALSE(g.display_name.empty());
    EXPECT_GT(g.bf16_flop_per_s, 0);
    EXPECT_GT(g.tf32_flop_per_s, 0);
    EXPECT_LT(g.tf32_flop_per_s, g.bf16_flop_per_s);
    EXPECT_GT(g.hbm_bytes, 30e9);
    EXPECT_GT(g.hbm_bandwidth_bytes_per_s, 1e12);
    EXPECT_GT(g.tdp_w, g.idle_w);
    EXPECT_GT(g.idle_w, 0);
    EXPECT_GT(g.nvlink_bandwidth_bytes_per_s, 0);
    EXPECT_GT(g.default_node_power_w, 8 * g.tdp_w);  // the node's other parts draw power too
    EXPECT_GT(g.sm_count, 0);
    for (double eff : {g.gemm_efficiency, g.attn_fwd_efficiency, g.attn_bwd_efficiency, g.hbm_efficiency,
                       g.nvlink_bus_efficiency}) {
      EXPECT_GT(eff, 0.3);
      EXPECT_LE(eff, 1.0);
    }
  }
}

TEST(Catalog, PublishedPeaks) {
  const GpuSpec& h100 = *find_gpu("h100-sxm-80gb");
  EXPECT_DOUBLE_EQ(h100.peak_flop_per_s(config::Precision::kBf16), 989.5e12);
  EXPECT_DOUBLE_EQ(h100.peak_flop_per_s(config::Precision::kFp8), 1979e12);
  EXPECT_DOUBLE_EQ(h100.nvlink_bandwidth_bytes_per_s, 450e9);
  EXPECT_DOUBLE_EQ(h100.default_node_power_w, 10200);
  EXPECT_NEAR(h100.gemm_efficiency * 989, 794.5, 0.5);  // MAMF
  const GpuSpec& a100 = *find_gpu("a100-sxm-80gb");
  EXPECT_DOUBLE_EQ(a100.peak_flop_per_s(config::Precision::kBf16), 312e12);
  EXPECT_DOUBLE_EQ(a100.peak_flop_per_s(config::Precision::kFp8), 0);  // no FP8 on Ampere
  EXPECT_DOUBLE_EQ(a100.hbm_bandwidth_bytes_per_s, 2039e9);
  EXPECT_DOUBLE_EQ(a100.default_node_power_w, 6500);
  // H200 is the H100 die with more and faster HBM.
  const GpuSpec& h200 = *find_gpu("h200-sxm-141gb");
  EXPECT_DOUBLE_EQ(h200.bf16_flop_per_s, h100.bf16_flop_per_s);
  EXPECT_GT(h200.hbm_bytes, h100.hbm_bytes);
  EXPECT_DOUBLE_EQ(h200.hbm_bandwidth_bytes_per_s, 4.8e12);
}

TEST(Catalog, NetworkBusEfficiency) {
  EXPECT_DOUBLE_EQ(network_bus_efficiency("infiniband"), 0.92);
  EXPECT_DOUBLE_EQ(network_bus_efficiency("roce"), 0.90);
  EXPECT_DOUBLE_EQ(network_bus_efficiency("ethernet"), 0.90);
  EXPECT_THROW(network_bus_efficiency("omnipath"), std::invalid_argument);
}

}  // namespace
}  // namespace trainsim::hardware
