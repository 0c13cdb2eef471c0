#include "sim/report/plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "sim/report/svg.hpp"

namespace trainsim::report {
namespace {

constexpr double kDay = 86400.0, kHour = 3600.0;

std::string colour(Activity a) {
  switch (a) {
    case Activity::kLaunch:
      return "#8e24aa";
    case Activity::kTraining:
      return "#66bb6a";
    case Activity::kRedone:
      return "#ff9800";
    case Activity::kCheckpoint:
      return "#37474f";
    case Activity::kRecovery:
      return "#e53935";
    case Activity::kMaintenance:
      return "#1e88e5";
  }
  return "#999";
}

std::string fmt(const char* f, double a, double b = 0) {
  char buf[128];
  std::snprintf(buf, sizeof buf, f, a, b);
  return buf;
}

// Merges [start, end) intervals whose gap is below `gap`. REQUIRES: sorted by start.
std::vector<std::pair<double, double>> merge(const std::vector<std::pair<double, double>>& v, double gap) {
  std::vector<std::pair<double, double>> out;
  for (const auto& iv : v) {
    if (!out.empty() && iv.first - out.back().second < gap)
      out.back().second = std::max(out.back().second, iv.second);
    else
      out.push_back(iv);
  }
  return out;
}

}  // namespace

const std::vector<std::string> kStepCategories = {"compute", "tp", "cp", "pp", "dp", "bubble", "optimizer"};

std::string timeline_svg(const JobTimeline& tl, const std::string& title) {
  const double wall = std::max(tl.wall_s, 1.0);
  const bool per_day = wall > 2 * kDay;
  const double row_span = per_day ? kDay : wall;
  const int rows = per_day ? static_cast<int>(std::ceil(wall / kDay - 1e-9)) : 1;
  const double row_h = per_day ? 10 : 40, tick_h = per_day ? 3 : 8, pitch = row_h + tick_h + 3;
  const double left = 70, top = 58, plot_w = 900;
  const double height = top + rows * pitch + 90;
  svg::Canvas c(left + plot_w + 30, height, title);
  c.text(left, 22, title, "start", 15, 0, "bold");
  const double s_per_px = row_span / plot_w;
  svg::Frame f{left, top, plot_w, rows * pitch, 0, per_day ? 24 : wall / kHour, 0, 1};

  // Per row and kind: the intervals clipped to the row, merged below one pixel.
  for (int r = 0; r < rows; ++r) {
    const double r0 = r * row_span, r1 = r0 + row_span, y = top + r * pitch;
    c.rect(left, y, std::min(plot_w, (std::min(r1, wall) - r0) / s_per_px), row_h, "#f5f5f5");
    for (Activity a : {Activity::kTraining, Activity::kRedone, Activity::kLaunch, Activity::kMaintenance,
                       Activity::kRecovery, Activity::kCheckpoint}) {
      std::vector<std::pair<double, double>> v;
      for (const JobInterval& i : tl.intervals)
        if (i.kind == a && i.depth == 0 && i.end_s > r0 && i.start_s < r1)
          v.emplace_back(std::max(i.start_s, r0), std::min(i.end_s, r1));
      const bool ck = a == Activity::kCheckpoint;
      for (const auto& [s, e] : merge(v, (ck ? 4 : 1) * s_per_px)) {
        const double x = left + (s - r0) / s_per_px, w = std::max((e - s) / s_per_px, ck ? 1.0 : 1.5);
        const std::string tip = std::string(activity_name(a)) + ": day " + fmt("%.3f", s / kDay) + " to " +
                                fmt("%.3f", e / kDay) + " (" + fmt("%.2f h)", (e - s) / kHour);
        if (ck)
          c.rect(x, y + row_h + 0.5, w, tick_h, colour(a), tip);
        else
          c.rect(x, y, w, row_h, colour(a), tip);
      }
    }
    for (const auto& fl : tl.failures) {
      if (fl.time_s < r0 || fl.time_s >= r1) continue;
      const double x = left + (fl.time_s - r0) / s_per_px;
      c.path("M" + svg::num(x - 2.5) + " " + svg::num(y - 3) + "L" + svg::num(x + 2.5) + " " +
                 svg::num(y - 3) + "L" + svg::num(x) + " " + svg::num(y + 1) + "Z",
             "#b71c1c", "none");
    }
    if (per_day && (rows <= 40 || r % 5 == 0)) c.text(left - 6, y + row_h - 1, fmt("%.0f", r), "end", 9);
  }
  if (per_day) {
    const std::vector<double> xt = {0, 3, 6, 9, 12, 15, 18, 21, 24};
    svg::Frame fx = f;
    fx.height = rows * pitch;
    svg::axes(c, fx, xt, {}, "hour of the day (h)", "");
    // The rotated title needs ~150 px; a short run gets a short one.
    c.text(left - 40, top + rows * pitch / 2, rows * pitch >= 160 ? "day since job start (d)" : "day (d)",
           "middle", 12, -90);
  } else {
    svg::axes(c, f, svg::nice_ticks(0, wall / kHour, 10), {}, "time since job start (h)", "");
  }
  std::vector<std::pair<std::string, std::string>> items;
  for (Activity a : {Activity::kTraining, Activity::kRedone, Activity::kCheckpoint, Activity::kRecovery,
                     Activity::kMaintenance, Activity::kLaunch})
    items.emplace_back(colour(a), activity_name(a));
  items.emplace_back("#b71c1c", "failure (marker)");
  svg::legend(c, left, 44, items, plot_w);
  c.text(left, height - 16,
         fmt("replication 0: %.2f days, %.0f failures; checkpoint ticks merge where closer than 4 px",
             wall / kDay, static_cast<double>(tl.failures.size())),
         "start", 10);
  return c.str();
}

std::string power_svg(const std::vector<std::pair<double, double>>& series, const std::string& title) {
  const double left = 80, top = 40, plot_w = 880, plot_h = 300;
  svg::Canvas c(left + plot_w + 30, top + plot_h + 80, title);
  c.text(left, 22, title, "start", 15, 0, "bold");
  if (series.size() < 2) {
    c.text(left, top + 40, "no power series (the run kept no timeline)", "start", 12);
    return c.str();
  }
  const double t_end = series.back().first;
  const bool days = t_end > 2 * kDay;
  const double tu = days ? kDay : kHour;
  double peak = 0;
  for (const auto& [t, w] : series) peak = std::max(peak, w / 1e6);
  const auto yt = svg::nice_ticks(0, peak * 1.08, 6);
  svg::Frame f{left, top, plot_w, plot_h, 0, t_end / tu, 0, std::max(yt.back(), peak * 1.08)};
  svg::axes(c, f, svg::nice_ticks(0, t_end / tu, 10), yt,
            days ? "time since job start (days)" : "time since job start (h)", "facility power (MW)");
  // Per pixel column: min, max and time-weighted mean of the piecewise-constant series.
  const int cols = static_cast<int>(plot_w);
  const double dt = t_end / cols;
  std::vector<double> lo(cols, 1e300), hi(cols, -1e300), sum(cols, 0);
  for (size_t i = 0; i + 1 < series.size(); ++i) {
    const double a = series[i].first, b = series[i + 1].first, mw = series[i].second / 1e6;
    if (!(b > a)) continue;
    int c0 = std::clamp(static_cast<int>(a / dt), 0, cols - 1),
        c1 = std::clamp(static_cast<int>(b / dt), 0, cols - 1);
    for (int k = c0; k <= c1; ++k) {
      const double ov = std::min(b, (k + 1) * dt) - std::max(a, k * dt);
      if (ov <= 0 && !(k == c0 && c0 == c1)) continue;
      lo[k] = std::min(lo[k], mw);
      hi[k] = std::max(hi[k], mw);
      sum[k] += std::max(ov, 0.0) * mw;
    }
  }
  std::string band_top, band_bot, mean;
  for (int k = 0; k < cols; ++k) {
    if (hi[k] < lo[k]) continue;
    const double x = left + k + 0.5;
    band_top += (band_top.empty() ? "M" : "L") + svg::num(x) + " " + svg::num(f.py(hi[k]));
    band_bot = "L" + svg::num(x) + " " + svg::num(f.py(lo[k])) + band_bot;
    mean += (mean.empty() ? "M" : "L") + svg::num(x) + " " + svg::num(f.py(sum[k] / dt));
  }
  c.path(band_top + band_bot + "Z", "#bbdefb", "none", 1, 0.8);
  c.path(mean, "none", "#0d47a1", 1.2);
  svg::legend(c, left, top + plot_h + 58,
              {{"#bbdefb", "range within one pixel column (short checkpoint stalls reach idle power)"},
               {"#0d47a1", "time-weighted mean"}},
              plot_w);
  return c.str();
}

std::vector<StageRow> stage_breakdown(const step::StepProfile& p) {
  std::vector<StageRow> rows;
  std::map<std::string, size_t> index;
  const size_t n = kStepCategories.size();
  for (const step::TraceEvent& e : p.trace) {
    const auto cat = std::find(kStepCategories.begin(), kStepCategories.end(), e.category);
    if (cat == kStepCategories.end()) continue;
    auto [it, inserted] = index.emplace(e.track, rows.size());
    if (inserted) rows.push_back({e.track, std::vector<double>(n + 1, 0.0)});
    rows[it->second].seconds[cat - kStepCategories.begin()] += std::max(0.0, e.end_s - e.start_s);
  }
  if (rows.empty()) {
    const step::StepBreakdown& b = p.breakdown;
    rows.push_back({"critical rank",
                    {b.compute_s, b.tp_exposed_s, b.cp_exposed_s, b.pp_exposed_s, b.dp_exposed_s, b.bubble_s,
                     b.optimizer_s, 0.0}});
  }
  for (StageRow& r : rows) {
    double s = 0;
    for (size_t k = 0; k < n; ++k) s += r.seconds[k];
    r.seconds[n] = std::max(0.0, p.time_s - s);
  }
  return rows;
}

std::string step_svg(const step::StepProfile& p, const std::string& title) {
  static const std::vector<std::string> kColours = {"#66bb6a", "#1e88e5", "#00acc1", "#8e24aa",
                                                    "#fb8c00", "#bdbdbd", "#6d4c41", "#eeeeee"};
  static const std::vector<std::string> kLabels = {
      "compute",    "TP exposed",      "CP exposed", "PP exposed",
      "DP exposed", "pipeline bubble", "optimizer",  "idle (waiting for the slowest stage)"};
  const std::vector<StageRow> rows = stage_breakdown(p);
  const double left = 80, top = 84, plot_w = 880, plot_h = 320;
  svg::Canvas c(left + plot_w + 30, top + plot_h + 90, title);
  c.text(left, 22, title, "start", 15, 0, "bold");
  double ymax = p.time_s;
  for (const StageRow& r : rows) {
    double s = 0;
    for (double v : r.seconds) s += v;
    ymax = std::max(ymax, s);
  }
  const auto yt = svg::nice_ticks(0, ymax, 6);
  svg::Frame f{left, top, plot_w, plot_h, 0, static_cast<double>(rows.size()), 0, std::max(yt.back(), ymax)};
  svg::axes(c, f, {}, yt, "", "time in one step (s)");
  const double slot = plot_w / static_cast<double>(rows.size()), bw = std::max(2.0, slot * 0.7);
  for (size_t i = 0; i < rows.size(); ++i) {
    const double x = left + slot * static_cast<double>(i) + (slot - bw) / 2;
    double acc = 0;
    for (size_t k = 0; k < rows[i].seconds.size(); ++k) {
      const double v = rows[i].seconds[k];
      if (v <= 0) continue;
      const double y_top = f.py(acc + v), y_bot = f.py(acc);
      c.rect(x, y_top, bw, y_bot - y_top, kColours[k],
             rows[i].track + ": " + kLabels[k] + " " +
                 fmt("%.4g s (%.1f %% of the step)", v, 100 * v / p.time_s));
      acc += v;
    }
    // Stage label under the bar: "stage NN" from "stage NN (node M)".
    std::string label = rows[i].track.substr(0, rows[i].track.find(" ("));
    if (label.rfind("stage ", 0) == 0) label = label.substr(6);
    if (rows.size() <= 40 || i % 2 == 0) c.text(x + bw / 2, top + plot_h + 16, label, "middle", 10);
  }
  c.line(left, f.py(p.time_s), left + plot_w, f.py(p.time_s), "#000", 1, "4 3");
  c.text(left + plot_w, f.py(p.time_s) - 4, fmt("step time %.4g s", p.time_s), "end", 11);
  c.text(left + plot_w / 2, top + plot_h + 34,
         rows.size() > 1 ? "pipeline stage (one simulated data-parallel replica)" : "critical pipeline rank",
         "middle", 12);
  std::vector<std::pair<std::string, std::string>> items;
  for (size_t k = 0; k < kLabels.size(); ++k) items.emplace_back(kColours[k], kLabels[k]);
  svg::legend(c, left, 44, items, plot_w);
  return c.str();
}

}  // namespace trainsim::report
