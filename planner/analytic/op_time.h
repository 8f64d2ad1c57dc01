// The analytic engine (DESIGN.md, "Time, not only bandwidth"): per node group and
// traffic class, the time of one operation users judge by, on a candidate NIC split,
// in closed form. Fast enough to evaluate every split candidate; the flow engine
// confirms the chosen one (spec_run.h).
//
//   Bandwidth a class gets. A pool of k NICs moves k x beta (beta: the calibrated or
//     catalog effective per-NIC rate), times the fabric factor min(1, what the node's
//     leaf uplinks give it / what its NICs give), times what other classes on the same
//     NICs leave: 1 - rho_other under max-min fairness, never below 1/2 while both are
//     active (two classes backlogged on a link each get half).
//   KV transfer per request (adds to time to first token): S(x) = alpha + x / B_kv for x
//     KV bytes; p50 at the median prompt, p99 at the p99 prompt plus the p99 of the wait
//     behind other requests on the same node's pool: an M/G/1 queue (Pollaczek-Khinchine
//     mean W = lambda E[S^2] / 2(1 - rho), lognormal prompts) with an exponential tail of
//     that mean, P(wait > t) = rho exp(-rho t / W), so wait_p99 = (W / rho) ln(100 rho).
//   MoE dispatch + combine: per layer from the collective model's DeepEP decomposition
//     (models/collective/moe_model.h: low-latency kernels on decode nodes, normal
//     elsewhere) on the pool's NICs at the bandwidth above, times the layers in a decode
//     step (or a training step's micro-batches, forward and backward). p50 with the mean
//     contention, p99 with a KV transfer active on shared NICs whenever one is active
//     more than 1% of the time.
//   TP all-reduce, DP gradients, PP sends: the collective model (nccl_model.h): the
//     algorithm and protocol NCCL would pick, NVLink inside a node, the pool's NICs
//     between nodes.
// Trainium runs Neuron collectives, not NCCL: its MoE and cross-node collectives use
//   alpha + bytes / B (the same bandwidth, no algorithm tables) and its intra-node
//   collectives are unknown without a calibration profile; the report says so.
#pragma once

#include <map>
#include <string>

#include "calib/profile.h"
#include "models/catalog/instance_type.h"
#include "planner/analytic/demand.h"
#include "planner/spec/spec.h"
#include "planner/analytic/split_search.h"
#include "planner/verdict.h"

namespace fabricplan {

struct ClassTime {
  bool known = false;            // false: no model applies (`why` says why)
  std::string op;                // what one operation is
  double p50_us = 0, p99_us = 0;
  // The pool is past its capacity (KV: rho >= 1): the queue, and so the p99, grows without
  // bound. p99_us then holds the service time alone and is never reported as a p99.
  bool unbounded = false;
  double step_share = 0;         // MoE / training: p99 per step / the step period (0: n/a)
  double budget_us = 0;          // from the spec's SLO; 0: none
  std::string budget_name;       // "slo.ttft_p99_ms", ...
  double share = 0;              // p99 time per budget period / budget (KV past its pool's
                                 // capacity: at least the load rho, SLO or not)
  Verdict verdict = Verdict::kComfortable;
  std::string why;
};

struct GroupTimeInputs {
  const ClusterSpec* spec = nullptr;
  const NodeGroupSpec* group = nullptr;
  const InstanceType* instance = nullptr;
  double nic_bytes_per_s = 0;        // beta: effective payload rate of one NIC
  double kv_alpha_us = 0;            // alpha of one KV transfer
  std::string alpha_source;
  double fabric_factor = 1;          // min(1, node uplink share / NIC total)
  // Per class, the share of its traffic that leaves the leaf (leaf_crossing.h): a class
  // gets min(1, fabric_factor / share) of its NICs; absent: all of it crosses.
  std::map<TrafficClass, double> crossing;
  const GroupDemand* demand = nullptr;
  const CalibrationProfile* profile = nullptr;
  VerdictThresholds thresholds;
};

std::map<TrafficClass, ClassTime> analytic_op_times(const GroupTimeInputs& in, const SplitCandidate& split);

// The share of a class's NICs the leaf uplinks leave it: min(1, fabric_factor / its
// crossing share), the one effective bandwidth its time and its utilization use.
double class_fabric(const GroupTimeInputs& in, TrafficClass cls);

// alpha for a KV transfer: the calibrated NIC fit's intercept, else the collective
// model's one network hop on this instance (NCCL's hwLat plus the fitted EFA extra).
double kv_alpha_us(const InstanceType& t, const CalibrationProfile* profile, std::string* source);

}  // namespace fabricplan
