#include "sim/cli/energy_card.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sim/common/error.hpp"
#include "sim/common/units.hpp"
#include "sim/energy/model.hpp"

namespace trainsim::cli {
namespace {

constexpr double kJPerMwh = 3.6e9;
constexpr double kMinPue = 1.0;  // as the scenario key energy.pue (config/loader.cpp)
constexpr double kMaxPue = 3.0;

// Parses an option value; errors read "--option: expected ..., got ...".
double parse_option(const std::string& option, const std::string& text, units::Kind kind) {
  try {
    return units::parse(text, kind);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(format_error("trainsim energy-card", option, e.what()));
  }
}

double positive_option(const std::string& option, const std::string& text, units::Kind kind) {
  const double v = parse_option(option, text, kind);
  if (!(v > 0))
    throw ConfigError(format_error("trainsim energy-card", option, "expected a positive value, got " + text));
  return v;
}

}  // namespace

CardResult energy_card(const std::vector<CardRow>& rows, double kg_per_j, double pue) {
  if (rows.empty()) throw std::invalid_argument("energy_card: no rows");
  CardResult r;
  for (const CardRow& row : rows) {
    r.gpu_hours += row.gpu_hours;
    r.tdp_based_j += energy::tdp_based_j(row.gpu_hours, row.power_w);
  }
  r.co2_kg = energy::co2_kg(energy::facility_w(r.tdp_based_j, pue), kg_per_j);
  return r;
}

int cmd_energy_card(const std::vector<std::string>& gpu_hours, const std::vector<std::string>& tdp,
                    const std::string& carbon_intensity, const std::string& pue, bool json) {
  if (gpu_hours.empty()) throw ConfigError(format_error("trainsim energy-card", "--gpu-hours", "missing"));
  if (gpu_hours.size() != tdp.size()) {
    throw ConfigError(format_error("trainsim energy-card", "--tdp",
                                   "expected one --tdp per --gpu-hours (paired by position), got " +
                                       std::to_string(tdp.size()) + " for " +
                                       std::to_string(gpu_hours.size())));
  }
  std::vector<CardRow> rows;
  for (size_t i = 0; i < gpu_hours.size(); ++i) {
    rows.push_back({positive_option("--gpu-hours", gpu_hours[i], units::Kind::kCount),
                    positive_option("--tdp", tdp[i], units::Kind::kPower)});
  }
  const double kg_per_j = parse_option("--carbon-intensity", carbon_intensity, units::Kind::kCarbonIntensity);
  if (kg_per_j < 0) {
    throw ConfigError(format_error("trainsim energy-card", "--carbon-intensity",
                                   "expected a non-negative value, got " + carbon_intensity));
  }
  double ratio = 1.0;
  if (!pue.empty()) {
    ratio = parse_option("--pue", pue, units::Kind::kCount);
    if (!(ratio >= kMinPue && ratio <= kMaxPue)) {
      throw ConfigError(
          format_error("trainsim energy-card", "--pue", "expected a number in [1, 3], got " + pue));
    }
  }
  const CardResult r = energy_card(rows, kg_per_j, ratio);
  if (json) {
    nlohmann::ordered_json doc;
    doc["energy"]["gpu_hours"] = r.gpu_hours;
    doc["energy"]["tdp_based_mwh"] = r.tdp_based_j / kJPerMwh;
    doc["energy"]["co2_t"] = r.co2_kg / 1000.0;
    std::cout << doc.dump(2) << "\n";
    return 0;
  }
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "model-card method: GPU-hours x power per GPU x PUE x grid intensity\n"
                "GPU-hours       %.0f\n"
                "TDP-based       %.6g MWh (before PUE)\n"
                "PUE             %.3g\n"
                "grid intensity  %.6g kg/kWh\n"
                "CO2             %.6g t\n",
                r.gpu_hours, r.tdp_based_j / kJPerMwh, ratio, kg_per_j * 3.6e6, r.co2_kg / 1000.0);
  std::cout << buf;
  return 0;
}

}  // namespace trainsim::cli
