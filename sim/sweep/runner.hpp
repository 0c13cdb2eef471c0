// `trainsim sweep`: runs a sweep file's points, one child process per simulation, locally (N at a
// time) or as a Slurm job array, into OUT/ (docs/sweeps.md):
//   OUT/sweep.json          the expanded points and a hash of the inputs (resume checks it)
//   OUT/steps/KEY.json      one step profile per distinct step (points that differ only in
//                           failure, checkpoint, energy or simulation keys share it)
//   OUT/points/NNNNNN.json  one record per finished point, written atomically
//   OUT/results.csv, OUT/results.sqlite   rebuilt from the records, replaced atomically
#pragma once

#include <string>

namespace trainsim::sweep {

struct SweepOptions {
  std::string sweep_path;
  std::string out;
  int jobs = 1;
  std::string backend = "local";  // local | slurm
  bool resume = false;
  bool force = false;
  int shard = -1;  // >= 0: a Slurm array task running the points with index % shards == shard
  int shards = 0;
  int tasks = 0;    // Slurm array size (0: min(points, 32))
  std::string exe;  // this executable, for the children
};

// Returns the exit code: 0 when every point ran (ok or infeasible), 1 when a point failed.
// Throws ConfigError for a bad sweep file or --out.
int run_sweep(const SweepOptions& o);

// The parameters of a point that decide its step simulation (all but failures.*, checkpoint.*,
// energy.*, simulation.*, cost.*, training.tokens, training.batch_ramp, name, platform.facility.*,
// platform.storage.*), as "key=value" sorted by key.
bool is_step_key(const std::string& dotted);

}  // namespace trainsim::sweep
