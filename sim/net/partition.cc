#include "sim/net/partition.h"

#include <algorithm>

namespace fabricplan::sim {

Partition partition_by_edge(const Topology& topo, unsigned threads) {
  const auto nodes = topo.nodes.size();
  std::vector<int> switch_of_host(static_cast<std::size_t>(topo.hosts), -1);
  std::vector<bool> is_edge(nodes, false);
  for (const TopoLink& l : topo.links) {
    const int host = l.a < topo.hosts ? l.a : l.b < topo.hosts ? l.b : -1;
    const int other = host == l.a ? l.b : l.a;
    if (host < 0 || other < topo.hosts) continue;
    if (switch_of_host[static_cast<std::size_t>(host)] < 0) switch_of_host[static_cast<std::size_t>(host)] = other;
    is_edge[static_cast<std::size_t>(other)] = true;
  }
  const auto edges = static_cast<std::uint32_t>(std::count(is_edge.begin(), is_edge.end(), true));
  Partition p;
  p.lanes = std::max<std::uint32_t>(1, std::min(edges, kMaxLanes));
  p.threads = std::max(1u, threads);
  p.lane_of_node.assign(nodes, 0);
  std::uint32_t edge_rank = 0, other_rank = 0;
  for (std::size_t n = static_cast<std::size_t>(topo.hosts); n < nodes; ++n) {
    p.lane_of_node[n] = (is_edge[n] ? edge_rank++ : other_rank++) % p.lanes;
  }
  for (int h = 0; h < topo.hosts; ++h) {
    const int sw = switch_of_host[static_cast<std::size_t>(h)];
    p.lane_of_node[static_cast<std::size_t>(h)] = sw < 0 ? 0 : p.lane_of_node[static_cast<std::size_t>(sw)];
  }
  // One lane (nothing crosses): any lookahead will do; a window then spans a second.
  const std::int64_t crossing = min_crossing_propagation_ps(topo, p.lane_of_node);
  p.lookahead = Time::from_ps(crossing < 0 ? 1'000'000'000'000 : crossing);
  return p;
}

std::int64_t min_crossing_propagation_ps(const Topology& topo, const std::vector<std::uint32_t>& lane_of_node) {
  std::int64_t least = -1;
  for (const TopoLink& l : topo.links) {
    // A switch-to-switch link may carry a packet into another lane even between two
    // switches of one lane (the fabric runs an arrival where its next port is).
    const bool host_link = l.a < topo.hosts || l.b < topo.hosts;
    if (host_link && lane_of_node[static_cast<std::size_t>(l.a)] == lane_of_node[static_cast<std::size_t>(l.b)]) continue;
    const std::int64_t ps = Time::from_us(l.propagation_us).ps();
    if (least < 0 || ps < least) least = ps;
  }
  return least;
}

}  // namespace fabricplan::sim
