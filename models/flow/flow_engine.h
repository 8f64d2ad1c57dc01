// Flow engine: runs a Schedule on a Topology in fluid time (DESIGN.md, "One workload,
// three engines").
//
// What it computes. Every transfer that has been released (its release time passed and
// every transfer it waits for completed) is a fluid flow whose rate is its max-min fair
// share (max_min.h) over the directed links of its route (flow_routes.h). Rates change
// only when a transfer starts or ends, a link fails or routes are recomputed; then only
// the connected components of links those flows touch are re-solved. Between events
// every rate is constant, so a flow's remaining bytes fall linearly and its end is known:
// the engine jumps from event to event. A transfer completes one unloaded one-way latency
// after its last byte enters the network (propagation on each hop plus store-and-forward
// of its last packet), and the transfers waiting for it are released then.
// Open-loop streams offer max_rate bytes/s for bytes / max_rate seconds; what the fabric
// cannot carry is lost (the fluid analogue of drop-tail at the bottleneck).
// Faults: a failed link's capacity becomes 0 at its time (single-path flows on it stall;
// sprayed flows move to the remaining next hops); after reroute_after, routes are
// recomputed without every failed link, as the packet engine's subnet manager does.
//
// What it leaves out: queues and queueing delay, loss and retransmission of closed-loop
// traffic, reordering, congestion-control dynamics (slow start, window cuts, an SRD
// sender's pacing), head-of-line blocking of lossless links, and hash collisions inside a
// sprayed flow. These are the packet engine's job; validation tests name what each costs.
//
// Memory: per transfer 40 bytes of engine state besides the schedule's 56; per active
// flow the solver's 40 bytes plus 20 bytes per route entry (max_min.h); per directed link
// about 80 bytes. estimate_flow_memory_bytes() gives the figure before anything runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/schedule/schedule.h"
#include "models/topology/topology.h"

namespace fabricplan::flow {

struct LinkFault {
  std::uint32_t link = 0;              // index into Topology::links (both directions fail)
  std::int64_t at_ps = 0;
  std::int64_t reroute_after_ps = -1;  // -1: routes are never recomputed
};

struct FlowEngineParams {
  std::uint64_t seed = 1;
  std::int64_t stop_ps = -1;  // -1: until nothing is left that can progress
  std::vector<LinkFault> faults;
};

struct TransferOutcome {
  std::int64_t start_ps = -1;     // released and started (-1: never)
  std::int64_t done_ps = -1;      // completed at the receiver (-1: never)
  double delivered_bytes = 0;     // payload carried (open loop: may fall short of bytes)
  bool unreachable = false;       // no route at its start
};

struct FlowRunResult {
  std::vector<TransferOutcome> transfers;
  std::vector<double> link_wire_bytes;      // per directed port
  std::vector<double> link_capacity_bytes_per_s;
  std::vector<std::uint64_t> link_class_mask;  // bit c: class c crossed the port
  std::int64_t end_ps = 0;                  // time of the last event
  bool stopped_at_limit = false;
  std::uint64_t events = 0;                 // distinct event times processed
  std::uint64_t solves = 0, flows_resolved = 0;
  std::size_t peak_active_flows = 0;
  std::size_t peak_memory_bytes = 0;        // engine structures, measured (capacity of its containers)
  std::size_t stalled_transfers = 0;        // active at the end with rate 0 (no usable path)
  double wall_s = 0;
};

// Capacity of each directed port in wire bytes/s (port 2l: a -> b, 2l+1: b -> a).
std::vector<double> port_capacities(const Topology& topo);

FlowRunResult run_flow_engine(const Topology& topo, const Schedule& schedule, const FlowEngineParams& params);

// What a run will hold at most, from the schedule's size and the fabric's path lengths:
// used to refuse, before anything is allocated, a run that cannot fit.
std::size_t estimate_flow_memory_bytes(std::size_t transfers, std::size_t route_entries_per_transfer,
                                       std::size_t ports);

}  // namespace fabricplan::flow
