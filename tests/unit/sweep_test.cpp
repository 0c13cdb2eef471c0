// sim/config/sweep (expansion, random draws, errors located in the sweep file) and
// sim/sweep/results (flattening, CSV, table columns). No SimGrid engine.
#include "sim/config/sweep.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sim/common/error.hpp"
#include "sim/sweep/results.hpp"
#include "sim/sweep/runner.hpp"
#include "tests/unit/test_files.hpp"

namespace trainsim {
namespace {

using testing::TempDir;

const std::string kBase = std::string(TRAINSIM_TEST_DIR) + "/sweeps/base-small.yaml";

std::string error_of(const std::string& path) {
  try {
    config::load_sweep(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string value(const config::SweepPoint& p, const std::string& key) {
  for (const auto& q : p.params)
    if (q.key == key) return q.value;
  return "";
}

TEST(Sweep, GridIsACrossProductFirstKeySlowest) {
  TempDir d;
  const std::string f = d.write("s.yaml", "base: " + kBase +
                                              "\ngrid:\n  failures.rate_scale: [1, 2, 4]\n"
                                              "  checkpoint.interval: [10min, 1h]\nreplications: 5\n");
  const config::SweepSpec s = config::load_sweep(f);
  ASSERT_EQ(s.points.size(), 6u);
  EXPECT_EQ(s.keys, (std::vector<std::string>{"failures.rate_scale", "checkpoint.interval"}));
  EXPECT_EQ(s.replications, 5);
  EXPECT_EQ(value(s.points[0], "failures.rate_scale"), "1");
  EXPECT_EQ(value(s.points[0], "checkpoint.interval"), "10min");
  EXPECT_EQ(value(s.points[1], "checkpoint.interval"), "1h");
  EXPECT_EQ(value(s.points[2], "failures.rate_scale"), "2");
  EXPECT_EQ(value(s.points[5], "failures.rate_scale"), "4");
  EXPECT_EQ(s.points[5].index, 5);
}

TEST(Sweep, RandomDrawsAreDeterministicInRangeAndKeepUnitsAndIntegers) {
  TempDir d;
  const std::string f = d.write(
      "s.yaml",
      "base: " + kBase +
          "\nrandom:\n  samples: 200\n  seed: 9\n  checkpoint.interval: {log_uniform: [5min, 120min]}\n"
          "  simulation.seed: {uniform: [0, 3]}\n  training.precision: {choice: [bf16, fp8]}\n");
  const config::SweepSpec a = config::load_sweep(f), b = config::load_sweep(f);
  ASSERT_EQ(a.points.size(), 200u);
  std::set<std::string> precisions, spares;
  for (size_t i = 0; i < a.points.size(); ++i) {
    for (size_t k = 0; k < a.points[i].params.size(); ++k)
      EXPECT_EQ(a.points[i].params[k].value, b.points[i].params[k].value);
    const std::string iv = value(a.points[i], "checkpoint.interval");
    ASSERT_GE(iv.size(), 4u);
    EXPECT_EQ(iv.substr(iv.size() - 3), "min");
    const double minutes = std::stod(iv);
    EXPECT_GE(minutes, 5.0);
    EXPECT_LE(minutes, 120.0);
    spares.insert(value(a.points[i], "simulation.seed"));
    precisions.insert(value(a.points[i], "training.precision"));
  }
  EXPECT_EQ(spares, (std::set<std::string>{"0", "1", "2", "3"}));  // integers, both ends reached
  EXPECT_EQ(precisions, (std::set<std::string>{"bf16", "fp8"}));
}

TEST(Sweep, SectionsMultiply) {
  TempDir d;
  const std::string f =
      d.write("s.yaml", "base: " + kBase +
                            "\ngrid:\n  failures.rate_scale: [1, 2]\n"
                            "random:\n  samples: 3\n  energy.pue: {uniform: [1.1, 1.5]}\n"
                            "points:\n  - {checkpoint.interval: 10min}\n  - {checkpoint.interval: 20min}\n");
  EXPECT_EQ(config::load_sweep(f).points.size(), 12u);
}

TEST(Sweep, ErrorsPointIntoTheSweepFile) {
  TempDir d;
  auto err = [&](const std::string& body) {
    return error_of(d.write("s.yaml", "base: " + kBase + "\n" + body));
  };
  EXPECT_NE(err("grid:\n  checkpoint.interval: [10min, 30]\n").find("s.yaml:3:"), std::string::npos)
      << err("grid:\n  checkpoint.interval: [10min, 30]\n");
  EXPECT_NE(err("grid:\n  checkpoint.interval: [10min, 30]\n").find("checkpoint.interval"),
            std::string::npos);
  EXPECT_NE(err("grid:\n  failures.rate_scale: [1, 1]\n").find("listed twice"), std::string::npos);
  EXPECT_NE(err("grid:\n  failures.rate_scale: []\n").find("non-empty list"), std::string::npos);
  EXPECT_NE(err("grid:\n  no.such.key: [1]\n").find("error"), std::string::npos);
  EXPECT_NE(err("grid:\n  failures.rate_scale: [1]\nrandom:\n  samples: 2\n  failures.rate_scale: {uniform: "
                "[1, 2]}\n")
                .find("already swept"),
            std::string::npos);
  EXPECT_NE(err("random:\n  energy.pue: {uniform: [1.1, 1.5]}\n").find("random.samples"), std::string::npos);
  EXPECT_NE(err("random:\n  samples: 2\n  energy.pue: {uniform: [1.5, 1.1]}\n").find("lo < hi"),
            std::string::npos);
  EXPECT_NE(err("random:\n  samples: 2\n  checkpoint.interval: {uniform: [5min, 2]}\n").find("same unit"),
            std::string::npos);
  EXPECT_NE(err("random:\n  samples: 2\n  energy.pue: {normal: [1.1, 1.5]}\n").find("uniform"),
            std::string::npos);
  EXPECT_NE(err("points:\n  - {gpus: 64}\n  - {energy.pue: 1.2}\n").find("same keys"), std::string::npos);
  EXPECT_NE(err("replications: 2\n").find("at least one of grid, random, points"), std::string::npos);
  // 4 axes x 200 values = 1.6e9 points: over the limit, reported without computing them.
  std::string axes = "grid:\n";
  for (const char* k : {"failures.rate_scale", "energy.pue", "simulation.seed", "checkpoint.interval"}) {
    axes += std::string("  ") + k + ": [";
    for (int i = 0; i < 200; ++i)
      axes +=
          (i ? ", " : "") + std::to_string(i + 1) + (std::string(k) == "checkpoint.interval" ? "min" : "");
    axes += "]\n";
  }
  EXPECT_NE(err(axes).find("more than the limit of 1000000"), std::string::npos) << err(axes);
  EXPECT_NE(err("grid:\n  failures.rate_scale: [1]\nextra: 1\n").find("extra"), std::string::npos);
  // A combination that is not a scenario: gpus without a matching dp.
  EXPECT_NE(err("grid:\n  gpus: [32]\n").find("not valid"), std::string::npos)
      << err("grid:\n  gpus: [32]\n");
}

TEST(Sweep, StepKeysExcludeFailureCheckpointEnergyAndSimulationKeys) {
  EXPECT_FALSE(sweep::is_step_key("failures.rate_scale"));
  EXPECT_FALSE(sweep::is_step_key("checkpoint.interval"));
  EXPECT_FALSE(sweep::is_step_key("energy.pue"));
  EXPECT_FALSE(sweep::is_step_key("simulation.seed"));
  EXPECT_FALSE(sweep::is_step_key("training.tokens"));
  EXPECT_FALSE(sweep::is_step_key("platform.facility.pue"));
  EXPECT_TRUE(sweep::is_step_key("gpus"));
  EXPECT_TRUE(sweep::is_step_key("training.tokens_per_step_is_not_a_prefix_match"));
  EXPECT_TRUE(sweep::is_step_key("training.parallelism.tp"));
  EXPECT_TRUE(sweep::is_step_key("platform.node.nic_bandwidth"));
  EXPECT_TRUE(sweep::is_step_key("failuresx"));
}

TEST(SweepResults, FlattenCsvAndColumnUnion) {
  sweep::PointRecord a, b;
  a.point = 1;
  a.status = "ok";
  a.params = {{"x.y", "1,5"}};
  a.report = nlohmann::ordered_json::parse(R"({"job": {"ettr": 0.5, "by": {"gpu": 2}}, "name": "q\"uote"})");
  b.point = 0;
  b.status = "infeasible";
  b.params = {{"x.y", "2"}};
  b.message = "needs 90 GiB";
  const auto flat = sweep::flatten(a.report);
  ASSERT_EQ(flat.size(), 3u);
  EXPECT_EQ(flat[0].first, "job.ettr");
  EXPECT_EQ(flat[1].first, "job.by.gpu");
  const sweep::Table t = sweep::make_table({"x.y"}, {a, b});
  EXPECT_EQ(t.columns,
            (std::vector<std::string>{"point", "status", "x.y", "job.ettr", "job.by.gpu", "name"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][0], "0");  // sorted by point
  EXPECT_EQ(t.rows[0][3], "");   // no report
  EXPECT_EQ(
      sweep::to_csv(t),
      "point,status,x.y,job.ettr,job.by.gpu,name\n0,infeasible,2,,,\n1,ok,\"1,5\",0.5,2,\"q\"\"uote\"\n");
  const sweep::PointRecord back = sweep::record_from_json(sweep::record_to_json(a));
  EXPECT_EQ(back.point, 1);
  EXPECT_EQ(back.params, a.params);
  EXPECT_EQ(back.report, a.report);
}

}  // namespace
}  // namespace trainsim
