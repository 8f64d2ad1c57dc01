// Topology: switches, hosts and full-duplex links of a fabric, and the equal-cost
// next hops from every node towards every host (computed with Boost.Graph BFS).
//
// Builders: two-tier leaf-spine (every leaf linked once to every spine), rail-optimized,
// and three-tier k-ary fat-tree (k pods of k/2 edge and k/2 aggregation switches, (k/2)^2 cores).
// Host h of a leaf-spine with H hosts per leaf hangs off leaf h / H; in the fat-tree,
// host h is on edge switch h / (k/2) in pod h / (k/2)^2, as bench/SCENARIOS.md numbers them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fabricplan {

// Link rates every engine represents, checked by every reader of a rate (cluster spec,
// catalog, scenario, calibration profile) and by the packet fabric itself: the packet
// fabric keeps whole picoseconds per byte (one at 8000 Gbit/s, 5x the fastest port sold
// in 2026), and a thousandth of a Gbit/s keeps per-packet times far from overflow.
inline constexpr double kMaxLinkGbitPerS = 8000;
inline constexpr double kMinLinkGbitPerS = 0.001;
// A NIC's payload rate: half the largest link, so that its wire rate with any header
// overhead (a packet's header is at most its payload) stays representable.
inline constexpr double kMaxNicGbitPerS = kMaxLinkGbitPerS / 2;

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
  int fat_tree_k = 0;  // k of a fat-tree (D-mod-K needs k/2 at the aggregation level), else 0
  std::string description;

  int add_node(NodeKind kind, int index);
};

Topology build_leaf_spine(int leaves, int hosts_per_leaf, int spines, double gbit_per_s,
                          double propagation_us);
Topology build_fat_tree(int k, double gbit_per_s, double propagation_us);
// Rail-optimized: `groups` of `servers_per_group` servers with `rails` NICs each; NIC r
// of every server in group g hangs off rail switch (g, r) (a kLeaf, index g*rails + r),
// and every rail switch links once to every spine. Endpoint (g, s, r) is host
// (g * servers_per_group + s) * rails + r, so a server's NICs are consecutive.
Topology build_rail_optimized(int groups, int servers_per_group, int rails, int spines, double gbit_per_s,
                              double propagation_us);

// Directed ports: link l gives port 2l (a -> b) and 2l+1 (b -> a).
// Every host has exactly one link, so the way to host d from any node other than d's
// own switch is the way to that switch: tables are kept per (node, destination switch),
// a few kilobytes that stay in cache, instead of per (node, destination host).
// Hosts (nodes [0, hosts)) have one link and never forward: a host's only choice is its
// uplink, so rows are kept for switches only (a 4096-leaf fabric's table was 0.5 GB).
struct NextHops {
  std::vector<std::uint32_t> offset;  // [(switch node - hosts) * groups + group] into ports
  std::vector<std::uint16_t> count;
  std::vector<std::uint32_t> ports;
  std::vector<std::uint32_t> host_group;   // destination switch group of each host
  std::vector<int> group_switch;           // node id of each group's switch
  std::vector<std::uint32_t> host_port;    // the port from a host's switch down to it
  std::vector<std::uint32_t> host_uplink;  // the port from a host up to its switch (UINT32_MAX: down)
  std::vector<int> host_switch;            // each host's switch
  int hosts = 0;
  int groups = 0;
  struct Choices {
    const std::uint32_t* ports;
    int count;
  };
  // The equal-cost ports from `node` towards host `dst` (count 0: unreachable).
  Choices choices(int node, int dst) const {
    std::uint32_t g = host_group[dst];
    if (node < hosts) {  // up to its switch, if that switch has a way on
      const int sw = host_switch[node];
      if (host_uplink[node] == UINT32_MAX) return {nullptr, 0};
      if (sw != group_switch[g] && count[static_cast<std::size_t>(sw - hosts) * groups + g] == 0) return {nullptr, 0};
      return {&host_uplink[node], 1};
    }
    if (group_switch[g] == node) return {&host_port[dst], 1};
    std::size_t i = static_cast<std::size_t>(node - hosts) * groups + g;
    return {ports.data() + offset[i], count[i]};
  }
};

// Shortest-path next hops (all equal-cost choices, in port order) towards every host.
// `link_up` (one entry per link, may be empty) leaves failed links out.
NextHops compute_next_hops(const Topology& topo, const std::vector<bool>& link_up = {});

// Index of the link joining nodes a and b (either order), or -1.
int find_link(const Topology& topo, int a, int b);
// Node id from a readable name: "host7", "leaf3", "spine0", "edge5", "agg2", "core9";
// -1 if there is no such node.
int find_node(const Topology& topo, const std::string& name);

}  // namespace fabricplan
