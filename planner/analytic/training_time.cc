#include "planner/analytic/workload_times.h"

#include <algorithm>
#include <cmath>

#include "models/workload/training.h"

namespace fabricplan {

using collective::Op;

ClassTime dp_time(const GroupTimer& timer, const TrainingWorkloadSpec& w) {
  const GroupTimeInputs& in = timer.in();
  ClassTime t;
  const TrainingShape s = training_shape(w);
  const double mean_f = timer.contention(TrafficClass::kDpGradients).mean;
  const int nodes = in.group->count / w.pp;
  const double bytes = training_gradient_shard_bytes(s) * w.tp;
  std::string how;
  if (w.fsdp) {
    std::string h2;
    t.p50_us = timer.nccl_us(TrafficClass::kDpGradients, Op::kReduceScatter, bytes, nodes, mean_f, &how) +
              2 * timer.nccl_us(TrafficClass::kDpGradients, Op::kAllGather, bytes, nodes, mean_f, &h2);
    how = "reduce-scatter " + how + " + 2 all-gathers " + h2;
  } else {
    t.p50_us = timer.nccl_us(TrafficClass::kDpGradients, Op::kAllReduce, bytes, nodes, mean_f, &how);
    how = "all-reduce " + how;
  }
  t.p99_us = t.p50_us;
  t.op = std::string(w.fsdp ? "FSDP gradient reduce-scatter + parameter all-gathers" : "DDP gradient all-reduce") +
         " per step (" + time_num(bytes / 1e9, "%.2f") + " GB per node over " + std::to_string(nodes) + " nodes)";
  const double period_us = w.step_time_s * 1e6;
  t.step_share = t.p99_us / period_us;
  t.why = w.name + ": " + how + " by " + timer.model_name() + ": " + format_us(t.p50_us) + ", " + format_percent(t.step_share) +
          " of the " + format_us(period_us) + " step (overlapped with backward where the framework buckets it)";
  timer.finish_per_step(t, in.spec->slo.training_step_ms, "slo.training_step_ms");
  return t;
}

ClassTime pp_time(const GroupTimer& timer, const TrainingWorkloadSpec& w) {
  const GroupTimeInputs& in = timer.in();
  ClassTime t;
  const double mean_f = timer.contention(TrafficClass::kPpActivations).mean;
  const double per_gpu = w.micro_batch_tokens * w.hidden_size * w.activation_dtype_bytes / w.tp;
  std::string how;
  const double one = timer.nccl_us(TrafficClass::kPpActivations, Op::kSendRecv, per_gpu, 2, mean_f, &how);
  t.p50_us = t.p99_us = 2.0 * w.micro_batches * one;
  t.op = "pipeline sends per step: " + std::to_string(w.micro_batches) + " micro-batches forward and backward, " +
         time_num(per_gpu / 1e6, "%.1f") + " MB per GPU each";
  const double period_us = w.step_time_s * 1e6;
  t.step_share = t.p99_us / period_us;
  t.why = w.name + ": " + format_us(one) + " per send (" + how + ") x " + std::to_string(2 * w.micro_batches) + ", " +
          format_percent(t.step_share) + " of the step (1F1B hides most of it behind compute)";
  timer.finish_per_step(t, in.spec->slo.training_step_ms, "slo.training_step_ms");
  return t;
}

}  // namespace fabricplan
