// The terminal summary of `trainsim step` (without --json): what a person reads first. Plain text,
// no colour codes, every number with its unit; the JSON document (json.hpp) holds the same values
// at full precision.
#pragma once

#include <string>

#include "sim/config/spec.hpp"
#include "sim/step/step.hpp"

namespace trainsim::report {

// Scenario, GPUs and layout on top; then step time, MFU (and HFU), model TFLOP/s per GPU and
// tokens/s; then the breakdown of the step time (aligned columns: time and share of the step in %);
// then memory per GPU against the GPU's capacity. Ends with a newline.
std::string step_summary(const step::StepProfile& profile, const config::ScenarioSpec& scenario);

}  // namespace trainsim::report
