// `fabricplan compare SPEC`: the spec's workload on its EFA instances and on an
// InfiniBand reference node of the same GPU generation (or `--ib TYPE`), each planned in
// time and run on the flow engine, side by side; plus what one failed leaf-to-spine link
// does on a short slice of the schedule that the packet engine runs on both (SRD sprays
// around the dead path at once; IB RC waits for the subnet manager to reroute and for
// its retransmission timeout). The slice starts with a KV request (so the prefill-to-
// decode path is in it) and fails a switch-to-switch link on the route of the busiest
// group's first transfer that has one, a fifth into the slice.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "planner/plan.h"

namespace fabricplan {

struct FaultSliceClass {
  std::string cls;
  std::size_t ops = 0, incomplete = 0;
  double p50_us = 0, p99_us = 0, max_us = 0;
};

struct FaultSlice {
  bool ran = false;
  std::string recovery;           // IB: "self-healing", "sm" or "none"; EFA: "srd"
  std::string why_not;            // when it did not run
  std::string link;               // "leaf0<->spine0"
  std::string mechanism;          // how the transport meets the failure
  double window_us = 0, at_us = 0, reroute_after_us = -1;
  double simulated_us = 0, wall_s = 0;
  std::uint64_t retransmissions = 0, fault_drops = 0, drops = 0;
  std::vector<FaultSliceClass> classes;
  std::vector<EngineTransportStats> transport;  // per class: drops, timeouts, queues
  // IB: each stack's QP timeouts the classes ran with (ib_stack.h), and the QPs whose
  // retries ran out: the job fails at the first.
  std::vector<std::pair<std::string, IbStackTimeouts>> ib_timeouts;  // (classes, values)
  std::uint64_t qp_errors = 0;
  double job_fails_at_us = -1;  // -1: no QP error in the slice
};

struct CompareOptions {
  PlanOptions plan;
  std::string ib_type;                  // empty: a node built like-for-like (like_for_like_ib)
  double slice_window_s = 0.002;        // the packet-engine slice
  double sm_reroute_after_s = 0.1;      // IB: the subnet manager's new routes this long after the failure
  double self_healing_after_s = 0.001;  // IB: the switches' local failover this long after it
  // IB recovery models to run the slice with: "self-healing", "sm", "none" (first: the
  // headline's; the others are reported beside it).
  std::vector<std::string> ib_recovery = {"self-healing", "sm", "none"};
  bool fault_slice = true;
  // The IB steady state under the other routing too (static D-mod-K beside adaptive), for
  // the per-class matrix (compare_matrix.h).
  bool both_ib_routings = true;
};

// The default InfiniBand reference: the EFA node's accelerators and NVLink with its
// network per node on HCAs of `hcas`' generation (their rate, as many as the EFA node's
// Gbit/s needs, the GPUs spread evenly over them). Named "ib-like-<efa type>".
InstanceType like_for_like_ib(const InstanceType& efa, const InstanceType& hcas);

struct SpecComparison {
  std::unique_ptr<ClusterSpec> efa_spec, ib_spec;  // plans point into these
  std::unique_ptr<Catalog> ib_catalog;             // the catalog with a built IB reference, if one was built
  double ib_network_ratio = 1;                     // IB node's Gbit/s per node / the EFA node's
  PlanResult efa, ib;
  bool ib_adaptive = false;          // ib's routing (--ib-routing)
  PlanResult ib_other_routing;       // IB's steady state under the other routing
  bool ib_other_routing_ran = false;
  std::string ib_type, ib_reason;
  std::vector<std::string> notes;
  std::vector<std::string> assumptions;  // compare_assumptions
  FaultSlice efa_fault, ib_fault;        // ib_fault: the first recovery model's run
  std::vector<FaultSlice> ib_fault_by_recovery;  // every model asked for, ib_fault first
};

// The IB instance of the catalog compared with `t`, and why.
const InstanceType* ib_reference(const Catalog& catalog, const InstanceType& t, std::string* why);

// What the comparison rests on (compare_assumptions.cc), filled by compare_spec.
std::vector<std::string> compare_assumptions(const SpecComparison& c, const CompareOptions& options);

SpecComparison compare_spec(const ClusterSpec& spec, const Catalog& catalog, const CalibrationProfile* profile,
                            const CompareOptions& options);

}  // namespace fabricplan
