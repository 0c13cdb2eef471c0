// Power by state and the facility / grid / bill arithmetic. Every constant cites its source here
// and in docs/models/energy.md. Source shorthands as in hardware/catalog.cpp:
//   [RF] ../shared/data/reference_facts.md §4 (row named after the colon)
//   [PR] ../shared/data/published_runs.yaml (case named)
#include "sim/energy/model.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "sim/common/error.hpp"
#include "sim/hardware/catalog.hpp"

namespace trainsim::energy {
namespace {

constexpr double kSecondsPerHour = 3600.0;
constexpr std::uintmax_t kMaxTraceBytes = 16 * 1024 * 1024;  // a year of hourly rows is ~100 KB

// ------------------------------------------------------------------ CSV reading
std::string where(const std::string& path, size_t line, size_t col) {
  return path + ":" + std::to_string(line) + ":" + std::to_string(col);
}

std::string trim(const std::string& s, size_t* lead = nullptr) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  if (lead != nullptr) *lead = b;
  return s.substr(b, e - b);
}

struct Field {
  std::string text;  // trimmed
  size_t col = 1;    // 1-based column of the first non-blank character
};

std::vector<Field> split_fields(const std::string& line) {
  std::vector<Field> out;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    const std::string raw =
        line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t lead = 0;
    Field f;
    f.text = trim(raw, &lead);
    f.col = start + lead + 1;
    out.push_back(std::move(f));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// A plain decimal number (optional '-', digits, fraction, exponent); no units, NaN or infinities.
bool parse_plain_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  for (const char* c = first; c != last; ++c) {
    const bool ok = (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '+' || *c == 'e' || *c == 'E';
    if (!ok) return false;
  }
  if (*first == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, last, out);
  return ec == std::errc() && ptr == last && std::isfinite(out);
}

bool parse_hour(const std::string& text, int64_t& out) {
  if (text.empty() || text.size() > 12) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::string names(const std::vector<std::pair<std::string, double>>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c.first;
  return out;
}

std::string fmt(double v) {
  std::ostringstream os;
  os.precision(6);
  os << v;
  return os.str();
}

// ------------------------------------------------------------------ piecewise-constant integrals
// Cumulative integral of a periodic hourly profile: F(t) = ∫_0^t w(u) du.
class Cumulative {
 public:
  explicit Cumulative(const Trace& trace) : values_(trace.values), prefix_(trace.values.size() + 1, 0.0) {
    if (values_.empty()) throw std::invalid_argument("energy: empty hourly profile");
    for (size_t h = 0; h < values_.size(); ++h) prefix_[h + 1] = prefix_[h] + values_[h] * kSecondsPerHour;
    period_s_ = static_cast<double>(values_.size()) * kSecondsPerHour;
  }

  double at(double t_s) const {
    if (t_s <= 0) return 0;
    const double periods = std::floor(t_s / period_s_);
    const double tau = t_s - periods * period_s_;
    size_t h = static_cast<size_t>(tau / kSecondsPerHour);
    if (h >= values_.size()) h = values_.size() - 1;  // rounding at the period's end
    const double within = tau - static_cast<double>(h) * kSecondsPerHour;
    return periods * prefix_.back() + prefix_[h] + values_[h] * within;
  }

 private:
  const std::vector<double>& values_;
  std::vector<double> prefix_;
  double period_s_ = 0;
};

}  // namespace

// ------------------------------------------------------------------ power by state

NodePower node_power(const config::PlatformSpec& platform) {
  const hardware::GpuSpec* gpu = hardware::find_gpu(platform.node.gpu);
  if (gpu == nullptr)
    throw std::invalid_argument("energy::node_power: unknown GPU '" + platform.node.gpu + "'");
  const double g = static_cast<double>(platform.node.gpus_per_node);
  // Source: [PR] dgx-system-power (DGX H100 "10.2 kW max.", DGX A100 "6.5 kW max."), through the
  // catalog's default_node_power_w, scaled to the node's GPU count as the loader does.
  const double system_w =
      platform.node.system_power_w > 0 ? platform.node.system_power_w : gpu->default_node_power_w * g / 8.0;

  NodePower p;
  // Source: [RF] "H100 / A100 idle power" via the catalog (H100 70 W from nvidia-smi readings,
  // A100 55 W recalled).
  p.gpu_idle_w = gpu->idle_w;
  // Source: [RF] "H100 SXM TDP" (Llama 3 §3.3.1 "700W TDP"), "A100 SXM TDP" 400 W: a GPU whose
  // tensor cores are fully busy runs at its power limit.
  p.gpu_train_w = gpu->tdp_w;
  // Assumed: 50 % of TDP while the GPU waits on a collective or sits in a pipeline bubble. [RF]
  // "Microsoft/OpenAI/NVIDIA power-stabilisation paper" (Choukse et al., arXiv 2508.14318):
  // communication phases run near idle, compute phases near TDP; NCCL kernels keep SMs, HBM and
  // NVLink active, so a waiting GPU stays above idle. A middle value, not a measurement.
  p.gpu_comm_w = std::max(p.gpu_idle_w, kGpuCommFractionOfTdp * gpu->tdp_w);
  // Everything but the GPUs at full load: vendor system max minus the GPUs' TDP (DGX H100: 10.2 kW
  // - 8 x 700 W = 4.6 kW; DGX A100: 6.5 kW - 8 x 400 W = 3.3 kW). An upper bound: [RF] "Measured 8x
  // H100 HGX node" reports 8.4 kW at most during training (Latif et al. 2025).
  p.rest_max_w = std::max(0.0, system_w - g * gpu->tdp_w);
  // Assumed: idle CPUs, DRAM, NICs, NVSwitch and fans at low speed draw 40 % of their full-load
  // power (no component breakdown found: [RF] "DGX H100 component breakdown ... not found").
  p.rest_idle_w = kRestIdleFraction * p.rest_max_w;

  p.train_w = g * p.gpu_train_w + p.rest_max_w;
  // The rest of the node stays at its training level while GPUs wait: CPUs feed the job, NICs
  // carry the collectives, fans follow temperature over seconds, not sub-second phases.
  p.comm_wait_w = g * p.gpu_comm_w + p.rest_max_w;
  p.idle_w = g * p.gpu_idle_w + p.rest_idle_w;
  // Assumed: a failed node is drained and powered off for repair; its BMC standby (tens of W, not
  // sourced) is neglected.
  p.off_w = 0;
  return p;
}

// ------------------------------------------------------------------ facility, grid, bill

double facility_w(double it_w, double pue) {
  if (!(pue >= 1.0)) throw std::invalid_argument("energy::facility_w: PUE below 1");
  return it_w * pue;  // Source: PUE = facility power / IT power (The Green Grid definition)
}

double co2_kg(double energy_j, double kg_per_j) { return energy_j * kg_per_j; }

double cost_usd(double energy_j, double usd_per_j) { return energy_j * usd_per_j; }

double tdp_based_j(double gpu_hours, double tdp_w) { return gpu_hours * kSecondsPerHour * tdp_w; }

double embodied_co2_kg(double gpus, double kg_per_gpu, double wall_s, double lifetime_s) {
  if (gpus < 0 || kg_per_gpu < 0 || wall_s < 0 || lifetime_s < 0)
    throw std::invalid_argument("energy::embodied_co2_kg: negative argument");
  const double share = lifetime_s > 0 ? std::min(1.0, wall_s / lifetime_s) : 1.0;
  return gpus * kg_per_gpu * share;
}

// ------------------------------------------------------------------ hourly profiles

Trace read_hourly_csv(const std::string& path, const std::string& key,
                      const std::vector<std::pair<std::string, double>>& columns, double min_si,
                      double max_si) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw ConfigError(format_error(path, key, "no such file"));
  if (!fs::is_regular_file(path, ec)) throw ConfigError(format_error(path, key, "not a regular file"));
  if (fs::file_size(path, ec) > kMaxTraceBytes)
    throw ConfigError(format_error(path, key, "larger than 16 MiB: not an hourly profile"));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(format_error(path, key, "cannot be read"));

  Trace trace;
  trace.file = path;
  double factor = 0;
  std::string column;
  bool have_header = false;
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    const std::vector<Field> f = split_fields(line);
    const std::string expected_header = "a header 'hour,<column>' with <column> one of " + names(columns);
    if (!have_header) {
      if (f.size() != 2 || f[0].text != "hour") {
        throw ConfigError(
            format_error(where(path, lineno, 1), key, "expected " + expected_header + ", got '" + t + "'"));
      }
      const auto it =
          std::find_if(columns.begin(), columns.end(), [&](const auto& c) { return c.first == f[1].text; });
      if (it == columns.end()) {
        throw ConfigError(
            format_error(where(path, lineno, f[1].col), key,
                         "unknown column '" + f[1].text + "'\nnote: accepted: " + names(columns)));
      }
      column = it->first;
      factor = it->second;
      have_header = true;
      continue;
    }
    if (f.size() != 2) {
      throw ConfigError(
          format_error(where(path, lineno, 1), key,
                       "expected 2 fields 'hour," + column + "', got " + std::to_string(f.size())));
    }
    const int64_t expected_hour = static_cast<int64_t>(trace.values.size());
    int64_t hour = 0;
    if (!parse_hour(f[0].text, hour)) {
      throw ConfigError(format_error(
          where(path, lineno, f[0].col), key,
          "expected hour " + std::to_string(expected_hour) + " (a whole number), got '" + f[0].text + "'"));
    }
    if (hour != expected_hour) {
      throw ConfigError(format_error(where(path, lineno, f[0].col), key,
                                     "expected hour " + std::to_string(expected_hour) + ", got " +
                                         std::to_string(hour) +
                                         "\nnote: rows are consecutive hours 0, 1, 2, ..."));
    }
    double v = 0;
    if (!parse_plain_number(f[1].text, v)) {
      throw ConfigError(format_error(
          where(path, lineno, f[1].col), key,
          "expected a number in " + column + " (the unit is in the header), got '" + f[1].text + "'"));
    }
    const double si = v * factor;
    if (si < min_si || si > max_si) {
      throw ConfigError(format_error(where(path, lineno, f[1].col), key,
                                     "expected " + column + " in [" + fmt(min_si / factor) + ", " +
                                         fmt(max_si / factor) + "], got " + f[1].text));
    }
    trace.values.push_back(si);
  }
  if (!have_header)
    throw ConfigError(format_error(path, key, "empty profile: expected a header 'hour,<column>'"));
  if (trace.values.empty()) throw ConfigError(format_error(path, key, "no data rows after the header"));
  return trace;
}

