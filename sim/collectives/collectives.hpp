// Collectives as SimGrid flows (design.md §1; ../shared/simgrid-notes.md §5.5): a ring
// collective is one flow per ring edge carrying the ring's per-rank bus traffic, plus an
// analytic latency term, instead of 2(n-1) step messages (within 2.5 % under CM02, hundreds of
// times cheaper). Identical rings that run side by side on the same nodes (the tp GPUs of a
// node each running their own DP ring on their own rail) are merged into one flow of
// `merge` times the bytes and rate cap: under max-min sharing, uniformly merged flows get the
// same aggregate share.
#pragma once

#include <simgrid/forward.h>

#include <cstdint>
#include <vector>

#include "sim/platform/builder.hpp"

namespace trainsim::collectives {

struct Flow {
  int64_t src_node = 0;
  int64_t dst_node = 0;
  double bytes = 0;
};

// Appends the flows of a ring over `member_nodes` (member j's node, in ring order) in which every
// member sends `bus_bytes_per_member` to its successor, `merge` identical rings in parallel.
// Consecutive members on one node exchange over NVSwitch (one merged loopback flow per node);
// the edge leaving a node crosses the network through the node's aggregated NIC link (NCCL
// spreads a ring's channels over the node's rails). Host-to-host comms cannot be rate-capped in
// SimGrid 3.32 (Comm::set_rate only reaches mailbox comms), so these flows are bounded by the
// links alone: exact when the group's GPUs fill their nodes (the usual DP/CP case), optimistic by
// up to nics/(merge x members) otherwise.
void ring_flows(const std::vector<int64_t>& member_nodes, double bus_bytes_per_member, int64_t merge,
                std::vector<Flow>* out);

// Starts the flows as SimGrid comms (Comm::sendto_init) and returns them.
std::vector<simgrid::s4u::CommPtr> start(const platform::ClusterView& view, const std::vector<Flow>& flows);

}  // namespace trainsim::collectives
