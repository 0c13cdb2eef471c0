// The validation suite file (tests/validation/suite.yaml): published measurements of real
// training runs, each paired with a scenario that describes the run, for `trainsim validate`.
//
//   cases:
//     - id: narayanan2021-a100-39B          # unique; letters, digits, '.', '_', '-'
//       scenario: narayanan2021-a100-39B.yaml   # relative to the suite file's directory
//       metric: step_time_s                # step_time_s | tflops_per_gpu | mfu
//       published: 12.3                    # the published value in the metric's unit (> 0)
//       source: "Narayanan et al. 2021, Table 1"
//       note: "138 TFLOP/s x 512 GPUs ..."  # optional: how `published` was derived
//       allow_memory_overflow: true        # optional (step metrics): the published run did fit, so
//                                          # simulate it even where trainsim's memory estimate exceeds
//                                          # HBM (step --allow-memory-overflow); the note says why
//     - id: llama31-card-llama-3.1-405b   # a case without a scenario: the metric's command is fed
//       args: [--gpu-hours, 30.84e6, --tdp, 700W, --carbon-intensity, 0.4137kg/kWh]
//       metric: co2_t                      # the arguments instead (trainsim energy-card ARGS --json)
//       published: 8930
//       source: "..."
//
// A case has either `scenario` or `args`: `args` (a non-empty list of strings) for the metrics of
// suite_args_metrics(), `scenario` for every other metric.
//
// Strict like every trainsim input: unknown or duplicate keys, missing keys, wrong types and
// missing scenario files throw ConfigError "FILE:LINE:COL: error: cases[i].key: ...".
#pragma once

#include <string>
#include <vector>

#include "sim/config/spec.hpp"

namespace trainsim::config {

struct ValidationCase {
  std::string id;
  std::string scenario;  // path resolved against the suite file's directory; "" when args are given
  std::string metric;    // one of suite_metrics()
  double published = 0;  // in the metric's unit
  std::string source;
  std::string note;
  SourceLoc loc;                  // the case's position in the suite file
  std::vector<std::string> args;  // instead of a scenario: the command's arguments (see above)
  bool allow_memory_overflow = false;
};

struct ValidationSuite {
  std::string path;
  std::vector<ValidationCase> cases;  // file order
};

// The metrics a case may compare: {"step_time_s", "tflops_per_gpu", "mfu", "failures_per_day",
// "mttf_h", "ettr", "co2_t"}.
const std::vector<std::string>& suite_metrics();
// The metrics whose cases give `args` instead of a scenario: {"co2_t"} (trainsim energy-card).
const std::vector<std::string>& suite_args_metrics();
// The metrics of `trainsim step`: {"step_time_s", "tflops_per_gpu", "mfu"} (allow_memory_overflow applies).
const std::vector<std::string>& suite_step_metrics();

// REQUIRES: nothing; every problem with the file is a ConfigError.
ValidationSuite load_suite(const std::string& path);

}  // namespace trainsim::config
