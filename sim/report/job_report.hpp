// Job-level report: the job.* and replications.* keys of design.md §6 (docs/outputs/job.md), the
// terminal summary of `trainsim run`, and timeline.csv. Formats what sim/job computed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sim/config/spec.hpp"
#include "sim/energy/accounting.hpp"
#include "sim/job/job.hpp"
#include "sim/step/step.hpp"

namespace trainsim::report {

// {"scenario", "step": {...step_to_json...}, "job": {...}, "replications": {...}, "checkpoint": {...},
//  "failures": {...}}. job.* are means over replications.
nlohmann::ordered_json run_to_json(const step::StepProfile& step, const job::JobResult& job,
                                   const std::vector<energy::JobEnergy>& energy,
                                   const config::ScenarioSpec& scenario, uint64_t seed);

// Days, ETTR, MFU, energy and cost first (aligned value and unit columns); then where the time went,
// failures by cause, checkpoints, energy and power.
std::string run_summary(const step::StepProfile& step, const job::JobResult& job,
                        const std::vector<energy::JobEnergy>& energy, const config::ScenarioSpec& scenario);

// power.csv: time_s,time_days,facility_mw, one row per change of facility power (piecewise
// constant until the next row; the last row is the end of the run).
std::string power_csv(const std::vector<std::pair<double, double>>& series);

// timeline.csv: time_s,time_days,event,detail,steps (one row per job event of replication 0).
std::string timeline_csv(const std::vector<job::JobEvent>& events);

}  // namespace trainsim::report
