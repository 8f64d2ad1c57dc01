// A cluster spec's workloads as one Schedule on its fabric (planner/spec_fabric.h), over
// a window of simulated time, with the operations users judge time by:
//   KV transfer: one per request. Requests arrive as a Poisson process of the workload's
//     rate (stream "spec.kv.<i>" of the seed), from a uniformly drawn prefill node to a
//     uniformly drawn decode node; prompt lengths are lognormal with the spec's mean and
//     p99 (sigma solves exp(2.326 sigma - sigma^2/2) = p99 / mean); the request's
//     KV bytes are striped evenly over the KV pool's NICs (NIC j to NIC j), as a
//     multi-rail transfer engine (UCX, NIXL) does.
//   MoE: per decode step and MoE layer, a dispatch and a combine among the nodes of each
//     EP set (the group's nodes in runs of ep_nodes), node to node over the collective
//     pool's NICs rail to rail (NCCL's PXN, DeepEP's normal mode), bytes from the
//     workload formulas (models/workload/moe.h). Layers are spread evenly over the step:
//     layer l's dispatch is released at step + l x step/layers, its combine half a layer
//     later; a combine leaving node a on rail j waits for every dispatch that reached a
//     on rail j, and the next layer's dispatch for the combines that reached a.
//   TP all-reduce across nodes, DP gradients: NCCL's ring between nodes, 2(n-1) steps
//     (FSDP: 3(n-1), its reduce-scatter and two all-gathers), each node sending its
//     share to the next over the collective pool, striped over its NICs; one operation
//     per op (TP, at ops_per_s) or per training step (DP, at mid-step). Collectives that
//     stay inside a node are not on the fabric.
//   PP activations: per micro-batch, stage p's nodes send to stage p+1's (forward, in
//     the first half of the step) and back (backward, second half).
// With collectives_as_background, every collective is instead a steady open-loop flow at
// its mean rate for the whole window between the nodes it connects (the KV run below).
// The engines report per transfer when it started and ended; an operation's time is
// from its first transfer's start to its last transfer's end (spec_run.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "planner/spec/spec.h"
#include "planner/engine_run/spec_fabric.h"
#include "sim/scenario/scenario.h"

namespace fabricplan {

struct NodePools {
  std::vector<int> kv_nics, collective_nics;  // NIC indices within a node
};

// SpecOp::step of operations in a step the window cuts short: not timed.
inline constexpr int kPartialStep = -2;

struct SpecOp {
  TrafficClass cls = TrafficClass::kKvTransfer;
  std::string group;        // the node group it is judged for (KV: the decode group receives)
  std::string workload;
  std::uint32_t first = 0, end = 0;  // its transfers
  std::int64_t release_ps = 0;
  int step = -1;            // MoE / training: the step it belongs to (times are summed per step);
                            // -1: timed on its own; kPartialStep: not timed
  double bytes = 0;
  // >= 0: timed from here instead of its first send (layer-wise KV: from the end of the
  // request's prefill, so the time is what the transfer adds to time to first token).
  std::int64_t timed_from_ps = -1;
};

struct SpecScheduleOptions {
  bool infiniband = false;          // IB RC (one path per QP, D-mod-K) instead of SRD spraying
  bool ib_adaptive = false;         // IB: adaptive routing (per packet, out of order) instead of D-mod-K
  std::uint64_t seed = 1;
  double window_s = 0;              // 0: chosen (choose_window)
  std::uint64_t max_transfers = 150000;
  bool kv_request_at_start = false;  // the first KV request arrives at 0 (a short slice sees one)
  // The KV run: collectives as steady open-loop flows at their mean rates (flow engine
  // only), so a long window samples many KV requests at a few transfers each.
  bool collectives_as_background = false;
  // > 0: the packet engine will run the schedule; refused (before it is built) past this
  // many estimated packet events.
  double max_packet_events = 0;
};

// What a spec's run will cost, from the spec and the fabric alone (nothing is built):
// transfers from the schedule's formulas, packets from the workloads' byte rates, memory
// from the flow engine's per-transfer state and one sample route.
struct SpecRunEstimate {
  double window_s = 0;
  double transfers = 0;
  double packet_events = 0;
  double memory_bytes = 0;   // schedule and flow-engine state with every transfer active
  std::size_t route_entries = 0;
  double memory_limit_bytes = 0;
};
SpecRunEstimate estimate_spec_run(const ClusterSpec& spec, const SpecFabric& fabric,
                                  const std::map<std::string, NodePools>& pools, const SpecScheduleOptions& options);

struct SpecSchedule {
  sim::Scenario scenario;           // fabric, transports, the prebuilt schedule
  std::vector<SpecOp> ops;
  double window_s = 0;
  std::string window_reason;        // how the window was chosen
  std::uint64_t transfers = 0;
};

// Transfers the schedule produces per second of window, by the formulas it uses.
double spec_transfers_per_s(const ClusterSpec& spec, const std::map<std::string, NodePools>& pools, bool kv_only = false);

// The window: at least two decode / training steps and 100 KV requests where the
// transfer budget allows, otherwise what the budget allows (never under one step).
double choose_window_s(const ClusterSpec& spec, double transfers_per_s, std::uint64_t max_transfers,
                       std::string* reason);

// Why the engines cannot run this spec's schedule (empty: they can): more endpoints
// than a fabric the engines hold (2^18), one step's transfers past 10x the budget, more
// memory than this machine allows, or (options.max_packet_events) too many packet events.
// Decided from estimate_spec_run, before anything is allocated.
std::string spec_engine_refusal(const ClusterSpec& spec, const SpecFabric& fabric,
                                const std::map<std::string, NodePools>& pools, const SpecScheduleOptions& options);

SpecSchedule build_spec_schedule(const ClusterSpec& spec, const SpecFabric& fabric,
                                 const std::map<std::string, NodePools>& pools, const SpecScheduleOptions& options);

// Lognormal sigma whose p99 / mean is `ratio` (0 for ratio <= 1).
double lognormal_sigma_for_p99(double ratio);

// A group's nodes [first, first + count) in runs of `size` (the last may be shorter);
// runs of one node put nothing on the fabric and are left out. The EP and TP sets.
std::vector<std::vector<int>> node_sets(int first, int count, int size);

}  // namespace fabricplan
