// What both engines report the same way from their per-transfer and per-link figures:
// the busiest links (with the classes on them) and the collectives a schedule expands.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/schedule/schedule.h"
#include "models/topology/topology.h"
#include "sim/scenario/run.h"

namespace fabricplan::sim {

// The `count` busiest directed ports by utilization (ties: lower port first).
std::vector<BusyLink> busiest_links(const Topology& topo, const std::vector<double>& wire_bytes,
                                    const std::vector<double>& capacity_bytes_per_s,
                                    const std::vector<std::uint64_t>& class_mask,
                                    const std::vector<std::string>& class_names, double simulated_s,
                                    std::size_t count = 10);

// Whether schedule transfer `t` delivered all its bytes in run `r`. The packet engine
// stamps last_delivery at every packet, so a transfer cut short (by the run's end or a QP
// in the error state) has one too; the flow engine stamps it at completion only.
inline bool transfer_completed(const SimulationResult& r, std::uint32_t t) {
  const std::uint32_t f = r.transfer_flow[t];
  return f != UINT32_MAX && r.flows[f].last_delivery_ps >= 0 && r.flows[f].first_send_ps >= 0 &&
         (r.engine != "packet" || r.flows[f].complete());
}

// One summary per schedule collective; `record(transfer)` gives the transfer's flow
// record (nullptr if it never started).
std::vector<CollectiveSummary> collective_summaries(const Schedule& s,
                                                    const std::function<const FlowRecord*(std::uint32_t)>& record);

}  // namespace fabricplan::sim
