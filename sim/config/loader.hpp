// Loads and validates platform and scenario files into config/spec.hpp structs.
// This module owns YAML: nothing else in trainsim includes yaml-cpp.
//
// Strictness (every violation throws ConfigError, "file:line:col: error: key: what was expected"):
//   unknown keys (with the list of valid ones as a note), duplicate keys, wrong types, a bare
//   number where a unit is required, out-of-range values, and cross-file inconsistencies
//   (tp*cp*pp*dp != gpus, heads % tp, kv_heads % tp, global_batch % (dp*micro_batch),
//   more GPUs than the platform has, tp > gpus_per_node, fewer layers than pp*vpp ...).
// Paths inside a file resolve relative to that file's directory.
#pragma once

#include <string>
#include <vector>

#include "sim/config/spec.hpp"

namespace trainsim::config {

// One `--set a.b.c=value` override. `value` is parsed as YAML scalar/flow text with the same
// validation and units as the file would get. Keys under `platform.` override platform keys.
struct Override {
  std::string key;
  std::string value;
};

// Parses "a.b=c" (throws ConfigError "--set: error: ..." when there is no '=' or the key is empty).
Override parse_override(const std::string& text);

enum class FileKind { kPlatform, kScenario };

// Decides from the top-level keys (a scenario has `model` or `training`; a platform has `node`).
FileKind detect_kind(const std::string& path);

PlatformSpec load_platform(const std::string& path, const std::vector<Override>& overrides = {});
ScenarioSpec load_scenario(const std::string& path, const std::vector<Override>& overrides = {});

// The same for a document already in memory (fuzzing, tests): `path` names it in errors and its
// directory is where relative paths in it (the platform file, CSV profiles) resolve.
PlatformSpec load_platform_text(const std::string& text, const std::string& path,
                                const std::vector<Override>& overrides = {});
ScenarioSpec load_scenario_text(const std::string& text, const std::string& path,
                                const std::vector<Override>& overrides = {});

// Model presets shipped in scenarios/models/<id>.yaml are looked up through this directory
// (default: <repo>/scenarios/models baked in at build time, overridable by $TRAINSIM_DATA_DIR/models).
std::string models_dir();
std::vector<std::string> model_preset_ids();

}  // namespace trainsim::config
