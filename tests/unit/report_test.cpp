// report/ (JSON, summary, Chrome trace, atomic files), config/suite and the `validate` runner (with a
// shell-script stand-in for `trainsim step`): pure C++, no Engine.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "sim/cli/validate.hpp"
#include "sim/common/error.hpp"
#include "sim/config/loader.hpp"
#include "sim/config/suite.hpp"
#include "sim/report/io.hpp"
#include "sim/report/json.hpp"
#include "sim/report/summary.hpp"
#include "sim/report/trace.hpp"

namespace trainsim::report {
namespace {

namespace fs = std::filesystem;
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

config::ScenarioSpec scenario() {
  config::ScenarioSpec s;
  s.name = "unit-gpt";
  s.platform.name = "unit-platform";
  s.platform.nodes = 4;
  s.platform.node.gpu = "h100-sxm-80gb";
  s.gpus = 32;
  s.model.seq_len = 4096;
  s.training.global_batch = 64;
  s.training.micro_batch = 2;
  s.training.parallelism.tp = 4;
  s.training.parallelism.pp = 2;
  s.training.parallelism.dp = 4;
  s.training.parallelism.vpp = 2;
  return s;
}

step::StepProfile profile() {
  step::StepProfile p;
  p.gpus = 32;
  p.time_s = 2.0;
  p.model_flop = 2.0e16;
  p.hardware_flop = 2.5e16;
  p.peak_flop_per_s = 989.5e12;
  p.mfu = 0.3158;
  p.hfu = 0.3948;
  p.tflops_per_gpu = 312.5;
  p.tokens_per_s = 131072;
  p.bubble_fraction = 0.1;
  p.exposed_comm_fraction = 0.05;
  p.gpu_busy_fraction = 0.8;
  p.breakdown = {1.6, 0.04, 0.0, 0.02, 0.04, 0.2, 0.1};
  p.memory.weights_bytes = 4 * kGiB;
  p.memory.gradients_bytes = 8 * kGiB;
  p.memory.optimizer_bytes = 6 * kGiB;
  p.memory.activations_bytes = 30 * kGiB;
  p.memory.overhead_bytes = 2 * kGiB;
  p.memory_capacity_bytes = 80 * kGiB;
  p.simulated_activities = 1234;
  p.simulated_flows = 567;
  return p;
}

std::vector<std::string> keys(const nlohmann::ordered_json& j) {
  std::vector<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
  return out;
}

// ------------------------------------------------------------------------------------------ JSON
TEST(StepJson, HasTheContractKeysInOrder) {
  const nlohmann::ordered_json j = step_to_json(profile(), scenario());
  EXPECT_EQ(keys(j), (std::vector<std::string>{"scenario", "step", "layout", "simulation"}));
  EXPECT_EQ(keys(j["step"]),
            (std::vector<std::string>{"gpus", "time_s", "mfu", "hfu", "tflops_per_gpu", "peak_tflops_per_gpu",
                                      "tokens_per_s", "bubble_fraction", "exposed_comm_fraction",
                                      "gpu_busy_fraction", "memory_per_gpu_gib", "memory_capacity_gib",
                                      "model_flop", "hardware_flop", "breakdown", "memory"}));
  EXPECT_EQ(keys(j["step"]["breakdown"]),
            (std::vector<std::string>{"compute_s", "tp_exposed_s", "cp_exposed_s", "pp_exposed_s",
                                      "dp_exposed_s", "bubble_s", "optimizer_s"}));
  EXPECT_EQ(keys(j["step"]["memory"]),
            (std::vector<std::string>{"weights_gib", "gradients_gib", "optimizer_gib", "activations_gib",
                                      "overhead_gib"}));
  EXPECT_EQ(keys(j["layout"]), (std::vector<std::string>{"tp", "pp", "dp", "cp", "vpp", "micro_batch",
                                                         "global_batch", "micro_batches_per_pipeline"}));
  EXPECT_EQ(keys(j["simulation"]), (std::vector<std::string>{"activities", "flows"}));
}

TEST(StepJson, ValuesAreInTheUnitsTheirNamesSay) {
  const nlohmann::ordered_json j = step_to_json(profile(), scenario());
  EXPECT_EQ(j["scenario"], "unit-gpt");
  EXPECT_EQ(j["step"]["gpus"], 32);
  EXPECT_DOUBLE_EQ(j["step"]["time_s"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(j["step"]["peak_tflops_per_gpu"].get<double>(), 989.5);
  SCOPED_TRACE("memory in GiB (2^30 bytes): 4 + 8 + 6 + 30 + 2 = 50 of 80");
  EXPECT_DOUBLE_EQ(j["step"]["memory_per_gpu_gib"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(j["step"]["memory_capacity_gib"].get<double>(), 80.0);
  EXPECT_DOUBLE_EQ(j["step"]["memory"]["activations_gib"].get<double>(), 30.0);
  EXPECT_DOUBLE_EQ(j["step"]["breakdown"]["bubble_s"].get<double>(), 0.2);
  SCOPED_TRACE("64 sequences / (dp 4 x micro-batch 2) = 8 micro-batches per pipeline");
  EXPECT_EQ(j["layout"]["micro_batches_per_pipeline"], 8);
  EXPECT_EQ(j["simulation"]["flows"], 567);
}

TEST(StepJson, IsDeterministic) {
  EXPECT_EQ(step_to_json(profile(), scenario()).dump(2), step_to_json(profile(), scenario()).dump(2));
}

// --------------------------------------------------------------------------------------- summary
TEST(StepSummary, NamesTheRunAndPutsUnitsOnEveryNumber) {
  const std::string s = step_summary(profile(), scenario());
  for (const char* expected : {"unit-gpt", "32 x h100-sxm-80gb", "TP 4 x CP 1 x PP 2 x DP 4", "VPP 2",
                               "step time   2.000 s", "MFU         31.6 %", "312.5 model TFLOP/s per GPU",
                               "131k tokens/s", "50.0 GiB of 80.0 GiB (62 %)"}) {
    EXPECT_NE(s.find(expected), std::string::npos) << "missing '" << expected << "' in:\n" << s;
  }
  SCOPED_TRACE("breakdown rows: time with unit and share of the step");
  EXPECT_TRUE(std::regex_search(s, std::regex(R"(compute +1\.600 s +80\.0 %)"))) << s;
  EXPECT_TRUE(std::regex_search(s, std::regex(R"(pipeline bubble +0\.200 s +10\.0 %)"))) << s;
  EXPECT_TRUE(std::regex_search(s, std::regex(R"(total +2\.000 s +100\.0 %)"))) << s;
  EXPECT_EQ(s.find('\x1b'), std::string::npos) << "no colour codes";
  EXPECT_EQ(s.back(), '\n');
}

TEST(StepSummary, ShortStepsAreShownInMilliseconds) {
  step::StepProfile p = profile();
  p.time_s = 0.25;
  p.breakdown = {0.2, 0, 0, 0, 0, 0.05, 0};
  const std::string s = step_summary(p, scenario());
  EXPECT_NE(s.find("step time   250.000 ms"), std::string::npos) << s;
  EXPECT_TRUE(std::regex_search(s, std::regex(R"(compute +200\.000 ms +80\.0 %)"))) << s;
}

// ----------------------------------------------------------------------------------------- trace
std::vector<step::TraceEvent> trace_events() {
  return {
      {"stage 01 (node 1)", "F mb0 c0", "compute", 0.0010, 0.0030},
      {"stage 00 (node 0)", "F mb0 c0", "compute", 0.0, 0.0010},
      {"stage 00 (node 0)", "tp all-reduce", "tp", 0.0005, 0.0006},
      {"dp stage 00", "dp reduce-scatter c0", "dp", 0.0040, 0.0050},
      {"stage 00 (node 0)", "bubble", "bubble", 0.0010, 0.0009},  // end before start: dur 0
  };
}

TEST(ChromeTrace, IsValidTraceEventJson) {
  const nlohmann::json doc = nlohmann::json::parse(chrome_trace(trace_events(), "unit step"));
  ASSERT_TRUE(doc.contains("traceEvents"));
  EXPECT_EQ(doc["displayTimeUnit"], "ms");
  const auto& ev = doc["traceEvents"];
  ASSERT_TRUE(ev.is_array());
  SCOPED_TRACE("1 process_name + 3 tracks x (thread_name, thread_sort_index) + 5 complete events");
  ASSERT_EQ(ev.size(), 1u + 3 * 2 + 5);
  EXPECT_EQ(ev[0]["name"], "process_name");
  EXPECT_EQ(ev[0]["ph"], "M");
  EXPECT_EQ(ev[0]["args"]["name"], "unit step");
}

TEST(ChromeTrace, TracksKeepFirstAppearanceOrder) {
  const nlohmann::json ev = nlohmann::json::parse(chrome_trace(trace_events(), "t"))["traceEvents"];
  std::vector<std::pair<int, std::string>> threads;
  for (const auto& e : ev) {
    if (e["ph"] == "M" && e["name"] == "thread_name") threads.emplace_back(e["tid"], e["args"]["name"]);
  }
  EXPECT_EQ(threads, (std::vector<std::pair<int, std::string>>{
                         {1, "stage 01 (node 1)"}, {2, "stage 00 (node 0)"}, {3, "dp stage 00"}}));
}

TEST(ChromeTrace, CompleteEventsAreInMicrosecondsAndSorted) {
  const nlohmann::json ev = nlohmann::json::parse(chrome_trace(trace_events(), "t"))["traceEvents"];
  std::vector<nlohmann::json> x;
  for (const auto& e : ev) {
    if (e["ph"] == "X") x.push_back(e);
  }
  ASSERT_EQ(x.size(), 5u);
  SCOPED_TRACE("sorted by start time: 0, 500, 1000 (tid 1), 1000 (tid 2), 4000 us");
  EXPECT_EQ(x[0]["name"], "F mb0 c0");
  EXPECT_EQ(x[0]["tid"], 2);
  EXPECT_DOUBLE_EQ(x[0]["ts"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(x[0]["dur"].get<double>(), 1000.0);
  EXPECT_EQ(x[1]["cat"], "tp");
  EXPECT_DOUBLE_EQ(x[1]["ts"].get<double>(), 500.0);
  EXPECT_DOUBLE_EQ(x[1]["dur"].get<double>(), 100.0);
  EXPECT_EQ(x[2]["tid"], 1);
  EXPECT_DOUBLE_EQ(x[2]["ts"].get<double>(), 1000.0);
  EXPECT_DOUBLE_EQ(x[2]["dur"].get<double>(), 2000.0);
  EXPECT_EQ(x[3]["name"], "bubble");
  EXPECT_DOUBLE_EQ(x[3]["dur"].get<double>(), 0.0);
  EXPECT_EQ(x[4]["cat"], "dp");
  EXPECT_DOUBLE_EQ(x[4]["ts"].get<double>(), 4000.0);
  for (const auto& e : x) EXPECT_EQ(e["pid"], 1);
}

TEST(ChromeTrace, EqualInputGivesIdenticalBytes) {
  EXPECT_EQ(chrome_trace(trace_events(), "t"), chrome_trace(trace_events(), "t"));
}

TEST(ChromeTrace, EmptyTraceIsStillADocument) {
  const nlohmann::json doc = nlohmann::json::parse(chrome_trace({}, "empty"));
  EXPECT_EQ(doc["traceEvents"].size(), 1u);
}

// ---------------------------------------------------------------------------------------- files
class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::path(::testing::TempDir()) /
        ("trainsim_report_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
         "_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  fs::path dir_;
};

using WriteFileAtomic = TempDir;

TEST_F(WriteFileAtomic, ReplacesTheFileAndLeavesNoTemporary) {
  const std::string path = (dir_ / "report.json").string();
  write_file_atomic(path, "first");
  write_file_atomic(path, "{\"second\": true}\n");
  EXPECT_EQ(read(path), "{\"second\": true}\n");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST_F(WriteFileAtomic, MissingDirectoryIsAConfigErrorNamingThePath) {
  const std::string path = (dir_ / "no_such_dir" / "trace.json").string();
  try {
    write_file_atomic(path, "x");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ": error: cannot write: ", 0), 0u) << e.what();
  }
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

using WriteFilesAtomic = TempDir;

TEST_F(WriteFilesAtomic, NewDirectoryAppearsWithAllFilesAndNoStagingDirectory) {
  const std::string out = (dir_ / "parent" / "out").string();
  write_files_atomic(out, {{"report.json", "{}\n"}, {"timeline.csv", "a,b\n"}});
  EXPECT_EQ(read(out + "/report.json"), "{}\n");
  EXPECT_EQ(read(out + "/timeline.csv"), "a,b\n");
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "parent"))
    entries += e.path().filename() == "out" ? 0 : 1;
  EXPECT_EQ(entries, 0u) << "a staging directory was left next to out/";
}

TEST_F(WriteFilesAtomic, FailedRenameRemovesEveryFileOfTheCall) {
  // timeline.csv is a non-empty directory: its rename fails after report.json was renamed.
  fs::create_directories(dir_ / "timeline.csv" / "x");
  write("other.txt", "kept");
  try {
    write_files_atomic(dir_.string(), {{"report.json", "{}"}, {"timeline.csv", "a"}, {"trace.json", "[]"}});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind((dir_ / "timeline.csv").string() + ": error: cannot write: ", 0),
              0u)
        << e.what();
  }
  for (const char* f : {"report.json", "report.json.tmp", "timeline.csv.tmp", "trace.json", "trace.json.tmp"})
    EXPECT_FALSE(fs::exists(dir_ / f)) << f;
  EXPECT_EQ(read((dir_ / "other.txt").string()), "kept");
}

TEST_F(WriteFilesAtomic, FailedWriteIntoANewDirectoryLeavesNoDirectory) {
  // A file where a parent directory should be: creating out/ fails before anything is written.
  write("file", "x");
  const std::string out = (dir_ / "file" / "out").string();
  EXPECT_THROW(write_files_atomic(out, {{"report.json", "{}"}}), ConfigError);
  EXPECT_FALSE(fs::exists(out));
}

// ---------------------------------------------------------------------------------------- suite
using Suite = TempDir;

TEST_F(Suite, LoadsCasesWithPathsRelativeToTheSuite) {
  write("a.yaml", "name: a\n");
  const std::string path =
      write("suite.yaml",
            "description: unit\n"
            "cases:\n"
            "  - id: case-a\n"
            "    scenario: a.yaml\n"
            "    metric: step_time_s\n"
            "    published: 12.5\n"
            "    source: \"paper, Table 1\"\n"
            "    note: \"derived\"\n"
            "  - {id: case.b, scenario: ./a.yaml, metric: mfu, published: 0.43, source: s}\n");
  const config::ValidationSuite s = config::load_suite(path);
  ASSERT_EQ(s.cases.size(), 2u);
  EXPECT_EQ(s.cases[0].id, "case-a");
  EXPECT_EQ(s.cases[0].scenario, (dir_ / "a.yaml").string());
  EXPECT_EQ(s.cases[0].metric, "step_time_s");
  EXPECT_DOUBLE_EQ(s.cases[0].published, 12.5);
  EXPECT_EQ(s.cases[0].source, "paper, Table 1");
  EXPECT_EQ(s.cases[0].note, "derived");
  EXPECT_EQ(s.cases[0].loc.line, 3);
  EXPECT_EQ(s.cases[1].scenario, (dir_ / "a.yaml").string());
  EXPECT_EQ(s.cases[1].metric, "mfu");
  EXPECT_EQ(s.cases[1].note, "");
  EXPECT_FALSE(s.cases[0].allow_memory_overflow);
}

TEST_F(Suite, AllowMemoryOverflowIsReadPerCase) {
  write("a.yaml", "name: a\n");
  const std::string path = write("suite.yaml",
                                 "cases:\n"
                                 "  - {id: a, scenario: a.yaml, metric: step_time_s, published: 1, source: "
                                 "s, allow_memory_overflow: true}\n"
                                 "  - {id: b, scenario: a.yaml, metric: mfu, published: 0.4, source: s, "
                                 "allow_memory_overflow: false}\n");
  const config::ValidationSuite s = config::load_suite(path);
  ASSERT_EQ(s.cases.size(), 2u);
  EXPECT_TRUE(s.cases[0].allow_memory_overflow);
  EXPECT_FALSE(s.cases[1].allow_memory_overflow);
}

struct BadSuite {
  std::string what;
  std::string text;
  std::string expect;  // regex on what() after the file name
};

TEST_F(Suite, RejectsBadFilesWithFileLineColumn) {
  write("a.yaml", "name: a\n");
  const std::string ok = "id: x, scenario: a.yaml, metric: step_time_s, source: s";
  const std::vector<BadSuite> rows = {
      {"unknown top-level key", "cases: []\nextra: 1\n",
       R"(:2:1: error: extra: unknown key\nnote: valid keys: )"},
      {"empty list", "cases: []\n", R"(:1:8: error: cases: expected a non-empty list)"},
      {"no cases", "description: d\n", R"(:1:1: error: cases: missing required key)"},
      {"not a map", "- a\n", R"(:1:1: error: expected a map with the key 'cases')"},
      {"unknown case key",
       "cases:\n  - {id: x, scenario: a.yaml, metric: mfu, published: 1, source: s, tol: 1}\n",
       R"(:2:69: error: cases\[0\]\.tol: unknown key)"},
      {"duplicate key",
       "cases:\n  - {id: x, id: y, scenario: a.yaml, metric: mfu, published: 1, source: s}\n",
       R"(:2:13: error: cases\[0\].id: duplicate key)"},
      {"missing published", "cases:\n  - {" + ok + "}\n", R"(:2:5: error: cases\[0\]\.published: missing)"},
      {"bad metric", "cases:\n  - {id: x, scenario: a.yaml, metric: speed, published: 1, source: s}\n",
       R"(:2:39: error: cases\[0\]\.metric: expected one of step_time_s, tflops_per_gpu, mfu, failures_per_day, mttf_h, ettr, co2_t, got 'speed')"},
      {"negative published", "cases:\n  - {" + ok + ", published: -3}\n",
       R"(error: cases\[0\]\.published: expected a positive number, got '-3')"},
      {"quoted published", "cases:\n  - {" + ok + ", published: \"3\"}\n",
       R"(error: cases\[0\]\.published: expected a positive number)"},
      {"text published", "cases:\n  - {" + ok + ", published: 3s}\n",
       R"(error: cases\[0\]\.published: expected a positive number, got '3s')"},
      {"missing scenario file",
       "cases:\n  - {id: x, scenario: nope.yaml, metric: mfu, published: 1, source: s}\n",
       R"(:2:23: error: cases\[0\]\.scenario: scenario file not found: .*nope\.yaml)"},
      {"duplicate id", "cases:\n  - {" + ok + ", published: 1}\n  - {" + ok + ", published: 2}\n",
       R"(:3:10: error: cases\[1\]\.id: id 'x' is used by an earlier case)"},
      {"bad id", "cases:\n  - {id: 'a b', scenario: a.yaml, metric: mfu, published: 1, source: s}\n",
       R"(error: cases\[0\]\.id: expected letters, digits)"},
      {"syntax error", "cases: [\n", R"(:\d+:\d+: error: )"},
      {"scenario and args",
       "cases:\n  - {id: x, scenario: a.yaml, args: [--tdp, 700W], metric: co2_t, published: 1, source: s}\n",
       R"(:2:37: error: cases\[0\]\.args: give either scenario or args, not both)"},
      {"args metric without args",
       "cases:\n  - {id: x, scenario: a.yaml, metric: co2_t, published: 1, source: s}\n",
       R"(:2:5: error: cases\[0\]\.args: missing required key: metric co2_t takes the command's arguments)"},
      {"scenario metric with args", "cases:\n  - {id: x, args: [a], metric: mfu, published: 1, source: s}\n",
       R"(:2:5: error: cases\[0\]\.scenario: missing required key: metric mfu needs a scenario)"},
      {"empty args", "cases:\n  - {id: x, args: [], metric: co2_t, published: 1, source: s}\n",
       R"(:2:19: error: cases\[0\]\.args: expected a non-empty list of command-line arguments, got a list)"},
      {"args not a list", "cases:\n  - {id: x, args: --tdp 700W, metric: co2_t, published: 1, source: s}\n",
       R"(error: cases\[0\]\.args: expected a non-empty list of command-line arguments, got '--tdp 700W')"},
      {"nested args", "cases:\n  - {id: x, args: [[a]], metric: co2_t, published: 1, source: s}\n",
       R"(error: cases\[0\]\.args\[0\]: expected a non-empty string)"},
      {"allow_memory_overflow not a bool",
       "cases:\n  - {" + ok + ", published: 1, allow_memory_overflow: yes}\n",
       R"(error: cases\[0\]\.allow_memory_overflow: expected true or false, got 'yes')"},
      {"allow_memory_overflow on a job metric",
       "cases:\n  - {id: x, scenario: a.yaml, metric: ettr, published: 1, source: s, allow_memory_overflow: "
       "true}\n",
       R"(error: cases\[0\]\.allow_memory_overflow: applies to the step metrics)"},
  };
  for (const BadSuite& row : rows) {
    SCOPED_TRACE(row.what);
    const std::string path = write("bad.yaml", row.text);
    try {
      config::load_suite(path);
      ADD_FAILURE() << "expected ConfigError";
    } catch (const ConfigError& e) {
      const std::string msg = e.what();
      EXPECT_EQ(msg.rfind(path, 0), 0u) << msg;
      EXPECT_TRUE(std::regex_search(msg, std::regex(row.expect))) << msg;
    }
  }
}

TEST_F(Suite, CasesWithArgsInsteadOfAScenario) {
  const std::string path =
      write("suite.yaml",
            "cases:\n"
            "  - id: card\n"
            "    args: [--gpu-hours, 30.84e6, --tdp, 700W, --carbon-intensity, 0.4137kg/kWh]\n"
            "    metric: co2_t\n"
            "    published: 8930\n"
            "    source: card\n");
  const config::ValidationSuite s = config::load_suite(path);
  ASSERT_EQ(s.cases.size(), 1u);
  EXPECT_EQ(s.cases[0].scenario, "");
  EXPECT_EQ(s.cases[0].args, (std::vector<std::string>{"--gpu-hours", "30.84e6", "--tdp", "700W",
                                                       "--carbon-intensity", "0.4137kg/kWh"}));
  EXPECT_EQ(s.cases[0].metric, "co2_t");
}

TEST_F(Suite, MissingFileIsAConfigError) {
  EXPECT_THROW(config::load_suite((dir_ / "none.yaml").string()), ConfigError);
}

// yaml-cpp 0.7's LoadAll loops forever on a stray ',': the suite loader must not use it.
TEST_F(Suite, StrayFlowIndicatorIsALocatedErrorNotAnEndlessLoop) {
  const std::string path = write("suite.yaml", "# comment\n,\n");
  try {
    config::load_suite(path);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), path + ":2:1: error: invalid YAML: unexpected ','");
  }
}

// `trainsim validate` with a stand-in for `trainsim step SCENARIO --json`: a shell script that
// prints the step time written in the scenario file, or fails like a bad input would.
using Validate = TempDir;

TEST_F(Validate, RunsOneChildPerCaseAndReportsFailuresWithTheirStderr) {
  const std::string fake =
      write("fake_trainsim",
            "#!/bin/sh\n"
            "[ \"$1\" = step ] && [ \"$3\" = --json ] || exit 9\n"
            "echo \"log line of $2\" >&2\n"
            "case \"$2\" in *bad*) echo \"$2:1:1: error: model: broken\" >&2; exit 2;; esac\n"
            "printf '{\"step\":{\"time_s\":%s,\"mfu\":0.4}}\\n' \"$(cat \"$2\")\"\n");
  fs::permissions(fake, fs::perms::owner_all);
  write("a.yaml", "1.1");
  write("b.yaml", "0.2");
  write("bad.yaml", "0");
  const std::string suite =
      write("suite.yaml",
            "cases:\n"
            "  - {id: a, scenario: a.yaml, metric: step_time_s, published: 1.0, source: s}\n"
            "  - {id: broken, scenario: bad.yaml, metric: step_time_s, published: 1.0, source: s}\n"
            "  - {id: b, scenario: b.yaml, metric: mfu, published: 0.5, source: s}\n");
  for (int jobs : {1, 3}) {
    SCOPED_TRACE("jobs = " + std::to_string(jobs));
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    const int rc = cli::run_validate(suite, true, fake, jobs);
    const std::string out = ::testing::internal::GetCapturedStdout();
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(rc, 1) << "a failed case makes the exit code 1";
    const nlohmann::json doc = nlohmann::json::parse(out);  // exactly one document
    ASSERT_EQ(doc["cases"].size(), 3u);
    SCOPED_TRACE("cases stay in suite order; error = predicted / published - 1");
    EXPECT_EQ(doc["cases"][0]["id"], "a");
    EXPECT_NEAR(doc["cases"][0]["predicted"].get<double>(), 1.1, 1e-12);
    EXPECT_NEAR(doc["cases"][0]["error"].get<double>(), 0.1, 1e-12);
    EXPECT_EQ(doc["cases"][1]["status"], "failed");
    EXPECT_TRUE(doc["cases"][1]["predicted"].is_null());
    EXPECT_NE(doc["cases"][1]["message"].get<std::string>().find("error: model: broken"), std::string::npos);
    EXPECT_NE(doc["cases"][1]["message"].get<std::string>().find("exited with code 2"), std::string::npos);
    EXPECT_EQ(doc["cases"][2]["metric"], "mfu");
    EXPECT_NEAR(doc["cases"][2]["error"].get<double>(), -0.2, 1e-12);
    EXPECT_NEAR(doc["mean_abs_error"].get<double>(), 0.15, 1e-12);
    EXPECT_NEAR(doc["max_abs_error"].get<double>(), 0.2, 1e-12);
    EXPECT_EQ(doc["failed"], 1);
    EXPECT_NE(err.find("case 'broken' failed"), std::string::npos) << err;
  }
}

TEST_F(Validate, CaseArgsArePassedToTheMetricsCommand) {
  // co2_t is computed by `trainsim energy-card ARGS --json`: the stand-in checks its argv and prints
  // the number it was given.
  const std::string fake =
      write("fake_trainsim",
            "#!/bin/sh\n"
            "[ \"$1\" = energy-card ] && [ \"$2\" = --x ] && [ \"$4\" = --json ] && [ $# -eq 4 ] || exit 9\n"
            "printf '{\"energy\":{\"co2_t\":%s}}\\n' \"$3\"\n");
  fs::permissions(fake, fs::perms::owner_all);
  const std::string suite =
      write("suite.yaml",
            "cases:\n  - {id: card, args: [--x, '8800'], metric: co2_t, published: 8000, source: s}\n");
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int rc = cli::run_validate(suite, true, fake);
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(rc, 0) << err;
  const nlohmann::json doc = nlohmann::json::parse(out);
  EXPECT_NEAR(doc["cases"][0]["predicted"].get<double>(), 8800, 1e-9);
  EXPECT_NEAR(doc["cases"][0]["error"].get<double>(), 0.1, 1e-12);
}

TEST_F(Validate, TextTableHasOneRowPerCaseAndTheMeanError) {
  const std::string fake = write("fake_trainsim", "#!/bin/sh\necho '{\"step\":{\"time_s\":2.5}}'\n");
  fs::permissions(fake, fs::perms::owner_all);
  write("a.yaml", "");
  const std::string suite =
      write("suite.yaml",
            "cases:\n  - {id: only, scenario: a.yaml, metric: step_time_s, published: 2.0, source: s}\n");
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(cli::run_validate(suite, false, fake), 0);
  const std::string out = ::testing::internal::GetCapturedStdout();
  ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(only +step_time_s +2 s +2\.5 s +\+25\.0 %)"))) << out;
  EXPECT_NE(out.find("mean |error| 25.0 % over 1 case,"), std::string::npos) << out;
}

TEST(ShippedSuite, LoadsAndComparesStepTimes) {
  const config::ValidationSuite s = config::load_suite(TRAINSIM_SOURCE_DIR "/tests/validation/suite.yaml");
  EXPECT_GE(s.cases.size(), 18u);
  for (const config::ValidationCase& c : s.cases) {
    SCOPED_TRACE(c.id);
    // Throughput cases compare step time (like with like); job-level cases compare failure
    // statistics computed by `trainsim run`.
    // Model-card energy cases compare tCO2eq from GPU-hours (trainsim energy-card).
    EXPECT_TRUE(c.metric == "step_time_s" || c.metric == "failures_per_day" || c.metric == "mttf_h" ||
                c.metric == "co2_t")
        << c.metric;
    EXPECT_FALSE(c.note.empty()) << "every case says how its published value was derived";
  }
}

TEST(ShippedSuite, EveryScenarioIsValidInput) {
  const config::ValidationSuite s = config::load_suite(TRAINSIM_SOURCE_DIR "/tests/validation/suite.yaml");
  for (const config::ValidationCase& c : s.cases) {
    SCOPED_TRACE(c.scenario);
    if (!c.args.empty()) continue;  // no scenario: the command's arguments (energy_test checks them)
    try {
      const config::ScenarioSpec sc = config::load_scenario(c.scenario);
      if (c.metric == "step_time_s")
        EXPECT_EQ(sc.name, c.id);  // generated case files are named after their id
    } catch (const ConfigError& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

}  // namespace
}  // namespace trainsim::report
