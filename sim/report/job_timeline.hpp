// The job timeline of replication 0 as intervals per activity (training, redone work, checkpoint
// stalls, failure recovery, planned maintenance, launch), derived from what sim/job recorded: the
// power-state changes (JobResult::power) and the events (JobResult::timeline). Feeds the Gantt
// plot (plots.hpp) and job_trace.json (Chrome trace, one track per activity).
#pragma once

#include <string>
#include <vector>

#include "sim/job/job.hpp"
#include "sim/step/step.hpp"

namespace trainsim::report {

enum class Activity { kLaunch, kTraining, kRedone, kCheckpoint, kRecovery, kMaintenance };

// Track name of an activity in job_trace.json and the Gantt legend: "launch", "training",
// "redone work", "checkpoint stall", "failure recovery", "planned maintenance".
const char* activity_name(Activity a);

struct JobInterval {
  Activity kind = Activity::kTraining;
  double start_s = 0, end_s = 0;  // from job start
  std::string name;               // what the trace shows: "training", "faulty_gpu", "detection", ...
  int depth = 0;                  // 0 = a whole activity; 1 = a phase inside it (detection, restart, reload)
};

struct JobTimeline {
  std::vector<JobInterval> intervals;  // sorted by start, then depth
  struct Failure {
    double time_s;
    std::string category;
  };
  std::vector<Failure> failures;  // unexpected interruptions, in time order
  double wall_s = 0;
};

// Training = the power state "training"; a training stretch after the last completed checkpoint
// (or after the restart) that a failure cuts short is "redone work" (its steps are trained again).
// Recovery runs from a failure to the end of the reload (phases: detection, restart including any
// wait for repaired nodes, reload); maintenance from its notice to the end of the reload; launch
// from 0 to the end of the first reload. Empty when the run kept no timeline.
JobTimeline job_timeline(const job::JobResult& job);

// One Chrome-trace slice per interval, track = activity_name(kind); recovery phases nest inside
// their recovery slice.
std::vector<step::TraceEvent> job_trace_events(const JobTimeline& tl);

}  // namespace trainsim::report
