// Shared by the fuzz targets: where in-memory documents pretend to live (so that relative paths in
// them resolve to the repository's platforms/ and scenarios/models/), and which exceptions are
// expected. Any other exception escapes LLVMFuzzerTestOneInput and libFuzzer reports it.
#pragma once

#include <string>

namespace trainsim::fuzz {

// A scenario seed names its platform as ../../platforms/X.yaml (tests/inputs/ layout;
// make_corpus.sh rewrites scenarios/' ../platforms/).
inline const std::string kScenarioPath = TRAINSIM_SOURCE_DIR "/tests/inputs/fuzz-input.yaml";
inline const std::string kPlatformPath = TRAINSIM_SOURCE_DIR "/platforms/fuzz-input.yaml";
inline const std::string kBaseScenario = TRAINSIM_SOURCE_DIR "/scenarios/llama3-405b.yaml";
// A sweep seed names its base as ../llama3-405b.yaml (scenarios/sweeps/ layout).
inline const std::string kSweepPath = TRAINSIM_SOURCE_DIR "/scenarios/sweeps/fuzz-input.yaml";

}  // namespace trainsim::fuzz