double value_at(const Trace& trace, double t_s) {
  if (trace.values.empty()) throw std::invalid_argument("energy::value_at: empty profile");
  const double period_s = static_cast<double>(trace.values.size()) * kSecondsPerHour;
  double tau = std::fmod(std::max(0.0, t_s), period_s);
  size_t h = static_cast<size_t>(tau / kSecondsPerHour);
  if (h >= trace.values.size()) h = trace.values.size() - 1;
  return trace.values[h];
}

double mean_over(const Trace& trace, double t0_s, double t1_s) {
  if (!(t0_s >= 0 && t1_s >= t0_s)) throw std::invalid_argument("energy::mean_over: expected 0 <= t0 <= t1");
  if (t1_s == t0_s) return value_at(trace, t0_s);
  const Cumulative f(trace);
  return (f.at(t1_s) - f.at(t0_s)) / (t1_s - t0_s);
}

double integrate_j(const PowerSeries& series) {
  double e = 0;
  for (size_t i = 0; i + 1 < series.size(); ++i)
    e += series[i].second * (series[i + 1].first - series[i].first);
  return e;
}

double integrate_weighted(const PowerSeries& series, const Trace& weight) {
  if (series.size() < 2) return 0;
  const Cumulative f(weight);
  double e = 0;
  for (size_t i = 0; i + 1 < series.size(); ++i) {
    e += series[i].second * (f.at(series[i + 1].first) - f.at(series[i].first));
  }
  return e;
}

