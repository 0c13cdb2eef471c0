#include "sim/config/sweep.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "sim/common/error.hpp"
#include "sim/config/loader.hpp"
#include "sim/config/yaml_reader.hpp"
#include "sim/failures/model.hpp"

namespace trainsim::config {
namespace {

const std::vector<std::string> kSweepKeys = {"base", "grid", "random", "points", "replications"};
constexpr int64_t kMaxListValues = 100000;

std::string at(const SourceLoc& loc) { return loc.str(); }

[[noreturn]] void fail(const SourceLoc& loc, const std::string& key, const std::string& msg,
                       const std::string& note = "") {
  std::string m = format_error(at(loc), key, msg);
  if (!note.empty()) m += "\nnote: " + note;
  throw ConfigError(m);
}

// A swept key is a dotted scenario key: letters, digits, '_' and '.' separators.
void check_key(const Entry& e, const std::string& section) {
  const std::string& k = e.key;
  bool ok = !k.empty() && k.front() != '.' && k.back() != '.' && k.find("..") == std::string::npos;
  for (char c : k) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.');
  if (!ok) fail(e.key_loc, section + "." + k, "expected a dotted scenario key such as failures.rate_scale");
}

std::string scalar_value(const Value& v, const std::string& key) {
  if (v.type != Value::Type::kScalar || v.scalar.empty())
    fail(v.loc, key,
         "expected a scalar value (a number, a quantity with its unit, or a word), got " + describe_value(v));
  return v.scalar;
}

// A range bound: number and unit suffix ("5min" -> 5, "min"; "4096" -> 4096, "", integer).
struct Bound {
  double number = 0;
  std::string unit;
  bool integer = false;
};

Bound parse_bound(const Value& v, const std::string& key) {
  const std::string s = scalar_value(v, key);
  const char* begin = s.c_str();
  char* end = nullptr;
  const double x = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(x))
    fail(v.loc, key,
         "expected a number optionally followed by a unit (e.g. 5min, 0.25, 4096), got '" + s + "'");
  Bound b;
  b.number = x;
  b.unit = std::string(end);
  while (!b.unit.empty() && b.unit.front() == ' ') b.unit.erase(b.unit.begin());
  const std::string digits(begin, static_cast<size_t>(end - begin));
  b.integer = b.unit.empty() && digits.find_first_of(".eE") == std::string::npos;
  return b;
}

std::string format_sample(double x, const Bound& lo, const Bound& hi) {
  char buf[64];
  if (lo.integer && hi.integer) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(std::llround(x)));
  } else {
    std::snprintf(buf, sizeof buf, "%.6g%s", x, lo.unit.c_str());
  }
  return buf;
}

// One random axis: uniform / log_uniform over [lo, hi], or a choice among values.
struct RandomAxis {
  std::string key;
  std::string kind;
  Bound lo, hi;
  std::vector<std::string> choices;
  SourceLoc loc;
};

RandomAxis parse_random_axis(const Entry& e) {
  const std::string key = "random." + e.key;
  RandomAxis a;
  a.key = e.key;
  a.loc = e.value.loc;
  if (e.value.type != Value::Type::kMap || e.value.entries.size() != 1)
    fail(e.value.loc, key,
         "expected one of {uniform: [lo, hi]}, {log_uniform: [lo, hi]}, {choice: [a, b, ...]}");
  const Entry& d = e.value.entries.front();
  a.kind = d.key;
  const std::string dk = key + "." + d.key;
  if (d.value.type != Value::Type::kSequence)
    fail(d.value.loc, dk, "expected a list, got " + describe_value(d.value));
  if (a.kind == "choice") {
    if (d.value.items.empty() || static_cast<int64_t>(d.value.items.size()) > kMaxListValues)
      fail(d.value.loc, dk, "expected a non-empty list of values");
    for (const Value& v : d.value.items) a.choices.push_back(scalar_value(v, dk));
    return a;
  }
  if (a.kind != "uniform" && a.kind != "log_uniform")
    fail(d.key_loc, dk, "expected uniform, log_uniform or choice");
  if (d.value.items.size() != 2) fail(d.value.loc, dk, "expected two bounds [lo, hi]");
  a.lo = parse_bound(d.value.items[0], dk);
  a.hi = parse_bound(d.value.items[1], dk);
  if (a.lo.unit != a.hi.unit)
    fail(d.value.loc, dk,
         "expected both bounds in the same unit, got '" + a.lo.unit + "' and '" + a.hi.unit + "'");
  if (!(a.lo.number < a.hi.number)) fail(d.value.loc, dk, "expected lo < hi");
  if (a.kind == "log_uniform" && !(a.lo.number > 0)) fail(d.value.loc, dk, "expected lo > 0 for log_uniform");
  return a;
}

