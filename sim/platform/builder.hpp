// Platform builder: turns a PlatformSpec into SimGrid zones, hosts and links. The only code in
// trainsim that creates SimGrid resources (style.md §9.1).
//
// Model (docs/models/platform.md; measured choices in ../shared/simgrid-notes.md §5):
//   * one SimGrid host per node, one core per GPU (core speed = the GPU's dense peak at the
//     training precision), so 100,000 GPUs stay at 12,500 hosts;
//   * the NVSwitch domain is the node's loopback link: gpus x NVLink bandwidth x NCCL efficiency;
//   * the node's NICs (one per GPU, rail-aligned) are one split-duplex link of
//     nics x line rate x RDMA efficiency: under the symmetric traffic of training every rail
//     carries the same load, so eight parallel rails and one aggregated link give the same
//     max-min shares;
//   * switch tiers that are non-blocking add latency only; an oversubscribed tier (leaf uplinks,
//     pod uplinks to the core) becomes one split-duplex uplink per leaf / pod with the
//     downlink capacity divided by the oversubscription, so traffic crossing it contends in
//     SimGrid's flow model.
//
//                 [core]  (StarZone "fabric": one uplink per pod, capacity / pod_oversubscription)
//               /        \   (pods)
//        [pod000]  ...  [podNNN]   (StarZone per pod; leaf zones inside only if leaves oversubscribed)
//        /  |  \   (nodes)
//   node00000 ... (host, 8 cores; loopback = NVSwitch; up/down = node NIC link)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/config/spec.hpp"
#include "sim/hardware/catalog.hpp"

namespace simgrid::s4u {
class Host;
}

namespace trainsim::platform {

// What the rest of the simulator sees of the built platform.
struct ClusterView {
  std::vector<simgrid::s4u::Host*> nodes;    // index = node id (0 .. nodes_used-1)
  simgrid::s4u::Host* controller = nullptr;  // scheduler / job controller host, never fails
  int64_t nodes_per_leaf = 0;                // for the blast radius of a leaf switch
  int64_t gpus_per_node = 0;
  double gpu_flop_per_s = 0;          // core speed
  double nvlink_gpu_bytes_per_s = 0;  // effective per-GPU NVLink bandwidth (cap per GPU flow)
  double nic_gpu_bytes_per_s = 0;     // effective per-NIC bandwidth
  double nccl_step_latency_s = 0;     // per ring step, analytic latency term
  int64_t pods = 0, leaves = 0, links = 0;
};

// Builds the platform for the first `nodes_used` nodes. REQUIRES: a fresh SimGrid engine
// (created by the caller) with no platform loaded; nodes_used <= spec.nodes.
ClusterView build_platform(const config::PlatformSpec& spec, int64_t nodes_used, double gpu_flop_per_s);

// Static facts for `trainsim describe` (no SimGrid).
struct PlatformSummary {
  int64_t gpus = 0, nodes = 0, leaves = 0, pods = 0;
  double node_injection_bytes_per_s = 0;  // NIC line rate per node
  double bisection_bytes_per_s = 0;       // one direction, line rate, after oversubscription
  double nvlink_domain_bytes_per_s = 0;   // per node, one direction
  double gpu_peak_bf16_flop_per_s_total = 0;
  int64_t switches = 0;        // of a folded Clos over the NIC ports (switch_count)
  double it_peak_w = 0;        // nodes x vendor system power + switches x switch power
  double facility_peak_w = 0;  // x PUE
};
PlatformSummary summarize(const config::PlatformSpec& spec);

// Switches of a folded Clos (fat tree) that connects `nodes` x nics_per_node NIC ports with
// radix-k switches: leaves = ceil(ports / (k/2)) (half of a leaf's ports face the nodes); a second
// tier when the leaves exceed one switch's reach, leaves x (k/2) / k spines divided by the leaf
// oversubscription; a third tier above the pods likewise divided by the pod oversubscription.
// For a non-blocking tree this is the usual count (Al-Fares et al., SIGCOMM'08: a 3-tier k-ary fat
// tree of k^3/4 hosts has 5k^2/4 switches); used for the fabric's power.
int64_t switch_count(const config::PlatformSpec& spec, int64_t nodes);

}  // namespace trainsim::platform
