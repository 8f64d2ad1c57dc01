// How a partitioned packet run (Simulator::partition) cuts a fabric into lanes.
//
// A lane is a group of edge switches (leaves, fat-tree edges, rail switches) with the
// hosts hung off them, plus a share of the switches above them: edge switch e goes to
// lane e mod L, every other switch by its own rank mod L, a host to its switch's lane.
// Most of a host's traffic then starts and ends inside one lane, and every link between
// lanes is a switch-to-switch link whose propagation delay is the lookahead (the fabric
// may hand a packet to another lane on any switch-to-switch link: fabric.h).
// L = min(edge switches, kMaxLanes): fixed by the topology, never by the thread count,
// so any number of threads gives the same result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/topology/topology.h"
#include "sim/core/simulator.h"

namespace fabricplan::sim {

constexpr std::uint32_t kMaxLanes = 64;

// The partition of `topo` run by `threads` threads. Its lookahead is 0 when a link
// between lanes has no propagation delay (such a fabric cannot run partitioned).
Partition partition_by_edge(const Topology& topo, unsigned threads);

// The smallest propagation delay of a link an event can cross lanes over: every
// switch-to-switch link and a host link whose ends are in different lanes (-1: none).
std::int64_t min_crossing_propagation_ps(const Topology& topo, const std::vector<std::uint32_t>& lane_of_node);

}  // namespace fabricplan::sim
