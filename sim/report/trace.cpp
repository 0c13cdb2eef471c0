#include "sim/report/trace.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

namespace trainsim::report {
namespace {

constexpr int kPid = 1;

// Simulated seconds -> integer nanoseconds, so that microsecond values print short and exact.
int64_t to_ns(double s) { return static_cast<int64_t>(std::llround(s * 1e9)); }

struct Complete {
  int64_t ts_ns;
  int64_t dur_ns;
  int tid;
  const step::TraceEvent* ev;
};

}  // namespace

std::string chrome_trace(const std::vector<step::TraceEvent>& events, const std::string& title) {
  std::map<std::string, int> tids;         // track -> tid
  std::vector<const std::string*> tracks;  // tid - 1 -> track, in first-appearance order
  std::vector<Complete> complete;
  complete.reserve(events.size());
  for (const step::TraceEvent& e : events) {
    auto [it, inserted] = tids.emplace(e.track, static_cast<int>(tracks.size()) + 1);
    if (inserted) tracks.push_back(&it->first);
    const int64_t start = to_ns(e.start_s);
    complete.push_back({start, std::max<int64_t>(0, to_ns(e.end_s) - start), it->second, &e});
  }
  std::stable_sort(complete.begin(), complete.end(), [](const Complete& a, const Complete& b) {
    return std::tie(a.ts_ns, a.tid, b.dur_ns, a.ev->name, a.ev->category) <
           std::tie(b.ts_ns, b.tid, a.dur_ns, b.ev->name, b.ev->category);
  });

  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  {
    nlohmann::ordered_json m;
    m["name"] = "process_name";
    m["ph"] = "M";
    m["pid"] = kPid;
    m["tid"] = 0;
    m["args"]["name"] = title;
    list.push_back(std::move(m));
  }
  for (size_t i = 0; i < tracks.size(); ++i) {
    const int tid = static_cast<int>(i) + 1;
    nlohmann::ordered_json name;
    name["name"] = "thread_name";
    name["ph"] = "M";
    name["pid"] = kPid;
    name["tid"] = tid;
    name["args"]["name"] = *tracks[i];
    list.push_back(std::move(name));
    nlohmann::ordered_json sort;
    sort["name"] = "thread_sort_index";
    sort["ph"] = "M";
    sort["pid"] = kPid;
    sort["tid"] = tid;
    sort["args"]["sort_index"] = tid;
    list.push_back(std::move(sort));
  }
  for (const Complete& c : complete) {
    nlohmann::ordered_json x;
    x["name"] = c.ev->name;
    x["cat"] = c.ev->category;
    x["ph"] = "X";
    x["ts"] = static_cast<double>(c.ts_ns) / 1e3;
    x["dur"] = static_cast<double>(c.dur_ns) / 1e3;
    x["pid"] = kPid;
    x["tid"] = c.tid;
    list.push_back(std::move(x));
  }

  // One event per line keeps multi-MB traces diffable without pretty-printing every field.
  // Invalid UTF-8 in names (from user input) is replaced rather than thrown on.
  const auto dump = [](const nlohmann::ordered_json& j) {
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  };
  nlohmann::ordered_json other;
  other["title"] = title;
  std::string out = "{\"displayTimeUnit\":\"ms\",\"otherData\":" + dump(other) + ",\"traceEvents\":[\n";
  for (size_t i = 0; i < list.size(); ++i) {
    out += dump(list[i]);
    out += i + 1 < list.size() ? ",\n" : "\n";
  }
  out += "]}\n";
  return out;
}

}  // namespace trainsim::report
