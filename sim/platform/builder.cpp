#include "sim/platform/builder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <simgrid/s4u.hpp>

#include "sim/common/error.hpp"
#include "sim/energy/model.hpp"

namespace sg4 = simgrid::s4u;

namespace trainsim::platform {
namespace {

// NVLink / NVSwitch one-way latency. Not published as one figure; NCCL's intra-node small
// message all-reduce floor is a few microseconds (nccl-tests issue #212). Assumption.
constexpr double kNvlinkLatencyS = 1e-6;

// Per ring-step latency of NCCL collectives, the alpha of the alpha-beta model: derived from the
// ~46 us small-message all-reduce of 16 GPUs on 2 nodes (NVIDIA/nccl issue #1244), i.e. about 30
// ring steps of ~1.5 us. Used as the analytic latency term added to each aggregated collective
// flow (../shared/simgrid-notes.md §5.5).
constexpr double kNcclStepLatencyS = 1.5e-6;

std::string numbered(const char* prefix, int64_t i, int width) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%0*lld", prefix, width, static_cast<long long>(i));
  return buf;
}

struct Groups {
  int64_t nodes_per_pod, nodes_per_leaf;
  bool pod_tier, leaf_tier;
};

Groups groups_of(const config::PlatformSpec& p, int64_t nodes) {
  const int64_t gpn = p.node.gpus_per_node;
  Groups g{};
  g.nodes_per_pod = p.fabric.gpus_per_pod > 0 ? std::max<int64_t>(1, p.fabric.gpus_per_pod / gpn) : nodes;
  g.nodes_per_leaf =
      p.fabric.gpus_per_leaf > 0 ? std::max<int64_t>(1, p.fabric.gpus_per_leaf / gpn) : g.nodes_per_pod;
  g.nodes_per_leaf = std::min(g.nodes_per_leaf, g.nodes_per_pod);
  g.pod_tier = nodes > g.nodes_per_pod && p.fabric.pod_oversubscription > 1.0;
  g.leaf_tier =
      g.nodes_per_pod > g.nodes_per_leaf && nodes > g.nodes_per_leaf && p.fabric.leaf_oversubscription > 1.0;
  return g;
}

int64_t p_nodes_per_leaf(const config::PlatformSpec& p) {
  const int64_t gpn = p.node.gpus_per_node;
  return p.fabric.gpus_per_leaf > 0 ? std::max<int64_t>(1, p.fabric.gpus_per_leaf / gpn) : 32;
}

}  // namespace

