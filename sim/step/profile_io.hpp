// A StepProfile as a JSON document and back, exactly (doubles round-trip: nlohmann writes
// max_digits10 significant digits). The sweep runner computes each distinct step once and hands
// the file to the points that share it (`run --step-profile`), so the profile must carry every
// field the job and energy levels read. The trace is not serialised.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sim/step/step.hpp"

namespace trainsim::step {

// `key` identifies the inputs the profile was simulated from; load_profile checks it.
nlohmann::json profile_to_json(const StepProfile& p, const std::string& key);

// Reads a file written from profile_to_json. Throws ConfigError ("PATH: error: ...") when the
// file is missing, malformed, or was written for another key (when `key` is non-empty).
StepProfile load_profile(const std::string& path, const std::string& key);

}  // namespace trainsim::step
