#include "planner/analytic/workload_times.h"

#include <algorithm>
#include <cmath>

#include "planner/analytic/intra_node.h"

namespace fabricplan {

using collective::NodeTiers;
using collective::Op;

ClassTime tp_time(const GroupTimer& timer, const TpWorkloadSpec& tp) {
  const GroupTimeInputs& in = timer.in();
  const SplitCandidate& split = timer.split();
  ClassTime t;
  const GroupTimer::Contention shares = timer.contention(TrafficClass::kTpAllreduce);
  const double mean_f = shares.mean, busy_f = shares.busy;
  t.op = "one all-reduce of " + time_num(tp.bytes_per_op / 1024, "%.0f") + " KiB over " + std::to_string(tp.ranks) +
         " ranks on " + std::to_string(tp.nodes_spanned) + " node(s)";
  if (tp.nodes_spanned <= 1 && !timer.no_nccl().empty()) {
    t.why = tp.name + ": inside one node on " + in.instance->intra_node +
            ", whose collectives (Neuron) are not modelled; a calibration profile with intra-node fits times them";
    return t;
  }
  double p50 = 0, p99 = 0;
  std::string how;
  if (auto tiers = timer.pool_tiers(TrafficClass::kTpAllreduce, mean_f)) {
    const int nodes = std::max(1, tp.nodes_spanned);
    NodeTiers per = *tiers;
    per.gpus = std::max(1, tp.ranks / nodes);
    const auto pr = collective::predict(Op::kAllReduce, tp.bytes_per_op, nodes, per);
    p50 = pr.time_us;
    p99 = collective::predict(Op::kAllReduce, tp.bytes_per_op, nodes, *timer.pool_tiers(TrafficClass::kTpAllreduce, busy_f)).time_us;
    how = pr.algorithm + "/" + pr.protocol + " by the collective model";
  } else {
    const double bytes = 2.0 * (tp.ranks - 1) / tp.ranks * tp.bytes_per_op;
    const double bw = static_cast<double>(split.collective_nics.size()) * in.nic_bytes_per_s * timer.fabric(TrafficClass::kTpAllreduce);
    p50 = in.kv_alpha_us * 2 * (tp.nodes_spanned - 1) + bytes / (bw * mean_f) * 1e6;
    p99 = in.kv_alpha_us * 2 * (tp.nodes_spanned - 1) + bytes / (bw * busy_f) * 1e6;
    how = timer.model_name();
  }
  t.p50_us = p50;
  t.p99_us = p99;
  const double busy = p99 * tp.ops_per_s * 1e-6;  // of every second, hence of every budget
  t.why = tp.name + ": " + format_us(p50) + " per op (" + how + ") x " + time_num(tp.ops_per_s, "%.0f") + "/s = " +
          format_percent(p99 * tp.ops_per_s * 1e-6) + " of the time";
  // A prefill node's all-reduces run inside time to first token, a decode node's inside
  // every output token: the budget whose share they take.
  const bool prefill = in.group->role == NodeRole::kPrefill;
  timer.finish(t, prefill ? in.spec->slo.ttft_p99_ms : in.spec->slo.tpot_ms, prefill ? "slo.ttft_p99_ms" : "slo.tpot_ms",
         [&](double) { return busy; }, busy, "its busy fraction");
  return t;
}

}  // namespace fabricplan
