// Job-level simulations. Each TEST runs in its own process (gtest_discover_tests); inside one
// TEST several job simulations may run one after the other in the same engine, as `plan` does.
#include "sim/job/job.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/platform/builder.hpp"
#include "sim/platform/engine.hpp"
#include "tests/test_scenarios.hpp"

namespace trainsim::job {
namespace {

// A 64-GPU job whose step takes exactly 1 s, blocking checkpoints of 10 s every 100 s.
struct Fixture {
  config::ScenarioSpec s = testing::small_gpt(8, 1, 8);
  step::StepProfile step;
  platform::ClusterView view;
  Fixture() {
    s.training.tokens = 1000.0 * s.training.global_batch * s.model.seq_len;  // 1,000 steps
    s.checkpoint.mode = config::CheckpointSpec::Mode::kInterval;
    s.checkpoint.interval_s = 100;
    s.checkpoint.save_time_s = 10;
    s.checkpoint.storage_bandwidth_bytes_per_s = 1e12;
    s.failures.model = "none";
    s.failures.detection_s = 30;
    s.failures.restart_s = 60;
    s.failures.planned_maintenance = false;
    step.time_s = 1.0;
    step.gpus = s.gpus;
    platform::engine();
    view = platform::build_platform(s.platform, 8, 1e15);
  }
};

TEST(Job, NoFailureIsLaunchTrainingAndCheckpoints) {
  Fixture f;
  const JobResult j = simulate_job(f.s, f.step, f.view, {});
  const ReplicationResult& r = j.replications.at(0);
  const double reload = j.checkpoint.reload_s;
  SCOPED_TRACE(
      "1,000 steps of 1 s, 9 checkpoints of 10 s (none after the last token), launch = restart + "
      "communicator set-up (2 ms x 64 GPUs) + reload");
  EXPECT_EQ(r.steps, 1000);
  EXPECT_EQ(r.checkpoints, 9);
  EXPECT_NEAR(r.wall_s, 60 + 64 * 2e-3 + reload + 1000 + 9 * 10, 1e-6);
  EXPECT_NEAR(r.productive_s, 1000, 1e-6);
  EXPECT_EQ(r.failures, 0);
  SCOPED_TRACE("power states: 1,000 s training, 90 s checkpoint stalls, the launch down");
  EXPECT_NEAR(r.state_s[static_cast<int>(PowerState::kTrain)], 1000, 1e-6);
  EXPECT_NEAR(r.state_s[static_cast<int>(PowerState::kCheckpoint)], 90, 1e-6);
  EXPECT_NEAR(r.state_s[0] + r.state_s[1] + r.state_s[2], r.wall_s, 1e-6);
}

TEST(Job, FailureLosesExactlyTheWorkSinceTheLastCheckpoint) {
  Fixture f;
  JobOptions o;
  const double restart = 60 + 64 * 2e-3;  // failures.restart + communicator set-up of 64 GPUs
  const double launch = restart + checkpoint_model(f.s, 1.0, HUGE_VAL).reload_s;
  // Two full cycles (2 x 110 s), then 37.25 s into the third cycle's training.
  o.scripted_failures_s = {launch + 2 * 110 + 37.25};
  o.timeline = true;
  const JobResult j = simulate_job(f.s, f.step, f.view, o);
  const ReplicationResult& r = j.replications.at(0);
  EXPECT_EQ(r.failures, 1);
  EXPECT_NEAR(r.lost_work_s, 37.25, 1e-6);
  EXPECT_NEAR(r.recovery_s, 30 + restart + j.checkpoint.reload_s, 1e-6);
  EXPECT_EQ(r.steps, 1000);
  EXPECT_NEAR(r.wall_s, launch + 1000 + 37.25 + 9 * 10 + r.recovery_s, 1e-6);
  EXPECT_NEAR(r.productive_s, 1000, 1e-6);
  bool failed = false;
  for (const auto& e : j.timeline) failed |= e.event == "failure";
  EXPECT_TRUE(failed);
  // Training time includes the 37.25 s redone; the power series integrates to the same states.
  EXPECT_NEAR(r.state_s[static_cast<int>(PowerState::kTrain)], 1037.25, 1e-6);
  double train = 0;
  for (size_t i = 0; i + 1 < j.power.size(); ++i)
    if (j.power[i].state == PowerState::kTrain) train += j.power[i + 1].time_s - j.power[i].time_s;
  EXPECT_NEAR(train, 1037.25, 1e-6);
}

TEST(Job, FailureDuringCheckpointLosesTheWholeCycle) {
  Fixture f;
  JobOptions o;
  const double launch = 60 + 64 * 2e-3 + checkpoint_model(f.s, 1.0, HUGE_VAL).reload_s;
  o.scripted_failures_s = {launch + 110 + 105};  // 5 s into the second checkpoint save
  const JobResult j = simulate_job(f.s, f.step, f.view, o);
  const ReplicationResult& r = j.replications.at(0);
  EXPECT_NEAR(r.lost_work_s, 100, 1e-6);
  EXPECT_EQ(r.checkpoints, 9);
  EXPECT_NEAR(r.checkpoint_s, 9 * 10 + 5, 1e-6);
}

TEST(Job, WallTimeGrowsWithTheFailureRate) {
  Fixture f;
  f.s.training.tokens *= 100;  // 100,000 steps: ~1.2 days
  f.s.failures.model = "meta-rsc";
  f.s.failures.job_mtbf_s = 3 * 3600;
  JobOptions o;
  o.replications = 5;
  const JobResult a = simulate_job(f.s, f.step, f.view, o);
  f.s.failures.rate_scale = 4;
  f.s.failures.job_mtbf_s = 0.75 * 3600;
  const JobResult b = simulate_job(f.s, f.step, f.view, o);
  double wa = 0, wb = 0;
  for (const auto& r : a.replications) wa += r.wall_s;
  for (const auto& r : b.replications) wb += r.wall_s;
  EXPECT_GT(wb, wa * 1.05) << "4x the failure rate must lengthen the run";
}

TEST(Job, SparesShortenRecovery) {
  Fixture f;
  f.s.training.tokens *= 100;
  f.s.failures.model = "meta-rsc";
  f.s.failures.job_mtbf_s = 3 * 3600;
  f.s.failures.repair_s = 4 * 3600;
  JobOptions o;
  o.replications = 5;
  f.s.failures.spare_nodes = 0;
  const JobResult none = simulate_job(f.s, f.step, f.view, o);
  f.s.failures.spare_nodes = 8;
  const JobResult spares = simulate_job(f.s, f.step, f.view, o);
  double wn = 0, ws = 0, waited = 0;
  for (const auto& r : none.replications) {
    wn += r.wall_s;
    waited += r.wait_for_nodes_s;
  }
  for (const auto& r : spares.replications) ws += r.wall_s;
  EXPECT_GT(waited, 0.0);
  EXPECT_LT(ws, wn);
}

TEST(Job, SameSeedSameRunOtherSeedOtherRun) {
  Fixture f;
  f.s.training.tokens *= 100;
  f.s.failures.model = "meta-rsc";
  f.s.failures.job_mtbf_s = 2 * 3600;
  JobOptions o;
  o.replications = 3;
  o.seed = 7;
  const JobResult a = simulate_job(f.s, f.step, f.view, o);
  const JobResult b = simulate_job(f.s, f.step, f.view, o);
  o.seed = 8;
  const JobResult c = simulate_job(f.s, f.step, f.view, o);
  // Within one process the second run starts at a later absolute clock, so times agree to
  // rounding; across processes the same command is byte-identical (cli/run_deterministic).
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(a.replications[i].wall_s, b.replications[i].wall_s, 1e-9 * a.replications[i].wall_s);
    EXPECT_EQ(a.replications[i].failures, b.replications[i].failures);
  }
  EXPECT_NE(a.replications[0].wall_s, c.replications[0].wall_s);
}

}  // namespace
}  // namespace trainsim::job

