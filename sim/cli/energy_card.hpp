// `trainsim energy-card`: the model-card energy and carbon method (Llama 2, Llama 3 and Llama 3.1
// model cards, after Wu et al. arXiv:2204.05149): energy = GPU-hours x power per GPU (TDP, or a
// power "adjusted for PUE"), CO2 = energy x PUE x grid intensity. No simulation: it exists so that
// `trainsim validate` can check the method against the cards' published tCO2eq, and so that users
// can put a simulated run next to a card (docs/models/energy.md, "TDP method").
#pragma once

#include <string>
#include <vector>

namespace trainsim::cli {

// One group of GPUs of a card: its GPU-hours at a power per GPU.
struct CardRow {
  double gpu_hours = 0;
  double power_w = 0;
};

struct CardResult {
  double gpu_hours = 0;    // sum over rows
  double tdp_based_j = 0;  // sum of GPU-hours x power, before PUE
  double co2_kg = 0;       // tdp_based_j x pue x kg_per_j
};

// REQUIRES: rows non-empty, every gpu_hours > 0 and power_w > 0, kg_per_j >= 0, pue >= 1.
CardResult energy_card(const std::vector<CardRow>& rows, double kg_per_j, double pue);

// The subcommand. Arguments are the option texts as typed, parsed with trainsim's unit grammar
// (docs/units.md): gpu_hours[i] a count ("30.84e6", "30.84M"), tdp[i] a power ("700W") paired by
// position with gpu_hours[i]; carbon_intensity a carbon intensity ("0.4137kg/kWh"); pue a plain
// number in [1, 3] ("" = 1: the power already includes the facility, or the grid factor does).
// Prints a short table, or with json = true exactly one document:
//   {"energy": {"gpu_hours": H, "tdp_based_mwh": E, "co2_t": C}}
// Returns 0. Throws ConfigError ("--tdp: expected a power with a unit ...") for bad arguments, which
// main() turns into exit code 2.
int cmd_energy_card(const std::vector<std::string>& gpu_hours, const std::vector<std::string>& tdp,
                    const std::string& carbon_intensity, const std::string& pue, bool json);

}  // namespace trainsim::cli