std::string draw(const RandomAxis& a, failures::Rng& rng) {
  if (a.kind == "choice") return a.choices[rng.uniform_index(a.choices.size())];
  const double u = rng.uniform01();
  const double lo = a.lo.number, hi = a.hi.number;
  const double x =
      a.kind == "uniform" ? lo + u * (hi - lo) : std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo)));
  return format_sample(x, a.lo, a.hi);
}

// Checks the point against the base scenario; on error, blames the sweep value when one value
// alone is at fault (its own --set is named in the message), else the combination.
void validate_point(const SweepSpec& s, const SweepPoint& p) {
  std::vector<Override> all;
  for (const SweepParam& q : p.params) all.push_back({q.key, q.value});
  try {
    load_scenario(s.base, all);
    return;
  } catch (const ConfigError& e) {
    for (const SweepParam& q : p.params) {
      try {
        load_scenario(s.base, {{q.key, q.value}});
      } catch (const ConfigError& single) {
        const std::string what = single.what();
        if (what.find("--set " + q.key + "=" + q.value) != std::string::npos)
          fail(q.loc, q.key, "value '" + q.value + "' is not valid for the base scenario " + s.base, what);
      }
    }
    std::string list;
    for (const SweepParam& q : p.params) list += (list.empty() ? "" : ", ") + q.key + "=" + q.value;
    fail(p.params.empty() ? SourceLoc{s.path, 0, 0} : p.params.front().loc, "",
         "point " + std::to_string(p.index) + " (" + list + ") is not a valid scenario", e.what());
  }
}

}  // namespace

namespace {
SweepSpec load_sweep_root(const Value& root, const std::string& path, int64_t validate_points);
}  // namespace

SweepSpec load_sweep(const std::string& path) { return load_sweep_root(load_yaml_file(path), path, -1); }

SweepSpec load_sweep_text(const std::string& text, const std::string& path, int64_t validate_points) {
  return load_sweep_root(load_yaml_text(text, path), path, validate_points);
}

