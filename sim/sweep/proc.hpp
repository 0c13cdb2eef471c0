// Child processes for sweeps and planning: SimGrid runs one simulation per process
// (../shared/simgrid-notes.md §3.6), so every simulated point is a `trainsim` child process.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace trainsim::sweep {

struct Task {
  std::vector<std::string> args;  // argv[1..] of the child (argv[0] is the executable)
  std::string stdout_path;        // the child's stdout goes to this file (truncated)
  std::string stderr_path;        // and its stderr to this one
};

struct TaskResult {
  int exit_code = -1;  // the child's exit code, or 128 + signal
  bool signalled = false;
};

// Runs `tasks` with at most `jobs` children at a time, in index order. `on_done(i, result)` runs
// in this process as each child ends (in completion order). Returns when all have ended.
// Throws std::runtime_error when a child cannot be started.
void run_tasks(const std::string& exe, const std::vector<Task>& tasks, int jobs,
               const std::function<void(size_t, const TaskResult&)>& on_done);

// Path of the running executable (/proc/self/exe), or `fallback`.
std::string self_executable(const std::string& fallback);

// Reads a whole file ("" when it cannot be read).
std::string read_file(const std::string& path);

// The last `max_lines` lines of `text`.
std::string tail_lines(const std::string& text, size_t max_lines);

}  // namespace trainsim::sweep
