#include "sim/cli/commands.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/cli/energy_card.hpp"
#include "sim/cli/plan.hpp"
#include "sim/cli/plan_model.hpp"
#include "sim/cli/validate.hpp"
#include "sim/common/error.hpp"
#include "sim/common/units.hpp"
#include "sim/config/loader.hpp"
#include "sim/config/sweep.hpp"
#include "sim/energy/accounting.hpp"
#include "sim/failures/model.hpp"
#include "sim/hardware/catalog.hpp"
#include "sim/job/job.hpp"
#include "sim/platform/builder.hpp"
#include "sim/report/html_report.hpp"
#include "sim/report/io.hpp"
#include "sim/report/job_report.hpp"
#include "sim/report/job_timeline.hpp"
#include "sim/report/json.hpp"
#include "sim/report/plots.hpp"
#include "sim/report/summary.hpp"
#include "sim/report/trace.hpp"
#include "sim/step/profile_io.hpp"
#include "sim/step/step.hpp"
#include "sim/sweep/proc.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/workload/model.hpp"

namespace trainsim::cli {
namespace {

std::vector<config::Override> parse_overrides(const std::vector<std::string>& sets) {
  std::vector<config::Override> out;
  for (const auto& s : sets) out.push_back(config::parse_override(s));
  return out;
}

std::string self_exe(const char* argv0) { return sweep::self_executable(argv0); }

// Loads a scenario and checks that it can run (memory). Throws ConfigError / InfeasibleError.
// With `allow_memory_overflow` a scenario that does not fit is simulated anyway, after a warning
// on stderr (step --allow-memory-overflow: a framework known to need less memory than trainsim's
// estimate, e.g. a published run that did fit).
config::ScenarioSpec load_runnable(const std::string& path, const std::vector<std::string>& sets,
                                   bool allow_memory_overflow = false) {
  config::ScenarioSpec sc = config::load_scenario(path, parse_overrides(sets));
  const workload::Workload w = workload::build_workload(sc);
  if (!allow_memory_overflow) {
    workload::check_memory_fits(sc, w);
  } else if (const std::string shortfall = workload::memory_shortfall(w); !shortfall.empty()) {
    std::cerr << format_warning(sc.loc.str(), "", shortfall)
              << "\nnote: simulated anyway (--allow-memory-overflow)\n";
  }
  return sc;
}

// --out DIR, checked before anything is simulated: an existing DIR must be a directory and, unless
// --force, empty; a new DIR must be creatable (its nearest existing ancestor is a writable
// directory). Nothing is created here: report::write_files_atomic creates DIR with all the files
// at the end, so a run that fails leaves no directory and no partial report behind.
void prepare_out_dir(const std::string& dir, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec))
      throw ConfigError(format_error(dir, "--out", "exists and is not a directory"));
    if (!force && !fs::is_empty(dir, ec))
      throw ConfigError(
          format_error(dir, "--out", "directory is not empty (use --force to overwrite its report files)"));
    if (::access(dir.c_str(), W_OK) != 0)
      throw ConfigError(
          format_error(dir, "--out", std::string("cannot write into it: ") + std::strerror(errno)));
    return;
  }
  fs::path ancestor = fs::path(dir).lexically_normal().parent_path();
  while (!ancestor.empty() && !fs::exists(ancestor, ec)) ancestor = ancestor.parent_path();
  if (ancestor.empty()) ancestor = ".";
  if (!fs::is_directory(ancestor, ec))
    throw ConfigError(
        format_error(dir, "--out", "cannot create it: " + ancestor.string() + " is not a directory"));
  if (::access(ancestor.c_str(), W_OK) != 0)
    throw ConfigError(
        format_error(dir, "--out", "cannot create it in " + ancestor.string() + ": " + std::strerror(errno)));
}

// --trace FILE, checked before anything is simulated: FILE must not be a directory and its
// directory must exist (the trace is written atomically after the simulation).
void check_out_file(const std::string& path, const std::string& option) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw ConfigError(format_error(path, option, "is a directory, expected a file"));
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec))
    throw ConfigError(format_error(path, option, "directory " + parent.string() + " does not exist"));
}

