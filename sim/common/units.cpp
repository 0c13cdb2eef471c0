// trainsim's unit grammar (see units.hpp and docs/units.md).
//
//   quantity := ws* [currency] number ws* unit ws*
//   number   := [+-] (digits [. digits*] | . digits) [(e|E) [+-] digits]
//
// The unit is matched exactly (case-sensitive) against the table of the requested kind. The number
// is converted with std::from_chars (locale-independent), so "1,5" or "0x10" are rejected instead
// of being read as 1 or 0. SimGrid's parser is deliberately not used: it reads "m" as minutes,
// rejects "900GB/s" and "30min", and only warns on a bare number.
#include "sim/common/units.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace trainsim::units {
namespace {

struct Unit {
  std::string name;
  double factor;  // SI value of one unit
};

constexpr double kBitsToBytes = 1.0 / 8.0;
constexpr double kJoulesPerWh = 3600.0;

// Decimal prefixes shared by bandwidth and flop rates.
struct Prefix {
  const char* name;
  double factor;
};
constexpr Prefix kDecimalPrefixes[] = {{"", 1.0},   {"k", 1e3},  {"M", 1e6}, {"G", 1e9},
                                       {"T", 1e12}, {"P", 1e15}, {"E", 1e18}};
constexpr Prefix kBinaryPrefixes[] = {{"Ki", 1024.0},
                                      {"Mi", 1048576.0},
                                      {"Gi", 1073741824.0},
                                      {"Ti", 1099511627776.0},
                                      {"Pi", 1125899906842624.0}};

std::vector<Unit> make_bytes_units() {
  std::vector<Unit> u;
  for (const Prefix& p : kDecimalPrefixes) {
    if (std::string(p.name) == "E") continue;
    u.push_back({std::string(p.name) + "B", p.factor});
  }
  u.push_back({"KB", 1e3});  // common spelling of kB
  for (const Prefix& p : kBinaryPrefixes) u.push_back({std::string(p.name) + "B", p.factor});
  return u;
}

std::vector<Unit> make_bandwidth_units() {
  std::vector<Unit> u;
  for (const Prefix& p : kDecimalPrefixes) {  // bits per second
    if (std::string(p.name) == "E") continue;
    u.push_back({std::string(p.name) + "b/s", p.factor * kBitsToBytes});
    u.push_back({std::string(p.name) + "bps", p.factor * kBitsToBytes});
  }
  for (const Prefix& p : kDecimalPrefixes) {  // bytes per second
    if (std::string(p.name) == "E") continue;
    u.push_back({std::string(p.name) + "B/s", p.factor});
    u.push_back({std::string(p.name) + "Bps", p.factor});
  }
  u.push_back({"KB/s", 1e3});
  u.push_back({"KBps", 1e3});
  for (const Prefix& p : kBinaryPrefixes) {
    u.push_back({std::string(p.name) + "B/s", p.factor});
    u.push_back({std::string(p.name) + "Bps", p.factor});
  }
  return u;
}

std::vector<Unit> make_flops_units() {
  std::vector<Unit> u;
  for (const Prefix& p : kDecimalPrefixes) u.push_back({std::string(p.name) + "FLOP/s", p.factor});
  for (const Prefix& p : kDecimalPrefixes) u.push_back({std::string(p.name) + "FLOPS", p.factor});
  for (const Prefix& p : kDecimalPrefixes) u.push_back({std::string(p.name) + "flop/s", p.factor});
  for (const Prefix& p : kDecimalPrefixes) u.push_back({std::string(p.name) + "f", p.factor});  // SimGrid
  return u;
}

// Energies a price or a carbon intensity can be expressed per.
constexpr Prefix kEnergyDenominators[] = {{"Wh", kJoulesPerWh},
                                          {"kWh", 1e3 * kJoulesPerWh},
                                          {"MWh", 1e6 * kJoulesPerWh},
                                          {"GWh", 1e9 * kJoulesPerWh}};

std::vector<Unit> make_price_units() {
  std::vector<Unit> u;
  for (const char* currency : {"", "USD", "$"}) {
    for (const Prefix& e : kEnergyDenominators)
      u.push_back({std::string(currency) + "/" + e.name, 1.0 / e.factor});
  }
  return u;
}

const std::vector<Unit>& units_of(Kind kind) {
  static const std::vector<Unit> kBytesUnits = make_bytes_units();
  static const std::vector<Unit> kBandwidthUnits = make_bandwidth_units();
  static const std::vector<Unit> kTimeUnits = {{"ns", 1e-9},  {"us", 1e-6},   {"\xC2\xB5s", 1e-6},
                                               {"ms", 1e-3},  {"s", 1.0},     {"min", 60.0},
                                               {"h", 3600.0}, {"d", 86400.0}, {"y", 365.25 * 86400.0}};
  static const std::vector<Unit> kPowerUnits = {{"W", 1.0}, {"kW", 1e3}, {"MW", 1e6}, {"GW", 1e9}};
  static const std::vector<Unit> kEnergyUnits = {{"J", 1.0},     {"kJ", 1e3},          {"MJ", 1e6},
                                                 {"GJ", 1e9},    {"Wh", kJoulesPerWh}, {"kWh", 3.6e6},
                                                 {"MWh", 3.6e9}, {"GWh", 3.6e12}};
  static const std::vector<Unit> kFlopsUnits = make_flops_units();
  static const std::vector<Unit> kCarbonUnits = {
      {"g/kWh", 1e-3 / 3.6e6}, {"kg/kWh", 1.0 / 3.6e6}, {"t/MWh", 1e3 / 3.6e9}, {"kg/MWh", 1.0 / 3.6e9}};
  static const std::vector<Unit> kPriceUnits = make_price_units();
  // Money: the suffix form (25kUSD). The "$" prefix form uses kDollarSuffixes below.
  static const std::vector<Unit> kMoneyUnits = {{"USD", 1.0}, {"kUSD", 1e3}, {"MUSD", 1e6}, {"BUSD", 1e9}};
  static const std::vector<Unit> kRateUnits = {
      {"/ns", 1e9}, {"/us", 1e6},         {"/\xC2\xB5s", 1e6},  {"/ms", 1e3},
      {"/s", 1.0},  {"/min", 1.0 / 60.0}, {"/h", 1.0 / 3600.0}, {"/d", 1.0 / 86400.0}};
  static const std::vector<Unit> kFractionUnits = {{"", 1.0}, {"%", 0.01}};
  static const std::vector<Unit> kMassUnits = {{"g", 1e-3}, {"kg", 1.0}, {"t", 1e3}};
  static const std::vector<Unit> kCountUnits = {{"", 1.0},  {"k", 1e3}, {"K", 1e3},  {"M", 1e6},
                                                {"B", 1e9}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}};
  switch (kind) {
    case Kind::kBytes:
      return kBytesUnits;
    case Kind::kBandwidth:
      return kBandwidthUnits;
    case Kind::kTime:
      return kTimeUnits;
    case Kind::kPower:
      return kPowerUnits;
    case Kind::kEnergy:
      return kEnergyUnits;
    case Kind::kFlops:
      return kFlopsUnits;
    case Kind::kCarbonIntensity:
      return kCarbonUnits;
    case Kind::kPrice:
      return kPriceUnits;
    case Kind::kMoney:
      return kMoneyUnits;
    case Kind::kRate:
      return kRateUnits;
    case Kind::kFraction:
      return kFractionUnits;
    case Kind::kMass:
      return kMassUnits;
    case Kind::kCount:
      break;
  }
  return kCountUnits;
}

