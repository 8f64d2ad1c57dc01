#include "planner/engine_run/spec_fabric.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "models/units/units.h"

namespace fabricplan {
namespace {

// Wire bytes per payload byte of the engines' packet format (4096-byte payload, 64-byte
// headers), so a NIC link of this rate carries the stated payload rate.
constexpr double kWireFactor = 1.0 + 64.0 / 4096.0;

struct LeafShape {
  int nic_ports = 0, uplinks = 0;
};

LeafShape size_leaf(int radix, double oversubscription, double link_gbit, double nic_gbit) {
  LeafShape s;
  s.uplinks = std::max(1, static_cast<int>(std::floor(radix / (1.0 + oversubscription * link_gbit / nic_gbit))));
  s.uplinks = std::min(s.uplinks, radix - 1);
  s.nic_ports = std::max(1, std::min(radix - s.uplinks,
                                     static_cast<int>(std::floor(oversubscription * s.uplinks * link_gbit / nic_gbit + 1e-9))));
  return s;
}

std::string fmt(const char* f, double a, double b = 0, double c = 0, double d = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, a, b, c, d);
  return buf;
}

}  // namespace

SpecFabric build_spec_fabric(const ClusterSpec& spec, const std::vector<const InstanceType*>& instances,
                             double nic_payload_bytes_per_s) {
  SpecFabric f;
  f.nic_payload_bytes_per_s = nic_payload_bytes_per_s;
  for (std::size_t i = 0; i < spec.groups.size(); ++i) {
    f.first_node[spec.groups[i].name] = f.nodes;
    f.nodes += spec.groups[i].count;
    f.nics_per_node = std::max(f.nics_per_node, instances[i]->interfaces);
  }
  for (std::size_t i = 0; i < spec.groups.size(); ++i) {
    if (instances[i]->interfaces != f.nics_per_node) {
      f.notes.push_back("group " + spec.groups[i].name + " has " + std::to_string(instances[i]->interfaces) +
                        " NICs per node; every node is given " + std::to_string(f.nics_per_node) +
                        " endpoints and the extra ones stay idle");
    }
  }
  const FabricSpec& fs = spec.fabric;
  const double nic_gbit = units::bytes_per_s_to_gbit_per_s(nic_payload_bytes_per_s) * kWireFactor;
  const int endpoints = f.nodes * f.nics_per_node;
  sim::TopologySpec& t = f.topology;
  t.link_gbit_per_s = fs.link_gbit_per_s;
  t.host_link_gbit_per_s = nic_gbit;
  t.propagation_us = 1;
  t.nics_per_server = f.nics_per_node;
  const double per_nic_gbit = nic_gbit / kWireFactor;

  if (fs.topology == TopologyKind::kFatTree) {
    int k = 4;
    while (k * k * k / 4 < endpoints) k += 2;
    t.kind = "fat_tree";
    t.k = k;
    if (k > fs.radix) {
      f.notes.push_back("a k-ary fat-tree of radix " + std::to_string(fs.radix) + " holds " +
                        std::to_string(fs.radix * fs.radix * fs.radix / 4) + " endpoints; " + std::to_string(endpoints) +
                        " need k = " + std::to_string(k) + ", which is modelled");
    }
    if (fs.oversubscription != 1) {
      f.notes.push_back("a k-ary fat-tree is non-blocking: oversubscription " + fmt("%.3g", fs.oversubscription) +
                        " is not modelled");
    }
    f.description = fmt("%.0f-ary fat-tree (%.0f endpoints), %.0f Gbit/s switch links, NICs at %.0f Gbit/s", k,
                        k * k * k / 4.0, fs.link_gbit_per_s, per_nic_gbit);
    // Full bisection: a node's NICs are its limit.
    f.node_uplink_bytes_per_s = f.nics_per_node * nic_payload_bytes_per_s;
    f.single_switch = endpoints <= k / 2;
    return f;
  }

  const LeafShape leaf = size_leaf(fs.radix, fs.oversubscription, fs.link_gbit_per_s, per_nic_gbit);
  const double real_ratio = leaf.nic_ports * per_nic_gbit / (leaf.uplinks * fs.link_gbit_per_s);
  if (fs.topology == TopologyKind::kLeafSpine) {
    t.kind = "leaf_spine";
    t.hosts_per_leaf = leaf.nic_ports;
    t.leaves = (endpoints + leaf.nic_ports - 1) / leaf.nic_ports;
    t.spines = leaf.uplinks;
    f.single_switch = t.leaves == 1;
    f.description = f.single_switch
                        ? fmt("leaf-spine: one leaf of %.0f NIC ports holds every NIC (its %.0f uplinks carry nothing), ",
                              leaf.nic_ports, t.spines) +
                              fmt("NICs at %.0f Gbit/s", per_nic_gbit)
                        : fmt("leaf-spine: %.0f leaves x %.0f NIC ports, ", t.leaves, leaf.nic_ports) +
                              fmt("%.0f spines at %.0f Gbit/s, ", t.spines, fs.link_gbit_per_s) +
                              fmt("NICs at %.0f Gbit/s: %.2f:1 at the leaf", per_nic_gbit, real_ratio);
    if (t.leaves > fs.radix) {
      f.notes.push_back("a spine of radix " + std::to_string(fs.radix) + " holds " + std::to_string(fs.radix) +
                        " leaves; this cluster needs " + std::to_string(t.leaves) +
                        ": modelled as one spine layer with more ports (a third tier adds hops, not capacity)");
    }
    // A node's NICs occupy nics/h of its leaf; they get that share of its uplinks.
    const double share = static_cast<double>(f.nics_per_node) / leaf.nic_ports;
    const double uplink = leaf.uplinks * units::gbit_per_s_to_bytes_per_s(fs.link_gbit_per_s) / kWireFactor;
    f.node_uplink_bytes_per_s = f.single_switch ? 1e30 : uplink * share;
  } else {
    t.kind = "rail_optimized";
    t.rails = f.nics_per_node;
    t.servers_per_group = leaf.nic_ports;
    t.groups = (f.nodes + leaf.nic_ports - 1) / leaf.nic_ports;
    t.spines = leaf.uplinks;
    f.single_switch = t.groups == 1;
    f.description = fmt("rail-optimized: %.0f group(s) of up to %.0f nodes, ", t.groups, t.servers_per_group) +
                    fmt("%.0f rail switches each with %.0f uplinks at %.0f Gbit/s, ", t.rails, t.spines, fs.link_gbit_per_s) +
                    fmt("NICs at %.0f Gbit/s: %.2f:1 at the rail switch", per_nic_gbit, real_ratio);
    const double uplink = leaf.uplinks * units::gbit_per_s_to_bytes_per_s(fs.link_gbit_per_s) / kWireFactor;
    // Each of the node's NICs shares its rail switch's uplinks with h - 1 others.
    f.node_uplink_bytes_per_s = f.single_switch ? 1e30 : f.nics_per_node * uplink / leaf.nic_ports;
  }
  if (spec.fabric.kind == FabricKind::kEfa) {
    f.notes.push_back("on AWS the EFA fabric is AWS's: its radix, oversubscription and link rate are not the user's to "
                      "choose, so these fields are what-ifs (the default, non-blocking, is the usual assumption inside a "
                      "cluster placement group); the instance type, node counts and NIC split are the real choices");
  }
  if (std::abs(real_ratio - fs.oversubscription) > 0.05 * fs.oversubscription) {
    f.notes.push_back(fmt("oversubscription %.3g asked; whole ports at radix %.0f give ", fs.oversubscription, fs.radix) +
                      fmt("%.3g:1", real_ratio));
  }
  return f;
}

}  // namespace fabricplan
