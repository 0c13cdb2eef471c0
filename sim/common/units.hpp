// trainsim's one unit grammar (docs/units.md). Quantities are written as a number followed by a
// unit, with or without a space: "400Gb/s", "2 TB/s", "30min", "700W", "0.4kg/kWh", "0.083/kWh".
// Parsed values are SI doubles: bytes, bytes/s, s, W, J, flop/s, kg/J, USD/J, kg.
// A bare number is rejected for every dimensioned kind (SimGrid only warns; we do not).
// Pure C++, no SimGrid: config/ calls it, nothing in the simulation hot path does.
#pragma once

#include <string>
#include <string_view>

namespace trainsim::units {

enum class Kind {
  kBytes,      // B kB KB MB GB TB PB (powers of 1000), KiB MiB GiB TiB PiB (powers of 1024)
  kBandwidth,  // b/s kb/s Mb/s Gb/s Tb/s (bits), B/s kB/s KB/s MB/s GB/s TB/s, KiB/s.. (bytes); "bps"/"Bps"
               // spellings too
  kTime,       // ns us ms s min h d y (y = 365.25 d)
  kPower,      // W kW MW GW
  kEnergy,     // J kJ MJ GJ Wh kWh MWh GWh
  kFlops,      // FLOP/s kFLOP/s MFLOP/s GFLOP/s TFLOP/s PFLOP/s EFLOP/s (also "TFLOPS")
  kCarbonIntensity,  // g/kWh kg/kWh t/MWh kg/MWh (CO2-equivalent mass per energy) -> kg/J
  kPrice,            // [$|USD ]number /kWh or /MWh, e.g. "0.083/kWh", "$0.083/kWh", "83 USD/MWh" -> USD/J
  kMoney,            // $25000, 25000USD, 25kUSD, 1.5MUSD -> USD
  kCount,     // plain number, optional SI multiplier suffix k M G T P (1000s) or exponent: "15.6T", "15.6e12"
  kRate,      // events per time: number "/" time unit, /ns /us /ms /s /min /h /d: "1.2e-4/h" -> 1/s
  kFraction,  // plain number, or a percentage "1.5%" -> 0.015 (range checks are the caller's)
  kMass,      // g kg t (e.g. CO2-equivalent of manufacturing a GPU) -> kg
};

// Human name of a kind and its accepted units, for "expected ..." messages.
std::string describe(Kind kind);

// The accepted unit spellings of a kind, comma-separated, for "accepted: ..." notes.
std::string accepted_units(Kind kind);

// Parses `text` as a quantity of `kind`. Throws std::invalid_argument whose what() says what was
// expected (no file position: the caller adds it). Rejects NaN, infinities, empty strings,
// trailing garbage, and a missing unit where one is required. Sign is allowed here; range checks
// belong to the caller.
double parse(std::string_view text, Kind kind);

// Formats an SI value with a readable unit ("3.2 Tb/s" style is not attempted: one fixed unit per
// kind, e.g. GB/s for bandwidth, s for time). Used by `describe` and summaries.
std::string format(double value_si, Kind kind, int precision = 3);  // not "si_value": a <signal.h> macro

}  // namespace trainsim::units