// After a "$" prefix: "$25000", "$25k", "$1.5M", "$2B".
const std::vector<Unit>& dollar_suffixes() {
  static const std::vector<Unit> kSuffixes = {{"", 1.0}, {"k", 1e3}, {"M", 1e6}, {"B", 1e9}};
  return kSuffixes;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Length of the longest prefix of `s` that is a number in the grammar above; 0 if none.
size_t scan_number(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    size_t exp_digits = 0;
    while (j < s.size() && is_digit(s[j])) ++j, ++exp_digits;
    if (exp_digits > 0) i = j;  // otherwise the 'e' belongs to the unit (and will be rejected there)
  }
  return i;
}

bool looks_like_nan_or_inf(std::string_view s) {
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  if (!s.empty() && s.front() == '.') s.remove_prefix(1);  // YAML spells them .nan / .inf
  if (s.size() < 3) return false;
  std::string head;
  for (size_t i = 0; i < 3; ++i) head += static_cast<char>(s[i] | 0x20);
  return head == "nan" || head == "inf";
}

std::string join_names(const std::vector<Unit>& units) {
  std::string out;
  for (const Unit& u : units) {
    if (u.name.empty()) continue;
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  return out;
}

[[noreturn]] void fail(Kind kind, const std::string& detail) {
  throw std::invalid_argument("expected " + describe(kind) + ", got " + detail);
}

const Unit* find_unit(const std::vector<Unit>& units, std::string_view name) {
  for (const Unit& u : units) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

}  // namespace

std::string describe(Kind kind) {
  switch (kind) {
    case Kind::kBytes:
      return "a size with a unit (e.g. 80GB, 80GiB)";
    case Kind::kBandwidth:
      return "a bandwidth with a unit (e.g. 400Gb/s, 50GB/s)";
    case Kind::kTime:
      return "a time with a unit (e.g. 30min, 2h, 1us)";
    case Kind::kPower:
      return "a power with a unit (e.g. 700W, 10.2kW)";
    case Kind::kEnergy:
      return "an energy with a unit (e.g. 5MJ, 1.2kWh)";
    case Kind::kFlops:
      return "a compute rate with a unit (e.g. 989TFLOP/s)";
    case Kind::kCarbonIntensity:
      return "a carbon intensity with a unit (e.g. 0.4kg/kWh, 400g/kWh)";
    case Kind::kPrice:
      return "an energy price with a unit (e.g. 0.083/kWh, $0.083/kWh, 83USD/MWh)";
    case Kind::kMoney:
      return "an amount of money with a unit (e.g. $25000, 25kUSD)";
    case Kind::kCount:
      return "a number (e.g. 2048, 15.6e12, 15.6T)";
    case Kind::kRate:
      return "a rate per time (e.g. 1.2e-4/h, 6.5e-3/d)";
    case Kind::kFraction:
      return "a fraction (e.g. 0.015 or 1.5%)";
    case Kind::kMass:
      return "a mass with a unit (e.g. 150kg, 0.15t)";
  }
  return "a quantity";
}

std::string accepted_units(Kind kind) {
  std::string units = join_names(units_of(kind));
  if (kind == Kind::kMoney) units = "$N, $Nk, $NM, $NB, " + units;
  return units;
}

double parse(std::string_view text, Kind kind) {
  const std::string_view s = trim(text);
  const std::string quoted = "'" + std::string(s) + "'";
  if (s.empty()) fail(kind, "an empty value");

  std::string_view rest = s;
  bool dollar_prefix = false;
  if ((kind == Kind::kPrice || kind == Kind::kMoney) && rest.front() == '$') {
    dollar_prefix = true;
    rest.remove_prefix(1);
    rest = trim(rest);
  }

  const size_t n = scan_number(rest);
  if (n == 0) {
    if (looks_like_nan_or_inf(rest)) fail(kind, quoted + " (NaN and infinities are not allowed)");
    fail(kind, quoted + " (not a number)");
  }
  std::string_view number = rest.substr(0, n);
  std::string_view unit = trim(rest.substr(n));

  if (number.front() == '+') number.remove_prefix(1);
  double value = 0;
  const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec == std::errc::result_out_of_range) fail(kind, quoted + " (number out of range)");
  if (ec != std::errc() || ptr != number.data() + number.size()) fail(kind, quoted + " (not a number)");

  const bool unit_optional =
      kind == Kind::kCount || kind == Kind::kFraction || (kind == Kind::kMoney && dollar_prefix);
  if (unit.empty() && !unit_optional) fail(kind, "bare number " + std::string(s));

  const std::vector<Unit>& table =
      (kind == Kind::kMoney && dollar_prefix) ? dollar_suffixes() : units_of(kind);
  const Unit* u = find_unit(table, unit);
  if (u == nullptr || (dollar_prefix && kind == Kind::kPrice && unit.front() != '/')) {
    std::string detail = quoted + ": unknown unit '" + std::string(unit) + "'";
    if (kind == Kind::kTime && unit == "m") detail += " (write 'min' for minutes)";
    if (kind == Kind::kRate && unit == "/m") detail += " (write '/min' for per minute)";
    detail +=
        " (accepted: " + (kind == Kind::kMoney && dollar_prefix ? join_names(table) : accepted_units(kind)) +
        ")";
    fail(kind, detail);
  }
  const double si = value * u->factor;
  if (!std::isfinite(si)) fail(kind, quoted + " (number out of range)");
  return si;
}