namespace {

SweepSpec load_sweep_root(const Value& root, const std::string& path, int64_t validate_points) {
  ReadContext ctx(path);
  const MapReader r(ctx, root, "", kSweepKeys);
  SweepSpec s;
  s.path = path;
  s.base = resolve_path(root.base_dir, r.required_string("base"));
  s.replications = r.integer("replications", 1, 100000).value_or(0);

  std::set<std::string> seen;
  auto claim = [&](const Entry& e, const std::string& section) {
    check_key(e, section);
    if (!seen.insert(e.key).second)
      fail(e.key_loc, section + "." + e.key, "this key is already swept in another section");
    s.keys.push_back(e.key);
  };

  // Grid axes.
  std::vector<std::vector<SweepParam>> grid_axes;
  if (const Value* g = r.find("grid")) {
    if (g->type != Value::Type::kMap || g->entries.empty())
      fail(g->loc, "grid", "expected a map of dotted keys to lists of values, got " + describe_value(*g));
    for (const Entry& e : g->entries) {
      claim(e, "grid");
      const std::string key = "grid." + e.key;
      if (e.value.type != Value::Type::kSequence || e.value.items.empty() ||
          static_cast<int64_t>(e.value.items.size()) > kMaxListValues)
        fail(e.value.loc, key, "expected a non-empty list of values, got " + describe_value(e.value));
      std::vector<SweepParam> axis;
      std::set<std::string> values;
      for (const Value& v : e.value.items) {
        const std::string text = scalar_value(v, key);
        if (!values.insert(text).second) fail(v.loc, key, "value '" + text + "' is listed twice");
        axis.push_back({e.key, text, v.loc});
      }
      grid_axes.push_back(std::move(axis));
    }
  }

  // Random samples.
  std::vector<std::vector<SweepParam>> samples;
  if (const Value* rv = r.find("random")) {
    if (rv->type != Value::Type::kMap) fail(rv->loc, "random", "expected a map, got " + describe_value(*rv));
    int64_t n = -1;
    uint64_t seed = 1;
    std::vector<RandomAxis> axes;
    for (const Entry& e : rv->entries) {
      if (e.key == "samples" || e.key == "seed") {
        const std::string text = scalar_value(e.value, "random." + e.key);
        char* end = nullptr;
        const long long x = std::strtoll(text.c_str(), &end, 10);
        const long long max = e.key == "samples" ? kMaxRandomSamples : (1LL << 62);
        if (*end != '\0' || x < (e.key == "samples" ? 1 : 0) || x > max)
          fail(e.value.loc, "random." + e.key,
               "expected an integer in [" + std::string(e.key == "samples" ? "1" : "0") + ", " +
                   std::to_string(max) + "], got '" + text + "'");
        if (e.key == "samples")
          n = x;
        else
          seed = static_cast<uint64_t>(x);
        continue;
      }
      claim(e, "random");
      axes.push_back(parse_random_axis(e));
    }
    if (n < 0) fail(rv->loc, "random.samples", "missing required key (the number of random points)");
    if (axes.empty()) fail(rv->loc, "random", "expected at least one key to draw");
    failures::Rng rng(seed, 0, "sweep");
    for (int64_t i = 0; i < n; ++i) {
      std::vector<SweepParam> pt;
      for (const RandomAxis& a : axes) pt.push_back({a.key, draw(a, rng), a.loc});
      samples.push_back(std::move(pt));
    }
  }

  // Explicit points: every entry must set the same keys.
  std::vector<std::vector<SweepParam>> explicit_points;
  if (const Value* pv = r.find("points")) {
    if (pv->type != Value::Type::kSequence || pv->items.empty() ||
        static_cast<int64_t>(pv->items.size()) > kMaxSweepPoints)
      fail(pv->loc, "points",
           "expected a non-empty list of maps {key: value, ...}, got " + describe_value(*pv));
    std::vector<std::string> keys;
    for (size_t i = 0; i < pv->items.size(); ++i) {
      const Value& m = pv->items[i];
      const std::string key = "points[" + std::to_string(i) + "]";
      if (m.type != Value::Type::kMap || m.entries.empty())
        fail(m.loc, key, "expected a map {key: value, ...}, got " + describe_value(m));
      std::vector<std::string> these;
      std::vector<SweepParam> pt;
      for (const Entry& e : m.entries) {
        if (i == 0)
          claim(e, "points");
        else
          check_key(e, key);
        these.push_back(e.key);
        pt.push_back({e.key, scalar_value(e.value, key + "." + e.key), e.value.loc});
      }
      if (i == 0)
        keys = these;
      else if (these != keys)
        fail(m.loc, key, "expected the same keys, in the same order, as points[0]");
      explicit_points.push_back(std::move(pt));
    }
  }
  if (grid_axes.empty() && samples.empty() && explicit_points.empty())
    fail(root.loc, "", "expected at least one of grid, random, points");

  // Cross product: grid (first axis slowest) x samples x explicit points.
  // Counted in double: four axes of 100,000 values would overflow int64.
  double total_d = 1;
  for (const auto& a : grid_axes) total_d *= static_cast<double>(a.size());
  if (!samples.empty()) total_d *= static_cast<double>(samples.size());
  if (!explicit_points.empty()) total_d *= static_cast<double>(explicit_points.size());
  if (total_d > static_cast<double>(kMaxSweepPoints)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", total_d);
    fail(root.loc, "",
         std::string("the sweep has ") + buf + " points, more than the limit of " +
             std::to_string(kMaxSweepPoints));
  }
  const int64_t total = static_cast<int64_t>(total_d);
  const std::vector<std::vector<SweepParam>> one_empty = {{}};
  const auto& rs = samples.empty() ? one_empty : samples;
  const auto& es = explicit_points.empty() ? one_empty : explicit_points;
  std::vector<size_t> idx(grid_axes.size(), 0);
  for (int64_t g = 0, ng = total / static_cast<int64_t>(rs.size() * es.size()); g < ng; ++g) {
    std::vector<SweepParam> gp;
    for (size_t a = 0; a < grid_axes.size(); ++a) gp.push_back(grid_axes[a][idx[a]]);
    for (size_t a = grid_axes.size(); a-- > 0;) {  // odometer, last axis fastest
      if (++idx[a] < grid_axes[a].size()) break;
      idx[a] = 0;
    }
    for (const auto& rp : rs)
      for (const auto& ep : es) {
        SweepPoint p;
        p.index = static_cast<int64_t>(s.points.size());
        p.params = gp;
        p.params.insert(p.params.end(), rp.begin(), rp.end());
        p.params.insert(p.params.end(), ep.begin(), ep.end());
        s.points.push_back(std::move(p));
      }
  }
  // The base itself must load; then every point.
  load_scenario(s.base);
  for (const SweepPoint& p : s.points) {
    if (validate_points >= 0 && p.index >= validate_points) break;
    validate_point(s, p);
  }
  return s;
}

}  // namespace

}  // namespace trainsim::config
