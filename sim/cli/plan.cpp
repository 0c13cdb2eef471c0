#include "sim/cli/plan.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "sim/common/error.hpp"
#include "sim/config/loader.hpp"
#include "sim/sweep/proc.hpp"

namespace trainsim::cli {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxPlanGpus = 131072;

// A temporary directory for the children's outputs, removed when the plan ends.
class ScratchDir {
 public:
  ScratchDir() {
    std::string t = (fs::temp_directory_path() / "trainsim-plan-XXXXXX").string();
    if (mkdtemp(t.data()) == nullptr) throw std::runtime_error("cannot create a temporary directory");
    path_ = t;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::vector<config::Override> to_overrides(const std::vector<std::string>& sets) {
  std::vector<config::Override> o;
  for (const auto& s : sets) o.push_back(config::parse_override(s));
  return o;
}

std::vector<std::string> set_args(const std::vector<std::string>& user,
                                  const std::vector<config::Override>& extra) {
  std::vector<std::string> a;
  for (const auto& s : user) a.insert(a.end(), {"--set", s});
  for (const auto& o : extra) a.insert(a.end(), {"--set", o.key + "=" + o.value});
  return a;
}

std::string layout_name(int64_t tp, int64_t cp, int64_t pp, int64_t dp, int64_t vpp, int64_t mb) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "TP%lld CP%lld PP%lld DP%lld VPP%lld MB%lld", static_cast<long long>(tp),
                static_cast<long long>(cp), static_cast<long long>(pp), static_cast<long long>(dp),
                static_cast<long long>(vpp), static_cast<long long>(mb));
  return buf;
}

struct StepRun {
  bool ok = false;
  int exit_code = 0;
  std::string message;
  nlohmann::json doc;
};

// Runs `trainsim step|run ... --json` children, `jobs` at a time.
std::vector<StepRun> run_children(const PlanOptions& o, const ScratchDir& dir,
                                  const std::vector<std::vector<std::string>>& argvs) {
  std::vector<sweep::Task> tasks;
  for (size_t i = 0; i < argvs.size(); ++i) {
    sweep::Task t;
    t.args = argvs[i];
    t.args.push_back("--json");
    t.stdout_path = dir.file("c" + std::to_string(i) + ".out");
    t.stderr_path = dir.file("c" + std::to_string(i) + ".err");
    tasks.push_back(std::move(t));
  }
  std::vector<StepRun> out(argvs.size());
  sweep::run_tasks(o.exe, tasks, o.jobs, [&](size_t i, const sweep::TaskResult& r) {
    StepRun& s = out[i];
    s.exit_code = r.exit_code;
    if (r.exit_code == 0) {
      try {
        s.doc = nlohmann::json::parse(sweep::read_file(tasks[i].stdout_path));
        s.ok = true;
      } catch (const std::exception& e) {
        s.message = e.what();
      }
    } else {
      s.message = sweep::tail_lines(sweep::read_file(tasks[i].stderr_path), 6);
    }
  });
  return out;
}

}  // namespace

double step_time_lower_bound_s(const config::ScenarioSpec& sc, const workload::Workload& w) {
  const config::ParallelSpec& par = sc.training.parallelism;
  const double per_layer = w.layer.fwd_s + w.layer.bwd_s;
  double t_max = 0, t_min = HUGE_VAL;
  for (size_t s = 0; s < w.layers_in.size(); ++s) {
    double t = 0;
    for (int64_t n : w.layers_in[s]) t += static_cast<double>(n) * per_layer;
    if (s == 0) t += w.embed_fwd_s + w.embed_bwd_s;
    if (s + 1 == w.layers_in.size()) t += w.head_fwd_s + w.head_bwd_s;
    t_max = std::max(t_max, t);
    t_min = std::min(t_min, t);
  }
  const double m = static_cast<double>(w.micro_batches);
  const double fill = static_cast<double>(par.pp - 1) / static_cast<double>(par.vpp) * t_min;
  return m * t_max + fill + std::min({w.optimizer_s_first, w.optimizer_s_mid, w.optimizer_s_last});
}

