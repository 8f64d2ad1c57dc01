// NIC split search: how many of a node's interfaces carry KV transfer and how many the
// collectives (MoE all2all and TP all-reduce, both through NCCL).
//
// Candidates are "shared" (every class on every interface) and every split k / n-k.
// A pool's utilization is (pool demand) / (interfaces x effective bandwidth). The
// search keeps the candidates whose worst verdict is the best achievable; among them
// it prefers a dedicated split (isolation: a KV burst then cannot stall the all2all
// on the critical path of every decode step), then splits that keep every accelerator
// next to at least one interface of each pool (NCCL and the KV engine both want a
// PCIe-local NIC per GPU), then the lowest worst utilization. Sharing stays a
// candidate because a split never adds capacity: with few interfaces (p4d's four) a
// split can cost a verdict level, and then sharing wins.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "models/catalog/instance_type.h"
#include "planner/verdict.h"

namespace fabricplan {

struct PoolLoad {
  double bytes_per_s = 0;
  double peak_bytes_per_s = 0;
  // The same load as the NICs feel it once the leaf uplinks are counted: each class's bytes
  // over the share of its NICs the uplinks leave it (leaf_crossing.h). 0: as bytes_per_s.
  double fabric_bytes_per_s = 0, fabric_peak_bytes_per_s = 0;
  double effective() const { return fabric_bytes_per_s > 0 ? fabric_bytes_per_s : bytes_per_s; }
  double effective_peak() const { return fabric_peak_bytes_per_s > 0 ? fabric_peak_bytes_per_s : peak_bytes_per_s; }
};

struct SplitCandidate {
  bool shared = true;
  int kv_interfaces = 0;          // when shared: all of them
  int collective_interfaces = 0;  // when shared: all of them
  std::vector<int> kv_nics;
  std::vector<int> collective_nics;
  bool locality_preserved = true;
  double kv_utilization = 0;
  double kv_peak_utilization = 0;
  double collective_utilization = 0;
  double worst_utilization = 0;
  Verdict utilization_verdict = Verdict::kComfortable;
  // Set by the time judge (analytic op times, op_time.h) where the search has one.
  Verdict time_verdict = Verdict::kComfortable;
  double worst_time_share = 0;
  // Some class's queue grows without bound (KV at rho >= 1): worse than any stable
  // candidate, whatever their shares say (a finite share can look smaller).
  bool unstable = false;
  Verdict worst_verdict = Verdict::kComfortable;  // of utilization and time
};

// Judges a candidate's operation times: sets time_verdict and worst_time_share.
using TimeJudge = std::function<void(SplitCandidate&)>;

struct SplitChoice {
  SplitCandidate chosen;
  std::vector<SplitCandidate> considered;
};

// Evaluates one split (kv_interfaces + collective_interfaces <= instance interfaces).
SplitCandidate evaluate_split(const InstanceType& instance, double per_interface_bytes_per_s,
                              const PoolLoad& kv, const PoolLoad& collective, bool shared,
                              int kv_interfaces, int collective_interfaces,
                              const VerdictThresholds& thresholds);

SplitChoice search_split(const InstanceType& instance, double per_interface_bytes_per_s,
                         const PoolLoad& kv, const PoolLoad& collective,
                         const VerdictThresholds& thresholds, const TimeJudge& time_judge = {});

// Picks `count` interfaces spread over the accelerators (one per accelerator in turn,
// from the end of each accelerator's local list) so each GPU keeps a local one.
std::vector<int> spread_nics(const InstanceType& instance, int count);

}  // namespace fabricplan
