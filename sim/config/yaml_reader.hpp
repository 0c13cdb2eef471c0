// Strict YAML reading for platform, scenario and model-preset files (style.md §4.2). Only config/
// touches yaml-cpp; loader.cpp reads everything through this file.
//
// yaml-cpp 0.7 accepts duplicate keys (lookups silently return the first pair), gives no position
// for a missing key, and mutates a node on non-const operator[]. So a document is read once,
// through a const YAML::Node, into a `Value` tree that keeps every key in document order
// (duplicates included), each value's and each key's position, and the directory that relative
// paths in it resolve against. Scenario-side platform overrides and `--set` values are spliced
// into that tree as Values of their own origin, so an error in them points to where they were
// written (the scenario line, or "--set KEY=VALUE"), which yaml-cpp's marks cannot express.
//
// `MapReader` then reads one map against its schema: unknown and duplicate keys are rejected when
// it is constructed, and typed getters reject wrong types, bare numbers where a unit is needed and
// out-of-range values. Every error is a ConfigError "FILE:LINE:COL: error: dotted.key: expected
// ...", optionally followed by "note: ..." lines.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/common/units.hpp"
#include "sim/config/spec.hpp"

namespace trainsim::config {

// Input files larger than this are rejected before parsing (configs are a few KiB).
constexpr std::uintmax_t kMaxInputBytes = 1024 * 1024;
// Limits on the converted tree: a guard against alias cycles and "billion laughs" expansion.
constexpr int kMaxYamlDepth = 64;
constexpr int64_t kMaxYamlNodes = 10000;  // configs hold a few hundred values
// Total bytes of keys and scalars after alias expansion: an alias of a long scalar copies it, so
// the node limit alone would still let 10,000 aliases of a 1 MiB scalar take 10 GB.
constexpr int64_t kMaxYamlExpandedBytes = 4 * 1024 * 1024;

struct Entry;

// One YAML value with its origin.
struct Value {
  enum class Type { kNull, kScalar, kSequence, kMap };
  Type type = Type::kNull;
  std::string scalar;          // kScalar: the text without quotes
  bool quoted = false;         // kScalar: written quoted, as a block scalar or with an explicit tag
  std::vector<Value> items;    // kSequence
  std::vector<Entry> entries;  // kMap: document order, duplicates kept
  SourceLoc loc;               // where the value starts; line 0 for a `--set` value
  std::string base_dir;        // directory that relative paths in this value resolve against ("" = CWD)

  // First entry with this key, or nullptr.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
};

struct Entry {
  std::string key;
  SourceLoc key_loc;
  Value value;
};

// Where converted values come from.
struct Origin {
  std::string file;           // value positions: "path/x.yaml", or "--set KEY=VALUE"
  std::string key_file;       // key positions: normally = file; "--set" for overrides
  std::string base_dir;       // see Value::base_dir
  bool has_positions = true;  // false: line/col are not meaningful (a --set value)
};

// Converts a parsed yaml-cpp node. Throws ConfigError for a non-scalar map key, nesting deeper
// than kMaxYamlDepth, more than kMaxYamlNodes values or kMaxYamlExpandedBytes of text (aliases).
Value from_yaml(const YAML::Node& node, const Origin& origin);

// Reads PATH: it must be a readable regular file of at most kMaxInputBytes holding exactly one
// YAML document whose top level is a map without duplicate keys at any depth. Errors:
// "PATH: error: ..." for whole-file problems (missing, directory, too large, empty),
// "PATH:LINE:COL: error: ..." for YAML syntax errors, a non-map top level and duplicate keys.
Value load_yaml_file(const std::string& path);

// yaml-cpp's parse of `text`, located at `path`, made safe for any input: NUL bytes (binary,
// UTF-16), more than kMaxYamlNodes values (counted while parsing), more than one document, yaml-cpp
// 0.7's endless loop on a stray flow indicator and its recursion limit all throw a ConfigError
// "PATH:LINE:COL: error: ...". Returns a Null node for an empty document. Every yaml-cpp parse of a
// file goes through here (YAML::LoadAll must not be used).
YAML::Node parse_yaml_document(const std::string& text, const std::string& path);

// The same checks and errors as load_yaml_file, for a document already in memory: `path` is the
// name errors show, and its directory is where relative paths in the document resolve.
Value load_yaml_text(const std::string& text, const std::string& path);

// Parses the text of one `--set KEY=VALUE` value as YAML (scalar or flow collection). Its values are
// located at "--set KEY=VALUE", its keys at "--set"; relative paths resolve against the CWD.
Value parse_override_value(const std::string& key, const std::string& text);

// Throws ConfigError at the second occurrence of any key repeated in one map (at any depth).
// `path` is the dotted key of `value` ("" for a document root).
void check_no_duplicate_keys(const Value& value, const std::string& path);

// Sets root.<path> = value, creating intermediate maps (located at `key_loc`). A Null
// intermediate is replaced by a map. REQUIRES: path is non-empty. Throws ConfigError at `value`'s
// location when an intermediate exists but is not a map.
void set_path(Value& root, const std::vector<std::string>& path, Value value, const SourceLoc& key_loc);

// Merges `overlay` into `base` key by key: maps merge recursively, anything else replaces.
// REQUIRES: both are maps.
void merge_maps(Value& base, const Value& overlay);

// "dir/rel" normalised lexically; absolute paths and an empty base_dir return `rel` unchanged.
std::string resolve_path(const std::string& base_dir, const std::string& rel);

// Human description of a value for "got ..." messages: "a map", "a list", "null", "'text'".
std::string describe_value(const Value& v);

// ---------------------------------------------------------------------------------------------
// Per-document context: which file is "this" document, and where each dotted key was read, so
// that cross-file validation can point at the offending key after parsing.
class ReadContext {
 public:
  // `foreign_prefix` is prepended to keys of values that come from another file (a scenario's
  // platform overrides, `--set`): the platform file's "node.gpu" is "platform.node.gpu" there.
  explicit ReadContext(std::string main_file, std::string foreign_prefix = "");