namespace trainsim::job {
namespace {

TEST(Job, BatchRampPhasesRunAtTheirOwnStepTime) {
  Fixture f;
  JobOptions o;
  o.ramp = {{100, 2.0}};       // 100 steps of 2 s (a smaller batch), then the final phase
  o.final_phase_steps = 1000;  // 1,000 steps of 1 s
  const JobResult j = simulate_job(f.s, f.step, f.view, o);
  const ReplicationResult& r = j.replications.at(0);
  SCOPED_TRACE("one 200 s cycle + checkpoint, then 10 cycles of 100 s with 9 checkpoints");
  EXPECT_EQ(j.total_steps, 1100);
  EXPECT_EQ(r.steps, 1100);
  EXPECT_EQ(r.checkpoints, 10);
  EXPECT_NEAR(r.state_s[static_cast<int>(PowerState::kTrain)], 200 + 1000, 1e-6);
  EXPECT_NEAR(r.wall_s, 60 + 64 * 2e-3 + j.checkpoint.reload_s + 1200 + 10 * 10, 1e-6);
}

}  // namespace
}  // namespace trainsim::job

namespace trainsim::job {
namespace {

TEST(Job, AutoIntervalWithoutFailuresSavesNothing) {
  Fixture f;
  f.s.checkpoint.mode = config::CheckpointSpec::Mode::kAuto;
  const JobResult j = simulate_job(f.s, f.step, f.view, {});
  EXPECT_FALSE(std::isfinite(j.checkpoint.interval_s)) << "no failure model: no periodic checkpoint";
  EXPECT_EQ(j.replications.at(0).checkpoints, 0);
  EXPECT_EQ(j.replications.at(0).steps, 1000);
}

}  // namespace
}  // namespace trainsim::job
