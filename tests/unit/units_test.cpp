// sim/common/units: the unit grammar, table-driven (valid rows, invalid rows, formatting).
#include "sim/common/units.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <string>

namespace trainsim::units {
namespace {

struct ValidRow {
  const char* text;
  Kind kind;
  double si;
};

void PrintTo(const ValidRow& row, std::ostream* os) { *os << '"' << row.text << '"'; }

class UnitsValid : public ::testing::TestWithParam<ValidRow> {};

TEST_P(UnitsValid, ParsesToSi) {
  const ValidRow& row = GetParam();
  SCOPED_TRACE(std::string("\"") + row.text + "\" should parse to " + std::to_string(row.si) + " SI units");
  const double v = parse(row.text, row.kind);
  EXPECT_NEAR(v, row.si, std::fabs(row.si) * 1e-12);
}

constexpr double kMin = 60, kHour = 3600, kDay = 86400;
constexpr double kKWh = 3.6e6;

INSTANTIATE_TEST_SUITE_P(
    Table, UnitsValid,
    ::testing::Values(
        // bytes: decimal and binary prefixes
        ValidRow{"80GB", Kind::kBytes, 80e9}, ValidRow{"80 GiB", Kind::kBytes, 80.0 * 1073741824.0},
        ValidRow{"1B", Kind::kBytes, 1}, ValidRow{"4kB", Kind::kBytes, 4000},
        ValidRow{"4KB", Kind::kBytes, 4000}, ValidRow{"2KiB", Kind::kBytes, 2048},
        ValidRow{"1.5TB", Kind::kBytes, 1.5e12}, ValidRow{"1PiB", Kind::kBytes, 1125899906842624.0},
        // bandwidth: bits and bytes, "/s" and "ps" spellings
        ValidRow{"400Gb/s", Kind::kBandwidth, 50e9}, ValidRow{"400Gbps", Kind::kBandwidth, 50e9},
        ValidRow{"400 Gb/s", Kind::kBandwidth, 50e9}, ValidRow{"50GB/s", Kind::kBandwidth, 50e9},
        ValidRow{"900GBps", Kind::kBandwidth, 900e9}, ValidRow{"2TB/s", Kind::kBandwidth, 2e12},
        ValidRow{"1 GiB/s", Kind::kBandwidth, 1073741824.0}, ValidRow{"8b/s", Kind::kBandwidth, 1},
        ValidRow{"  100Mb/s  ", Kind::kBandwidth, 12.5e6}, ValidRow{"-1GB/s", Kind::kBandwidth, -1e9},
        // time
        ValidRow{"30min", Kind::kTime, 30 * kMin}, ValidRow{"2h", Kind::kTime, 2 * kHour},
        ValidRow{"1us", Kind::kTime, 1e-6}, ValidRow{"1\xC2\xB5s", Kind::kTime, 1e-6},
        ValidRow{"300ns", Kind::kTime, 3e-7}, ValidRow{"5 ms", Kind::kTime, 5e-3},
        ValidRow{"54d", Kind::kTime, 54 * kDay}, ValidRow{"1.5s", Kind::kTime, 1.5},
        ValidRow{"1e3s", Kind::kTime, 1000}, ValidRow{".5h", Kind::kTime, 1800},
        ValidRow{"+2min", Kind::kTime, 120},
        // power and energy
        ValidRow{"700W", Kind::kPower, 700}, ValidRow{"10.2kW", Kind::kPower, 10200},
        ValidRow{"25 MW", Kind::kPower, 25e6}, ValidRow{"1kWh", Kind::kEnergy, kKWh},
        ValidRow{"3.6MJ", Kind::kEnergy, 3.6e6}, ValidRow{"2GWh", Kind::kEnergy, 2e9 * 3600},
        // flops
        ValidRow{"989TFLOP/s", Kind::kFlops, 989e12}, ValidRow{"989.5 TFLOPS", Kind::kFlops, 989.5e12},
        ValidRow{"2PFLOP/s", Kind::kFlops, 2e15}, ValidRow{"989Tf", Kind::kFlops, 989e12},
        // carbon intensity -> kg/J
        ValidRow{"0.4kg/kWh", Kind::kCarbonIntensity, 0.4 / kKWh},
        ValidRow{"400g/kWh", Kind::kCarbonIntensity, 0.4 / kKWh},
        ValidRow{"0.4t/MWh", Kind::kCarbonIntensity, 0.4 / kKWh},
        ValidRow{"400kg/MWh", Kind::kCarbonIntensity, 0.4 / kKWh},
        // price -> USD/J
        ValidRow{"0.083/kWh", Kind::kPrice, 0.083 / kKWh}, ValidRow{"$0.083/kWh", Kind::kPrice, 0.083 / kKWh},
        ValidRow{"83 USD/MWh", Kind::kPrice, 0.083 / kKWh}, ValidRow{"83$/MWh", Kind::kPrice, 0.083 / kKWh},
        // money
        ValidRow{"$25000", Kind::kMoney, 25000}, ValidRow{"$25k", Kind::kMoney, 25000},
        ValidRow{"25kUSD", Kind::kMoney, 25000}, ValidRow{"1.5MUSD", Kind::kMoney, 1.5e6},
        ValidRow{"25000 USD", Kind::kMoney, 25000}, ValidRow{"$2B", Kind::kMoney, 2e9},
        // count: plain, exponent, SI suffix
        ValidRow{"2048", Kind::kCount, 2048}, ValidRow{"15.6e12", Kind::kCount, 15.6e12},
        ValidRow{"15.6T", Kind::kCount, 15.6e12}, ValidRow{"16K", Kind::kCount, 16000},
        ValidRow{"405B", Kind::kCount, 405e9}, ValidRow{"1E3", Kind::kCount, 1000},
        // rate: number "/" time unit, stored per second
        ValidRow{"1.2e-4/h", Kind::kRate, 1.2e-4 / kHour}, ValidRow{"6.5e-3/d", Kind::kRate, 6.5e-3 / kDay},
        ValidRow{"2 /min", Kind::kRate, 2 / kMin}, ValidRow{"0.5/s", Kind::kRate, 0.5},
        ValidRow{"3/ms", Kind::kRate, 3000},
        // fraction: plain number or percentage
        ValidRow{"0.015", Kind::kFraction, 0.015}, ValidRow{"1.5%", Kind::kFraction, 0.015},
        ValidRow{"2 %", Kind::kFraction, 0.02}, ValidRow{"0", Kind::kFraction, 0},
        // mass -> kg; years for lifetimes
        ValidRow{"150kg", Kind::kMass, 150}, ValidRow{"0.15 t", Kind::kMass, 150},
        ValidRow{"1500g", Kind::kMass, 1.5}, ValidRow{"5y", Kind::kTime, 5 * 365.25 * kDay}));

struct InvalidRow {
  const char* text;
  Kind kind;
  const char* message;  // substring of what()
};

void PrintTo(const InvalidRow& row, std::ostream* os) { *os << '"' << row.text << '"'; }

class UnitsInvalid : public ::testing::TestWithParam<InvalidRow> {};

TEST_P(UnitsInvalid, Rejects) {
  const InvalidRow& row = GetParam();
  SCOPED_TRACE(std::string("\"") + row.text + "\" should be rejected with \"" + row.message + "\"");
  try {
    const double v = parse(row.text, row.kind);
    FAIL() << "parsed to " << v;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(row.message), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind("expected ", 0), 0u) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, UnitsInvalid,
    ::testing::Values(
        // missing unit: the exact message users see
        InvalidRow{"400", Kind::kBandwidth,
                   "expected a bandwidth with a unit (e.g. 400Gb/s, 50GB/s), got bare number 400"},
        InvalidRow{"1800", Kind::kTime, "got bare number 1800"},
        InvalidRow{"700", Kind::kPower, "bare number"}, InvalidRow{"80", Kind::kBytes, "bare number"},
        InvalidRow{"0.083", Kind::kPrice, "bare number 0.083"},
        InvalidRow{"25000", Kind::kMoney, "bare number"},
        InvalidRow{"0.4", Kind::kCarbonIntensity, "bare number"},
        InvalidRow{"989", Kind::kFlops, "bare number"}, InvalidRow{"5", Kind::kEnergy, "bare number"},
        // empty and garbage
        InvalidRow{"", Kind::kTime, "an empty value"}, InvalidRow{"   ", Kind::kCount, "an empty value"},
        InvalidRow{"abc", Kind::kCount, "not a number"}, InvalidRow{"GB/s", Kind::kBandwidth, "not a number"},
        InvalidRow{"1,5GB", Kind::kBytes, "unknown unit ',5GB'"},
        InvalidRow{"0x10", Kind::kCount, "unknown unit 'x10'"},
        InvalidRow{"12abc", Kind::kCount, "unknown unit 'abc'"},
        InvalidRow{"1e", Kind::kCount, "unknown unit 'e'"},
        InvalidRow{"1 2s", Kind::kTime, "unknown unit '2s'"}, InvalidRow{"--1s", Kind::kTime, "not a number"},
        // NaN and infinities, in YAML and C spellings
        InvalidRow{"nan", Kind::kTime, "NaN and infinities are not allowed"},
        InvalidRow{"NaN GB/s", Kind::kBandwidth, "NaN and infinities"},
        InvalidRow{".inf", Kind::kCount, "NaN and infinities"},
        InvalidRow{"-inf", Kind::kCount, "NaN and infinities"},
        InvalidRow{"infs", Kind::kTime, "NaN and infinities"},
        // out of range
        InvalidRow{"1e400", Kind::kCount, "out of range"},
        InvalidRow{"1e308PB/s", Kind::kBandwidth, "out of range"},
        // units of the wrong kind or unknown spellings
        InvalidRow{"30m", Kind::kTime, "write 'min' for minutes"},
        InvalidRow{"30 minutes", Kind::kTime, "unknown unit 'minutes'"},
        InvalidRow{"400Gb", Kind::kBandwidth, "unknown unit 'Gb'"},
        InvalidRow{"80GB", Kind::kBandwidth, "unknown unit 'GB'"},
        InvalidRow{"400gb/s", Kind::kBandwidth, "unknown unit 'gb/s'"},
        InvalidRow{"700w", Kind::kPower, "unknown unit 'w'"},
        InvalidRow{"1kWh", Kind::kPower, "unknown unit 'kWh'"},
        InvalidRow{"2h", Kind::kBytes, "unknown unit 'h'"},
        InvalidRow{"15.6X", Kind::kCount, "unknown unit 'X'"},
        InvalidRow{"$0.083USD/kWh", Kind::kPrice, "unknown unit"},
        InvalidRow{"$25kUSD", Kind::kMoney, "unknown unit 'kUSD'"},
        InvalidRow{"0.083/kW", Kind::kPrice, "unknown unit"},
        InvalidRow{"400 Gb/s extra", Kind::kBandwidth, "unknown unit 'Gb/s extra'"},
        // rates: one grammar, number "/" time unit
        InvalidRow{"1.2e-4", Kind::kRate,
                   "a rate per time (e.g. 1.2e-4/h, 6.5e-3/d), got bare number 1.2e-4"},
        InvalidRow{"6.5/1000d", Kind::kRate, "unknown unit '/1000d'"},
        InvalidRow{"1/m", Kind::kRate, "write '/min' for per minute"},
        InvalidRow{"1h", Kind::kRate, "unknown unit 'h'"},
        InvalidRow{"1.5 percent", Kind::kFraction, "unknown unit 'percent'"},
        InvalidRow{"150", Kind::kMass, "a mass with a unit (e.g. 150kg, 0.15t), got bare number 150"},
        InvalidRow{"150kgCO2e", Kind::kMass, "unknown unit 'kgCO2e' (accepted: g, kg, t)"}));

TEST(Units, UnknownUnitListsAcceptedUnits) {
  try {
    parse("400Gbit/s", Kind::kBandwidth);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("(accepted: b/s, bps, kb/s"), std::string::npos) << e.what();
  }
}

TEST(Units, DescribeNamesEveryKind) {
  for (Kind k : {Kind::kBytes, Kind::kBandwidth, Kind::kTime, Kind::kPower, Kind::kEnergy, Kind::kFlops,
                 Kind::kCarbonIntensity, Kind::kPrice, Kind::kMoney, Kind::kCount, Kind::kRate,
                 Kind::kFraction, Kind::kMass}) {
    EXPECT_FALSE(describe(k).empty());
    EXPECT_FALSE(accepted_units(k).empty());
  }
  EXPECT_EQ(describe(Kind::kBandwidth), "a bandwidth with a unit (e.g. 400Gb/s, 50GB/s)");
}

struct FormatRow {
  double si;
  Kind kind;
  int precision;
  const char* text;
};

void PrintTo(const FormatRow& row, std::ostream* os) { *os << row.text; }

class UnitsFormat : public ::testing::TestWithParam<FormatRow> {};

TEST_P(UnitsFormat, FormatsInTheKindsUnitAndParsesBack) {
  const FormatRow& row = GetParam();
  EXPECT_EQ(format(row.si, row.kind, row.precision), row.text);
  // What we print, we read back (to the printed precision).
  const double back = parse(format(row.si, row.kind, row.precision), row.kind);
  EXPECT_NEAR(back, row.si, std::fabs(row.si) * std::pow(10.0, 1 - row.precision));
}

INSTANTIATE_TEST_SUITE_P(
    Table, UnitsFormat,
    ::testing::Values(
        FormatRow{50e9, Kind::kBandwidth, 3, "50 GB/s"}, FormatRow{10200, Kind::kPower, 3, "10200 W"},
        FormatRow{10234, Kind::kPower, 3, "10200 W"}, FormatRow{1.234e-4, Kind::kTime, 3, "0.000123 s"},
        FormatRow{1800, Kind::kTime, 3, "1800 s"}, FormatRow{989.5e12, Kind::kFlops, 4, "989.5 TFLOP/s"},
        FormatRow{85.52e9, Kind::kBytes, 3, "85.5 GB"}, FormatRow{3.6e6, Kind::kEnergy, 3, "1 kWh"},
        FormatRow{0.4 / 3.6e6, Kind::kCarbonIntensity, 3, "0.4 kg/kWh"},
        FormatRow{0.083 / 3.6e6, Kind::kPrice, 3, "0.083 USD/kWh"},
        FormatRow{25000, Kind::kMoney, 3, "25000 USD"}, FormatRow{15.6e12, Kind::kCount, 3, "15600000000000"},
        FormatRow{0, Kind::kTime, 3, "0 s"}, FormatRow{-2.5, Kind::kTime, 2, "-2.5 s"},
        FormatRow{1.2e-4 / 3600, Kind::kRate, 3, "0.00012 /h"}, FormatRow{0.015, Kind::kFraction, 3, "1.5 %"},
        FormatRow{150, Kind::kMass, 3, "150 kg"}));

TEST(Units, FormatNonFinite) {
  EXPECT_EQ(format(std::numeric_limits<double>::infinity(), Kind::kTime), "inf s");
}

}  // namespace
}  // namespace trainsim::units
