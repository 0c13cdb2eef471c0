// report/efficiency: the five factors multiply to the end-to-end efficiency computed directly from
// the run's totals (design.md §6), and the cost arithmetic (docs/models/efficiency.md). Pure C++.
#include "sim/report/efficiency.hpp"

#include <gtest/gtest.h>

#include "sim/config/loader.hpp"
#include "tests/test_scenarios.hpp"

namespace trainsim::report {
namespace {

// A run built by hand: 64 job GPUs + 2 spare nodes (16 GPUs), PUE 1.25, a step of 3 s whose GPUs
// compute 70 % of the time, 1,000 steps, two replications with different wall times.
struct HandRun {
  config::ScenarioSpec sc = testing::small_gpt(8, 2, 4);
  step::StepProfile step;
  job::JobResult job;
  HandRun() {
    sc.platform = testing::dgx_h100(16);
    sc.failures.spare_nodes = 2;
    sc.energy.pue = 1.25;
    step.gpus = sc.gpus;
    step.time_s = 3.0;
    step.peak_flop_per_s = 989e12;
    step.gpu_busy_fraction = 0.7;
    step.model_flop = 0.45 * step.time_s * 64 * step.peak_flop_per_s;  // MFU 0.45
    step.mfu = 0.45;
    job.total_steps = 1000;
    for (double wall_s : {3600.0, 4000.0}) {
      job::ReplicationResult r;
      r.wall_s = wall_s;
      r.productive_s = 1000 * step.time_s;  // every kept step at the step time (no drift)
      job.replications.push_back(r);
    }
  }
};

TEST(Efficiency, ProductEqualsUsefulFlopsOverPeakGpusWallPue) {
  const HandRun run;
  const Efficiency e = efficiency(run.step, run.job, run.sc);
  // Right-hand side from the definitions alone: the run's model FLOPs over what the allocated GPUs
  // could have done at peak for the wall time, per unit of facility energy (x 1/PUE), per replication.
  const double useful = 1000 * run.step.model_flop;
  double rhs = 0;
  for (double wall_s : {3600.0, 4000.0}) rhs += useful / (989e12 * (64 + 16) * wall_s * 1.25) / 2;
  SCOPED_TRACE("64 job GPUs, 16 spare, PUE 1.25, MFU 0.45, 1,000 steps of 3 s in 3,600 s and 4,000 s");
  EXPECT_NEAR(e.product, rhs, 1e-12);
  EXPECT_NEAR(e.end_to_end, rhs, 1e-12);
  EXPECT_DOUBLE_EQ(e.useful_flop, useful);
  // Each factor on its own.
  EXPECT_DOUBLE_EQ(e.energy, 0.8);
  EXPECT_NEAR(e.kernel, 0.45 / 0.7, 1e-12);  // MFU / compute fraction
  EXPECT_DOUBLE_EQ(e.scaling, 0.7);
  EXPECT_NEAR(e.ettr, (3000.0 / 3600 + 3000.0 / 4000) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(e.utilisation, 0.8);  // 64 / 80
  EXPECT_EQ(e.allocated_gpus, 80);
  EXPECT_NEAR(e.kernel * e.scaling, run.step.mfu, 1e-12);
}

TEST(Efficiency, NoSparesMeansFullUtilisation) {
  HandRun run;
  run.sc.failures.spare_nodes = 0;
  EXPECT_DOUBLE_EQ(efficiency(run.step, run.job, run.sc).utilisation, 1.0);
}

TEST(Cost, CapexIsAllocatedGpusTimesPriceOverOneMinusShareAmortisedOverWall) {
  HandRun run;
  run.sc.training.tokens = 2e12;
  run.sc.cost.gpu_price_usd = 30000;
  run.sc.cost.datacenter_share = 0.2;
  run.sc.cost.depreciation_s = 4 * 365.25 * 86400;
  const double wall_s = 100 * 86400.0;
  const Cost c = total_cost(run.sc, wall_s, 1.0e5);
  // 80 GPUs x 30,000 / 0.8 = 3.0 M USD over 4 years; 100 days of it = 3e6 x 100 / 1461.
  const double capex = 80 * 30000 / 0.8 * 100 / (4 * 365.25);
  EXPECT_TRUE(c.has_capex);
  EXPECT_NEAR(c.capex_usd, capex, 1e-6);
  EXPECT_DOUBLE_EQ(c.electricity_usd, 1.0e5);
  EXPECT_NEAR(c.total_usd, capex + 1.0e5, 1e-6);
  EXPECT_NEAR(c.electricity_share, 1.0e5 / (capex + 1.0e5), 1e-12);
  EXPECT_NEAR(c.usd_per_trillion_tokens, (capex + 1.0e5) / 2, 1e-6);
}

TEST(Cost, WithoutAGpuPriceOnlyElectricityIsCounted) {
  const HandRun run;
  const Cost c = total_cost(run.sc, 86400.0, 5000.0);
  EXPECT_FALSE(c.has_capex);
  EXPECT_DOUBLE_EQ(c.capex_usd, 0);
  EXPECT_DOUBLE_EQ(c.total_usd, 5000.0);
  EXPECT_DOUBLE_EQ(c.electricity_share, 1.0);
}

TEST(CostKeys, ShippedScenarioReadsPriceShareAndLifeInSi) {
  const config::ScenarioSpec sc = config::load_scenario(TRAINSIM_TEST_DIR "/../scenarios/llama3-405b.yaml");
  EXPECT_DOUBLE_EQ(sc.cost.gpu_price_usd, 33750);
  EXPECT_DOUBLE_EQ(sc.cost.datacenter_share, 0.19);
  EXPECT_DOUBLE_EQ(sc.cost.depreciation_s, 4 * 365.25 * 86400);
  // Overrides go through the same units: 25kUSD, 20 %, 5 years.
  const config::ScenarioSpec o = config::load_scenario(
      TRAINSIM_TEST_DIR "/../scenarios/llama3-405b.yaml",
      {config::parse_override("cost.gpu_price=25kUSD"), config::parse_override("cost.datacenter_share=20%"),
       config::parse_override("cost.depreciation=5y")});
  EXPECT_DOUBLE_EQ(o.cost.gpu_price_usd, 25000);
  EXPECT_DOUBLE_EQ(o.cost.datacenter_share, 0.2);
  EXPECT_DOUBLE_EQ(o.cost.depreciation_s, 5 * 365.25 * 86400);
}

TEST(CostKeys, AbsentSectionMeansNoCapex) {
  const config::ScenarioSpec sc =
      config::load_scenario(TRAINSIM_TEST_DIR "/../scenarios/gpt3-175b-a100.yaml");
  EXPECT_DOUBLE_EQ(sc.cost.gpu_price_usd, 0);
  EXPECT_FALSE(total_cost(sc, 86400, 1.0).has_capex);
}

}  // namespace
}  // namespace trainsim::report