PowerSeries multiply(const PowerSeries& series, const Trace& weight) {
  PowerSeries out;
  if (series.empty()) return out;
  auto push = [&](double t, double w) {
    if (!out.empty() && out.back().first == t) {
      out.back().second = w;
    } else if (out.empty() || out.back().second != w) {
      out.emplace_back(t, w);
    }
  };
  for (size_t i = 0; i + 1 < series.size(); ++i) {
    const double t0 = series[i].first, t1 = series[i + 1].first, p = series[i].second;
    push(t0, p * value_at(weight, t0));
    // Hour boundaries strictly inside (t0, t1).
    double b = (std::floor(t0 / kSecondsPerHour) + 1) * kSecondsPerHour;
    for (; b < t1; b += kSecondsPerHour) push(b, p * value_at(weight, b));
  }
  // The end point: the power of the last segment, as the input's convention.
  const double end_t = series.back().first;
  const double last_w = out.empty() ? series.back().second * value_at(weight, end_t) : out.back().second;
  if (out.empty() || out.back().first != end_t) out.emplace_back(end_t, last_w);
  return out;
}

PowerSeries facility_series_from_it(const PowerSeries& it, const config::EnergySpec& energy) {
  if (!energy.pue_profile.empty()) return multiply(it, energy.pue_profile);
  PowerSeries out = it;
  for (auto& point : out) point.second = facility_w(point.second, energy.pue);
  return out;
}

double operational_co2_kg(const PowerSeries& facility, const config::EnergySpec& energy) {
  if (!energy.carbon_intensity_profile.empty())
    return integrate_weighted(facility, energy.carbon_intensity_profile);
  return co2_kg(integrate_j(facility), energy.carbon_intensity_kg_per_j);
}

}  // namespace trainsim::energy