ClusterView build_platform(const config::PlatformSpec& spec, int64_t nodes_used, double gpu_flop_per_s) {
  const hardware::GpuSpec* gpu = hardware::find_gpu(spec.node.gpu);
  if (gpu == nullptr) throw ConfigError(format_error(spec.loc.str(), "node.gpu", "unknown GPU id"));
  const int64_t gpn = spec.node.gpus_per_node;
  const double net_eff = hardware::network_bus_efficiency(spec.fabric.technology);

  ClusterView view;
  view.gpus_per_node = gpn;
  view.gpu_flop_per_s = gpu_flop_per_s;
  view.nvlink_gpu_bytes_per_s = gpu->nvlink_bandwidth_bytes_per_s * gpu->nvlink_bus_efficiency;
  view.nic_gpu_bytes_per_s = spec.node.nic_bandwidth_bytes_per_s * net_eff;
  view.nccl_step_latency_s = kNcclStepLatencyS;
  const double node_nic_bps = static_cast<double>(spec.node.nics_per_node) * view.nic_gpu_bytes_per_s;
  const double loopback_bps = static_cast<double>(gpn) * view.nvlink_gpu_bytes_per_s;

  const Groups g = groups_of(spec, nodes_used);
  const double sw_lat = spec.fabric.switch_latency_s;
  // Non-blocking tiers contribute latency only. A path crosses two node links (up and down): a
  // leaf-spine-leaf path has 3 switch hops, 1.5 per node link; with a pod tier the two pod
  // uplinks carry one hop each, leaving the leaf and the in-pod spine, 1 per node link.
  const double node_link_lat = spec.node.nic_latency_s + sw_lat * (g.pod_tier ? 1.0 : 1.5);

  sg4::NetZone* root = sg4::create_star_zone("fabric");
  view.nodes.resize(static_cast<size_t>(nodes_used));
  const int64_t pods = g.pod_tier ? (nodes_used + g.nodes_per_pod - 1) / g.nodes_per_pod : 1;
  view.pods = pods;

  // Power states of a node for SimGrid's host energy plugin (power = idle + (all - idle) x busy
  // cores / cores in the current pstate): pstate 0 "training", where idle means the GPUs wait on
  // communication and all cores busy means every GPU computes; pstate 1 "idle"; off = failed.
  const energy::NodePower np = energy::node_power(spec);
  char wattage[160];
  std::snprintf(wattage, sizeof wattage, "%.3f:%.3f,%.3f:%.3f", np.comm_wait_w, np.train_w, np.idle_w,
                np.idle_w);
  const std::string wattage_off = std::to_string(np.off_w);
  auto add_node = [&](sg4::NetZone* zone, int64_t n) {
    sg4::Host* host =
        zone->create_host(numbered("node", n, 5), std::vector<double>{gpu_flop_per_s, gpu_flop_per_s});
    host->set_core_count(static_cast<int>(gpn));
    host->set_property("wattage_per_state", wattage);
    host->set_property("wattage_off", wattage_off);
    host->seal();
    sg4::Link* nvs = zone->create_link(numbered("node", n, 5) + "/nvswitch", loopback_bps);
    nvs->set_latency(kNvlinkLatencyS)->seal();
    sg4::SplitDuplexLink* nic =
        zone->create_split_duplex_link(numbered("node", n, 5) + "/nics", node_nic_bps);
    nic->set_latency(node_link_lat)->seal();
    zone->add_route(host->get_netpoint(), host->get_netpoint(), nullptr, nullptr, {sg4::LinkInRoute(nvs)},
                    false);
    zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr,
                    {sg4::LinkInRoute(nic, sg4::LinkInRoute::Direction::UP)}, true);
    view.nodes[static_cast<size_t>(n)] = host;
    view.links += 2;
  };

  // An oversubscribed tier: a child star zone with a gateway router and one uplink whose
  // capacity is the zone's NIC capacity divided by the oversubscription.
  auto add_tier_zone = [&](sg4::NetZone* parent, const std::string& name, int64_t nodes_in_zone,
                           double oversubscription) {
    sg4::NetZone* zone = sg4::create_star_zone(name);
    zone->set_parent(parent);
    auto* gw = zone->create_router(name + "/gw");
    const double up_bps = static_cast<double>(nodes_in_zone) * node_nic_bps / oversubscription;
    sg4::SplitDuplexLink* up = parent->create_split_duplex_link(name + "/uplink", up_bps);
    up->set_latency(sw_lat)->seal();
    parent->add_route(zone->get_netpoint(), nullptr, gw, nullptr,
                      {sg4::LinkInRoute(up, sg4::LinkInRoute::Direction::UP)}, true);
    view.links += 1;
    return zone;
  };

  for (int64_t p = 0; p < pods; ++p) {
    const int64_t first = p * (g.pod_tier ? g.nodes_per_pod : nodes_used);
    const int64_t last = std::min(nodes_used, first + (g.pod_tier ? g.nodes_per_pod : nodes_used));
    sg4::NetZone* pod_zone = g.pod_tier ? add_tier_zone(root, numbered("pod", p, 3), last - first,
                                                        spec.fabric.pod_oversubscription)
                                        : root;
    if (g.leaf_tier) {
      for (int64_t l = first; l < last; l += g.nodes_per_leaf) {
        const int64_t l_last = std::min(last, l + g.nodes_per_leaf);
        sg4::NetZone* leaf = add_tier_zone(pod_zone, numbered("leaf", l / g.nodes_per_leaf, 4), l_last - l,
                                           spec.fabric.leaf_oversubscription);
        for (int64_t n = l; n < l_last; ++n) add_node(leaf, n);
        leaf->seal();
        ++view.leaves;
      }
    } else {
      for (int64_t n = first; n < last; ++n) add_node(pod_zone, n);
    }
    if (pod_zone != root) pod_zone->seal();
  }
  // The job controller (scheduler, training-job actor): outside the fabric, never turned off.
  view.controller = root->create_host("controller", 1e9);
  view.controller->set_property("wattage_per_state", "0:0");  // accounted nowhere: not a cluster node
  view.controller->set_property("wattage_off", "0");
  view.controller->seal();
  sg4::Link* ctl = root->create_link("controller/loopback", 1e12);
  ctl->seal();
  root->add_route(view.controller->get_netpoint(), view.controller->get_netpoint(), nullptr, nullptr,
                  {sg4::LinkInRoute(ctl)}, false);
  view.nodes_per_leaf = p_nodes_per_leaf(spec);
  root->seal();
  return view;
}

