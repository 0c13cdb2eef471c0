#include "sim/workload/layout.hpp"

namespace trainsim::workload {
namespace {
int64_t& at(Coord& c, config::Dim d) {
  switch (d) {
    case config::Dim::kTp:
      return c.tp;
    case config::Dim::kCp:
      return c.cp;
    case config::Dim::kPp:
      return c.pp;
    case config::Dim::kDp:
      break;
  }
  return c.dp;
}
int64_t get(const Coord& c, config::Dim d) { return at(const_cast<Coord&>(c), d); }
}  // namespace

Layout::Layout(const config::ParallelSpec& par, int64_t gpus_per_node)
    : par_(par), gpus_per_node_(gpus_per_node) {
  int64_t stride = 1;
  for (config::Dim d : par_.order) {
    stride_[static_cast<size_t>(d)] = stride;
    stride *= size(d);
  }
}

int64_t Layout::size(config::Dim d) const {
  switch (d) {
    case config::Dim::kTp:
      return par_.tp;
    case config::Dim::kCp:
      return par_.cp;
    case config::Dim::kPp:
      return par_.pp;
    case config::Dim::kDp:
      break;
  }
  return par_.dp;
}

int64_t Layout::rank_of(const Coord& c) const {
  int64_t r = 0;
  for (config::Dim d : par_.order) r += get(c, d) * stride_[static_cast<size_t>(d)];
  return r;
}

Coord Layout::coord_of(int64_t rank) const {
  Coord c;
  for (config::Dim d : par_.order) {
    at(c, d) = (rank / stride_[static_cast<size_t>(d)]) % size(d);
  }
  return c;
}

std::vector<int64_t> Layout::group_ranks(const Coord& c, config::Dim dim) const {
  std::vector<int64_t> out;
  Coord x = c;
  for (int64_t i = 0; i < size(dim); ++i) {
    at(x, dim) = i;
    out.push_back(rank_of(x));
  }
  return out;
}

}  // namespace trainsim::workload
