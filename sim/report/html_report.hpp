// report.html: one self-contained page (inline CSS and SVG, no scripts, no external files) that a
// planner can forward: summary, where the time went (job and step), failures by cause, energy,
// checkpoints, and the three plots of plots.hpp. Values are read from the run_to_json document,
// so the page and report.json cannot disagree.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sim/config/spec.hpp"

namespace trainsim::report {

struct HtmlPlots {
  std::string timeline_svg, power_svg, step_svg;  // complete SVG documents
};

// `doc` = run_to_json(...). REQUIRES: doc has the step, job, energy, replications and checkpoint
// sections.
std::string html_report(const nlohmann::ordered_json& doc, const config::ScenarioSpec& scenario,
                        const HtmlPlots& plots);

}  // namespace trainsim::report
