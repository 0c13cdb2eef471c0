#include "sim/sweep/runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "sim/common/error.hpp"
#include "sim/config/sweep.hpp"
#include "sim/report/io.hpp"
#include "sim/sweep/proc.hpp"
#include "sim/sweep/results.hpp"

namespace trainsim::sweep {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool is_step_key(const std::string& k) {
  static const std::vector<std::string> kPrefixes = {"failures",
                                                     "checkpoint",
                                                     "energy",
                                                     "simulation",
                                                     "cost",
                                                     "name",
                                                     "training.tokens",
                                                     "training.batch_ramp",
                                                     "platform.facility",
                                                     "platform.storage"};
  for (const std::string& p : kPrefixes)
    if (k == p || (k.size() > p.size() && k.compare(0, p.size(), p) == 0 && k[p.size()] == '.')) return false;
  return true;
}

namespace {

constexpr int kManifestFormat = 1;

uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string hex(uint64_t x) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(x));
  return buf;
}

std::string absolute(const std::string& p) { return fs::absolute(p).lexically_normal().string(); }

struct Point {
  config::SweepPoint spec;
  std::string step_key;   // the inputs of its step simulation
  std::string step_file;  // OUT/steps/HASH.json
};

std::string step_key_of(const std::string& base_abs, const config::SweepPoint& p) {
  std::vector<std::string> kv;
  for (const auto& q : p.params)
    if (is_step_key(q.key)) kv.push_back(q.key + "=" + q.value);
  std::sort(kv.begin(), kv.end());
  std::string key = "base=" + base_abs;
  for (const auto& s : kv) key += "\n" + s;
  return key;
}

std::string point_file(const std::string& out, int64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(i));
  return out + "/points/" + buf + ".json";
}

nlohmann::ordered_json manifest(const config::SweepSpec& s, const std::vector<Point>& points) {
  nlohmann::ordered_json m;
  m["format"] = kManifestFormat;
  m["sweep"] = absolute(s.path);
  m["base"] = absolute(s.base);
  // The inputs' contents: resuming after an edit of the sweep or base file would mix results.
  m["inputs_hash"] = hex(fnv1a(read_file(s.base), fnv1a(read_file(s.path))));
  m["replications"] = s.replications;
  m["keys"] = s.keys;
  nlohmann::ordered_json pts = nlohmann::ordered_json::array();
  for (const Point& p : points) {
    nlohmann::ordered_json j;
    j["point"] = p.spec.index;
    nlohmann::ordered_json params = nlohmann::ordered_json::object();
    for (const auto& q : p.spec.params) params[q.key] = q.value;
    j["params"] = params;
    j["step"] = fs::path(p.step_file).filename().string();
    pts.push_back(j);
  }
  m["points"] = pts;
  return m;
}

// OUT must be absent or empty, or hold this sweep's manifest when resuming (or --force).
void prepare_out(const SweepOptions& o, const std::string& manifest_text) {
  std::error_code ec;
  const std::string mpath = o.out + "/sweep.json";
  if (o.shard >= 0) {
    if (read_file(mpath) != manifest_text)
      throw ConfigError(format_error(o.out, "--out",
                                     "holds no sweep.json for this sweep (a Slurm task runs in "
                                     "the directory its driver prepared)"));
    return;
  }
  if (fs::exists(o.out, ec) && !fs::is_directory(o.out, ec))
    throw ConfigError(format_error(o.out, "--out", "exists and is not a directory"));
  const bool exists = fs::exists(o.out, ec);
  const bool empty = !exists || fs::is_empty(o.out, ec);
  if (o.resume && exists && fs::exists(mpath, ec)) {
    if (read_file(mpath) != manifest_text)
      throw ConfigError(format_error(o.out, "--resume",
                                     "the sweep or its base scenario changed since this directory was "
                                     "started (sweep.json differs); use a new --out"));
    return;
  }
  if (!empty && !o.force && !o.resume)
    throw ConfigError(format_error(o.out, "--out",
                                   "directory is not empty (use --resume to continue the sweep in it, or "
                                   "--force to start over)"));
  if (!empty && !o.resume && o.force) {
    for (const char* n : {"points", "steps", "slurm"}) fs::remove_all(o.out + "/" + n, ec);
    for (const char* n : {"sweep.json", "results.csv", "results.sqlite"}) fs::remove(o.out + "/" + n, ec);
  }
  if (!empty && o.resume && !fs::exists(mpath, ec))
    throw ConfigError(format_error(o.out, "--resume", "holds no sweep.json: not a sweep directory"));
  fs::create_directories(o.out, ec);
  if (ec) throw ConfigError(format_error(o.out, "--out", "cannot create directory: " + ec.message()));
}

