// How much of each traffic class's node-to-node traffic leaves its leaf (its first
// switch), from the pairs the schedule itself forms (spec_schedule.cc): KV from any
// prefill node to any decode node, MoE all-to-all inside each EP set, a TP or DP ring's
// neighbours, pipeline stages' sends; each rail-matched (NIC j to NIC j).
//
// The analytic model's fabric factor per class follows from it: with u the share of its
// NICs' bandwidth a node's leaf uplinks give it, a class of which a share x crosses its
// leaf gets min(1, u / x) of its NICs (1 when nothing crosses). A ring of h nodes per
// leaf sends one node's worth out of each leaf (x = 1 / h): on a 4:1 leaf holding four or
// more of its nodes it runs at full NIC rate, where a uniform all-to-all does not.
#pragma once

#include <map>
#include <string>

#include "planner/spec/spec.h"
#include "planner/engine_run/spec_fabric.h"

namespace fabricplan {

// group name -> class -> share of the class's bytes on that group's nodes that cross
// a leaf boundary (0..1); classes with no inter-node traffic are absent.
std::map<std::string, std::map<TrafficClass, double>> leaf_crossing_shares(const ClusterSpec& spec,
                                                                           const SpecFabric& fabric);

// min(1, uplink_share / crossing); 1 when nothing crosses.
double class_fabric_factor(double uplink_share, double crossing);

}  // namespace fabricplan
