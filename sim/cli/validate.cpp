#include "sim/cli/validate.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/suite.hpp"
#include "sim/sweep/proc.hpp"

extern char** environ;

namespace trainsim::cli {
namespace {

using Clock = std::chrono::steady_clock;

// Where each metric is in the `trainsim step|run|energy-card --json` document, and how to print it.
struct MetricInfo {
  const char* metric;
  const char* command;  // the subcommand that computes it: step (one iteration), run (whole job), or
                        // energy-card (the model-card method; its cases give args, not a scenario)
  const char* section;  // JSON object holding the key
  const char* json_key;
  const char* unit;  // for the text table ("" = dimensionless)
};
constexpr MetricInfo kMetrics[] = {
    {"step_time_s", "step", "step", "time_s", "s"},
    {"tflops_per_gpu", "step", "step", "tflops_per_gpu", "TFLOP/s"},
    {"mfu", "step", "step", "mfu", ""},
    {"failures_per_day", "run", "job", "failures_per_day", "/d"},
    {"mttf_h", "run", "job", "mtbf_hours", "h"},
    {"ettr", "run", "job", "ettr", ""},
    {"co2_t", "energy-card", "energy", "co2_t", "t"},
};

const MetricInfo& metric_info(const std::string& metric) {
  for (const MetricInfo& m : kMetrics) {
    if (metric == m.metric) return m;
  }
  throw std::logic_error("validate: metric '" + metric + "' has no JSON key");  // suite.cpp validated it
}

struct Outcome {
  bool ok = false;
  double predicted = 0;
  std::string message;  // why it failed, with the child's stderr
  double wall_s = 0;
};

struct Child {
  size_t index = 0;
  pid_t pid = -1;
  int out_fd = -1, err_fd = -1;
  std::string out, err;
  Clock::time_point start;
};

// The last `max_lines` lines of `text`, so that a long SimGrid log does not bury the error.
std::string tail_lines(const std::string& text, size_t max_lines) {
  const std::string tail = sweep::tail_lines(text, max_lines);
  const size_t pos = tail.empty() ? std::string::npos : text.rfind(tail);
  if (pos != std::string::npos && pos > 0)
    return "[... " + std::to_string(pos) + " bytes of earlier output omitted ...]\n" + tail;
  return tail;
}

// argv of the child: SELF metric-command SCENARIO --json, or SELF metric-command ARGS... --json.
std::vector<std::string> child_args(const std::string& exe, const config::ValidationCase& c) {
  std::vector<std::string> args = {exe, metric_info(c.metric).command};
  if (c.args.empty()) {
    args.push_back(c.scenario);
    if (c.allow_memory_overflow) args.push_back("--allow-memory-overflow");
  } else {
    args.insert(args.end(), c.args.begin(), c.args.end());
  }
  args.push_back("--json");
  return args;
}

// The child's command line as a user would type it, for messages.
std::string command_line(const config::ValidationCase& c) {
  std::string out = "trainsim";
  const std::vector<std::string> args = child_args("", c);
  for (size_t i = 1; i < args.size(); ++i) out += " " + args[i];
  return out;
}

Child spawn(const std::string& exe, const config::ValidationCase& c, size_t index) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], STDERR_FILENO);
  std::vector<std::string> args = child_args(exe, c);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  Child ch;
  ch.index = index;
  ch.start = Clock::now();
  const int rc = posix_spawn(&ch.pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    ch.pid = -1;
    ch.err = "cannot start " + exe + ": " + std::strerror(rc);
    return ch;
  }
  ch.out_fd = out_pipe[0];
  ch.err_fd = err_pipe[0];
  return ch;
}

// Reads what is available on `fd` into `buf`; closes it and sets it to -1 at end of file.
void drain(int& fd, std::string& buf) {
  char chunk[65536];
  const ssize_t n = read(fd, chunk, sizeof chunk);
  if (n > 0) {
    buf.append(chunk, static_cast<size_t>(n));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    close(fd);
    fd = -1;
  }
}

