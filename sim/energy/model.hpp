// Power and energy model (docs/models/energy.md): the power of a node in each state from the
// hardware catalog and the vendor's system power, and the arithmetic from IT energy to the
// facility, the grid (CO2) and the bill, including hourly PUE and carbon-intensity profiles.
// Pure C++: no SimGrid. platform/ turns NodePower into the host energy plugin's wattage
// properties; step/ and job/ own the time spent in each state; energy/accounting combines them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/config/spec.hpp"

namespace trainsim::energy {

// Power of one node (gpus_per_node GPUs, 8 for DGX/HGX) in each state, and the parts it is made
// of, all in W. Node totals:
//   train_w     = G x gpu_train_w + rest_max_w   every GPU computing at full load (= the vendor max)
//   comm_wait_w = G x gpu_comm_w  + rest_max_w   GPUs waiting on communication or a pipeline bubble
//   idle_w      = G x gpu_idle_w  + rest_idle_w  allocated but not training (checkpoint stall,
//                                                restart, waiting for a spare)
//   off_w                                        powered off (failed node out for repair)
// rest_* is everything but the GPUs: CPUs, DRAM, NICs, NVSwitch, fans, PSU losses.
struct NodePower {
  double idle_w = 0, train_w = 0, comm_wait_w = 0, off_w = 0;
  double gpu_idle_w = 0, gpu_train_w = 0, gpu_comm_w = 0, rest_idle_w = 0, rest_max_w = 0;
};

// GPU power while waiting on communication, as a fraction of TDP (docs/models/energy.md).
constexpr double kGpuCommFractionOfTdp = 0.5;
// Power of the node's non-GPU parts when idle, as a fraction of their full-load power.
constexpr double kRestIdleFraction = 0.4;

// REQUIRES: platform.node.gpu is a catalog id (the loader checked it). node.system_power_w = 0
// means the catalog's default_node_power_w scaled to gpus_per_node / 8 (the loader's default).
NodePower node_power(const config::PlatformSpec& platform);

// ------------------------------------------------------------------ facility, grid, bill
// Facility power: IT power x PUE. REQUIRES: pue >= 1.
double facility_w(double it_w, double pue);
// CO2-equivalent of an energy at a grid intensity (kg/J, units::Kind::kCarbonIntensity).
double co2_kg(double energy_j, double kg_per_j);
// Cost of an energy at a price (USD/J, units::Kind::kPrice).
double cost_usd(double energy_j, double usd_per_j);
// The model-card method (Llama 2/3/3.1 cards, arXiv:2204.05149): GPU-hours x power per GPU.
double tdp_based_j(double gpu_hours, double tdp_w);
// Embodied (manufacturing) CO2 of `gpus` GPUs charged to a run of `wall_s`: each GPU's
// kg_per_gpu amortised linearly over lifetime_s, at most the whole of it. lifetime_s = 0 charges
// the whole embodied carbon. REQUIRES: gpus, kg_per_gpu, wall_s, lifetime_s >= 0.
double embodied_co2_kg(double gpus, double kg_per_gpu, double wall_s, double lifetime_s);

// ------------------------------------------------------------------ hourly profiles
// A profile (config::HourlyProfile) is piecewise constant: values[h] holds on
// [h, h+1) hours from the start of the run and the profile repeats every values.size() hours.
using Trace = config::HourlyProfile;

// Reads an hourly profile CSV (docs/inputs/scenario.md, "Hourly profiles"):
//   # comment lines and blank lines are ignored
//   hour,<column>          header: exactly these two names
//   0,0.41                 one row per hour, hours 0, 1, 2, ... in order, no gaps
// `columns` lists the accepted value-column names, each with the factor to SI (e.g.
// {"kg_per_kwh", 1/3.6e6}, {"g_per_kwh", 1e-3/3.6e6}); values are plain decimal numbers and, after
// conversion, must lie in [min_si, max_si]. `key` is the scenario key named in errors.
// Throws ConfigError "PATH:LINE:COL: error: KEY: ..." for any problem (PATH: error: for a missing
// or oversized file).
Trace read_hourly_csv(const std::string& path, const std::string& key,
                      const std::vector<std::pair<std::string, double>>& columns, double min_si,
                      double max_si);

// Value at time t_s >= 0 (periodic). REQUIRES: !trace.values.empty().
double value_at(const Trace& trace, double t_s);
// Time average over [t0_s, t1_s] (exact for the piecewise-constant profile; the value at t0_s when
// t1_s == t0_s). REQUIRES: !trace.values.empty(), 0 <= t0_s <= t1_s.
double mean_over(const Trace& trace, double t0_s, double t1_s);

// Power over time: (time_s, W) points in increasing time order, the power holding until the next
// point; the last point marks the end (its power is not integrated). energy/accounting's
// facility_series() has this shape.
using PowerSeries = std::vector<std::pair<double, double>>;

// The integral of power over the series, J.
double integrate_j(const PowerSeries& series);
// The integral of power x profile over the series (J x profile unit): with a carbon-intensity
// profile in kg/J, the CO2 in kg; with a PUE profile applied to IT power, the facility energy.
double integrate_weighted(const PowerSeries& series, const Trace& weight);
// The series multiplied by the profile, with a point at every hour boundary where the profile
// changes (facility power from IT power and an hourly PUE, for power.csv).
PowerSeries multiply(const PowerSeries& series, const Trace& weight);

// ------------------------------------------------------------------ scenario-level helpers
// These honour the optional hourly profiles of config::EnergySpec and fall back to the constants.
// Facility power series from an IT power series (x PUE, constant or hourly).
PowerSeries facility_series_from_it(const PowerSeries& it, const config::EnergySpec& energy);
// CO2 (kg) of a facility power series (x carbon intensity, constant or hourly); no embodied part.
double operational_co2_kg(const PowerSeries& facility, const config::EnergySpec& energy);

}  // namespace trainsim::energy