  const std::string& main_file() const { return main_file_; }

  // The key as the user should see it for a value located at `where`.
  std::string display_key(const std::string& dotted, const SourceLoc& where) const;

  void record(const std::string& dotted, const SourceLoc& where, bool present);
  // Location recorded for `dotted`, or for its nearest recorded parent (missing keys point to the
  // map that lacks them), or the file itself.
  SourceLoc loc(const std::string& dotted) const;
  // The displayed name of `dotted` (with the foreign prefix if its value came from elsewhere).
  std::string key(const std::string& dotted) const;
  // True if `dotted` was present in the input (not defaulted).
  bool present(const std::string& dotted) const;

  // Throws ConfigError(format_error(where, display key, message) + "\nnote: ..." per note).
  [[noreturn]] void fail(const SourceLoc& where, const std::string& dotted, const std::string& message,
                         const std::vector<std::string>& notes = {}) const;
  // Same, located at the recorded position of `dotted`.
  [[noreturn]] void fail_at_key(const std::string& dotted, const std::string& message,
                                const std::vector<std::string>& notes = {}) const;

 private:
  struct Record {
    SourceLoc loc;
    bool present = false;
  };
  std::string main_file_;
  std::string foreign_prefix_;
  std::map<std::string, Record> records_;
};

enum class Sign { kAny, kPositive, kNonNegative };

// Reads one map against its schema. REQUIRES: `ctx` and `value` outlive the reader.
class MapReader {
 public:
  // Throws ConfigError if `value` is not a map, repeats a key, or has a key not in `valid_keys`
  // (with a "note: valid keys: ..." line). `path` is the map's dotted key ("" for the root).
  MapReader(ReadContext& ctx, const Value& value, std::string path, std::vector<std::string> valid_keys);

  const std::string& path() const { return path_; }
  const Value& value() const { return value_; }
  ReadContext& context() const { return ctx_; }
  std::string dotted(const std::string& key) const;

  bool has(const std::string& key) const { return value_.find(key) != nullptr; }
  const Value* find(const std::string& key) const { return value_.find(key); }
  // Location of the key's value, or of this map when the key is absent.
  SourceLoc loc(const std::string& key) const;

  // Throws "missing required key" at this map's position when `key` is absent.
  const Value& require(const std::string& key, const std::string& expected) const;

  // Sub-maps. The optional form returns nullopt when the key is absent.
  std::optional<MapReader> map(const std::string& key, std::vector<std::string> valid_keys) const;
  MapReader required_map(const std::string& key, std::vector<std::string> valid_keys) const;

  // Quantity with a unit (units::parse). A bare number is rejected with the kind's example units.
  std::optional<double> quantity(const std::string& key, units::Kind kind, Sign sign = Sign::kAny) const;
  double required_quantity(const std::string& key, units::Kind kind, Sign sign = Sign::kAny) const;

  // Decimal integer in [min, max].
  std::optional<int64_t> integer(const std::string& key, int64_t min, int64_t max) const;
  int64_t required_integer(const std::string& key, int64_t min, int64_t max) const;

  // Plain (unit-less) number in [min, max].
  std::optional<double> number(const std::string& key, double min, double max) const;

  // true / false (also True/TRUE/False/FALSE; not yes/no/on/off).
  std::optional<bool> boolean(const std::string& key) const;

  // Any scalar, non-empty.
  std::optional<std::string> string(const std::string& key) const;
  std::string required_string(const std::string& key) const;

  // One of `allowed`.
  std::optional<std::string> choice(const std::string& key, const std::vector<std::string>& allowed) const;

  // Throws ConfigError at the key's value (or at this map when absent).
  [[noreturn]] void fail(const std::string& key, const std::string& message,
                         const std::vector<std::string>& notes = {}) const;

 private:
  const Value* scalar_or_fail(const std::string& key, const std::string& expected) const;
  void record(const std::string& key, const Value* v) const;

  ReadContext& ctx_;
  const Value& value_;
  std::string path_;
  std::vector<std::string> valid_keys_;
};

// "a, b, c"
std::string join(const std::vector<std::string>& items, const std::string& sep = ", ");

}  // namespace trainsim::config