Outcome finish(Child& ch, const config::ValidationCase& c) {
  Outcome o;
  o.wall_s = std::chrono::duration<double>(Clock::now() - ch.start).count();
  if (ch.pid < 0) {
    o.message = ch.err;
    return o;
  }
  int status = 0;
  while (waitpid(ch.pid, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string child_stderr = tail_lines(ch.err, 40);
  const std::string command = command_line(c);
  if (WIFSIGNALED(status)) {
    o.message = command + " was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                strsignal(WTERMSIG(status)) + ")\n" + child_stderr;
    return o;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    o.message = command + " exited with code " + std::to_string(WEXITSTATUS(status)) + "\n" + child_stderr;
    return o;
  }
  try {
    const nlohmann::json doc = nlohmann::json::parse(ch.out);
    o.predicted = doc.at(metric_info(c.metric).section).at(metric_info(c.metric).json_key).get<double>();
    o.ok = std::isfinite(o.predicted);
    if (!o.ok) o.message = command + " reported a non-finite " + c.metric;
  } catch (const nlohmann::json::exception& e) {
    o.message = command + " printed no usable JSON (" + e.what() + ")\n" + child_stderr;
  }
  return o;
}

std::vector<Outcome> run_cases(const config::ValidationSuite& suite, const std::string& exe, int jobs) {
  const size_t n = suite.cases.size();
  std::vector<Outcome> results(n);
  std::vector<Child> running;
  size_t next = 0, done = 0;
  const int width = static_cast<int>(std::to_string(n).size());
  while (done < n) {
    while (next < n && running.size() < static_cast<size_t>(std::max(1, jobs))) {
      running.push_back(spawn(exe, suite.cases[next], next));
      ++next;
    }
    std::vector<pollfd> fds;
    for (const Child& ch : running) {
      if (ch.out_fd >= 0) fds.push_back({ch.out_fd, POLLIN, 0});
      if (ch.err_fd >= 0) fds.push_back({ch.err_fd, POLLIN, 0});
    }
    if (!fds.empty() && poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) {
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    for (const pollfd& p : fds) {
      if ((p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      for (Child& ch : running) {
        if (ch.out_fd == p.fd) drain(ch.out_fd, ch.out);
        if (ch.err_fd == p.fd) drain(ch.err_fd, ch.err);
      }
    }
    for (auto it = running.begin(); it != running.end();) {
      if (it->out_fd >= 0 || it->err_fd >= 0) {
        ++it;
        continue;
      }
      const config::ValidationCase& c = suite.cases[it->index];
      Outcome& o = results[it->index];
      o = finish(*it, c);
      ++done;
      if (o.ok) {
        std::fprintf(stderr, "[%*zu/%zu] %s: %s = %.6g (published %.6g, %+.1f %%), %.1f s wall\n", width,
                     done, n, c.id.c_str(), c.metric.c_str(), o.predicted, c.published,
                     100.0 * (o.predicted / c.published - 1.0), o.wall_s);
      } else {
        std::fprintf(stderr, "[%*zu/%zu] %s: FAILED\n", width, done, n, c.id.c_str());
      }
      it = running.erase(it);
    }
  }
  return results;
}

std::string format_value(double v, const char* unit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g%s%s", v, *unit != 0 ? " " : "", unit);
  return buf;
}

}  // namespace

std::string default_suite_path() { return TRAINSIM_SOURCE_DIR "/tests/validation/suite.yaml"; }

int run_validate(const std::string& suite_path, bool json, const std::string& self_exe, int jobs) {
  const std::string path = suite_path.empty() ? default_suite_path() : suite_path;
  const config::ValidationSuite suite = config::load_suite(path);
  const std::vector<Outcome> results = run_cases(suite, self_exe, jobs);

  double sum_abs = 0, max_abs = 0;
  size_t ok = 0, max_index = 0;
  std::vector<size_t> failed;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok) {
      failed.push_back(i);
      continue;
    }
    const double err = std::fabs(results[i].predicted / suite.cases[i].published - 1.0);
    sum_abs += err;
    if (ok == 0 || err > max_abs) {
      max_abs = err;
      max_index = i;
    }
    ++ok;
  }

  if (json) {
    nlohmann::ordered_json doc;
    doc["suite"] = suite.path;
    doc["cases"] = nlohmann::ordered_json::array();
    for (size_t i = 0; i < results.size(); ++i) {
      const config::ValidationCase& c = suite.cases[i];
      nlohmann::ordered_json j;
      j["id"] = c.id;
      j["metric"] = c.metric;
      j["published"] = c.published;
      if (results[i].ok) {
        j["predicted"] = results[i].predicted;
        j["error"] = results[i].predicted / c.published - 1.0;
        j["status"] = "ok";
        if (c.allow_memory_overflow) j["allow_memory_overflow"] = true;
      } else {
        j["predicted"] = nullptr;
        j["error"] = nullptr;
        j["status"] = "failed";
        j["message"] = results[i].message;
      }
      doc["cases"].push_back(std::move(j));
    }
    doc["mean_abs_error"] = ok > 0 ? nlohmann::ordered_json(sum_abs / static_cast<double>(ok)) : nullptr;
    doc["max_abs_error"] = ok > 0 ? nlohmann::ordered_json(max_abs) : nullptr;
    doc["failed"] = failed.size();
    std::cout << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    size_t id_w = 2, metric_w = 6;
    for (const config::ValidationCase& c : suite.cases) {
      id_w = std::max(id_w, c.id.size());
      metric_w = std::max(metric_w, c.metric.size());
    }
    const int iw = static_cast<int>(id_w), mw = static_cast<int>(metric_w);
    std::printf("validation suite %s: %zu cases\n\n", suite.path.c_str(), suite.cases.size());
    std::printf("%-*s  %-*s  %14s  %14s  %8s\n", iw, "id", mw, "metric", "published", "predicted", "error");
    for (size_t i = 0; i < results.size(); ++i) {
      const config::ValidationCase& c = suite.cases[i];
      const char* unit = metric_info(c.metric).unit;
      if (results[i].ok) {
        std::printf("%-*s  %-*s  %14s  %14s  %+6.1f %%%s\n", iw, c.id.c_str(), mw, c.metric.c_str(),
                    format_value(c.published, unit).c_str(), format_value(results[i].predicted, unit).c_str(),
                    100.0 * (results[i].predicted / c.published - 1.0), c.allow_memory_overflow ? " *" : "");
      } else {
        std::printf("%-*s  %-*s  %14s  %14s  %8s\n", iw, c.id.c_str(), mw, c.metric.c_str(),
                    format_value(c.published, unit).c_str(), "-", "FAILED");
      }
    }
    std::printf("\n");
    if (std::any_of(suite.cases.begin(), suite.cases.end(),
                    [](const config::ValidationCase& c) { return c.allow_memory_overflow; })) {
      std::printf(
          "* simulated although trainsim's memory estimate exceeds the GPU's HBM: the published run "
          "fit (allow_memory_overflow; the case's note says why)\n");
    }
    if (ok > 0) {
      std::printf("mean |error| %.1f %% over %zu case%s, max |error| %.1f %% (%s)\n",
                  100.0 * sum_abs / static_cast<double>(ok), ok, ok == 1 ? "" : "s", 100.0 * max_abs,
                  suite.cases[max_index].id.c_str());
    }
    if (!failed.empty())
      std::printf("%zu case%s failed (details on stderr)\n", failed.size(), failed.size() == 1 ? "" : "s");
  }
  std::fflush(stdout);
  for (size_t i : failed) {
    std::fprintf(stderr, "%s: error: case '%s' failed: %s\n", suite.cases[i].loc.str().c_str(),
                 suite.cases[i].id.c_str(), results[i].message.c_str());
  }
  return failed.empty() ? 0 : 1;
}

}  // namespace trainsim::cli
