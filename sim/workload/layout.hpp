// Parallel layout: which GPU runs which (tp, cp, pp, dp) rank. Ranks are numbered with the
// scenario's order (innermost first; Megatron default tp-cp-dp-pp, Llama 3 tp-cp-pp-dp), rank r
// runs on the job's r-th GPU, and GPU g sits on node g / gpus_per_node (TP innermost stays inside
// a node). Pure C++.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "sim/config/spec.hpp"

namespace trainsim::workload {

struct Coord {
  int64_t tp = 0, cp = 0, pp = 0, dp = 0;
};

class Layout {
 public:
  Layout(const config::ParallelSpec& par, int64_t gpus_per_node);

  int64_t rank_of(const Coord& c) const;
  Coord coord_of(int64_t rank) const;
  int64_t node_of(const Coord& c) const { return rank_of(c) / gpus_per_node_; }
  int64_t gpus_per_node() const { return gpus_per_node_; }
  int64_t size(config::Dim d) const;
  int64_t world() const { return par_.tp * par_.cp * par_.pp * par_.dp; }

  // Members of the group along `dim` that contains `c`, in ring order (index along dim).
  std::vector<int64_t> group_ranks(const Coord& c, config::Dim dim) const;

 private:
  config::ParallelSpec par_;
  int64_t gpus_per_node_;
  std::array<int64_t, 4> stride_{};  // stride of tp, cp, pp, dp (indexed by Dim)
};

}  // namespace trainsim::workload