struct ProfileFiles {
  std::string out;  // step --profile-out: write the profile for other processes
  std::string in;   // run --step-profile: use this profile instead of simulating the step
  std::string key;  // --step-key: what the profile was simulated from (sweeps check it)
};

int cmd_step(const std::string& path, const std::vector<std::string>& sets, bool json,
             const std::string& trace, const ProfileFiles& pf, bool allow_memory_overflow) {
  const config::ScenarioSpec sc = load_runnable(path, sets, allow_memory_overflow);
  if (!trace.empty()) check_out_file(trace, "--trace");
  step::StepOptions opt;
  opt.collect_trace = !trace.empty();
  const step::StepProfile p = step::simulate_step(sc, opt);
  if (!trace.empty()) report::write_file_atomic(trace, report::chrome_trace(p.trace, sc.name + " step"));
  if (!pf.out.empty()) report::write_file_atomic(pf.out, step::profile_to_json(p, pf.key).dump() + "\n");
  if (json) {
    std::cout << report::step_to_json(p, sc).dump(2) << "\n";
  } else {
    std::cout << report::step_summary(p, sc);
  }
  return 0;
}

int cmd_check(const std::string& path, const std::vector<std::string>& sets) {
  const config::FileKind kind = config::detect_kind(path);
  if (kind == config::FileKind::kSweep) {
    if (!sets.empty())
      throw ConfigError(format_error("--set", "", "a sweep file takes no --set (put the keys in it)"));
    const config::SweepSpec s = config::load_sweep(path);
    std::cout << path << ": ok: sweep over " << s.keys.size() << " keys, " << s.points.size()
              << " points of base scenario " << s.base << "\n";
    return 0;
  }
  if (kind == config::FileKind::kPlatform) {
    const config::PlatformSpec p = config::load_platform(path, parse_overrides(sets));
    std::cout << path << ": ok: platform '" << p.name << "', " << p.gpus() << " GPUs\n";
    return 0;
  }
  const config::ScenarioSpec sc = load_runnable(path, sets);
  std::cout << path << ": ok: scenario '" << sc.name << "', " << sc.gpus << " GPUs\n";
  return 0;
}

// Batch-size ramp: one step simulation per ramp batch size on the already built platform, and the
// job's phases (steps at their step time), the final phase being the scenario's global_batch.
void add_ramp(const config::ScenarioSpec& sc, platform::ClusterView* view, job::JobOptions* jopt) {
  if (sc.training.batch_ramp.empty()) return;
  const double seq = static_cast<double>(sc.model.seq_len);
  double ramp_tokens = 0;
  for (const config::BatchPhase& b : sc.training.batch_ramp) {
    config::ScenarioSpec phase = sc;
    phase.training.global_batch = b.global_batch;
    phase.training.batch_ramp.clear();
    const step::StepProfile ps = step::simulate_step(phase, {}, view);
    jopt->ramp.push_back(
        {static_cast<int64_t>(std::ceil(b.tokens / (static_cast<double>(b.global_batch) * seq))), ps.time_s});
    ramp_tokens += b.tokens;
  }
  jopt->final_phase_steps = static_cast<int64_t>(
      std::ceil((sc.training.tokens - ramp_tokens) / (static_cast<double>(sc.training.global_batch) * seq)));
}

// "\r[########            ] 12/30 replications" on stderr, erased after the last one. Only on a
// terminal: logs, pipes and CI keep clean stderr.
void progress_bar(int64_t done, int64_t total) {
  constexpr int kWidth = 30;
  const int filled = total > 0 ? static_cast<int>(kWidth * done / total) : kWidth;
  std::fprintf(stderr, "\r[%s%s] %lld/%lld replications", std::string(filled, '#').c_str(),
               std::string(kWidth - filled, ' ').c_str(), static_cast<long long>(done),
               static_cast<long long>(total));
  if (done >= total) std::fprintf(stderr, "\r%*s\r", kWidth + 40, "");
  std::fflush(stderr);
}

