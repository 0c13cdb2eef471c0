#include "sim/collectives/collectives.hpp"

#include <map>
#include <simgrid/s4u.hpp>

namespace sg4 = simgrid::s4u;

namespace trainsim::collectives {

void ring_flows(const std::vector<int64_t>& member_nodes, double bus_bytes_per_member, int64_t merge,
                std::vector<Flow>* out) {
  const size_t n = member_nodes.size();
  if (n <= 1 || bus_bytes_per_member <= 0) return;
  const double bytes = bus_bytes_per_member * static_cast<double>(merge);
  // Intra-node edges of one node run in parallel on distinct GPU pairs of the NVSwitch: one merged
  // loopback flow per node (std::map: deterministic order).
  std::map<int64_t, double> loopback_bytes;
  for (size_t j = 0; j < n; ++j) {
    const int64_t a = member_nodes[j];
    const int64_t b = member_nodes[(j + 1) % n];
    if (a == b) {
      loopback_bytes[a] += bytes;
    } else {
      out->push_back(Flow{a, b, bytes});
    }
  }
  for (const auto& [node, b] : loopback_bytes) out->push_back(Flow{node, node, b});
}

std::vector<sg4::CommPtr> start(const platform::ClusterView& view, const std::vector<Flow>& flows) {
  std::vector<sg4::CommPtr> comms;
  comms.reserve(flows.size());
  for (const Flow& f : flows) {
    sg4::CommPtr c = sg4::Comm::sendto_init(view.nodes[static_cast<size_t>(f.src_node)],
                                            view.nodes[static_cast<size_t>(f.dst_node)]);
    c->set_payload_size(static_cast<uint64_t>(f.bytes));
    c->start();
    comms.push_back(c);
  }
  return comms;
}

}  // namespace trainsim::collectives