int64_t switch_count(const config::PlatformSpec& spec, int64_t nodes) {
  const double ports = static_cast<double>(nodes * spec.node.nics_per_node);
  const double k = static_cast<double>(spec.fabric.switch_radix);
  if (ports <= k) return 1;
  const double leaves = std::ceil(ports / (k / 2));
  const double up = leaves * (k / 2) / spec.fabric.leaf_oversubscription;  // ports leaving the leaf tier
  double spines = std::ceil(up / k);
  double core = 0;
  if (up > k * (k / 2)) {  // more than one two-tier block: a third tier joins the pods
    spines = std::ceil(up / (k / 2));
    core = std::ceil(up / spec.fabric.pod_oversubscription / k);
  }
  return static_cast<int64_t>(leaves + spines + core);
}

PlatformSummary summarize(const config::PlatformSpec& spec) {
  PlatformSummary s;
  const hardware::GpuSpec* gpu = hardware::find_gpu(spec.node.gpu);
  s.nodes = spec.nodes;
  s.gpus = spec.gpus();
  const int64_t gpn = spec.node.gpus_per_node;
  const int64_t npp =
      spec.fabric.gpus_per_pod > 0 ? std::max<int64_t>(1, spec.fabric.gpus_per_pod / gpn) : s.nodes;
  const int64_t npl =
      spec.fabric.gpus_per_leaf > 0 ? std::max<int64_t>(1, spec.fabric.gpus_per_leaf / gpn) : npp;
  s.pods = (s.nodes + npp - 1) / npp;
  s.leaves = (s.nodes + npl - 1) / npl;
  s.node_injection_bytes_per_s =
      static_cast<double>(spec.node.nics_per_node) * spec.node.nic_bandwidth_bytes_per_s;
  const double inj = s.node_injection_bytes_per_s * static_cast<double>(s.nodes);
  double bis = inj / 2.0;
  if (s.leaves > 1) bis = std::min(bis, inj / spec.fabric.leaf_oversubscription / 2.0);
  if (s.pods > 1)
    bis = std::min(bis, inj / spec.fabric.leaf_oversubscription / spec.fabric.pod_oversubscription / 2.0);
  s.bisection_bytes_per_s = bis;
  if (gpu != nullptr) {
    s.nvlink_domain_bytes_per_s = static_cast<double>(gpn) * gpu->nvlink_bandwidth_bytes_per_s;
    s.gpu_peak_bf16_flop_per_s_total = static_cast<double>(s.gpus) * gpu->bf16_flop_per_s;
    const double node_w = spec.node.system_power_w > 0 ? spec.node.system_power_w : gpu->default_node_power_w;
    s.it_peak_w = node_w * static_cast<double>(s.nodes);
  }
  s.switches = switch_count(spec, s.nodes);
  s.it_peak_w += static_cast<double>(s.switches) * spec.fabric.switch_power_w + spec.storage.power_w;
  s.facility_peak_w = s.it_peak_w * spec.facility.pue;
  return s;
}

}  // namespace trainsim::platform
