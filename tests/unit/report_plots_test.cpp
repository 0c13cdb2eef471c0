// report/svg, report/job_timeline, report/plots and config::input_keys: pure C++, no Engine.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "sim/config/loader.hpp"
#include "sim/report/job_timeline.hpp"
#include "sim/report/plots.hpp"
#include "sim/report/svg.hpp"
#include "sim/report/trace.hpp"

namespace trainsim::report {
namespace {

using job::PowerState;

TEST(Svg, EscapesMarkup) {
  EXPECT_EQ(svg::esc("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
}

TEST(Svg, NumbersAreShortAndPlain) {
  const std::vector<std::pair<double, std::string>> rows = {
      {0, "0"}, {12.5, "12.5"}, {1200, "1200"}, {0.25, "0.25"}, {1e-12, "0"}, {123456789, "123456789"}};
  for (const auto& [v, want] : rows) EXPECT_EQ(svg::num(v), want) << v;
}

TEST(Svg, NiceTicksCoverTheRangeInRoundSteps) {
  struct Row {
    double lo, hi;
    int target;
    std::vector<double> want;
  };
  const std::vector<Row> rows = {{0, 10, 6, {0, 2, 4, 6, 8, 10}},
                                 {0, 22.3, 6, {0, 5, 10, 15, 20}},
                                 {0, 0.9, 4, {0, 0.5}},
                                 {3, 3, 3, {3, 3.5, 4}}};
  for (const Row& r : rows) {
    const auto t = svg::nice_ticks(r.lo, r.hi, r.target);
    ASSERT_EQ(t.size(), r.want.size()) << r.lo << ".." << r.hi;
    for (size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(t[i], r.want[i], 1e-9);
  }
}

TEST(Svg, CanvasCountsElementsAndClosesTheDocument) {
  svg::Canvas c(100, 50, "t<1>");
  c.rect(0, 0, 10, 10, "#f00", "tip & more");
  c.line(0, 0, 1, 1, "#000");
  c.text(5, 5, "x < y");
  EXPECT_EQ(c.elements(), 3);
  const std::string s = c.str();
  EXPECT_EQ(s.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(s.find("<title>t&lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(s.find("<title>tip &amp; more</title>"), std::string::npos);
  EXPECT_NE(s.find("x &lt; y"), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 7), "</svg>\n");
}

// A small replication 0: launch (0-100 s), training with two checkpoint stalls, a failure at 700 s
// (after the second checkpoint completed at 510 s), recovery to 1000 s, training to the end at 1500 s.
job::JobResult synthetic_job() {
  job::JobResult j;
  j.replications.resize(1);
  j.replications[0].wall_s = 1500;
  j.power = {{0, PowerState::kDown},    {100, PowerState::kTrain},      {300, PowerState::kCheckpoint},
             {310, PowerState::kTrain}, {500, PowerState::kCheckpoint}, {510, PowerState::kTrain},
             {700, PowerState::kDown},  {1000, PowerState::kTrain},     {1500, PowerState::kDown}};
  j.timeline = {{90, "restarted", "", 0},
                {100, "reloaded", "", 0},
                {100, "launch_end", "", 0},
                {510, "checkpoint", "2", 20},
                {700, "failure", "faulty_gpu nodes_down=1", 28},
                {760, "detected", "", 20},
                {760, "spare_used", "1", 20},
                {990, "restarted", "", 20},
                {1000, "reloaded", "", 20},
                {1500, "end", "", 40}};
  return j;
}

TEST(JobTimeline, SplitsTrainingIntoKeptAndRedoneAndNestsRecoveryPhases) {
  const JobTimeline tl = job_timeline(synthetic_job());
  EXPECT_DOUBLE_EQ(tl.wall_s, 1500);
  ASSERT_EQ(tl.failures.size(), 1u);
  EXPECT_EQ(tl.failures[0].category, "faulty_gpu");
  double train = 0, redone = 0, ck = 0;
  std::vector<std::string> recovery;
  for (const JobInterval& i : tl.intervals) {
    EXPECT_GE(i.end_s, i.start_s);
    if (i.kind == Activity::kTraining) train += i.end_s - i.start_s;
    if (i.kind == Activity::kRedone) redone += i.end_s - i.start_s;
    if (i.kind == Activity::kCheckpoint) ck += i.end_s - i.start_s;
    if (i.kind == Activity::kRecovery) recovery.push_back(i.name + "@" + std::to_string(i.depth));
  }
  SCOPED_TRACE(
      "training 100-300, 310-500, 1000-1500 kept; 510-700 redone (after the last completed checkpoint)");
  EXPECT_DOUBLE_EQ(train, 200 + 190 + 500);
  EXPECT_DOUBLE_EQ(redone, 190);
  EXPECT_DOUBLE_EQ(ck, 20);
  EXPECT_EQ(recovery, (std::vector<std::string>{"faulty_gpu@0", "detection@1", "restart@1", "reload@1"}));
}

TEST(JobTimeline, TraceHasOneTrackPerActivityAndValidSlices) {
  const std::string text = chrome_trace(job_trace_events(job_timeline(synthetic_job())), "unit job");
  const auto doc = nlohmann::json::parse(text);
  std::vector<std::string> tracks;
  for (const auto& e : doc["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name") tracks.push_back(e["args"]["name"]);
    if (e["ph"] == "X") {
      EXPECT_GE(e["dur"].get<double>(), 0);
      EXPECT_GE(e["ts"].get<double>(), 0);
    }
  }
  EXPECT_EQ(tracks, (std::vector<std::string>{"launch", "training", "redone work", "checkpoint stall",
                                              "failure recovery"}));
}

TEST(Plots, TimelineAndPowerAndStepAreNonTrivialSvg) {
  const JobTimeline tl = job_timeline(synthetic_job());
  const std::string t = timeline_svg(tl, "unit");
  EXPECT_NE(t.find("time since job start (h)"), std::string::npos);  // a short run: one strip, hours
  EXPECT_GT(std::count(t.begin(), t.end(), '<'), 20);
  const std::string p = power_svg({{0, 1e6}, {100, 5e6}, {700, 1e6}, {1000, 5e6}, {1500, 5e6}}, "unit");
  EXPECT_NE(p.find("facility power (MW)"), std::string::npos);
  step::StepProfile sp;
  sp.time_s = 2;
  sp.breakdown = {1.2, 0.2, 0, 0.1, 0.1, 0.3, 0.1};
  const std::string s = step_svg(sp, "unit");
  EXPECT_NE(s.find("time in one step (s)"), std::string::npos);
  EXPECT_NE(s.find("critical pipeline rank"), std::string::npos);  // no trace: one bar
}

TEST(Plots, StageBreakdownSumsTraceSlicesPerTrackAndCategory) {
  step::StepProfile p;
  p.time_s = 10;
  p.trace = {{"stage 00", "F", "compute", 0, 4},
             {"stage 00", "w", "bubble", 4, 5},
             {"stage 01", "F", "compute", 0, 6},
             {"stage 01", "tp", "tp", 6, 7},
             {"stage 00", "B", "compute", 5, 9}};
  const auto rows = stage_breakdown(p);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].track, "stage 00");
  EXPECT_DOUBLE_EQ(rows[0].seconds[0], 8);      // compute
  EXPECT_DOUBLE_EQ(rows[0].seconds[5], 1);      // bubble
  EXPECT_DOUBLE_EQ(rows[0].seconds.back(), 1);  // idle
  EXPECT_DOUBLE_EQ(rows[1].seconds[1], 1);      // tp
  EXPECT_DOUBLE_EQ(rows[1].seconds.back(), 3);
}

TEST(InputKeys, EverySubsectionIsAKeyOfItsParent) {
  std::set<std::pair<std::string, std::string>> keys;
  for (const auto& k : config::input_keys()) {
    EXPECT_TRUE(keys.insert({k.file, k.key}).second) << "duplicate " << k.file << " " << k.key;
  }
  for (const auto& [file, key] : keys) {
    const size_t dot = key.rfind('.');
    if (dot == std::string::npos) continue;
    std::string parent = key.substr(0, dot);
    if (parent.size() > 2 && parent.compare(parent.size() - 2, 2, "[]") == 0)
      parent.resize(parent.size() - 2);
    EXPECT_TRUE(keys.count({file, parent})) << file << ": " << key << " has no parent key " << parent;
  }
  EXPECT_TRUE(keys.count({"platform", "node.gpu"}));
  EXPECT_TRUE(keys.count({"scenario", "failures.categories[].rate"}));
  EXPECT_TRUE(keys.count({"model_preset", "source"}));
}

}  // namespace
}  // namespace trainsim::report