bool point_done(const std::string& out, int64_t i) {
  const std::string text = read_file(point_file(out, i));
  if (text.empty()) return false;
  try {
    (void)record_from_json(nlohmann::ordered_json::parse(text));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<std::string> set_args(const config::SweepPoint& p, bool step_only) {
  std::vector<std::string> a;
  for (const auto& q : p.params) {
    if (step_only && !is_step_key(q.key)) continue;
    a.push_back("--set");
    a.push_back(q.key + "=" + q.value);
  }
  return a;
}

void write_record(const std::string& out, const PointRecord& r) {
  report::write_file_atomic(point_file(out, r.point), record_to_json(r).dump() + "\n");
}

PointRecord base_record(const Point& p) {
  PointRecord r;
  r.point = p.spec.index;
  for (const auto& q : p.spec.params) r.params.emplace_back(q.key, q.value);
  return r;
}

// Rebuilds results.csv and results.sqlite from the records on disk.
std::pair<int64_t, int64_t> merge(const config::SweepSpec& s, const std::vector<Point>& points,
                                  const std::string& out) {
  std::vector<PointRecord> records;
  int64_t failed = 0;
  for (const Point& p : points) {
    const std::string text = read_file(point_file(out, p.spec.index));
    if (text.empty()) continue;
    try {
      records.push_back(record_from_json(nlohmann::ordered_json::parse(text)));
      if (records.back().status == "error") ++failed;
    } catch (const std::exception&) {
    }
  }
  const Table t = make_table(s.keys, records);
  report::write_file_atomic(out + "/results.csv", to_csv(t));
  write_sqlite(out + "/results.sqlite", t,
               {{"sweep", absolute(s.path)},
                {"base", absolute(s.base)},
                {"points", std::to_string(points.size())},
                {"finished", std::to_string(records.size())}});
  return {static_cast<int64_t>(records.size()), failed};
}

class Progress {
 public:
  Progress(size_t total, bool enabled) : total_(total), enabled_(enabled && isatty(STDERR_FILENO) == 1) {}
  void update(size_t done, const char* what) {
    if (!enabled_) return;
    const double el = std::chrono::duration<double>(Clock::now() - start_).count();
    const double eta = done > 0 ? el / static_cast<double>(done) * static_cast<double>(total_ - done) : 0;
    const int width = 30;
    const int fill = total_ > 0 ? static_cast<int>(width * done / total_) : width;
    std::fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu  %d:%02d elapsed  ETA %d:%02d ", what, fill,
                 "##############################", width - fill, "", done, total_, static_cast<int>(el) / 60,
                 static_cast<int>(el) % 60, static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
    std::fflush(stderr);
  }
  void finish() {
    if (enabled_) std::fprintf(stderr, "\n");
  }

 private:
  size_t total_;
  bool enabled_;
  Clock::time_point start_ = Clock::now();
};

// Runs the pending points of `mine` locally with o.jobs children: first each missing step
// profile, then the points.
int64_t run_local(const SweepOptions& o, const config::SweepSpec& s, const std::vector<Point>& mine,
                  const std::vector<Point>& all, bool merge_as_we_go) {
  std::vector<const Point*> pending;
  for (const Point& p : mine)
    if (!point_done(o.out, p.spec.index)) pending.push_back(&p);
  fs::create_directories(o.out + "/points");
  fs::create_directories(o.out + "/steps");
  const bool progress_on = o.shard < 0;

  // Phase 1: distinct step profiles not yet on disk.
  std::vector<const Point*> step_leaders;
  std::set<std::string> seen;
  for (const Point* p : pending) {
    if (!seen.insert(p->step_file).second) continue;
    if (fs::exists(p->step_file) || fs::exists(p->step_file + ".infeasible")) continue;
    step_leaders.push_back(p);
  }
  std::vector<Task> tasks;
  for (const Point* p : step_leaders) {
    Task t;
    t.args = {"step", absolute(s.base)};
    for (const auto& a : set_args(p->spec, true)) t.args.push_back(a);
    t.args.insert(t.args.end(), {"--profile-out", p->step_file, "--step-key", p->step_key});
    t.stdout_path = p->step_file + ".out.tmp";
    t.stderr_path = p->step_file + ".err.tmp";
    tasks.push_back(std::move(t));
  }
  Progress steps_bar(tasks.size(), progress_on);
  size_t steps_done = 0;
  run_tasks(o.exe, tasks, o.jobs, [&](size_t i, const TaskResult& r) {
    const Point* p = step_leaders[i];
    if (r.exit_code == 3) {
      report::write_file_atomic(p->step_file + ".infeasible",
                                tail_lines(read_file(tasks[i].stderr_path), 20));
    } else if (r.exit_code != 0) {
      // Leave no profile: the points that need it record the error.
      report::write_file_atomic(p->step_file + ".error", tail_lines(read_file(tasks[i].stderr_path), 20) +
                                                             "\n(exit code " + std::to_string(r.exit_code) +
                                                             ")");
    }
    std::remove(tasks[i].stdout_path.c_str());
    std::remove(tasks[i].stderr_path.c_str());
    steps_bar.update(++steps_done, "steps ");
  });
  steps_bar.finish();

  // Phase 2: the points.
  std::vector<const Point*> runnable;
  for (const Point* p : pending) {
    if (fs::exists(p->step_file)) {
      runnable.push_back(p);
      continue;
    }
    PointRecord r = base_record(*p);
    if (fs::exists(p->step_file + ".infeasible")) {
      r.status = "infeasible";
      r.message = read_file(p->step_file + ".infeasible");
    } else {
      r.status = "error";
      const std::string why = read_file(p->step_file + ".error");
      r.message = "step simulation failed: " + (why.empty() ? "no profile was written" : why);
    }
    write_record(o.out, r);
  }
  tasks.clear();
  for (const Point* p : runnable) {
    Task t;
    t.args = {"run", absolute(s.base)};
    for (const auto& a : set_args(p->spec, false)) t.args.push_back(a);
    t.args.insert(t.args.end(), {"--json", "--step-profile", p->step_file, "--step-key", p->step_key});
    if (s.replications > 0) t.args.insert(t.args.end(), {"--replications", std::to_string(s.replications)});
    const std::string f = point_file(o.out, p->spec.index);
    t.stdout_path = f + ".out.tmp";
    t.stderr_path = f + ".err.tmp";
    tasks.push_back(std::move(t));
  }
  Progress bar(tasks.size(), progress_on);
  size_t done = 0;
  int64_t failed = 0;
  auto last_merge = Clock::now();
  run_tasks(o.exe, tasks, o.jobs, [&](size_t i, const TaskResult& res) {
    const Point* p = runnable[i];
    PointRecord r = base_record(*p);
    const std::string err = read_file(tasks[i].stderr_path);
    if (res.exit_code == 0) {
      try {
        r.report = nlohmann::ordered_json::parse(read_file(tasks[i].stdout_path));
        r.status = "ok";
      } catch (const std::exception& e) {
        r.status = "error";
        r.message = std::string("the run printed no usable JSON: ") + e.what() + "\n" + tail_lines(err, 20);
      }
    } else if (res.exit_code == 3) {
      r.status = "infeasible";
      r.message = tail_lines(err, 20);
    } else {
      r.status = "error";
      r.message = (res.signalled ? "killed by signal " + std::to_string(res.exit_code - 128)
                                 : "exit code " + std::to_string(res.exit_code)) +
                  "\n" + tail_lines(err, 20);
    }
    if (r.status == "error") ++failed;
    write_record(o.out, r);
    std::remove(tasks[i].stdout_path.c_str());
    std::remove(tasks[i].stderr_path.c_str());
    bar.update(++done, "points");
    if (merge_as_we_go && std::chrono::duration<double>(Clock::now() - last_merge).count() > 2.0) {
      merge(s, all, o.out);
      last_merge = Clock::now();
    }
  });
  bar.finish();
  return failed;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// Submits the points as a job array (sbatch --wait) whose task i runs this command with
// --shard i; returns sbatch's exit code.
int run_slurm(const SweepOptions& o, const config::SweepSpec& s, size_t pending) {
  const int shards =
      o.tasks > 0 ? o.tasks : static_cast<int>(std::min<size_t>(std::max<size_t>(pending, 1), 32));
  fs::create_directories(o.out + "/slurm");
  const std::string out_abs = absolute(o.out);
  std::string script =
      "#!/bin/bash\n# Generated by trainsim sweep --backend slurm: task i runs the points with index % " +
      std::to_string(shards) + " == i.\n";
  script += "exec " + shell_quote(o.exe) + " sweep " + shell_quote(absolute(s.path)) + " --out " +
            shell_quote(out_abs) + " --shard \"$SLURM_ARRAY_TASK_ID\" --shards " + std::to_string(shards) +
            "\n";
  const std::string script_path = out_abs + "/slurm/sweep.sbatch";
  report::write_file_atomic(script_path, script);
  const std::string cmd = "sbatch --wait --parsable --job-name=trainsim-sweep --array=0-" +
                          std::to_string(shards - 1) +
                          " --cpus-per-task=1 --output=" + shell_quote(out_abs + "/slurm/task-%a.log") + " " +
                          shell_quote(script_path);
  std::fprintf(stderr, "sweep: submitting %zu points as a %d-task Slurm array: %s\n", pending, shards,
               cmd.c_str());
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}

// True when `name` is an executable file in one of PATH's directories.
bool on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string dirs = path;
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = dirs.find(':', start);
    const std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

}  // namespace

int run_sweep(const SweepOptions& o) {
  const auto t0 = Clock::now();
  if (o.backend == "slurm" && o.shard < 0 && !on_path("sbatch"))
    throw ConfigError(format_error("--backend slurm", "",
                                   "sbatch is not on PATH (a Slurm client is needed; scripts/slurm-local.sh "
                                   "starts a single-node Slurm on this machine)"));
  const config::SweepSpec s = config::load_sweep(o.sweep_path);
  const std::string base_abs = absolute(s.base);
  std::vector<Point> points;
  for (const auto& sp : s.points) {
    Point p;
    p.spec = sp;
    p.step_key = step_key_of(base_abs, sp);
    p.step_file = o.out + "/steps/" + hex(fnv1a(p.step_key)) + ".json";
    points.push_back(std::move(p));
  }
  const std::string manifest_text = manifest(s, points).dump(2) + "\n";
  prepare_out(o, manifest_text);
  if (o.shard < 0) report::write_file_atomic(o.out + "/sweep.json", manifest_text);
  // Leftovers of a killed run: partial child outputs are not results.
  std::error_code ec;
  for (const char* d : {"points", "steps"}) {
    if (!fs::is_directory(o.out + "/" + d, ec) || o.shard >= 0) continue;
    for (const auto& e : fs::directory_iterator(o.out + "/" + d, ec))
      if (e.path().extension() == ".tmp") fs::remove(e.path(), ec);
  }

  if (o.shard >= 0) {  // a Slurm array task: its share, one point at a time, no merge
    std::vector<Point> mine;
    for (const Point& p : points)
      if (p.spec.index % o.shards == o.shard) mine.push_back(p);
    SweepOptions local = o;
    local.jobs = 1;
    return run_local(local, s, mine, points, false) > 0 ? 1 : 0;
  }

  size_t pending = 0;
  for (const Point& p : points)
    if (!point_done(o.out, p.spec.index)) ++pending;
  const size_t skipped = points.size() - pending;
  if (skipped > 0)
    std::fprintf(stderr, "sweep: %zu of %zu points already finished, skipped\n", skipped, points.size());
  int slurm_rc = 0;
  if (o.backend == "slurm") {
    if (pending > 0) slurm_rc = run_slurm(o, s, pending);
  } else {
    run_local(o, s, points, points, true);
  }
  const auto [finished, failed] = merge(s, points, o.out);
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  std::fprintf(
      stderr,
      "sweep: %lld/%zu points finished (%lld failed) in %.1f s; wrote %s/results.csv, results.sqlite\n",
      static_cast<long long>(finished), points.size(), static_cast<long long>(failed), wall, o.out.c_str());
  if (static_cast<size_t>(finished) < points.size()) {
    const std::string hint =
        o.backend == "slurm"
            ? " (see " + o.out + "/slurm/task-*.log; sbatch exit code " + std::to_string(slurm_rc) + ")"
            : "";
    std::fprintf(stderr, "sweep: %zu points did not finish%s\n",
                 points.size() - static_cast<size_t>(finished), hint.c_str());
    return 1;
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace trainsim::sweep
