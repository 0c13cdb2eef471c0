#include "sim/collectives/collectives.hpp"

#include <simgrid/s4u.hpp>

#include <algorithm>
#include <map>

namespace sg4 = simgrid::s4u;

namespace trainsim::collectives {

void ring_flows(const platform::ClusterView& view, int64_t nics_per_node, const std::vector<int64_t>& member_nodes,
                double bus_bytes_per_member, int64_t merge, std::vector<Flow>* out) {
  const size_t n = member_nodes.size();
  if (n <= 1 || bus_bytes_per_member <= 0) return;
  const double bytes = bus_bytes_per_member * static_cast<double>(merge);
  // Members of this ring per node (deterministic: std::map keyed by node id).
  std::map<int64_t, int64_t> per_node;
  for (int64_t node : member_nodes) ++per_node[node];
  std::map<int64_t, double> loopback_bytes;
  for (size_t j = 0; j < n; ++j) {
    const int64_t a = member_nodes[j];
    const int64_t b = member_nodes[(j + 1) % n];
    if (a == b) {
      loopback_bytes[a] += bytes;
    } else {
      const double rails = static_cast<double>(std::min(merge * per_node[a], nics_per_node));
      out->push_back(Flow{a, b, bytes, rails * view.nic_gpu_bytes_per_s});
    }
  }
  for (const auto& [node, b] : loopback_bytes) {
    // The intra-node edges run in parallel on distinct GPU pairs: cap at their GPUs' NVLink.
    const double gpus = static_cast<double>(merge * std::max<int64_t>(1, per_node[node] - 1));
    out->push_back(Flow{node, node, b, gpus * view.nvlink_gpu_bytes_per_s});
  }
}

std::vector<sg4::CommPtr> start(const platform::ClusterView& view, const std::vector<Flow>& flows) {
  std::vector<sg4::CommPtr> comms;
  comms.reserve(flows.size());
  for (const Flow& f : flows) {
    sg4::CommPtr c = sg4::Comm::sendto_init(view.nodes[static_cast<size_t>(f.src_node)],
                                            view.nodes[static_cast<size_t>(f.dst_node)]);
    c->set_payload_size(static_cast<uint64_t>(f.bytes));
    if (f.rate_cap_bytes_per_s > 0) c->set_rate(f.rate_cap_bytes_per_s);
    c->start();
    comms.push_back(c);
  }
  return comms;
}

}  // namespace trainsim::collectives
