// yaml-cpp 0.7 is read through const nodes only (non-const operator[] inserts keys) and every map
// is walked pair by pair, because lookups hide duplicate keys (first wins).
#include "sim/config/suite.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <system_error>

#include "sim/common/error.hpp"
#include "sim/config/yaml_reader.hpp"

namespace trainsim::config {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxSuiteBytes = 1024 * 1024;

const std::vector<std::string> kTopKeys = {"description", "cases"};
const std::vector<std::string> kCaseKeys = {"id",     "scenario", "metric", "published",
                                            "source", "note",     "args",   "allow_memory_overflow"};
const std::vector<std::string> kRequiredCaseKeys = {"id", "metric", "published", "source"};
constexpr size_t kMaxArgs = 64;

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  std::string where(const YAML::Mark& m) const { return SourceLoc{path_, m.line + 1, m.column + 1}.str(); }
  [[noreturn]] void fail(const YAML::Mark& m, const std::string& key, const std::string& msg,
                         const std::string& note = "") const {
    std::string text = format_error(where(m), key, msg);
    if (!note.empty()) text += "\nnote: " + note;
    throw ConfigError(text);
  }

  // Checks that `map` is a map with only `valid` keys, each once; returns key -> value node.
  std::vector<std::pair<std::string, YAML::Node>> entries(const YAML::Node& map, const std::string& prefix,
                                                          const std::vector<std::string>& valid) const {
    std::vector<std::pair<std::string, YAML::Node>> out;
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node k = it->first;  // by value: operator-> returns a temporary proxy
      if (!k.IsScalar()) fail(k.Mark(), prefix, "expected a scalar key");
      const std::string key = k.Scalar();
      const std::string dotted = prefix.empty() ? key : prefix + "." + key;
      if (std::find(valid.begin(), valid.end(), key) == valid.end()) {
        fail(k.Mark(), dotted, "unknown key", "valid keys: " + join(valid));
      }
      if (!seen.insert(key).second) fail(k.Mark(), dotted, "duplicate key");
      out.emplace_back(key, it->second);
    }
    return out;
  }

  std::string string(const YAML::Node& v, const std::string& key) const {
    if (!v.IsScalar() || v.Scalar().empty()) fail(v.Mark(), key, "expected a non-empty string");
    return v.Scalar();
  }

  double positive_number(const YAML::Node& v, const std::string& key) const {
    if (!v.IsScalar() || v.Tag() == "!")
      fail(v.Mark(), key, "expected a positive number, got " + describe(v));
    const std::string& text = v.Scalar();
    size_t used = 0;
    double x = 0;
    try {
      x = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(x) || x <= 0) {
      fail(v.Mark(), key, "expected a positive number, got " + describe(v));
    }
    return x;
  }

  static std::string describe(const YAML::Node& v) {
    if (v.IsMap()) return "a map";
    if (v.IsSequence()) return "a list";
    if (v.IsNull()) return "nothing";
    return "'" + v.Scalar() + "'";
  }

 private:
  std::string path_;
};

bool valid_id(const std::string& id) {
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return !id.empty();
}

}  // namespace

const std::vector<std::string>& suite_metrics() {
  static const std::vector<std::string> kMetrics = {
      "step_time_s", "tflops_per_gpu", "mfu", "failures_per_day", "mttf_h", "ettr", "co2_t"};
  return kMetrics;
}

const std::vector<std::string>& suite_args_metrics() {
  static const std::vector<std::string> kArgsMetrics = {"co2_t"};
  return kArgsMetrics;
}

const std::vector<std::string>& suite_step_metrics() {
  static const std::vector<std::string> kStepMetrics = {"step_time_s", "tflops_per_gpu", "mfu"};
  return kStepMetrics;
}

