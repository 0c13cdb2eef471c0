#include "sim/cli/commands.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include "sim/cli/validate.hpp"
#include "sim/common/error.hpp"
#include "sim/common/units.hpp"
#include "sim/config/loader.hpp"
#include "sim/hardware/catalog.hpp"
#include "sim/platform/builder.hpp"
#include "sim/report/io.hpp"
#include "sim/report/json.hpp"
#include "sim/report/summary.hpp"
#include "sim/report/trace.hpp"
#include "sim/step/step.hpp"
#include "sim/workload/model.hpp"

namespace trainsim::cli {
namespace {

std::vector<config::Override> parse_overrides(const std::vector<std::string>& sets) {
  std::vector<config::Override> out;
  for (const auto& s : sets) out.push_back(config::parse_override(s));
  return out;
}

std::string self_exe(const char* argv0) {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) return std::string(buf, static_cast<size_t>(n));
  return argv0;
}

// Loads a scenario and checks that it can run (memory). Throws ConfigError / InfeasibleError.
config::ScenarioSpec load_runnable(const std::string& path, const std::vector<std::string>& sets) {
  config::ScenarioSpec sc = config::load_scenario(path, parse_overrides(sets));
  const workload::Workload w = workload::build_workload(sc);
  workload::check_memory_fits(sc, w);
  return sc;
}

int cmd_step(const std::string& path, const std::vector<std::string>& sets, bool json, const std::string& trace) {
  const config::ScenarioSpec sc = load_runnable(path, sets);
  step::StepOptions opt;
  opt.collect_trace = !trace.empty();
  const step::StepProfile p = step::simulate_step(sc, opt);
  if (!trace.empty()) report::write_file_atomic(trace, report::chrome_trace(p.trace, sc.name + " step"));
  if (json) {
    std::cout << report::step_to_json(p, sc).dump(2) << "\n";
  } else {
    std::cout << report::step_summary(p, sc);
  }
  return 0;
}

int cmd_check(const std::string& path, const std::vector<std::string>& sets) {
  if (config::detect_kind(path) == config::FileKind::kPlatform) {
    const config::PlatformSpec p = config::load_platform(path, parse_overrides(sets));
    std::cout << path << ": ok: platform '" << p.name << "', " << p.gpus() << " GPUs\n";
    return 0;
  }
  const config::ScenarioSpec sc = load_runnable(path, sets);
  std::cout << path << ": ok: scenario '" << sc.name << "', " << sc.gpus << " GPUs\n";
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
                gpu != nullptr ? gpu->display_name.c_str() : p.node.gpu.c_str(), static_cast<long long>(p.nodes),
                static_cast<long long>(p.node.gpus_per_node),
                p.fabric.topology == config::Topology::kRailFatTree ? "rail-optimised fat-tree" : "fat-tree",
                static_cast<long long>(j["leaves"].get<int64_t>()), static_cast<long long>(j["pods"].get<int64_t>()),
                p.fabric.leaf_oversubscription, p.fabric.pod_oversubscription, j["node_injection_gbps"].get<double>(),
                j["bisection_tbps"].get<double>(), j["nvlink_domain_gbytes_per_s"].get<double>(),
                j["peak_bf16_pflops"].get<double>(), j["power"]["it_peak_mw"].get<double>(),
                j["power"]["facility_peak_mw"].get<double>(), p.facility.pue);
  std::cout << buf;
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

  auto* check = app.add_subcommand("check", "validate a scenario or platform file (no simulation)");
  check->add_option("file", file, "scenario or platform YAML")->required();
  check->add_option("--set", sets, "override a key: KEY=VALUE (repeatable)");

  auto* describe = app.add_subcommand("describe", "GPUs, nodes, bisection and peak power of a platform");
  describe->add_option("file", file, "platform (or scenario) YAML")->required();
  describe->add_option("--set", sets, "override a key: KEY=VALUE (repeatable)");
  describe->add_flag("--json", json, "print as one JSON document");

  auto* validate = app.add_subcommand("validate", "published runs: published vs predicted");
  validate->add_option("suite", suite, "validation suite YAML (default: the shipped one)");
  validate->add_flag("--json", json, "print as one JSON document");
  int jobs = 1;
  validate->add_option("--jobs", jobs, "cases simulated in parallel (one process each)")->check(CLI::Range(1, 64));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    if (*step) return cmd_step(file, sets, json, trace);
    if (*check) return cmd_check(file, sets);
    if (*describe) return cmd_describe(file, sets, json);
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
