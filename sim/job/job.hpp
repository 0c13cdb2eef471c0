// Job level: the whole training run as a timeline of events on the SimGrid platform
// (design.md §1, level 2; docs/models/job.md).
//
// Owns: the training-job actor (launch, training segments at the step model's iteration time,
// checkpoint saves, failure handling, recovery, end of the token budget), the failure-injector
// and maintenance actors that turn node hosts off and on, spare-node accounting, and the
// per-replication results. Time advances by events (failures, checkpoints, restarts), never by
// iterations.
// Must not: read YAML or print.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/config/spec.hpp"
#include "sim/platform/builder.hpp"
#include "sim/step/step.hpp"

namespace trainsim::job {

// One row of timeline.csv.
struct JobEvent {
  double time_s = 0;   // from job start
  std::string event;   // launch_end | checkpoint | checkpoint_async_end | failure | maintenance |
                       // detected | restarted | reloaded | spare_used | end
  std::string detail;  // failure category, nodes, ...
  int64_t steps = 0;   // steps completed at that time
};

// What the job's GPUs are doing, for energy: training (kernels and communication of the steps),
// stalled on a checkpoint save, or down (launch, detection, restart, reload, waiting for nodes,
// maintenance).
enum class PowerState { kDown = 0, kTrain = 1, kCheckpoint = 2 };

struct PowerEvent {
  double time_s = 0;  // from job start; the state holds until the next event
  PowerState state = PowerState::kDown;
};

struct ReplicationResult {
  double wall_s = 0;            // job start to last token
  double productive_s = 0;      // steps kept x step time (drift included)
  double lost_work_s = 0;       // training redone after failures (work since the last checkpoint)
  double recovery_s = 0;        // detection + restart + reload + waiting for nodes
  double wait_for_nodes_s = 0;  // part of recovery_s spent waiting for repairs (no spare)
  double checkpoint_s = 0;      // training stalled by checkpoint saves
  double maintenance_s = 0;     // planned interruptions (down time)
  double launch_s = 0;          // initial launch
  int64_t steps = 0;
  int64_t failures = 0;     // unexpected interruptions
  int64_t planned = 0;      // planned interruptions
  int64_t checkpoints = 0;  // completed saves
  bool finished = true;     // false: stopped at simulation.max_wall_time before the last token
  int64_t spares_used = 0;
  std::map<std::string, int64_t> failures_by_category;
  double state_s[3] = {0, 0, 0};  // seconds in each PowerState; they add up to wall_s
  double ettr() const { return wall_s > 0 ? productive_s / wall_s : 0; }
};

// Checkpoint size and times derived from the model state (docs/models/job.md).
struct CheckpointModel {
  double size_bytes = 0;  // whole job: bf16 weights + fp32 master weights + Adam moments
  double shard_bytes_per_gpu = 0;
  double bandwidth_bytes_per_s = 0;  // min(storage aggregate, nodes x node limit)
  double save_s = 0;                 // blocking save (or the background write when async)
  double stall_s = 0;                // training stall per checkpoint: save_s, or the async snapshot
  double reload_s = 0;
  double interval_s = 0;  // training time between checkpoints
};
CheckpointModel checkpoint_model(const config::ScenarioSpec& s, double step_time_s, double mtbf_s);

struct JobOptions {
  int64_t replications = 1;
  uint64_t seed = 1;
  bool timeline = false;  // keep replication 0's events
  // When non-empty, these job-scope failures (times from job start, ascending) replace the
  // failure model: "what if the job fails at t".
  std::vector<double> scripted_failures_s;
  // Batch-size ramp: consecutive phases of `steps` steps at their own step time (simulated at
  // their global batch); the last phase runs to the end of the token budget. Empty = one phase
  // at the step profile's time. total_steps then = the ramp's steps + the final phase's.
  struct Phase {
    int64_t steps = 0;
    double step_time_s = 0;
  };
  std::vector<Phase> ramp;
  int64_t final_phase_steps = -1;  // steps of the final phase when ramp is given
  // Called after each replication of simulate_job with (replications done, total); for a
  // progress display. Not called by the interval search of a `checkpoint.interval: auto`.
  std::function<void(int64_t, int64_t)> progress;
};

struct JobResult {
  std::vector<ReplicationResult> replications;
  std::vector<JobEvent> timeline;  // replication 0, when requested
  std::vector<PowerEvent> power;   // replication 0's power-state changes, when requested
  CheckpointModel checkpoint;
  double job_mtbf_s = 0;  // 1 / total unexpected failure rate
  int64_t total_steps = 0;
};

// The checkpoint interval that maximises the mean ETTR over a grid of 0.25x-4x Daly's interval
// (11 points, `options.replications` each, the same seeds at every point: common random numbers).
struct IntervalSearch {
  double daly_s = 0, young_s = 0, best_s = 0, best_ettr = 0, stall_s = 0, mtbf_s = 0;
  struct Point {
    double interval_s, ettr, ettr_p5, ettr_p95;
  };
  std::vector<Point> curve;
};
IntervalSearch optimal_checkpoint_interval(const config::ScenarioSpec& s, const step::StepProfile& step,
                                           const platform::ClusterView& view, const JobOptions& options);

// Runs the replications, one after the other, in the SimGrid engine that `view` was built in.
// A checkpoint interval of `auto` is first resolved by optimal_checkpoint_interval (at most 10
// replications per point).
// REQUIRES: the engine exists and no actor is running (e.g. after the step simulation's run).
JobResult simulate_job(const config::ScenarioSpec& s, const step::StepProfile& step,
                       const platform::ClusterView& view, const JobOptions& options);

}  // namespace trainsim::job