ValidationSuite load_suite(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw ConfigError(format_error(path, "", "no such file"));
  if (!fs::is_regular_file(path, ec)) throw ConfigError(format_error(path, "", "not a regular file"));
  if (fs::file_size(path, ec) > kMaxSuiteBytes) {
    throw ConfigError(format_error(path, "", "larger than 1 MiB: not a suite file"));
  }

  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(format_error(path, "", "cannot be read"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const YAML::Node root = parse_yaml_document(text, path);
  const Reader r(path);
  if (!root.IsMap()) r.fail(root.Mark(), "", "expected a map with the key 'cases' at the top level");

  ValidationSuite suite;
  suite.path = path;
  const fs::path base = fs::path(path).parent_path();
  YAML::Node cases;
  bool has_cases = false;
  for (const auto& [key, value] : r.entries(root, "", kTopKeys)) {
    if (key == "cases") {
      cases.reset(value);
      has_cases = true;
    }
    if (key == "description") r.string(value, key);
  }
  if (!has_cases) r.fail(root.Mark(), "cases", "missing required key: expected a list of cases");
  if (!cases.IsSequence() || cases.size() == 0) {
    r.fail(cases.Mark(), "cases", "expected a non-empty list of cases, got " + Reader::describe(cases));
  }

  std::set<std::string> ids;
  for (size_t i = 0; i < cases.size(); ++i) {
    const YAML::Node c = cases[i];
    const std::string prefix = "cases[" + std::to_string(i) + "]";
    if (!c.IsMap())
      r.fail(c.Mark(), prefix,
             "expected a map with keys " + join(kCaseKeys) + ", got " + Reader::describe(c));
    ValidationCase vc;
    vc.loc = SourceLoc{path, c.Mark().line + 1, c.Mark().column + 1};
    std::set<std::string> present;
    for (const auto& [key, v] : r.entries(c, prefix, kCaseKeys)) {
      const std::string dotted = prefix + "." + key;
      present.insert(key);
      if (key == "id") {
        vc.id = r.string(v, dotted);
        if (!valid_id(vc.id))
          r.fail(v.Mark(), dotted, "expected letters, digits, '.', '_' or '-', got '" + vc.id + "'");
        if (!ids.insert(vc.id).second)
          r.fail(v.Mark(), dotted, "id '" + vc.id + "' is used by an earlier case");
      } else if (key == "scenario") {
        const std::string rel = r.string(v, dotted);
        const fs::path p = fs::path(rel).is_absolute() || base.empty() ? fs::path(rel) : base / rel;
        vc.scenario = p.lexically_normal().string();
        if (!fs::is_regular_file(vc.scenario, ec)) {
          r.fail(v.Mark(), dotted, "scenario file not found: " + vc.scenario,
                 "paths resolve against the suite file's directory");
        }
      } else if (key == "metric") {
        vc.metric = r.string(v, dotted);
        const auto& m = suite_metrics();
        if (std::find(m.begin(), m.end(), vc.metric) == m.end()) {
          r.fail(v.Mark(), dotted, "expected one of " + join(m) + ", got '" + vc.metric + "'");
        }
      } else if (key == "published") {
        vc.published = r.positive_number(v, dotted);
      } else if (key == "source") {
        vc.source = r.string(v, dotted);
      } else if (key == "note") {
        vc.note = r.string(v, dotted);
      } else if (key == "allow_memory_overflow") {
        if (!v.IsScalar() || (v.Scalar() != "true" && v.Scalar() != "false"))
          r.fail(v.Mark(), dotted, "expected true or false, got " + Reader::describe(v));
        vc.allow_memory_overflow = v.Scalar() == "true";
      } else if (key == "args") {
        if (!v.IsSequence() || v.size() == 0 || v.size() > kMaxArgs) {
          r.fail(v.Mark(), dotted,
                 "expected a non-empty list of command-line arguments, got " + Reader::describe(v));
        }
        for (size_t a = 0; a < v.size(); ++a) {
          vc.args.push_back(r.string(v[a], dotted + "[" + std::to_string(a) + "]"));
        }
      }
    }
    for (const std::string& k : kRequiredCaseKeys) {
      if (present.count(k) == 0) r.fail(c.Mark(), prefix + "." + k, "missing required key");
    }
    const auto& am = suite_args_metrics();
    const bool wants_args = std::find(am.begin(), am.end(), vc.metric) != am.end();
    if (present.count("scenario") != 0 && present.count("args") != 0) {
      r.fail(c["args"].Mark(), prefix + ".args", "give either scenario or args, not both");
    }
    if (wants_args && present.count("args") == 0) {
      r.fail(c.Mark(), prefix + ".args",
             "missing required key: metric " + vc.metric +
                 " takes the command's arguments (args), not a scenario");
    }
    if (!wants_args && present.count("scenario") == 0) {
      r.fail(c.Mark(), prefix + ".scenario",
             "missing required key: metric " + vc.metric + " needs a scenario");
    }
    const auto& sm = suite_step_metrics();
    if (vc.allow_memory_overflow && std::find(sm.begin(), sm.end(), vc.metric) == sm.end()) {
      r.fail(c["allow_memory_overflow"].Mark(), prefix + ".allow_memory_overflow",
             "applies to the step metrics (step_time_s, tflops_per_gpu, mfu) only");
    }
    suite.cases.push_back(std::move(vc));
  }
  return suite;
}

}  // namespace trainsim::config