// ------------------------------------------------------------------------------------ layout
int cmd_plan_layout(const PlanOptions& o) {
  const config::ScenarioSpec base = config::load_scenario(o.path, to_overrides(o.sets));
  const config::ParallelSpec& bp = base.training.parallelism;
  const int64_t gpn = base.platform.node.gpus_per_node;
  struct Candidate {
    int64_t tp = 1, cp = 1, pp = 1, dp = 1, vpp = 1, mb = 1;
    double bound_s = 0;
    bool is_base = false;
    std::vector<config::Override> overrides;
    StepRun sim;
    bool simulated = false;
  };
  std::vector<Candidate> cands;
  std::map<std::string, int64_t> rejected;  // reason -> count
  const int64_t gb = base.training.global_batch;
  for (int64_t tp = 1; tp <= gpn; tp *= 2)
    for (int64_t cp : {1, 2, 4})
      for (int64_t pp : {1, 2, 4, 8, 16, 32, 64})
        for (int64_t vpp : {1, 2, 4, 8})
          for (int64_t mb : {1, 2, 4}) {
            if (pp == 1 && vpp > 1) continue;
            if (pp > base.model.layers || base.gpus % (tp * cp * pp) != 0) continue;
            const int64_t dp = base.gpus / (tp * cp * pp);
            if (gb % (dp * mb) != 0) {
              ++rejected["global batch not divisible by dp x micro-batch"];
              continue;
            }
            const int64_t m = gb / (dp * mb);
            if (pp > 1 && m < pp) {
              ++rejected["fewer micro-batches than pipeline stages"];
              continue;
            }
            Candidate c;
            c.tp = tp;
            c.cp = cp;
            c.pp = pp;
            c.dp = dp;
            c.vpp = vpp;
            c.mb = mb;
            c.is_base =
                tp == bp.tp && cp == bp.cp && pp == bp.pp && vpp == bp.vpp && mb == base.training.micro_batch;
            c.overrides = {{"training.parallelism.tp", std::to_string(tp)},
                           {"training.parallelism.cp", std::to_string(cp)},
                           {"training.parallelism.pp", std::to_string(pp)},
                           {"training.parallelism.dp", std::to_string(dp)},
                           {"training.parallelism.vpp", std::to_string(vpp)},
                           {"training.micro_batch", std::to_string(mb)}};
            std::vector<config::Override> all = to_overrides(o.sets);
            all.insert(all.end(), c.overrides.begin(), c.overrides.end());
            try {
              const config::ScenarioSpec sc = config::load_scenario(o.path, all);
              const workload::Workload w = workload::build_workload(sc);
              workload::check_memory_fits(sc, w);
              c.bound_s = step_time_lower_bound_s(sc, w);
            } catch (const ConfigError&) {
              ++rejected["not a valid layout for the model (heads, layers, sequence)"];
              continue;
            } catch (const InfeasibleError&) {
              ++rejected["does not fit in GPU memory"];
              continue;
            }
            cands.push_back(std::move(c));
          }
  if (cands.empty())
    throw InfeasibleError(format_error(
        o.path, "",
        "no layout of " + std::to_string(base.gpus) + " GPUs fits in memory and divides the batch"));
  std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    if (a.is_base != b.is_base) return a.is_base;  // the scenario's own layout is always simulated
    return a.bound_s < b.bound_s;
  });
  // Branch and bound in batches of o.jobs: simulate in bound order until the next bound cannot
  // beat the best simulated step time, or the simulation budget is spent.
  ScratchDir dir;
  double best_s = HUGE_VAL;
  size_t next = 0;
  int simulated = 0;
  while (next < cands.size() && simulated < o.max_simulations && cands[next].bound_s < best_s) {
    std::vector<size_t> batch;
    while (next < cands.size() && batch.size() < static_cast<size_t>(std::max(1, o.jobs)) &&
           simulated + static_cast<int>(batch.size()) < o.max_simulations && cands[next].bound_s < best_s)
      batch.push_back(next++);
    std::vector<std::vector<std::string>> argvs;
    for (size_t i : batch) {
      std::vector<std::string> a = {"step", o.path};
      for (const auto& s : set_args(o.sets, cands[i].overrides)) a.push_back(s);
      argvs.push_back(a);
    }
    const std::vector<StepRun> res = run_children(o, dir, argvs);
    for (size_t k = 0; k < batch.size(); ++k) {
      Candidate& c = cands[batch[k]];
      c.sim = res[k];
      c.simulated = true;
      ++simulated;
      if (c.sim.ok) best_s = std::min(best_s, c.sim.doc["step"]["time_s"].get<double>());
    }
  }
  size_t pruned = 0, over_budget = 0;  // not simulated: bound >= best, or beyond --max-simulations
  for (size_t i = next; i < cands.size(); ++i) (cands[i].bound_s >= best_s ? pruned : over_budget)++;
  std::vector<const Candidate*> ranked;
  for (const Candidate& c : cands)
    if (c.simulated && c.sim.ok) ranked.push_back(&c);
  std::stable_sort(ranked.begin(), ranked.end(), [](const Candidate* a, const Candidate* b) {
    return a->sim.doc["step"]["time_s"].get<double>() < b->sim.doc["step"]["time_s"].get<double>();
  });
  const Candidate* base_c = nullptr;
  for (const Candidate& c : cands)
    if (c.is_base) base_c = &c;

  nlohmann::ordered_json doc;
  doc["scenario"] = base.name;
  doc["goal"] = "layout";
  doc["gpus"] = base.gpus;
  doc["candidates_valid"] = cands.size();
  nlohmann::ordered_json rej = nlohmann::ordered_json::object();
  for (const auto& [k, n] : rejected) rej[k] = n;
  doc["rejected"] = rej;
  doc["simulated"] = simulated;
  doc["pruned_by_bound"] = pruned;
  doc["not_simulated_budget"] = over_budget;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  int rank = 0;
  for (const Candidate* c : ranked) {
    const auto& st = c->sim.doc["step"];
    nlohmann::ordered_json r;
    r["rank"] = ++rank;
    r["tp"] = c->tp;
    r["cp"] = c->cp;
    r["pp"] = c->pp;
    r["dp"] = c->dp;
    r["vpp"] = c->vpp;
    r["micro_batch"] = c->mb;
    r["scenario_layout"] = c->is_base;
    r["lower_bound_s"] = c->bound_s;
    r["step_time_s"] = st["time_s"];
    r["mfu"] = st["mfu"];
    r["bubble_fraction"] = st["bubble_fraction"];
    r["exposed_comm_fraction"] = st["exposed_comm_fraction"];
    r["memory_per_gpu_gib"] = st["memory_per_gpu_gib"];
    rows.push_back(r);
  }
  doc["ranking"] = rows;
  if (!ranked.empty()) doc["best"] = rows[0];
  if (o.json) {
    std::cout << doc.dump(2) << "\n";
    return ranked.empty() ? 1 : 0;
  }
  std::printf("scenario   %s, %lld GPUs, global batch %lld\n", base.name.c_str(),
              static_cast<long long>(base.gpus), static_cast<long long>(gb));
  std::printf("candidates %zu valid layouts that fit in memory; rejected:", cands.size());
  for (const auto& [k, n] : rejected) std::printf(" %lld %s;", static_cast<long long>(n), k.c_str());
  std::printf(
      "\nsimulated  %d in order of a compute lower bound (kernels + ideal bubble, no communication); "
      "%zu pruned (bound >= best simulated step), %zu beyond --max-simulations %d\n\n",
      simulated, pruned, over_budget, o.max_simulations);
  std::printf(
      "  rank  layout                            step (s)  bound (s)   MFU   bubble  exposed comm  memory\n");
  int shown = 0;
  for (const Candidate* c : ranked) {
    const auto& st = c->sim.doc["step"];
    std::printf("  %4d  %-32s  %8.3f  %9.3f  %4.1f %%  %5.1f %%  %8.1f %%   %5.1f GiB%s\n", ++shown,
                layout_name(c->tp, c->cp, c->pp, c->dp, c->vpp, c->mb).c_str(), st["time_s"].get<double>(),
                c->bound_s, 100 * st["mfu"].get<double>(), 100 * st["bubble_fraction"].get<double>(),
                100 * st["exposed_comm_fraction"].get<double>(), st["memory_per_gpu_gib"].get<double>(),
                c->is_base ? "  <- scenario" : "");
  }
  for (const Candidate& c : cands)
    if (c.simulated && !c.sim.ok)
      std::printf("  failed  %s: exit %d: %s\n", layout_name(c.tp, c.cp, c.pp, c.dp, c.vpp, c.mb).c_str(),
                  c.sim.exit_code, c.sim.message.c_str());
  if (!ranked.empty() && base_c != nullptr && base_c->sim.ok) {
    const auto& b = ranked[0]->sim.doc["step"];
    const auto& s = base_c->sim.doc["step"];
    const double gain = s["time_s"].get<double>() / b["time_s"].get<double>() - 1;
    if (ranked[0] == base_c) {
      std::printf("\nthe scenario's layout is the fastest found\n");
    } else {
      std::printf(
          "\nbest: %s, %.1f %% faster than the scenario's layout: bubble %.1f %% -> %.1f %%, exposed "
          "communication %.1f %% -> %.1f %%, memory %.1f -> %.1f GiB per GPU\n",
          layout_name(ranked[0]->tp, ranked[0]->cp, ranked[0]->pp, ranked[0]->dp, ranked[0]->vpp,
                      ranked[0]->mb)
              .c_str(),
          100 * gain, 100 * s["bubble_fraction"].get<double>(), 100 * b["bubble_fraction"].get<double>(),
          100 * s["exposed_comm_fraction"].get<double>(), 100 * b["exposed_comm_fraction"].get<double>(),
          s["memory_per_gpu_gib"].get<double>(), b["memory_per_gpu_gib"].get<double>());
    }
  }
  return ranked.empty() ? 1 : 0;
}

