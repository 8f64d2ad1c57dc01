// The analytic engine's shared machinery for one node group on one NIC split (op_time.h):
// what other classes on a pool leave a class, the share of its NICs the leaf uplinks leave
// it, the collective model's tiers for the pool, the time verdict against a budget. Each
// workload's own time model reads alone in its file (workload_times.h): kv_time.cc,
// moe_time.cc, tp_time.cc, training_time.cc.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/collective/nccl_model.h"
#include "planner/analytic/op_time.h"
#include "planner/format_text.h"

namespace fabricplan {

// printf-style number for the time explanations.
std::string time_num(double x, const char* f = "%.3g");

class GroupTimer {
 public:
  GroupTimer(const GroupTimeInputs& in, const SplitCandidate& split);

  // Every class of the group's workloads, the slowest where two workloads share one.
  std::map<TrafficClass, ClassTime> run() const;

  const GroupTimeInputs& in() const { return in_; }
  const SplitCandidate& split() const { return split_; }
  // Why the collective model does not apply (Trainium: Neuron, not NCCL); empty if it does.
  const std::string& no_nccl() const { return no_nccl_; }
  const std::vector<int>& nics(NicPool p) const { return p == NicPool::kKv ? split_.kv_nics : split_.collective_nics; }

  // What other classes on this pool leave to `cls`: on average, and while a KV transfer
  // shares its NICs (the p99 case).
  struct Contention {
    double mean = 1, busy = 1;
  };
  Contention contention(TrafficClass cls) const;

  // The share of its NICs' bandwidth the leaf uplinks leave a class (leaf_crossing.h).
  double fabric(TrafficClass cls) const { return class_fabric(in_, cls); }

  // The collective model's tiers for this group's collective pool, at `factor` of its bandwidth.
  std::optional<collective::NodeTiers> pool_tiers(TrafficClass cls, double factor) const;

  // The time verdict: share of the SLO budget where the spec gives one (`share_of(budget)`),
  // else `own_share` of the workload's own period (0: none).
  template <class ShareOf>
  void finish(ClassTime& t, double slo_ms, const std::string& slo_name, ShareOf share_of, double own_share,
              const std::string& own_name) const {
    t.known = true;
    if (slo_ms > 0) {
      t.budget_us = slo_ms * 1e3;
      t.budget_name = slo_name;
      t.share = share_of(t.budget_us);
      t.verdict = judge_time(t.share, in_.thresholds);
      t.why += "; " + format_percent(t.share) + " of the " + slo_name + " budget of " + format_us(t.budget_us);
    } else if (own_share > 0) {
      t.verdict = judge_time(own_share, in_.thresholds);
      t.why += " (no SLO in the spec: judged against " + own_name + ")";
    }
  }

  // An operation timed per step (t.p99_us, t.step_share set): against the SLO where given.
  void finish_per_step(ClassTime& t, double slo_ms, const std::string& slo_name) const {
    finish(t, slo_ms, slo_name, [&](double budget_us) { return t.p99_us / budget_us; }, t.step_share, "the step");
  }

  // The calibrated fit segment covering `bytes` on one NIC (the last one past its
  // range); nullptr without a calibrated NIC fit.
  const FitSegment* segment_for(double bytes) const;

  // One MoE layer's dispatch + combine, by the collective model or alpha + bytes / B.
  double moe_layer_us(int tokens_per_rank, int hidden, int topk, int ep_ranks, bool low_latency, double factor,
                      double remote_bytes_per_node) const;

  // "the collective model", or what stands in for it.
  std::string model_name() const;

  // A collective of `op` over the stage's nodes with tp x per-GPU bytes (the TP ranks'
  // concurrent rings move those bytes per node).
  double nccl_us(TrafficClass cls, collective::Op op, double bytes, int nodes, double factor, std::string* how) const;

 private:
  const GroupTimeInputs& in_;
  const SplitCandidate& split_;
  double kv_load_ = 0, coll_load_ = 0;
  collective::NodeTiers base_;
  std::string no_nccl_;
};

}  // namespace fabricplan
