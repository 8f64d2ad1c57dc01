// The fabric a cluster spec describes, as the engines run it (DESIGN.md, "One workload,
// three engines"): every NIC of every node is an endpoint, node s owning endpoints
// s x n .. s x n + n - 1 (n = NICs per node), on the spec's topology at its radix,
// oversubscription and link rate; NIC links run at the effective per-interface rate the
// plan uses (catalog line rate x efficiency, or the calibrated figure).
//
// Sizing, with R the radix, o the oversubscription, L the fabric link rate and N the
// NIC rate:
//   leaf_spine: a leaf has u uplinks (one to each of u spines) and h NIC ports with
//     h + u <= R and h N / (u L) = o:  u = floor(R / (1 + o L / N)), h = min(R - u,
//     floor(o u L / N)); as many leaves as the endpoints need. A spine of radix R holds R
//     leaves; a larger cluster is modelled with one spine layer of more ports (a third
//     tier adds hops, not capacity) and a note says so.
//   rail_optimized: NIC r of every node of a group of h nodes hangs off rail switch r of
//     the group; rail switches have u uplinks, sized as above.
//   fat_tree: the smallest k-ary fat-tree (k even, k <= R) with k^3/4 >= endpoints;
//     non-blocking by construction, so an oversubscription other than 1 is noted and
//     not modelled.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "planner/spec/spec.h"
#include "sim/scenario/scenario.h"

namespace fabricplan {

struct SpecFabric {
  sim::TopologySpec topology;
  int nics_per_node = 0;
  int nodes = 0;
  std::map<std::string, int> first_node;  // per group: its nodes are first .. first + count - 1
  double nic_payload_bytes_per_s = 0;      // one NIC, payload (what the engines' NIC links carry)
  // What one node can move to nodes on other leaves through its leaf's uplinks, payload
  // bytes/s each way: its NICs' share of them (a huge value when one leaf holds all).
  double node_uplink_bytes_per_s = 0;
  bool single_switch = false;              // every endpoint on one leaf: no uplinks used
  std::string description;                 // "6 leaves x 48 NIC ports, 12 spines, 400 Gbit/s: 1:1"
  std::vector<std::string> notes;          // what the model changed or left out
};

// `instances[i]` is the instance type of spec.groups[i]; `nic_payload_bytes_per_s` the
// per-NIC payload rate (the plan's effective figure).
SpecFabric build_spec_fabric(const ClusterSpec& spec, const std::vector<const InstanceType*>& instances,
                             double nic_payload_bytes_per_s);

}  // namespace fabricplan
