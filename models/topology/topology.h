// Topology: switches, hosts and full-duplex links of a fabric, and the equal-cost
// next hops from every node towards every host (computed with Boost.Graph BFS).
//
// Builders: two-tier leaf-spine (every leaf linked once to every spine) and three-tier
// k-ary fat-tree (k pods of k/2 edge and k/2 aggregation switches, (k/2)^2 cores).
// Host h of a leaf-spine with H hosts per leaf hangs off leaf h / H; in the fat-tree,
// host h is on edge switch h / (k/2) in pod h / (k/2)^2, as SCENARIOS.md numbers them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fabricplan {

enum class NodeKind : std::uint8_t { kHost, kLeaf, kSpine, kEdge, kAggregation, kCore };

struct TopoNode {
  NodeKind kind;
  int index;  // within its kind
};

struct TopoLink {
  int a, b;  // node ids; the link is full duplex
  double gbit_per_s;
  double propagation_us;
};

struct Topology {
  std::vector<TopoNode> nodes;  // hosts first: node id h is host h
  std::vector<TopoLink> links;
  int hosts = 0;
  std::string description;

  int add_node(NodeKind kind, int index);
};

Topology build_leaf_spine(int leaves, int hosts_per_leaf, int spines, double gbit_per_s,
                          double propagation_us);
Topology build_fat_tree(int k, double gbit_per_s, double propagation_us);

// Directed ports: link l gives port 2l (a -> b) and 2l+1 (b -> a).
struct NextHops {
  // For node n and destination host d: ports[offset[n * hosts + d] ..+ count[...]].
  std::vector<std::uint32_t> offset;
  std::vector<std::uint16_t> count;
  std::vector<std::uint32_t> ports;
  int hosts = 0;
  const std::uint32_t* begin(int node, int dst) const { return ports.data() + offset[static_cast<std::size_t>(node) * hosts + dst]; }
  int size(int node, int dst) const { return count[static_cast<std::size_t>(node) * hosts + dst]; }
};

// Shortest-path next hops (all equal-cost choices, in port order) towards every host.
NextHops compute_next_hops(const Topology& topo);

}  // namespace fabricplan
