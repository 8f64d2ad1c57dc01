// The links a transfer loads and how much: the route coefficients of max_min.h, computed
// from the same next-hop tables and choice functions the packet fabric uses
// (models/topology), so a single-path transfer takes the very links its packets take.
//   kSpray       - at every switch the share splits evenly over the equal-cost next hops
//                  that are up (per-packet uniform spraying; SRD steers its path slots off
//                  a failed link within a few RTOs, which the fluid model makes instant);
//   kFlowHash    - one path: route_hash(route_key, switch);
//   kEntropyHash - one path per QP: route_hash(entropy, switch), the entropy drawn per
//                  (seed, stream, src, dst, QP) by a hash, as a NIC draws a random UDP
//                  source port per QP (the same distribution as the packet engine's
//                  draws, not the same draws);
//   kDestModK    - one path per QP: D-mod-K on LID = dst x lid_stride + qp.
// A transfer over q QPs puts 1/q of its bytes on each QP's path. Every coefficient is
// multiplied by the stream's wire factor (headers per payload byte).
#pragma once

#include <cstdint>
#include <vector>

#include "models/flow/max_min.h"
#include "models/schedule/schedule.h"
#include "models/topology/topology.h"

namespace fabricplan::flow {

struct RouteContext {
  const Topology* topo = nullptr;
  const NextHops* hops = nullptr;
  const std::vector<bool>* port_up = nullptr;  // per directed port; empty: all up
  std::uint64_t seed = 1;
};

// Fills `out` (cleared first). Returns false if dst is unreachable from src.
bool compute_route(const RouteContext& ctx, const ScheduleStream& stream, std::uint32_t stream_index,
                   const Transfer& t, std::vector<RouteCoefficient>& out);

// One-way time through empty queues along the first route (propagation on every hop plus
// store-and-forward of one packet on every hop after the first), in ps.
std::int64_t unloaded_latency_ps(const RouteContext& ctx, const ScheduleStream& stream, const Transfer& t,
                                 const std::vector<double>& capacity_bytes_per_s);

}  // namespace fabricplan::flow
