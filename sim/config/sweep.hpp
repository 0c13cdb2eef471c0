// Sweep files (design.md §5; docs/inputs/sweep.md): a base scenario and the points to run it at.
//
//   base: ../llama3-405b.yaml        # scenario, relative to the sweep file
//   grid:                            # cross product, first key varies slowest
//     failures.rate_scale: [0.25, 1, 4]
//     checkpoint.interval: [10min, 30min]
//   random:                          # `samples` draws, each key independently
//     samples: 50
//     seed: 7                        # optional, default 1
//     energy.pue: {uniform: [1.1, 1.6]}
//     gpus: {log_uniform: [4096, 131072]}      # integer bounds -> integer samples
//     training.precision: {choice: [bf16, fp8]}
//   points:                          # explicit list of points
//     - {gpus: 8192, training.parallelism.dp: 64}
//   replications: 20                 # per point (default: the base's simulation.replications)
//
// Points = grid x random samples x explicit points (an absent section is one empty factor);
// a key may appear in one section only. Every value is passed to the base scenario as
// `--set key=value`, so it has the same grammar and validation as the scenario key.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/config/spec.hpp"

namespace trainsim::config {

// Limits (docs/limits.md): enough for any study, small enough to reject a typo before work.
constexpr int64_t kMaxSweepPoints = 1000000;
constexpr int64_t kMaxRandomSamples = 1000000;

struct SweepParam {
  std::string key;    // dotted scenario key
  std::string value;  // the text given to --set
  SourceLoc loc;      // where it was written (for a random draw: the range)
};

struct SweepPoint {
  int64_t index = 0;
  std::vector<SweepParam> params;  // in column order
};

struct SweepSpec {
  std::string path;                // the sweep file as given
  std::string base;                // the base scenario path (resolved against the sweep file)
  std::vector<std::string> keys;   // swept keys, column order: grid, random, points
  std::vector<SweepPoint> points;  // expanded, index order
  int64_t replications = 0;        // 0 = the base scenario's simulation.replications
};

// Reads, expands and validates a sweep: every point must load as a scenario (ConfigError at the
// sweep value that breaks it otherwise). Infeasibility (memory) is found when a point runs.
SweepSpec load_sweep(const std::string& path);

// The same for a document in memory (fuzzing, tests): `path` names it in errors and its directory
// is where `base` resolves. Only the first `validate_points` points are loaded as scenarios
// (-1: all), so that a fuzzer's million-point grid does not cost a million scenario loads.
SweepSpec load_sweep_text(const std::string& text, const std::string& path, int64_t validate_points = -1);

}  // namespace trainsim::config
