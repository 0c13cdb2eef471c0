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

enum class FileKind { kPlatform, kScenario, kSweep };

// Decides from the top-level keys (a scenario has `model` or `training`; a platform has `node`;
// a sweep has `base`).
FileKind detect_kind(const std::string& path);

PlatformSpec load_platform(const std::string& path, const std::vector<Override>& overrides = {});
ScenarioSpec load_scenario(const std::string& path, const std::vector<Override>& overrides = {});

// Every key the loader accepts, as dotted paths, built from the same schema tables that reject
// unknown keys (so the list cannot drift from what the files may contain). `file` is "platform",
// "scenario" or "model_preset"; list items are written "key[].child" (training.batch_ramp[].tokens).
// A key whose value is a map is listed too, before its children. The scenario's `platform:` map
// form takes `file` plus any platform key (listed under "platform", not repeated here).
// docs/reference/input-keys.md documents each (scripts/gen_reference.py, `trainsim keys --json`).
struct InputKey {
  std::string file;
  std::string key;
};
std::vector<InputKey> input_keys();
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
