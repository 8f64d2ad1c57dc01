// `fabricplan compare SCENARIO`: what would the other fabric do with the same traffic?
//
// One scenario, two fabrics built from it, run with the same seed:
//   efa - every message on SRD (each packet sprayed over the connection's path slots),
//         drop-tail switch ports of the scenario's queue size, and per-flow ECMP
//         hashing for open-loop traffic (what Ethernet switches do);
//   ib  - every message on IB RC (one path per QP, D-mod-K on the destination LID, as
//         OpenSM's fat-tree engine routes), lossless links with credit flow control
//         (queue_bytes of input buffer per port), D-mod-K for open-loop traffic too.
// Topology, link rates, packet format, message sizes, pairs and start times, faults
// (with their reroute delay) and the stop time are the scenario's own. Transport
// parameters given in the scenario are kept for the transport they belong to.
#pragma once

#include <string>

#include "sim/scenario/run.h"

namespace fabricplan::sim {

Scenario efa_variant(const Scenario& s);
Scenario ib_variant(const Scenario& s);

struct Comparison {
  std::string scenario;
  std::uint64_t seed = 0;
  SimulationResult efa, ib;
};

Comparison run_comparison(const Scenario& s, bool progress = false);

std::string render_comparison_text(const Comparison& c);
std::string render_comparison_json(const Comparison& c);  // both full results, and per class side by side

}  // namespace fabricplan::sim
