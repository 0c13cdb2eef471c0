#include "sim/report/job_report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "sim/failures/model.hpp"
#include "sim/report/efficiency.hpp"
#include "sim/report/json.hpp"

namespace trainsim::report {
namespace {

constexpr double kDay = 86400.0, kHour = 3600.0;

std::vector<double> collect(const job::JobResult& j, double (*f)(const job::ReplicationResult&)) {
  std::vector<double> v;
  v.reserve(j.replications.size());
  for (const auto& r : j.replications) v.push_back(f(r));
  return v;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

}  // namespace

nlohmann::ordered_json run_to_json(const step::StepProfile& step, const job::JobResult& j,
                                   const std::vector<energy::JobEnergy>& en, const config::ScenarioSpec& sc,
                                   uint64_t seed) {
  nlohmann::ordered_json doc = step_to_json(step, sc);
  const auto wall = collect(j, [](const job::ReplicationResult& r) { return r.wall_s / kDay; });
  const auto ettr = collect(j, [](const job::ReplicationResult& r) { return r.ettr(); });
  nlohmann::ordered_json job;
  job["wall_time_days"] = mean(wall);
  job["productive_days"] =
      mean(collect(j, [](const job::ReplicationResult& r) { return r.productive_s / kDay; }));
  job["ettr"] = mean(ettr);
  job["failures"] =
      mean(collect(j, [](const job::ReplicationResult& r) { return static_cast<double>(r.failures); }));
  job["failures_per_day"] = mean(collect(j, [](const job::ReplicationResult& r) {
    return r.wall_s > 0 ? r.failures / (r.wall_s / kDay) : 0.0;
  }));
  job["planned_interruptions"] =
      mean(collect(j, [](const job::ReplicationResult& r) { return static_cast<double>(r.planned); }));
  job["checkpoints"] =
      mean(collect(j, [](const job::ReplicationResult& r) { return static_cast<double>(r.checkpoints); }));
  job["lost_work_hours"] =
      mean(collect(j, [](const job::ReplicationResult& r) { return r.lost_work_s / kHour; }));
  job["restart_hours"] =
      mean(collect(j, [](const job::ReplicationResult& r) { return r.recovery_s / kHour; }));
  job["wait_for_nodes_hours"] =
      mean(collect(j, [](const job::ReplicationResult& r) { return r.wait_for_nodes_s / kHour; }));
  job["checkpoint_hours"] =
      mean(collect(j, [](const job::ReplicationResult& r) { return r.checkpoint_s / kHour; }));
  job["maintenance_hours"] =
      mean(collect(j, [](const job::ReplicationResult& r) { return r.maintenance_s / kHour; }));
  job["launch_hours"] = mean(collect(j, [](const job::ReplicationResult& r) { return r.launch_s / kHour; }));
  job["spares_used"] =
      mean(collect(j, [](const job::ReplicationResult& r) { return static_cast<double>(r.spares_used); }));
  job["effective_mfu"] = step.mfu * mean(ettr);
  // Replications that trained the whole token budget before simulation.max_wall_time.
  job["finished_fraction"] =
      mean(collect(j, [](const job::ReplicationResult& r) { return r.finished ? 1.0 : 0.0; }));
  job["steps"] = j.total_steps;
  job["mtbf_hours"] = j.job_mtbf_s / kHour;
  // Failures by category: mean count per replication, categories in sorted order.
  std::map<std::string, double> by;
  for (const auto& r : j.replications)
    for (const auto& [k, n] : r.failures_by_category) by[k] += static_cast<double>(n);
  nlohmann::ordered_json cats = nlohmann::ordered_json::object();
  for (const auto& [k, n] : by) cats[k] = n / static_cast<double>(j.replications.size());
  job["failures_by_category"] = cats;
  doc["job"] = job;

  // energy.*: means over replications.
  auto emean = [&](double (*f)(const energy::JobEnergy&)) {
    double sum = 0;
    for (const auto& e : en) sum += f(e);
    return en.empty() ? 0.0 : sum / static_cast<double>(en.size());
  };
  nlohmann::ordered_json energy;
  energy["gpu_hours"] = emean([](const energy::JobEnergy& e) { return e.gpu_hours; });
  energy["avg_gpu_power_w"] = emean([](const energy::JobEnergy& e) { return e.avg_gpu_power_w; });
  energy["gpu_mwh"] = emean([](const energy::JobEnergy& e) { return e.gpu_j / 3.6e9; });
  energy["it_mwh"] = emean([](const energy::JobEnergy& e) { return e.it_j / 3.6e9; });
  energy["facility_mwh"] = emean([](const energy::JobEnergy& e) { return e.facility_j / 3.6e9; });
  energy["tdp_based_mwh"] = emean([](const energy::JobEnergy& e) { return e.tdp_based_j / 3.6e9; });
  energy["co2_t"] = emean([](const energy::JobEnergy& e) { return e.co2_kg / 1000.0; });
  energy["cost_usd"] = emean([](const energy::JobEnergy& e) { return e.cost_usd; });
  energy["avg_power_mw"] = emean([](const energy::JobEnergy& e) { return e.avg_facility_w / 1e6; });
  energy["peak_power_mw"] = emean([](const energy::JobEnergy& e) { return e.peak_facility_w / 1e6; });
  energy["power_swing_mw"] = emean([](const energy::JobEnergy& e) { return e.swing_w / 1e6; });
  energy["lost_mwh"] = emean([](const energy::JobEnergy& e) { return e.lost_j / 3.6e9; });
  energy["step_node_power_w"] = step.node_power_w;
  energy["step_power_from_plugin"] = step.power_from_plugin;
  doc["energy"] = energy;

  const failures::Summary e = failures::summarize(ettr), w = failures::summarize(wall);
  nlohmann::ordered_json reps;
  reps["n"] = j.replications.size();
  reps["seed"] = seed;
  reps["ettr_p5"] = e.p5;
  reps["ettr_p50"] = e.p50;
  reps["ettr_p95"] = e.p95;
  reps["wall_time_days_p5"] = w.p5;
  reps["wall_time_days_p50"] = w.p50;
  reps["wall_time_days_p95"] = w.p95;
  std::vector<double> fac;
  for (const auto& x : en) fac.push_back(x.facility_j / 3.6e9);
  const failures::Summary f = failures::summarize(fac);
  reps["facility_mwh_p5"] = f.p5;
  reps["facility_mwh_p50"] = f.p50;
  reps["facility_mwh_p95"] = f.p95;
  doc["replications"] = reps;

  nlohmann::ordered_json ck;
  ck["size_tb"] = j.checkpoint.size_bytes / 1e12;
  ck["shard_gb_per_gpu"] = j.checkpoint.shard_bytes_per_gpu / 1e9;
  ck["bandwidth_gb_per_s"] = j.checkpoint.bandwidth_bytes_per_s / 1e9;
  ck["save_s"] = j.checkpoint.save_s;
  ck["stall_s"] = j.checkpoint.stall_s;
  ck["reload_s"] = j.checkpoint.reload_s;
  ck["interval_s"] = j.checkpoint.interval_s;
  doc["checkpoint"] = ck;

  // efficiency.*: the five factors of effective compute utilisation (docs/models/efficiency.md).
  const Efficiency ef = efficiency(step, j, sc);
  nlohmann::ordered_json eff;
  eff["energy"] = ef.energy;
  eff["kernel"] = ef.kernel;
  eff["scaling"] = ef.scaling;
  eff["ettr"] = ef.ettr;
  eff["utilisation"] = ef.utilisation;
  eff["product"] = ef.product;
  eff["end_to_end"] = ef.end_to_end;
  eff["allocated_gpus"] = ef.allocated_gpus;
  eff["useful_flop"] = ef.useful_flop;
  doc["efficiency"] = eff;

  // cost.*: capex amortised over the wall time (when cost.gpu_price is given) + electricity.
  const Cost c = total_cost(sc, mean(wall) * kDay, energy["cost_usd"].get<double>());
  nlohmann::ordered_json cost;
  cost["capex_included"] = c.has_capex;
  if (c.has_capex) cost["capex_usd"] = c.capex_usd;
  cost["electricity_usd"] = c.electricity_usd;
  cost["total_usd"] = c.total_usd;
  cost["electricity_share"] = c.electricity_share;
  cost["usd_per_trillion_tokens"] = c.usd_per_trillion_tokens;
  doc["cost"] = cost;
  return doc;
}

std::string run_summary(const step::StepProfile& step, const job::JobResult& j,
                        const std::vector<energy::JobEnergy>& en, const config::ScenarioSpec& sc) {
  const nlohmann::ordered_json d = run_to_json(step, j, en, sc, 0);
  const auto& jb = d["job"];
  const auto& rp = d["replications"];
  std::ostringstream o;
  char buf[256];
  auto line = [&](const char* fmt, auto... args) {
    std::snprintf(buf, sizeof buf, fmt, args...);
    o << buf;
  };
  // The figures a person reads first, one per line: value and unit in aligned columns, then context.
  const auto& en_top = d["energy"];
  line("scenario        %s (%lld GPUs, %lld replications)\n", sc.name.c_str(),
       static_cast<long long>(sc.gpus), static_cast<long long>(j.replications.size()));
  line("wall time       %10.2f d     (p5 %.2f d, p95 %.2f d)\n", jb["wall_time_days"].get<double>(),
       rp["wall_time_days_p5"].get<double>(), rp["wall_time_days_p95"].get<double>());
  line("ETTR            %10.1f %%     (p5 %.1f %%, p50 %.1f %%, p95 %.1f %%)\n",
       100 * jb["ettr"].get<double>(), 100 * rp["ettr_p5"].get<double>(), 100 * rp["ettr_p50"].get<double>(),
       100 * rp["ettr_p95"].get<double>());
  line("MFU             %10.1f %%     per step; %.1f %% effective (MFU x ETTR)\n", step.mfu * 100,
       jb["effective_mfu"].get<double>() * 100);
  line("energy          %10.0f MWh   facility; %.0f t CO2e\n", en_top["facility_mwh"].get<double>(),
       en_top["co2_t"].get<double>());
  {
    const auto& ct = d["cost"];
    if (ct["capex_included"].get<bool>()) {
      line("cost            %10.2f M USD total (%.2f M capex amortised + %.2f M electricity, %.1f %%)\n",
           ct["total_usd"].get<double>() / 1e6, ct["capex_usd"].get<double>() / 1e6,
           ct["electricity_usd"].get<double>() / 1e6, 100 * ct["electricity_share"].get<double>());
    } else {
      line("cost            %10.2f M USD electricity (capex not counted: no cost.gpu_price)\n",
           ct["electricity_usd"].get<double>() / 1e6);
    }
  }
  line("step            %10.3f s     %lld steps for %.3g tokens\n", step.time_s,
       static_cast<long long>(j.total_steps), sc.training.tokens);
  o << "\nwhere the time went (mean per replication)\n";
  const double wall_h = jb["wall_time_days"].get<double>() * 24;
  auto row = [&](const char* name, double hours) {
    line("  %-22s %10.1f h  %5.1f %%\n", name, hours, wall_h > 0 ? 100 * hours / wall_h : 0.0);
  };
  row("productive training", jb["productive_days"].get<double>() * 24);
  row("redone work (lost)", jb["lost_work_hours"].get<double>());
  row("detect/restart/reload", jb["restart_hours"].get<double>() - jb["wait_for_nodes_hours"].get<double>());
  row("waiting for nodes", jb["wait_for_nodes_hours"].get<double>());
  row("checkpoint stalls", jb["checkpoint_hours"].get<double>());
  row("planned maintenance", jb["maintenance_hours"].get<double>());
  row("launch", jb["launch_hours"].get<double>());
  line(
      "\ninterruptions   %.1f unexpected (%.2f per day, job MTBF %.2f h), %.1f planned (mean per "
      "replication)\n",
      jb["failures"].get<double>(), jb["failures_per_day"].get<double>(), jb["mtbf_hours"].get<double>(),
      jb["planned_interruptions"].get<double>());
  std::vector<std::pair<double, std::string>> cats;
  for (const auto& [k, v] : jb["failures_by_category"].items()) cats.emplace_back(v.get<double>(), k);
  std::sort(cats.begin(), cats.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  for (const auto& [n, k] : cats) line("  %-30s %7.1f failures\n", k.c_str(), n);
  line("checkpoints     %.0f of %.2f TB every %.1f min, stall %.1f s each, reload %.1f s\n",
       jb["checkpoints"].get<double>(), j.checkpoint.size_bytes / 1e12, j.checkpoint.interval_s / 60,
       j.checkpoint.stall_s, j.checkpoint.reload_s);
  const auto& e = d["energy"];
  line("\nenergy          %.0f MWh facility (%.0f MWh IT, %.0f MWh GPUs; TDP method %.0f MWh)\n",
       e["facility_mwh"].get<double>(), e["it_mwh"].get<double>(), e["gpu_mwh"].get<double>(),
       e["tdp_based_mwh"].get<double>());
  line("power           %.1f MW average, %.1f MW peak, %.1f MW swings; %.0f W per GPU on average\n",
       e["avg_power_mw"].get<double>(), e["peak_power_mw"].get<double>(), e["power_swing_mw"].get<double>(),
       e["avg_gpu_power_w"].get<double>());
  line("carbon, cost    %.0f t CO2e, %.3g USD of electricity; %.0f MWh lost to failures\n",
       e["co2_t"].get<double>(), e["cost_usd"].get<double>(), e["lost_mwh"].get<double>());

  const auto& ef = d["efficiency"];
  line("\nefficiency      %-34s %7s %9s\n", "factor (docs/models/efficiency.md)", "value", "running");
  double running = 1;
  auto factor = [&](const char* name, const char* key) {
    running *= ef[key].get<double>();
    line("  %-48s %7.3f %9.3f\n", name, ef[key].get<double>(), running);
  };
  factor("energy       1 / PUE", "energy");
  factor("kernel       model FLOP/s / peak while computing", "kernel");
  factor("scaling      compute time / step time", "scaling");
  factor("ETTR         productive / wall time", "ettr");
  factor("utilisation  job GPUs / allocated GPUs", "utilisation");
  line("  %-48s %7.3f  (direct: useful FLOPs / (peak x %lld GPUs x wall x PUE) = %.3f)\n", "product",
       ef["product"].get<double>(), static_cast<long long>(ef["allocated_gpus"].get<int64_t>()),
       ef["end_to_end"].get<double>());

  const auto& c = d["cost"];
  if (c["capex_included"].get<bool>()) {
    line(
        "\ncost            %.4g USD total = %.4g capex (amortised) + %.4g electricity (%.1f %%); "
        "%.4g USD per trillion tokens\n",
        c["total_usd"].get<double>(), c["capex_usd"].get<double>(), c["electricity_usd"].get<double>(),
        100 * c["electricity_share"].get<double>(), c["usd_per_trillion_tokens"].get<double>());
  } else {
    line("\ncost            %.4g USD of electricity (no cost.gpu_price: capex not counted)\n",
         c["total_usd"].get<double>());
  }
  return o.str();
}

std::string timeline_csv(const std::vector<job::JobEvent>& events) {
  std::ostringstream o;
  o << "time_s,time_days,event,detail,steps\n";
  char buf[256];
  for (const auto& e : events) {
    std::snprintf(buf, sizeof buf, "%.3f,%.6f,%s,%s,%lld\n", e.time_s, e.time_s / kDay, e.event.c_str(),
                  e.detail.c_str(), static_cast<long long>(e.steps));
    o << buf;
  }
  return o.str();
}

}  // namespace trainsim::report

namespace trainsim::report {

std::string power_csv(const std::vector<std::pair<double, double>>& series) {
  std::ostringstream o;
  o << "time_s,time_days,facility_mw\n";
  char buf[128];
  for (const auto& [t, w] : series) {
    std::snprintf(buf, sizeof buf, "%.3f,%.6f,%.6f\n", t, t / 86400.0, w / 1e6);
    o << buf;
  }
  return o.str();
}

}  // namespace trainsim::report
