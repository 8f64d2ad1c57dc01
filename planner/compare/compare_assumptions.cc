// What a `compare SPEC` answer rests on, stated once for every format: the reference
// node, the recovery models' delays and where they come from, how adaptive routing is
// modelled, then each side's plan assumptions (each once).
#include <algorithm>
#include <cstdio>

#include "planner/compare/spec_compare.h"

namespace fabricplan {

std::vector<std::string> compare_assumptions(const SpecComparison& c, const CompareOptions& o) {
  std::vector<std::string> out;
  out.push_back("InfiniBand reference " + c.ib_type + ": " + c.ib_reason + ".");
  out.push_back("Both fabrics are sized by one rule from the spec (leaf radix, oversubscription) for their own NICs; on AWS the "
                "EFA fabric's radix and oversubscription are not the user's to choose: there they are what-ifs.");
  char buf[600];
  std::snprintf(buf, sizeof buf,
                "Link failure: one leaf-to-spine link on the busiest group's first cross-switch route fails %.0f%% into a "
                "%.3g ms slice of the schedule on the packet engine, the same kind of link at the same point on both sides "
                "(or neither side when one has no such link).",
                20.0, o.slice_window_s * 1e3);
  out.push_back(buf);
  std::snprintf(buf, sizeof buf,
                "IB recovery models: self-healing = the switches' local failover after %.3g ms (NVIDIA states SHIELD recovers "
                "about 5,000x faster than the subnet manager; the delay is a stated figure, not a measurement); sm = the "
                "subnet manager's new routes after %.3g ms (seconds on large fabrics; --sm-reroute-ms); none = routes never "
                "change and QPs run out of retries.",
                o.self_healing_after_s * 1e3, o.sm_reroute_after_s * 1e3);
  out.push_back(buf);
  out.push_back("IB adaptive routing: in steady state the flow engine splits each flow evenly over its equal-cost paths; the "
                "packet engine sends each packet to the up-port that drains soonest (local queues only, ConnectX-7-style "
                "out-of-order placement, no NAK for out-of-order arrivals).");
  out.push_back("EFA SRD: per-packet spraying over up to 64 paths, RTT-based retransmission timeout, paths that lose packets "
                "avoided; IB RC: one path per QP, go-back-N on a sequence-error NAK, each stack's own ACK timeout and retry "
                "count.");
  for (const PlanResult* p : {&c.efa, &c.ib}) {
    for (const auto& a : p->assumptions) {
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    }
  }
  return out;
}

}  // namespace fabricplan