// ---------------------------------------------------------------------------------- min-gpus
int cmd_plan_min_gpus(const PlanOptions& o) {
  if (!(o.deadline_s > 0))
    throw ConfigError(format_error("--deadline", "", "plan --goal min-gpus needs --deadline, e.g. 60d"));
  const config::ScenarioSpec base = config::load_scenario(o.path, to_overrides(o.sets));
  const config::ParallelSpec& bp = base.training.parallelism;
  const int64_t gpn = base.platform.node.gpus_per_node;
  const int64_t gb = base.training.global_batch, mb = base.training.micro_batch;
  const int64_t cell = bp.tp * bp.cp * bp.pp;
  struct Candidate {
    int64_t dp = 0, gpus = 0, nodes = 0, cluster_nodes = 0;
    std::vector<config::Override> overrides;
    std::string profile;
    StepRun step, run;
    double failure_free_days = 0;
  };
  std::vector<Candidate> cands;
  std::map<std::string, int64_t> rejected;
  // Strong scaling (default): the global batch is the scenario's, so dp must divide it. With
  // --scale-batch (weak scaling) each pipeline keeps the scenario's micro-batches and the global
  // batch grows with dp (dp = the scenario's x 2^k); whether the model still converges at that
  // batch is the user's call (docs/planning.md).
  const int64_t m_base = gb / (bp.dp * mb);
  std::vector<int64_t> widths;
  if (o.scale_batch) {
    // Up to 4x the scenario's job and at most kMaxPlanGpus (a step at 131k GPUs takes about a
    // minute to simulate: bench/RESULTS.md).
    for (int k = -10; k <= 2; ++k) {
      const double d = std::ldexp(static_cast<double>(bp.dp), k);
      if (d >= 1 && d == std::floor(d) && static_cast<int64_t>(d) * cell <= kMaxPlanGpus)
        widths.push_back(static_cast<int64_t>(d));
    }
  } else {
    for (int64_t dp = 1; dp * mb <= gb; ++dp)
      if (gb % (dp * mb) == 0) widths.push_back(dp);
  }
  for (int64_t dp : widths) {
    const int64_t m = o.scale_batch ? m_base : gb / (dp * mb);
    if (bp.pp > 1 && (m < bp.pp || (bp.vpp > 1 && m % bp.pp != 0))) continue;
    Candidate c;
    c.dp = dp;
    c.gpus = dp * cell;
    c.nodes = (c.gpus + gpn - 1) / gpn;
    c.cluster_nodes = std::max(base.platform.nodes, c.nodes + base.failures.spare_nodes);
    c.overrides = {{"gpus", std::to_string(c.gpus)}, {"training.parallelism.dp", std::to_string(dp)}};
    if (o.scale_batch) c.overrides.push_back({"training.global_batch", std::to_string(m * mb * dp)});
    if (c.cluster_nodes > base.platform.nodes)
      c.overrides.push_back({"platform.nodes", std::to_string(c.cluster_nodes)});
    std::vector<config::Override> all = to_overrides(o.sets);
    all.insert(all.end(), c.overrides.begin(), c.overrides.end());
    try {
      const config::ScenarioSpec sc = config::load_scenario(o.path, all);
      workload::check_memory_fits(sc, workload::build_workload(sc));
    } catch (const ConfigError& e) {
      ++rejected["not a valid scenario"];
      continue;
    } catch (const InfeasibleError&) {
      ++rejected["does not fit in GPU memory (data parallelism too narrow for ZeRO sharding)"];
      continue;
    }
    cands.push_back(std::move(c));
  }
  if (cands.empty())
    throw InfeasibleError(
        format_error(o.path, "", "no data-parallel width fits in memory and divides the batch"));
  ScratchDir dir;
  // 1. One step simulation per size: the failure-free time rules out sizes that cannot make it.
  std::vector<std::vector<std::string>> argvs;
  for (size_t i = 0; i < cands.size(); ++i) {
    cands[i].profile = dir.file("p" + std::to_string(i) + ".json");
    std::vector<std::string> a = {"step", o.path};
    for (const auto& s : set_args(o.sets, cands[i].overrides)) a.push_back(s);
    a.insert(a.end(), {"--profile-out", cands[i].profile});
    argvs.push_back(a);
  }
  std::vector<StepRun> steps = run_children(o, dir, argvs);
  std::vector<size_t> to_run;
  for (size_t i = 0; i < cands.size(); ++i) {
    cands[i].step = steps[i];
    if (!steps[i].ok) continue;
    const double batch =
        o.scale_batch ? static_cast<double>(m_base * mb * cands[i].dp) : static_cast<double>(gb);
    const double total_steps =
        std::ceil(base.training.tokens / (batch * static_cast<double>(base.model.seq_len)));
    cands[i].failure_free_days = total_steps * steps[i].doc["step"]["time_s"].get<double>() / 86400.0;
    if (cands[i].failure_free_days <= o.deadline_s / 86400.0) to_run.push_back(i);
  }
  // 2. The whole run (failures, checkpoints) for the sizes that could make it, smallest first.
  argvs.clear();
  for (size_t i : to_run) {
    std::vector<std::string> a = {"run", o.path};
    for (const auto& s : set_args(o.sets, cands[i].overrides)) a.push_back(s);
    a.insert(a.end(), {"--step-profile", cands[i].profile});
    if (o.replications > 0) a.insert(a.end(), {"--replications", std::to_string(o.replications)});
    if (o.seed >= 0) a.insert(a.end(), {"--seed", std::to_string(o.seed)});
    argvs.push_back(a);
  }
  const std::vector<StepRun> runs = run_children(o, dir, argvs);
  for (size_t k = 0; k < to_run.size(); ++k) cands[to_run[k]].run = runs[k];
  const Candidate* best = nullptr;
  for (const Candidate& c : cands)
    if (c.run.ok && c.run.doc["job"]["wall_time_days"].get<double>() <= o.deadline_s / 86400.0) {
      best = &c;
      break;
    }
  const double deadline_days = o.deadline_s / 86400.0;
  nlohmann::ordered_json doc;
  doc["scenario"] = base.name;
  doc["goal"] = "min-gpus";
  doc["deadline_days"] = deadline_days;
  doc["tokens"] = base.training.tokens;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const Candidate& c : cands) {
    nlohmann::ordered_json r;
    r["gpus"] = c.gpus;
    r["dp"] = c.dp;
    r["job_nodes"] = c.nodes;
    r["cluster_nodes"] = c.cluster_nodes;
    r["global_batch"] = o.scale_batch ? m_base * mb * c.dp : gb;
    if (c.step.ok) {
      r["step_time_s"] = c.step.doc["step"]["time_s"];
      r["mfu"] = c.step.doc["step"]["mfu"];
      r["failure_free_days"] = c.failure_free_days;
    }
    if (c.run.ok) {
      r["wall_time_days"] = c.run.doc["job"]["wall_time_days"];
      r["wall_time_days_p95"] = c.run.doc["replications"]["wall_time_days_p95"];
      r["ettr"] = c.run.doc["job"]["ettr"];
      r["meets_deadline"] = c.run.doc["job"]["wall_time_days"].get<double>() <= deadline_days;
    } else {
      r["meets_deadline"] = false;
    }
    rows.push_back(r);
  }
  doc["candidates"] = rows;
  if (best != nullptr) {
    for (const auto& r : rows)
      if (r["gpus"] == best->gpus) doc["best"] = r;
  } else {
    doc["best"] = nullptr;
  }
  if (o.json) {
    std::cout << doc.dump(2) << "\n";
  } else {
    std::printf(
        "scenario   %s: %.3g tokens by %.1f days, layout TP%lld CP%lld PP%lld (VPP%lld), %s\n",
        base.name.c_str(), base.training.tokens, deadline_days, static_cast<long long>(bp.tp),
        static_cast<long long>(bp.cp), static_cast<long long>(bp.pp), static_cast<long long>(bp.vpp),
        o.scale_batch
            ? ("global batch growing with dp (" + std::to_string(m_base * mb) + " sequences per pipeline)")
                  .c_str()
            : ("global batch " + std::to_string(gb) + " (strong scaling; --scale-batch grows it)").c_str());
    std::printf("sizes      data-parallel widths that divide the batch and fit in memory");
    for (const auto& [k, n] : rejected)
      std::printf("; %lld rejected: %s", static_cast<long long>(n), k.c_str());
    std::printf(
        "\n\n     GPUs     DP   batch  cluster nodes  step (s)    MFU   failure-free (d)  wall (d)  p95 (d)  "
        " ETTR\n");
    for (const Candidate& c : cands) {
      std::printf("  %7lld  %5lld  %6lld  %13lld", static_cast<long long>(c.gpus),
                  static_cast<long long>(c.dp),
                  static_cast<long long>(o.scale_batch ? m_base * mb * c.dp : gb),
                  static_cast<long long>(c.cluster_nodes));
      if (!c.step.ok) {
        std::printf("  step failed: %s\n", c.step.message.c_str());
        continue;
      }
      std::printf("  %8.3f  %4.1f %%  %16.1f", c.step.doc["step"]["time_s"].get<double>(),
                  100 * c.step.doc["step"]["mfu"].get<double>(), c.failure_free_days);
      if (c.run.ok) {
        std::printf("  %8.1f  %7.1f  %5.3f%s\n", c.run.doc["job"]["wall_time_days"].get<double>(),
                    c.run.doc["replications"]["wall_time_days_p95"].get<double>(),
                    c.run.doc["job"]["ettr"].get<double>(),
                    &c == best ? "  <- smallest that meets the deadline" : "");
      } else {
        std::printf("  %s\n",
                    c.failure_free_days > deadline_days ? "(too slow even without failures)" : "run failed");
      }
    }
    if (best != nullptr) {
      std::printf(
          "\nsmallest job: %lld GPUs (%lld nodes; cluster of %lld nodes with %lld spares), %.1f days "
          "(p95 %.1f), ETTR %.3f\n",
          static_cast<long long>(best->gpus), static_cast<long long>(best->nodes),
          static_cast<long long>(best->cluster_nodes), static_cast<long long>(base.failures.spare_nodes),
          best->run.doc["job"]["wall_time_days"].get<double>(),
          best->run.doc["replications"]["wall_time_days_p95"].get<double>(),
          best->run.doc["job"]["ettr"].get<double>());
    } else {
      std::printf(
          "\nno size meets the deadline with this layout and batch (try a larger global batch or "
          "another layout: plan --goal layout)\n");
    }
  }
  return best != nullptr ? 0 : 3;
}

}  // namespace trainsim::cli
