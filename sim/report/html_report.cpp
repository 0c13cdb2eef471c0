#include "sim/report/html_report.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <utility>
#include <vector>

#include "sim/common/strfmt.hpp"
#include "sim/report/svg.hpp"

namespace trainsim::report {
namespace {

// Report text helper (sim/common/strfmt.hpp).
template <class... Args>
std::string f(const char* format, Args... args) {
  return strfmt(format, args...);
}

// doc value at a dotted key, 0 when absent or not a number (e.g. a null interval).
double at(const nlohmann::ordered_json& doc, const std::string& dotted) {
  const nlohmann::ordered_json* j = &doc;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted.find('.', start);
    const std::string k = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!j->is_object() || !j->contains(k)) return 0;
    j = &(*j)[k];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return j->is_number() ? j->get<double>() : 0;
}

struct Row {
  std::string name, value, key;  // key: the report.json key it comes from
};

std::string table(const std::string& caption, const std::vector<std::string>& head,
                  const std::vector<std::vector<std::string>>& rows) {
  std::string o = "<table>\n<caption>" + svg::esc(caption) + "</caption>\n<tr>";
  for (size_t i = 0; i < head.size(); ++i)
    o += "<th" + std::string(i ? " class=\"n\"" : "") + ">" + head[i] + "</th>";
  o += "</tr>\n";
  for (const auto& r : rows) {
    o += "<tr>";
    for (size_t i = 0; i < r.size(); ++i) {
      const bool key_col = i + 1 == r.size() && head.back() == "report key";
      o += std::string(i == 0 ? "<td>" : key_col ? "<td class=\"k\">" : "<td class=\"n\">") + r[i] + "</td>";
    }
    o += "</tr>\n";
  }
  return o + "</table>\n";
}

std::string pct(double part, double whole) { return whole > 0 ? f("%.1f %%", 100 * part / whole) : "-"; }

}  // namespace