// The files of `run --out DIR` beyond report.json: CSVs, traces, plots and report.html.
void write_run_files(const std::string& dir, const nlohmann::ordered_json& doc,
                     const config::ScenarioSpec& sc, const step::StepProfile& p, const job::JobResult& j,
                     const std::vector<std::pair<double, double>>& power_w) {
  const report::JobTimeline tl = report::job_timeline(j);
  report::HtmlPlots plots;
  plots.timeline_svg = report::timeline_svg(tl, sc.name + ": job timeline (replication 0)");
  plots.power_svg = report::power_svg(power_w, sc.name + ": facility power (replication 0)");
  plots.step_svg = report::step_svg(p, sc.name + ": one step per pipeline stage");
  // All files at once, at the end: a failure leaves no directory and no partial report
  // (report::write_files_atomic).
  report::write_files_atomic(dir, {{"report.json", doc.dump(2) + "\n"},
                                   {"power.csv", report::power_csv(power_w)},
                                   {"timeline.csv", report::timeline_csv(j.timeline)},
                                   {"trace.json", report::chrome_trace(p.trace, sc.name + " step")},
                                   {"job_trace.json", report::chrome_trace(report::job_trace_events(tl),
                                                                           sc.name + " job (replication 0)")},
                                   {"timeline.svg", plots.timeline_svg},
                                   {"power.svg", plots.power_svg},
                                   {"step.svg", plots.step_svg},
                                   {"report.html", report::html_report(doc, sc, plots)}});
}

struct RunOptions {
  std::string out;
  bool force = false;
  int64_t seed = -1;         // -1 = the scenario's simulation.seed
  int64_t replications = 0;  // 0 = the scenario's simulation.replications
};

int cmd_run(const std::string& path, const std::vector<std::string>& sets, bool json, const RunOptions& ro,
            const ProfileFiles& pf) {
  const config::ScenarioSpec sc = load_runnable(path, sets);
  if (!ro.out.empty()) prepare_out_dir(ro.out, ro.force);
  const uint64_t seed = ro.seed >= 0 ? static_cast<uint64_t>(ro.seed) : sc.simulation.seed;
  step::StepOptions sopt;
  sopt.collect_trace = !ro.out.empty();
  platform::ClusterView view;
  step::StepProfile p;
  if (pf.in.empty()) {
    p = step::simulate_step(sc, sopt, &view);
  } else {
    p = step::load_profile(pf.in, pf.key);
    view = step::build_step_platform(sc);
  }
  job::JobOptions jopt;
  jopt.replications = ro.replications > 0 ? ro.replications : sc.simulation.replications;
  jopt.seed = seed;
  jopt.timeline = !ro.out.empty();
  if (isatty(STDERR_FILENO)) jopt.progress = progress_bar;
  add_ramp(sc, &view, &jopt);
  const job::JobResult j = job::simulate_job(sc, p, view, jopt);
  const energy::StatePower power = energy::state_power(sc.platform, p);
  const double tdp_w = hardware::find_gpu(sc.platform.node.gpu)->tdp_w;
  std::vector<energy::JobEnergy> energies;
  for (const auto& r : j.replications) energies.push_back(energy::job_energy(sc, power, r, tdp_w));
  const nlohmann::ordered_json doc = report::run_to_json(p, j, energies, sc, seed);
  int64_t unfinished = 0;
  for (const auto& r : j.replications) unfinished += r.finished ? 0 : 1;
  if (unfinished > 0)
    std::cerr << "warning: " << unfinished << " of " << j.replications.size()
              << " replications did not train the whole token budget within simulation.max_wall_time ("
              << std::to_string(j.replications.front().wall_s / 86400.0).substr(0, 6)
              << " days): their wall time and ETTR are those at the cap (job.finished_fraction)\n";
  if (!ro.out.empty()) {
    write_run_files(ro.out, doc, sc, p, j,
                    energy::facility_series(sc, power, j.power, j.replications.at(0).wall_s));
  }
  if (json) {
    std::cout << doc.dump(2) << "\n";
  } else {
    std::cout << report::run_summary(p, j, energies, sc);
    if (!ro.out.empty())
      std::cout << "\nwrote " << ro.out
                << "/report.html, report.json, timeline.csv, power.csv, trace.json, job_trace.json, "
                   "timeline.svg, power.svg, step.svg\n";
  }
  return 0;
}

