// How a switch picks one of its equal-cost next hops: the choice functions the packet
// fabric (sim/net/fabric.cc) and the flow engine (models/flow) share, so that both put a
// single-path flow on the same links.
//   route_hash  - a 5-tuple hash stand-in mixing a key (flow id or entropy) with the
//                 switch, so switches decide independently (ECMP);
//   dmodk_index - static D-mod-K on a destination LID (OpenSM's fat-tree engine): a leaf
//                 or edge switch goes up through choice LID mod n, an aggregation switch of
//                 a k-ary fat-tree through (LID div k/2) mod n.
#pragma once

#include <cstdint>
#include <string>

#include "models/topology/topology.h"

namespace fabricplan {

inline std::uint32_t route_hash(std::uint32_t key, int node) {
  std::uint64_t x = (static_cast<std::uint64_t>(key) << 32) ^ static_cast<std::uint32_t>(node);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return static_cast<std::uint32_t>(x);
}

// Index into `n` equal-cost choices at `node` for destination LID `lid`.
inline int dmodk_index(const Topology& topo, int node, std::uint32_t lid, int n) {
  const bool aggregation = topo.nodes[node].kind == NodeKind::kAggregation;
  const std::uint32_t divisor = topo.fat_tree_k > 0 && aggregation ? static_cast<std::uint32_t>(topo.fat_tree_k / 2) : 1;
  return static_cast<int>((lid / divisor) % static_cast<std::uint32_t>(n));
}

// The node a directed port leads to (port 2l: a -> b, 2l+1: b -> a).
inline int port_to(const Topology& topo, std::uint32_t port) {
  const TopoLink& l = topo.links[port / 2];
  return port % 2 ? l.a : l.b;
}
inline int port_from(const Topology& topo, std::uint32_t port) {
  const TopoLink& l = topo.links[port / 2];
  return port % 2 ? l.b : l.a;
}

// Readable node name as find_node() reads it: "host7", "leaf3", "spine0", "edge5", ...
std::string node_name(const Topology& topo, int node);

}  // namespace fabricplan