std::string format(double value_si, Kind kind, int precision) {
  const char* unit = "";
  double factor = 1.0;
  switch (kind) {
    case Kind::kBytes:
      unit = "GB", factor = 1e9;
      break;
    case Kind::kBandwidth:
      unit = "GB/s", factor = 1e9;
      break;
    case Kind::kTime:
      unit = "s";
      break;
    case Kind::kPower:
      unit = "W";
      break;
    case Kind::kEnergy:
      unit = "kWh", factor = 3.6e6;
      break;
    case Kind::kFlops:
      unit = "TFLOP/s", factor = 1e12;
      break;
    case Kind::kCarbonIntensity:
      unit = "kg/kWh", factor = 1.0 / 3.6e6;
      break;
    case Kind::kPrice:
      unit = "USD/kWh", factor = 1.0 / 3.6e6;
      break;
    case Kind::kMoney:
      unit = "USD";
      break;
    case Kind::kRate:
      unit = "/h", factor = 1.0 / 3600.0;
      break;
    case Kind::kFraction:
      unit = "%", factor = 0.01;
      break;
    case Kind::kMass:
      unit = "kg";
      break;
    case Kind::kCount:
      break;
  }
  const double v = value_si / factor;
  if (precision < 1) precision = 1;
  char buf[64];
  if (!std::isfinite(v)) {
    std::snprintf(buf, sizeof buf, "%g", v);
  } else {
    // `precision` significant digits without exponent notation, trailing zeros removed, so that
    // the text parses back with parse() and reads naturally ("10200 W", "0.000123 s").
    const int magnitude = v == 0 ? 0 : static_cast<int>(std::floor(std::log10(std::fabs(v))));
    const int decimals = precision - 1 - magnitude;
    if (decimals > 15 || magnitude > 30) {
      std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    } else {
      double rounded = v;
      if (decimals < 0) {
        const double scale = std::pow(10.0, -decimals);
        rounded = std::round(v / scale) * scale;
      }
      std::snprintf(buf, sizeof buf, "%.*f", decimals > 0 ? decimals : 0, rounded);
      std::string t = buf;
      if (t.find('.') != std::string::npos) {
        while (t.back() == '0') t.pop_back();
        if (t.back() == '.') t.pop_back();
      }
      if (t == "-0") t = "0";
      std::snprintf(buf, sizeof buf, "%s", t.c_str());
    }
  }
  std::string out = buf;
  if (*unit != '\0') {
    out += ' ';
    out += unit;
  }
  return out;
}

}  // namespace trainsim::units