// plan --goal checkpoint-interval: Daly's higher-order optimum and the optimum found by
// simulation (replicated job runs over a grid of intervals around Daly's, common random numbers).
int cmd_plan_checkpoint(const std::string& path, const std::vector<std::string>& sets, bool json,
                        int64_t replications, int64_t seed_opt) {
  config::ScenarioSpec sc = load_runnable(path, sets);
  const uint64_t seed = seed_opt >= 0 ? static_cast<uint64_t>(seed_opt) : sc.simulation.seed;
  platform::ClusterView view;
  const step::StepProfile p = step::simulate_step(sc, {}, &view);
  const double mtbf_s = failures::job_mttf_s(sc);
  if (!(mtbf_s > 0) || !std::isfinite(mtbf_s))
    throw ConfigError(
        format_error(sc.loc.str(), "failures",
                     "checkpoint-interval planning needs a failure model (failures.model is none)"));
  job::JobOptions jopt;
  jopt.replications = replications > 0 ? replications : sc.simulation.replications;
  jopt.seed = seed;
  add_ramp(sc, &view, &jopt);
  const job::IntervalSearch search = job::optimal_checkpoint_interval(sc, p, view, jopt);
  const double daly_s = search.daly_s, best_s = search.best_s, best_ettr = search.best_ettr;
  nlohmann::ordered_json curve = nlohmann::ordered_json::array();
  for (const auto& pt : search.curve) {
    nlohmann::ordered_json j;
    j["interval_s"] = pt.interval_s;
    j["ettr"] = pt.ettr;
    j["ettr_p5"] = pt.ettr_p5;
    j["ettr_p95"] = pt.ettr_p95;
    curve.push_back(j);
  }
  nlohmann::ordered_json doc;
  doc["scenario"] = sc.name;
  doc["goal"] = "checkpoint-interval";
  doc["checkpoint"]["save_s"] = search.stall_s;
  doc["checkpoint"]["job_mtbf_s"] = mtbf_s;
  doc["checkpoint"]["young_interval_s"] = failures::young_interval_s(search.stall_s, mtbf_s);
  doc["checkpoint"]["young_daly_interval_s"] = daly_s;
  doc["checkpoint"]["optimal_interval_s"] = best_s;
  doc["checkpoint"]["optimal_ettr"] = best_ettr;
  doc["replications"] = jopt.replications;
  doc["curve"] = curve;
  if (json) {
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "scenario          %s\njob MTBF          %.2f h (failures model '%s')\nsave stall        %.1f s\n"
      "Young (1st order) %.1f min\nDaly (higher ord) %.1f min\nsimulated optimum %.1f min (ETTR %.4f, %lld "
      "replications per point)\n\n",
      sc.name.c_str(), mtbf_s / 3600, sc.failures.model.c_str(), search.stall_s,
      failures::young_interval_s(search.stall_s, mtbf_s) / 60, daly_s / 60, best_s / 60, best_ettr,
      static_cast<long long>(jopt.replications));
  std::cout << buf << "  interval      ETTR   (p5 - p95)\n";
  for (const auto& pt : curve) {
    std::snprintf(buf, sizeof buf, "  %7.1f min  %.4f  (%.4f - %.4f)%s\n",
                  pt["interval_s"].get<double>() / 60, pt["ettr"].get<double>(), pt["ettr_p5"].get<double>(),
                  pt["ettr_p95"].get<double>(), pt["interval_s"].get<double>() == best_s ? "  <- best" : "");
    std::cout << buf;
  }
  return 0;
}

