// The report's three plots as standalone SVG documents (svg.hpp): the job timeline as a Gantt,
// facility power over time, and the step's per-stage breakdown. Each axis names its unit.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/report/job_timeline.hpp"
#include "sim/step/step.hpp"

namespace trainsim::report {

// Gantt of replication 0: one strip per day of the run (x = hour of the day, 0-24 h; runs shorter
// than two days get one strip with x in hours since job start). Training green, redone work
// orange, failure recovery red (with a tick at each failure), planned maintenance blue, launch
// purple; checkpoint stalls as ticks under each strip (merged into a band where they are closer
// than 4 px). Same-kind intervals closer than one pixel are merged so the file stays small.
std::string timeline_svg(const JobTimeline& tl, const std::string& title);

// Facility power (MW) against time since job start (days; hours under two days): per pixel
// column the range (min-max, shaded) and the time-weighted mean (line) of the piecewise-constant
// series. `series_w` = (time s, facility W) at each change; the last point ends the run.
std::string power_svg(const std::vector<std::pair<double, double>>& series_w, const std::string& title);

// Per-stage decomposition of one step (s): for each pipeline stage track of the step trace, the
// time in compute, each kind of exposed communication, bubble and optimizer, stacked; the rest of
// the step (waiting at the end for the slowest stage) as "idle". Without a trace, one bar with the
// critical rank's breakdown.
std::string step_svg(const step::StepProfile& p, const std::string& title);

// Per-stage sums used by step_svg, exposed for the HTML table and tests: rows in track order,
// columns kStepCategories then "idle".
extern const std::vector<std::string> kStepCategories;  // compute tp cp pp dp bubble optimizer
struct StageRow {
  std::string track;
  std::vector<double> seconds;  // kStepCategories.size() + 1 (idle)
};
std::vector<StageRow> stage_breakdown(const step::StepProfile& p);

}  // namespace trainsim::report