std::string html_report(const nlohmann::ordered_json& d, const config::ScenarioSpec& sc,
                        const HtmlPlots& plots) {
  const std::string name = svg::esc(sc.name);
  std::string o;
  o += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>trainsim report: " +
       name +
       "</title>\n<style>\n"
       "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1000px;margin:2em "
       "auto;color:#212121;"
       "padding:0 1em}\n"
       "h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}\n"
       "table{border-collapse:collapse;margin:1em 0;min-width:60%}caption{text-align:left;font-weight:bold;"
       "padding:.3em 0}\n"
       "td,th{border-bottom:1px solid #e0e0e0;padding:.25em .8em;text-align:left}.n{text-align:right;"
       "font-variant-numeric:tabular-nums}\n"
       ".k{font-family:monospace;color:#616161;font-size:.85em}.note{color:#616161;font-size:.9em}\n"
       "figure{margin:1em 0}svg{max-width:100%;height:auto}\n"
       ".big{display:flex;gap:1em;flex-wrap:wrap}.big div{border:1px solid "
       "#ddd;border-radius:6px;padding:.6em 1em}"
       ".big b{display:block;font-size:1.4em}\n"
       "</style>\n</head>\n<body>\n";
  const double wall_d = at(d, "job.wall_time_days"), wall_h = wall_d * 24;
  o += "<h1>Training run: " + name + "</h1>\n";
  o += "<p>" + f("%lld", static_cast<long long>(sc.gpus)) + " x " + svg::esc(sc.platform.node.gpu) +
       " on platform '" + svg::esc(sc.platform.name) + "'; layout TP " +
       f("%lld", static_cast<long long>(at(d, "layout.tp"))) + " x CP " +
       f("%lld", static_cast<long long>(at(d, "layout.cp"))) + " x PP " +
       f("%lld", static_cast<long long>(at(d, "layout.pp"))) + " x DP " +
       f("%lld", static_cast<long long>(at(d, "layout.dp"))) + "; " + f("%.3g", sc.training.tokens) +
       " tokens; " + f("%.0f", at(d, "replications.n")) + " replications (seed " +
       f("%.0f", at(d, "replications.seed")) +
       "). Means over replications unless noted; the plots show replication 0.</p>\n";

  o += "<div class=\"big\">\n";
  o += "<div>wall time<b>" + f("%.1f days", wall_d) + "</b></div>\n";
  o += "<div>ETTR<b>" + f("%.1f %%", 100 * at(d, "job.ettr")) + "</b></div>\n";
  o += "<div>MFU per step<b>" + f("%.1f %%", 100 * at(d, "step.mfu")) + "</b></div>\n";
  o += "<div>facility energy<b>" + f("%.0f MWh", at(d, "energy.facility_mwh")) + "</b></div>\n";
  o += "<div>electricity cost<b>" + f("%.3g USD", at(d, "energy.cost_usd")) + "</b></div>\n";
  o += "</div>\n";

  o += "<h2>Summary</h2>\n";
  o += table(
      "", {"quantity", "value", "report key"},
      {{"wall-clock time",
        f("%.2f d (p5 %.2f, p95 %.2f)", wall_d, at(d, "replications.wall_time_days_p5"),
          at(d, "replications.wall_time_days_p95")),
        "job.wall_time_days"},
       {"effective training time ratio (ETTR)",
        f("%.3f (p5 %.3f, p95 %.3f)", at(d, "job.ettr"), at(d, "replications.ettr_p5"),
          at(d, "replications.ettr_p95")),
        "job.ettr"},
       {"MFU per step", f("%.1f %%", 100 * at(d, "step.mfu")), "step.mfu"},
       {"effective MFU (MFU x ETTR)", f("%.1f %%", 100 * at(d, "job.effective_mfu")), "job.effective_mfu"},
       {"step time", f("%.3f s", at(d, "step.time_s")), "step.time_s"},
       {"model throughput", f("%.0f TFLOP/s per GPU", at(d, "step.tflops_per_gpu")), "step.tflops_per_gpu"},
       {"steps", f("%.0f", at(d, "job.steps")), "job.steps"},
       {"unexpected interruptions",
        f("%.1f (%.2f per day)", at(d, "job.failures"), at(d, "job.failures_per_day")), "job.failures"},
       {"planned interruptions", f("%.1f", at(d, "job.planned_interruptions")), "job.planned_interruptions"},
       {"job MTBF", f("%.2f h", at(d, "job.mtbf_hours")), "job.mtbf_hours"},
       {"facility energy", f("%.0f MWh", at(d, "energy.facility_mwh")), "energy.facility_mwh"},
       {"carbon", f("%.0f t CO2e", at(d, "energy.co2_t")), "energy.co2_t"},
       {"electricity cost", f("%.4g USD", at(d, "energy.cost_usd")), "energy.cost_usd"}});

  o += "<h2>Where the time went</h2>\n";
  const double restart_h = at(d, "job.restart_hours") - at(d, "job.wait_for_nodes_hours");
  const std::vector<std::pair<std::string, std::pair<double, std::string>>> job_rows = {
      {"productive training", {wall_h > 0 ? at(d, "job.productive_days") * 24 : 0, "job.productive_days"}},
      {"redone work (lost at failures)", {at(d, "job.lost_work_hours"), "job.lost_work_hours"}},
      {"detection, restart, reload", {restart_h, "job.restart_hours - job.wait_for_nodes_hours"}},
      {"waiting for nodes", {at(d, "job.wait_for_nodes_hours"), "job.wait_for_nodes_hours"}},
      {"checkpoint stalls", {at(d, "job.checkpoint_hours"), "job.checkpoint_hours"}},
      {"planned maintenance", {at(d, "job.maintenance_hours"), "job.maintenance_hours"}},
      {"launch", {at(d, "job.launch_hours"), "job.launch_hours"}},
  };
  std::vector<std::vector<std::string>> rows;
  double sum_h = 0;
  for (const auto& [n, v] : job_rows) {
    rows.push_back({n, f("%.1f h", v.first), pct(v.first, wall_h), v.second});
    sum_h += v.first;
  }
  rows.push_back({"<b>total</b>", f("%.1f h", sum_h), pct(sum_h, wall_h), "job.wall_time_days x 24"});
  o += table("The whole run (mean per replication)", {"", "time", "share of wall time", "report key"}, rows);

  rows.clear();
  const double T = at(d, "step.time_s");
  const std::vector<std::pair<std::string, std::string>> step_rows = {
      {"compute", "compute_s"},
      {"TP communication (exposed)", "tp_exposed_s"},
      {"CP communication (exposed)", "cp_exposed_s"},
      {"PP communication (exposed)", "pp_exposed_s"},
      {"DP communication (exposed)", "dp_exposed_s"},
      {"pipeline bubble", "bubble_s"},
      {"optimizer", "optimizer_s"}};
  for (const auto& [n, k] : step_rows) {
    const double v = at(d, "step.breakdown." + k);
    rows.push_back({n, f("%.4f s", v), pct(v, T), "step.breakdown." + k});
  }
  rows.push_back({"<b>step time</b>", f("%.4f s", T), pct(T, T), "step.time_s"});
  o += table("One step (critical pipeline rank)", {"", "time", "share of the step", "report key"}, rows);

  o += "<h2>Failures by cause</h2>\n";
  std::vector<std::pair<double, std::string>> cats;
  if (d["job"].contains("failures_by_category"))
    for (const auto& [k, v] : d["job"]["failures_by_category"].items()) cats.emplace_back(v.get<double>(), k);
  std::sort(cats.begin(), cats.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  const double nfail = at(d, "job.failures");
  rows.clear();
  for (const auto& [n, k] : cats)
    rows.push_back({svg::esc(k), f("%.1f", n), pct(n, nfail), f("%.3f", wall_d > 0 ? n / wall_d : 0.0)});
  rows.push_back(
      {"<b>total</b>", f("%.1f", nfail), pct(nfail, nfail), f("%.3f", at(d, "job.failures_per_day"))});
  o += cats.empty()
           ? "<p>No failure model (failures.model: none).</p>\n"
           : table("Unexpected interruptions, mean count per replication (job.failures_by_category.*)",
                   {"cause", "count", "share", "per day (1/d)"}, rows);

  o += "<h2>Energy, carbon and cost</h2>\n";
  o += table(
      "", {"quantity", "value", "report key"},
      {{"GPU energy", f("%.0f MWh", at(d, "energy.gpu_mwh")), "energy.gpu_mwh"},
       {"IT energy (nodes, switches, storage)", f("%.0f MWh", at(d, "energy.it_mwh")), "energy.it_mwh"},
       {"facility energy (IT x PUE)", f("%.0f MWh", at(d, "energy.facility_mwh")), "energy.facility_mwh"},
       {"model-card method (GPU-hours x TDP)", f("%.0f MWh", at(d, "energy.tdp_based_mwh")),
        "energy.tdp_based_mwh"},
       {"lost to failures", f("%.0f MWh", at(d, "energy.lost_mwh")), "energy.lost_mwh"},
       {"GPU-hours", f("%.4g GPU-h", at(d, "energy.gpu_hours")), "energy.gpu_hours"},
       {"mean GPU power", f("%.0f W", at(d, "energy.avg_gpu_power_w")), "energy.avg_gpu_power_w"},
       {"mean facility power", f("%.2f MW", at(d, "energy.avg_power_mw")), "energy.avg_power_mw"},
       {"peak facility power", f("%.2f MW", at(d, "energy.peak_power_mw")), "energy.peak_power_mw"},
       {"largest power swing within 1 s", f("%.2f MW", at(d, "energy.power_swing_mw")),
        "energy.power_swing_mw"},
       {"carbon", f("%.0f t CO2e", at(d, "energy.co2_t")), "energy.co2_t"},
       {"electricity cost", f("%.4g USD", at(d, "energy.cost_usd")), "energy.cost_usd"}});

  o += "<h2>Checkpoints</h2>\n";
  o += table("", {"quantity", "value", "report key"},
             {{"checkpoints completed", f("%.0f", at(d, "job.checkpoints")), "job.checkpoints"},
              {"size", f("%.2f TB", at(d, "checkpoint.size_tb")), "checkpoint.size_tb"},
              {"interval (training time)", f("%.1f min", at(d, "checkpoint.interval_s") / 60),
               "checkpoint.interval_s"},
              {"stall per checkpoint", f("%.1f s", at(d, "checkpoint.stall_s")), "checkpoint.stall_s"},
              {"reload after a restart", f("%.1f s", at(d, "checkpoint.reload_s")), "checkpoint.reload_s"},
              {"write bandwidth", f("%.0f GB/s", at(d, "checkpoint.bandwidth_gb_per_s")),
               "checkpoint.bandwidth_gb_per_s"}});

  o += "<h2>Job timeline (replication 0)</h2>\n<figure>\n" + plots.timeline_svg +
       "<figcaption class=\"note\">One strip per day. Hover a bar for its times. Also timeline.svg, "
       "timeline.csv and job_trace.json (open in https://ui.perfetto.dev).</figcaption>\n</figure>\n";
  o += "<h2>Facility power (replication 0)</h2>\n<figure>\n" + plots.power_svg +
       "<figcaption class=\"note\">Power drops to the idle level while the job is down after a failure and "
       "during checkpoint stalls. Also power.svg and power.csv.</figcaption>\n</figure>\n";
  o +=
      "<h2>One step per pipeline stage</h2>\n<figure>\n" + plots.step_svg +
      "<figcaption class=\"note\">Time of each pipeline stage of one data-parallel replica in one step. Also "
      "step.svg and trace.json (Perfetto).</figcaption>\n</figure>\n";
  o += "<p class=\"note\">Generated by trainsim. Every value above is in report.json under the key shown; "
       "docs/reference/report-keys.md gives each key's unit and formula.</p>\n</body>\n</html>\n";
  return o;
}

}  // namespace trainsim::report