nlohmann::ordered_json platform_json(const config::PlatformSpec& p) {
  const platform::PlatformSummary s = platform::summarize(p);
  nlohmann::ordered_json j;
  j["name"] = p.name;
  j["gpu"] = p.node.gpu;
  j["gpus"] = s.gpus;
  j["nodes"] = s.nodes;
  j["gpus_per_node"] = p.node.gpus_per_node;
  j["leaves"] = s.leaves;
  j["pods"] = s.pods;
  j["switches"] = s.switches;
  j["node_injection_gbps"] = s.node_injection_bytes_per_s * 8 / 1e9;
  j["bisection_tbps"] = s.bisection_bytes_per_s * 8 / 1e12;
  j["bisection_bytes_per_s"] = s.bisection_bytes_per_s;
  j["nvlink_domain_gbytes_per_s"] = s.nvlink_domain_bytes_per_s / 1e9;
  j["peak_bf16_pflops"] = s.gpu_peak_bf16_flop_per_s_total / 1e15;
  j["power"]["it_peak_mw"] = s.it_peak_w / 1e6;
  j["power"]["facility_peak_mw"] = s.facility_peak_w / 1e6;
  j["power"]["pue"] = p.facility.pue;
  return j;
}

int cmd_describe(const std::string& path, const std::vector<std::string>& sets, bool json) {
  config::PlatformSpec p;
  if (config::detect_kind(path) == config::FileKind::kPlatform) {
    p = config::load_platform(path, parse_overrides(sets));
  } else {
    p = config::load_scenario(path, parse_overrides(sets)).platform;
  }
  const nlohmann::ordered_json j = platform_json(p);
  if (json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  const hardware::GpuSpec* gpu = hardware::find_gpu(p.node.gpu);
  char buf[4096];
  std::snprintf(buf, sizeof buf,
                "platform        %s\n"
                "GPUs            %lld x %s (%lld nodes x %lld)\n"
                "fabric          %s, %lld leaves, %lld pods, oversubscription leaf %.3g:1, pod %.3g:1\n"
                "injection       %.0f Gb/s per node\n"
                "bisection       %.1f Tb/s (one direction)\n"
                "NVLink domain   %.0f GB/s per node\n"
                "peak compute    %.1f PFLOP/s dense BF16\n"
                "IT peak power   %.2f MW\n"
                "facility peak   %.2f MW (PUE %.2f)\n",
                p.name.c_str(), static_cast<long long>(j["gpus"].get<int64_t>()),
                gpu != nullptr ? gpu->display_name.c_str() : p.node.gpu.c_str(),
                static_cast<long long>(p.nodes), static_cast<long long>(p.node.gpus_per_node),
                p.fabric.topology == config::Topology::kRailFatTree ? "rail-optimised fat-tree" : "fat-tree",
                static_cast<long long>(j["leaves"].get<int64_t>()),
                static_cast<long long>(j["pods"].get<int64_t>()), p.fabric.leaf_oversubscription,
                p.fabric.pod_oversubscription, j["node_injection_gbps"].get<double>(),
                j["bisection_tbps"].get<double>(), j["nvlink_domain_gbytes_per_s"].get<double>(),
                j["peak_bf16_pflops"].get<double>(), j["power"]["it_peak_mw"].get<double>(),
                j["power"]["facility_peak_mw"].get<double>(), p.facility.pue);
  std::cout << buf;
  return 0;
}

// `trainsim keys --json`: the input keys of every file kind (config::input_keys), for
// scripts/gen_reference.py and the test that every key is documented.
int cmd_keys(bool json) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  for (const config::InputKey& k : config::input_keys()) doc[k.file].push_back(k.key);
  if (json) {
    std::cout << doc.dump(2) << "\n";
  } else {
    for (const config::InputKey& k : config::input_keys()) std::cout << k.file << "  " << k.key << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"trainsim: discrete-event simulator of large GPU training clusters (SimGrid)"};
  app.require_subcommand(1);
  std::vector<std::string> sets;
  std::string file, trace, suite;
  bool json = false;

  auto* step = app.add_subcommand("step", "simulate one training iteration of a scenario");
  step->add_option("scenario", file, "scenario YAML")->required();
  step->add_option("--set", sets, "override a scenario key: KEY=VALUE (repeatable)");
  step->add_flag("--json", json, "print the step.* report as one JSON document");
  step->add_option("--trace", trace, "write the step as a Chrome trace (open in Perfetto)");
  bool allow_memory_overflow = false;
  step->add_flag("--allow-memory-overflow", allow_memory_overflow,
                 "simulate even if the memory estimate exceeds the GPU's HBM (warns instead of exit 3)");
  ProfileFiles pf;
  step->add_option("--profile-out", pf.out, "write the step profile (for run --step-profile)")->group("");
  step->add_option("--step-key", pf.key, "identity of the step's inputs, stored in the profile")->group("");

  auto* check = app.add_subcommand("check", "validate a scenario or platform file (no simulation)");
  check->add_option("file", file, "scenario or platform YAML")->required();
  check->add_option("--set", sets, "override a key: KEY=VALUE (repeatable)");

  auto* describe = app.add_subcommand("describe", "GPUs, nodes, bisection and peak power of a platform");
  describe->add_option("file", file, "platform (or scenario) YAML")->required();
  describe->add_option("--set", sets, "override a key: KEY=VALUE (repeatable)");
  describe->add_flag("--json", json, "print as one JSON document");

  RunOptions ro;
  auto* run = app.add_subcommand("run", "simulate the whole training run: failures, checkpoints, ETTR");
  run->add_option("scenario", file, "scenario YAML")->required();
  run->add_option("--set", sets, "override a scenario key: KEY=VALUE (repeatable)");
  run->add_flag("--json", json, "print the report as one JSON document");
  run->add_option("--out", ro.out,
                  "write report.html, report.json, CSVs, traces and plots into this directory");
  run->add_flag("--force", ro.force, "allow --out into a non-empty directory");
  run->add_option("--seed", ro.seed, "seed of the replications (default: simulation.seed)")
      ->check(CLI::Range(0L, 1L << 62));
  run->add_option("--replications", ro.replications,
                  "independent replications (default: simulation.replications)")
      ->check(CLI::Range(1L, 100000L));
  run->add_option("--step-profile", pf.in, "use this step profile (step --profile-out) instead of simulating")
      ->group("");
  run->add_option("--step-key", pf.key, "the profile must have been written for this key")->group("");

  sweep::SweepOptions so;
  auto* sw = app.add_subcommand("sweep", "run a sweep file's points (one process each), locally or on Slurm");
  sw->add_option("sweep", so.sweep_path, "sweep YAML (docs/sweeps.md)")->required();
  sw->add_option("--out", so.out, "output directory: results.csv, results.sqlite, per-point records")
      ->required();
  sw->add_option("--jobs", so.jobs, "points simulated at a time (local backend)")->check(CLI::Range(1, 256));
  sw->add_option("--backend", so.backend, "local, or slurm (a job array through sbatch)")
      ->check(CLI::IsMember({"local", "slurm"}));
  sw->add_flag("--resume", so.resume, "continue a sweep in --out: skip its finished points");
  sw->add_flag("--force", so.force, "start over in a non-empty --out (deletes its sweep results)");
  sw->add_option("--tasks", so.tasks, "Slurm array size (default: min(points, 32))")
      ->check(CLI::Range(1, 10000));
  sw->add_option("--shard", so.shard, "run as Slurm array task SHARD of SHARDS")
      ->group("")
      ->check(CLI::Range(0, 9999));
  sw->add_option("--shards", so.shards, "number of Slurm array tasks")
      ->group("")
      ->check(CLI::Range(1, 10000));

  std::string goal;
  auto* plan = app.add_subcommand(
      "plan", "capacity planning: checkpoint interval, layout, smallest job for a deadline, largest model");
  plan->add_option("scenario", file, "scenario YAML")->required();
  plan->add_option("--goal", goal, "what to plan")
      ->required()
      ->check(
          CLI::IsMember({"checkpoint-interval", "layout", "min-gpus", "max-model", "max-tokens", "days"}));
  plan->add_option("--set", sets, "override a scenario key: KEY=VALUE (repeatable)");
  plan->add_flag("--json", json, "print as one JSON document");
  plan->add_option("--seed", ro.seed, "seed of the replications")->check(CLI::Range(0L, 1L << 62));
  plan->add_option("--replications", ro.replications, "replications per interval")
      ->check(CLI::Range(1L, 100000L));
  double plan_days = 0;
  plan->add_option("--days", plan_days, "time budget of --goal max-model|max-tokens, days")
      ->check(CLI::Range(1e-6, 1e6));
  PlanOptions po;
  std::string deadline;
  plan->add_option("--deadline", deadline, "--goal min-gpus: wall-clock budget with its unit, e.g. 60d");
  plan->add_flag("--scale-batch", po.scale_batch,
                 "--goal min-gpus: grow the global batch with data parallelism (default: keep it)");
  plan->add_option("--jobs", po.jobs, "simulations at a time (layout, min-gpus)")->check(CLI::Range(1, 256));
  plan->add_option("--max-simulations", po.max_simulations, "--goal layout: step simulations at most")
      ->check(CLI::Range(1, 10000));

  std::vector<std::string> card_hours, card_tdp;
  std::string card_ci, card_pue;
  auto* card =
      app.add_subcommand("energy-card", "model-card method: GPU-hours x power per GPU -> MWh, tCO2e");
  card->add_option("--gpu-hours", card_hours, "GPU-hours of a group (repeatable, paired with --tdp)")
      ->required();
  card->add_option("--tdp", card_tdp, "power per GPU of that group, e.g. 700W (repeatable)")->required();
  card->add_option("--carbon-intensity", card_ci, "grid intensity, e.g. 0.4137kg/kWh")->required();
  card->add_option("--pue", card_pue, "facility PUE (default 1: already included)");
  card->add_flag("--json", json, "print as one JSON document");

  auto* validate = app.add_subcommand("validate", "published runs: published vs predicted");
  validate->add_option("suite", suite, "validation suite YAML (default: the shipped one)");
  validate->add_flag("--json", json, "print as one JSON document");
  int jobs = 1;
  validate->add_option("--jobs", jobs, "cases simulated in parallel (one process each)")
      ->check(CLI::Range(1, 64));

  // Diagnostic, hidden from --help (empty group): what docs/reference/input-keys.md is checked against.
  auto* keys = app.add_subcommand("keys", "list every input key the loader accepts");
  keys->group("");
  keys->add_flag("--json", json, "print as one JSON document");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    if (*step) return cmd_step(file, sets, json, trace, pf, allow_memory_overflow);
    if (*run) return cmd_run(file, sets, json, ro, pf);
    if (*sw) {
      if ((so.shard >= 0) != (so.shards > 0) || (so.shard >= 0 && so.shard >= so.shards))
        throw ConfigError(format_error("--shard", "", "give --shard I and --shards N together, 0 <= I < N"));
      so.exe = self_exe(argv[0]);
      return sweep::run_sweep(so);
    }
    if (*plan && is_plan_model_goal(goal))
      return cmd_plan_model(goal, file, sets, plan_days, json, ro.replications, ro.seed);
    if (*plan && (goal == "layout" || goal == "min-gpus")) {
      po.path = file;
      po.sets = sets;
      po.json = json;
      po.replications = ro.replications;
      po.seed = ro.seed;
      po.exe = self_exe(argv[0]);
      if (!deadline.empty()) {
        try {
          po.deadline_s = units::parse(deadline, units::Kind::kTime);
        } catch (const std::invalid_argument& e) {
          throw ConfigError(format_error("--deadline", "", e.what()));
        }
        if (!(po.deadline_s > 0))
          throw ConfigError(format_error("--deadline", "", "expected a positive time"));
      } else if (goal == "min-gpus") {
        throw ConfigError(format_error("--deadline", "", "plan --goal min-gpus needs --deadline, e.g. 60d"));
      }
      return goal == "layout" ? cmd_plan_layout(po) : cmd_plan_min_gpus(po);
    }
    if (*plan) return cmd_plan_checkpoint(file, sets, json, ro.replications, ro.seed);
    if (*check) return cmd_check(file, sets);
    if (*describe) return cmd_describe(file, sets, json);
    if (*card) return cmd_energy_card(card_hours, card_tdp, card_ci, card_pue, json);
    if (*keys) return cmd_keys(json);
    if (*validate) return run_validate(suite, json, self_exe(argv[0]), jobs);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const InfeasibleError& e) {
    std::cerr << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "trainsim: internal error: " << e.what() << "\n";
    return 1;
  }
  return 2;
}

}  // namespace trainsim::cli
