// The process's one SimGrid engine (SimGrid keeps global state: one simulation per process).
// The step simulation and the job simulation run in it one after the other: the platform is
// built once, the step's actors run to completion, then the job's replications run, each from
// the clock at which the previous one ended (results use times relative to their own start).
#pragma once

#include <simgrid/forward.h>

namespace trainsim::platform {

// Creates the engine on first use, configured for bulk flows: CM02 without cross-traffic (exact
// fluid max-min, ../shared/simgrid-notes.md §3.7), no TCP window bound (RDMA), SimGrid's own
// logs at critical only, host energy plugin on.
simgrid::s4u::Engine& engine();

}  // namespace trainsim::platform
