#include "sim/report/job_timeline.hpp"

#include <algorithm>
#include <tuple>

namespace trainsim::report {

const char* activity_name(Activity a) {
  switch (a) {
    case Activity::kLaunch:
      return "launch";
    case Activity::kTraining:
      return "training";
    case Activity::kRedone:
      return "redone work";
    case Activity::kCheckpoint:
      return "checkpoint stall";
    case Activity::kRecovery:
      return "failure recovery";
    case Activity::kMaintenance:
      return "planned maintenance";
  }
  return "?";
}

JobTimeline job_timeline(const job::JobResult& j) {
  JobTimeline tl;
  if (j.power.empty() && j.timeline.empty()) return tl;
  tl.wall_s = j.replications.empty() ? 0 : j.replications.front().wall_s;
  for (const auto& e : j.timeline) tl.wall_s = std::max(tl.wall_s, e.time_s);

  // Failures (category = the detail's first word).
  for (const auto& e : j.timeline)
    if (e.event == "failure") tl.failures.push_back({e.time_s, e.detail.substr(0, e.detail.find(' '))});

  // Power-state intervals. A "safe point" is where training (re)starts with nothing to lose: after
  // a completed checkpoint stall or after a down period.
  struct Span {
    job::PowerState state;
    double start_s, end_s;
  };
  std::vector<Span> spans;
  for (size_t i = 0; i < j.power.size(); ++i) {
    const double end = i + 1 < j.power.size() ? j.power[i + 1].time_s : tl.wall_s;
    if (end > j.power[i].time_s) spans.push_back({j.power[i].state, j.power[i].time_s, end});
  }
  std::vector<double> safe;  // ascending
  for (size_t i = 0; i < spans.size(); ++i)
    if (spans[i].state == job::PowerState::kTrain &&
        (i == 0 || spans[i - 1].state != job::PowerState::kTrain))
      safe.push_back(spans[i].start_s);
  // Lost windows: [last safe point before the failure, failure], for failures that hit training.
  std::vector<std::pair<double, double>> lost;
  for (const auto& f : tl.failures) {
    auto it = std::upper_bound(safe.begin(), safe.end(), f.time_s);
    if (it == safe.begin()) continue;
    const double from = *(it - 1);
    if (!lost.empty() && lost.back().second >= from) continue;  // already inside a lost window
    lost.emplace_back(from, f.time_s);
  }
  size_t li = 0;
  for (const Span& s : spans) {
    if (s.state == job::PowerState::kCheckpoint) {
      tl.intervals.push_back({Activity::kCheckpoint, s.start_s, s.end_s, "checkpoint stall", 0});
      continue;
    }
    if (s.state != job::PowerState::kTrain) continue;
    double t = s.start_s;
    while (li < lost.size() && lost[li].second <= t) ++li;
    for (size_t k = li; k < lost.size() && lost[k].first < s.end_s && t < s.end_s; ++k) {
      const double a = std::max(lost[k].first, t), b = std::min(lost[k].second, s.end_s);
      if (a > t) tl.intervals.push_back({Activity::kTraining, t, a, "training", 0});
      if (b > a) tl.intervals.push_back({Activity::kRedone, a, b, "redone work", 0});
      t = std::max(t, b);
    }
    if (s.end_s > t) tl.intervals.push_back({Activity::kTraining, t, s.end_s, "training", 0});
  }

  // Recovery, maintenance and launch from the events: an outer slice and its phases.
  bool open = true;  // the launch is open at t = 0
  JobInterval outer{Activity::kLaunch, 0, 0, "launch", 0};
  JobInterval phase{Activity::kLaunch, 0, 0, "restart", 1};
  auto close_phase = [&](double t) {
    phase.end_s = t;
    if (phase.end_s > phase.start_s) tl.intervals.push_back(phase);
  };
  auto open_phase = [&](double t, const char* name) { phase = {outer.kind, t, t, name, 1}; };
  for (const auto& e : j.timeline) {
    const double t = e.time_s;
    if (e.event == "failure" || e.event == "maintenance") {
      const bool fail = e.event == "failure";
      const std::string what = fail ? e.detail.substr(0, e.detail.find(' ')) : "maintenance";
      if (!open) {
        open = true;
        outer = {fail ? Activity::kRecovery : Activity::kMaintenance, t, t, what, 0};
        open_phase(t, fail ? "detection" : "drain checkpoint + down");
      } else {
        outer.name += " + " + what;
        if (fail) {
          close_phase(t);
          open_phase(t, "detection");
        }
      }
    } else if (!open) {
      continue;
    } else if (e.event == "detected") {
      close_phase(t);
      open_phase(t, "restart");
    } else if (e.event == "restarted") {
      close_phase(t);
      open_phase(t, "reload");
    } else if (e.event == "reloaded") {
      close_phase(t);
      outer.end_s = t;
      if (outer.end_s > outer.start_s) tl.intervals.push_back(outer);
      open = false;
    }
  }
  if (open) {  // the run ended inside a recovery (should not happen; keep what is known)
    close_phase(tl.wall_s);
    outer.end_s = tl.wall_s;
    if (outer.end_s > outer.start_s) tl.intervals.push_back(outer);
  }
  std::stable_sort(tl.intervals.begin(), tl.intervals.end(), [](const JobInterval& a, const JobInterval& b) {
    return std::tie(a.start_s, a.depth) < std::tie(b.start_s, b.depth);
  });
  return tl;
}

std::vector<step::TraceEvent> job_trace_events(const JobTimeline& tl) {
  // Tracks in a fixed order (chrome_trace numbers them by first appearance): zero-length markers
  // would add noise, so the order is forced by emitting the tracks' first slices first.
  static const Activity kOrder[] = {Activity::kLaunch,     Activity::kTraining, Activity::kRedone,
                                    Activity::kCheckpoint, Activity::kRecovery, Activity::kMaintenance};
  std::vector<step::TraceEvent> out;
  out.reserve(tl.intervals.size());
  for (Activity a : kOrder)
    for (const JobInterval& i : tl.intervals)
      if (i.kind == a)
        out.push_back(
            {activity_name(a), i.name, i.depth == 0 ? activity_name(a) : i.name, i.start_s, i.end_s});
  return out;
}

}  // namespace trainsim::report
