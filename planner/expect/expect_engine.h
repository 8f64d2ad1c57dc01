// `expect --engine flow|packet`: the collective model's prediction with its network term
// measured on an engine instead of taken from the NICs' rate.
//
// The fabric is built for the instance's nodes as `plan` builds a spec's (spec_fabric.h):
// every NIC an endpoint at the fitted per-NIC payload rate (the catalog's line rate x the
// collective tier's efficiency), the node's GPU-to-NIC map from the catalog, a leaf-spine
// (EFA; AWS does not publish its fabric) or rail-optimized (InfiniBand, NVIDIA's reference
// design) fabric of the given radix, oversubscription and link rate. EFA runs SRD with
// per-packet spraying and 8 KiB jumbo frames behind 82 bytes of headers; InfiniBand runs
// RC with D-mod-K routing, 4 KiB MTU behind 26 bytes, lossless links and NCCL's QP
// timeouts. The schedule is NCCL's structure as the model chose it (collective_schedule.h).
//
// Putting the parts together. The model's time is fixed + max(network, local)
// (nccl_model.h: TimeParts); the engine replaces `network`:
//   network = (T - T0) x pipeline x cost,
// T the engine's span of the schedule (first send to last delivery), T0 the same
// schedule's span with one byte per transfer (the wire latency of its dependency chain,
// which the model's fitted per-hop latency in `fixed` already holds), `pipeline` 1 for
// rings and point-to-point, and for trees (run in steady state) the model's fill over
// its D levels (NVLink's included) with k chunks per channel, (D + k - 1) / k, and `cost`
// the protocol's cost over its wire bytes (LL's flag polling: 2; an NVLS tree's fitted
// efficiency applies to whichever resource bounds it). On an idle, non-blocking
// fabric the engine's network term is the model's within the wire's own latency; what
// the engines add is what the fabric does to the traffic: oversubscribed uplinks, ECMP or
// D-mod-K collisions, incast, SRD's and RC's reaction to loss and queues.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "models/catalog/catalog.h"
#include "models/collective/nccl_model.h"
#include "planner/engine_run/spec_fabric.h"
#include "planner/expect/collective_schedule.h"
#include "planner/spec/spec.h"
#include "sim/transport/transport.h"

namespace fabricplan {

struct ExpectEngineOptions {
  std::string engine = "flow";     // flow | packet
  FabricSpec fabric;               // kind from the instance; topology, radix, oversubscription, link rate
  bool topology_given = false;     // false: leaf-spine on EFA, rail-optimized on InfiniBand
  std::uint64_t seed = 1;
  double max_packet_events = 1.2e8;  // refused past this (~40 s at the ~3 M estimated events/s measured here)
};

struct ExpectFabric {
  SpecFabric fabric;
  CollectiveLayout layout;
  bool infiniband = false;
  std::string transport;           // "SRD, per-packet spraying" | "RC, D-mod-K"
  // For the estimates, once per fabric: one sample route's entries and the directed links.
  std::size_t route_entries = 0, directed_links = 0;
};
// expect's engines hold at most this many NIC endpoints (1024 p5 nodes, 8192 p4d): each
// row runs the engine twice and each run builds the fabric's route tables, which past
// this takes minutes a row (4000 p5 nodes, 128,000 endpoints: over 2 minutes for the
// first row, most of it in compute_next_hops); at 1024 p5 nodes a row takes ~2 s.
inline constexpr double kMaxExpectEndpoints = 1 << 15;
// Throws std::invalid_argument, before anything is built, for more endpoints than that.
ExpectFabric expect_fabric(const InstanceType& instance, const collective::NodeTiers& tiers, int nodes,
                           const ExpectEngineOptions& options);

struct ExpectEngineEstimate {
  CollectiveScheduleShape shape;
  double packet_events = 0, flow_memory_bytes = 0;
};
ExpectEngineEstimate estimate_expect_engine(collective::Op op, double size_bytes, const collective::Prediction& p,
                                            const ExpectFabric& f);
// Why this row cannot run on the engine (empty: it can), from the estimate alone.
std::string expect_engine_refusal(const ExpectEngineEstimate& e, const ExpectEngineOptions& options);

struct ExpectEngineRow {
  double size_bytes = 0;           // nccl-tests' size
  double time_us = 0;              // fixed + max(network_us, local_us)
  double network_us = 0;           // the engine's network term
  double model_network_us = 0, local_us = 0, fixed_us = 0;
  double span_us = 0, zero_load_span_us = 0;  // T and T0
  double pipeline_factor = 1;
  bool network_bound = false;      // the engine's network term sets the time
  CollectiveScheduleShape shape;
  sim::TransportCounters counters;
  double max_link_utilization = 0;
  std::string busiest_link;
  // What the engine measured that the model does not know, where the engine's network
  // term is past 1.5x the model's: loss and timeouts, and which kind of link was busiest
  // (a sender's NIC, a receiver's NIC, a switch-to-switch link). Empty otherwise.
  std::string mechanism;

  // The collective model's own time for the row.
  double model_time_us() const { return fixed_us + std::max(model_network_us, local_us); }
  // "network" or "local" (which term sets the time), or "nothing crosses nodes".
  const char* bound_by() const { return shape.transfers <= 0 ? "nothing crosses nodes" : network_bound ? "network" : "local"; }
};
ExpectEngineRow run_expect_engine(collective::Op op, double size_bytes, const collective::Prediction& p,
                                  const ExpectFabric& f, const ExpectEngineOptions& options);

}  // namespace fabricplan
