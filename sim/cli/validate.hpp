// `trainsim validate [SUITE.yaml] [--json] [--jobs N]`: simulates every case of a validation suite
// (config/suite.hpp) and compares the prediction with the published value.
//
// SimGrid keeps global state (one simulation per process), so each case runs in a child process
// `SELF_EXE COMMAND SCENARIO --json` (COMMAND = step, run or energy-card after the case's metric; a
// case with `args` passes them instead of SCENARIO) whose stdout is parsed; up to `jobs` children
// run at once.
// Results are printed in suite order whatever order the children finish in.
#pragma once

#include <string>

namespace trainsim::cli {

// Default suite: the one shipped in the source tree.
std::string default_suite_path();

// Text mode prints the table "id | metric | published | predicted | error" plus the mean and the
// maximum |error| on stdout; progress lines go to stderr. With json = true, stdout gets exactly one
// document:
//   {"suite": PATH, "cases": [{"id", "metric", "published", "predicted", "error", "status"
//                              [, "message"]}], "mean_abs_error", "max_abs_error", "failed"}
// where error = predicted / published - 1, and mean/max are over the cases that ran (null if none).
// A case whose child fails (non-zero exit, signal, or no parsable JSON) is reported with the
// child's stderr (status "failed", predicted and error null) and makes the return value 1.
// Returns 0 when every case ran. An empty suite_path means default_suite_path(). Throws
// ConfigError for a bad suite file. REQUIRES: jobs >= 1; self_exe is this trainsim executable.
int run_validate(const std::string& suite_path, bool json, const std::string& self_exe, int jobs = 1);

}  // namespace trainsim::cli
