// The step as a Chrome Trace Event document (the JSON Object Format of the "Trace Event Format"
// spec), which https://ui.perfetto.dev and chrome://tracing open.
#pragma once

#include <string>
#include <vector>

#include "sim/step/step.hpp"

namespace trainsim::report {

// {"displayTimeUnit": "ms", "otherData": {"title": TITLE},
//  "traceEvents": [metadata..., complete events...]}
//  - one process (pid 1) named TITLE ("process_name" metadata event, ph "M");
//  - one thread per distinct TraceEvent::track, tid 1, 2, ... in order of first appearance, each
//    with "thread_name" and "thread_sort_index" metadata so Perfetto keeps that order;
//  - one complete event (ph "X") per TraceEvent: name, cat = category, ts and dur in microseconds
//    of simulated time (rounded to the nanosecond), pid, tid. Sorted by (ts, tid, dur descending,
//    name, cat) so that equal inputs give byte-identical output and enclosing events come first.
// An event with end_s < start_s gets dur 0.
std::string chrome_trace(const std::vector<step::TraceEvent>& events, const std::string& title);

}  // namespace trainsim::report
