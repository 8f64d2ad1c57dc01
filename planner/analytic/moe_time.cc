#include "planner/analytic/workload_times.h"

#include <algorithm>
#include <cmath>

#include "models/workload/training.h"

namespace fabricplan {

ClassTime moe_time(const GroupTimer& timer, const MoeWorkloadSpec& m) {
  const GroupTimeInputs& in = timer.in();
  const SplitCandidate& split = timer.split();
  ClassTime t;
  const GroupTimer::Contention shares = timer.contention(TrafficClass::kMoeAll2all);
  const double mean_f = shares.mean, busy_f = shares.busy;
  const int gpus = in.instance->accelerators;
  const bool ll = in.group->role == NodeRole::kDecode;
  const int tokens = static_cast<int>(std::lround(m.tokens_per_step_per_node / gpus));
  const double remote = m.tokens_per_step_per_node * m.shape.top_k * m.shape.hidden_size *
                        (m.shape.dispatch_dtype_bytes + m.shape.combine_dtype_bytes) *
                        (m.ep_nodes > 1 ? (m.ep_nodes - 1.0) / m.ep_nodes : 0);
  auto layer = [&](double f) {
    return timer.moe_layer_us(tokens, m.shape.hidden_size, m.shape.top_k, m.ep_nodes * gpus, ll, f, remote);
  };
  const double l50 = layer(mean_f), l99 = layer(busy_f);
  t.p50_us = l50 * m.shape.moe_layers;
  t.p99_us = l99 * m.shape.moe_layers;
  const double period_us = 1e6 / m.steps_per_s;
  t.step_share = t.p99_us / period_us;
  t.op = "MoE dispatch + combine of all " + std::to_string(m.shape.moe_layers) + " MoE layers in one step (" +
         std::to_string(tokens) + " tokens per GPU, EP " + std::to_string(m.ep_nodes * gpus) + ", " +
         (ll ? "low-latency" : "normal") + " kernels)";
  t.why = m.name + ": " + format_us(l50) + " per layer by " + timer.model_name() + " on " +
          std::to_string(split.collective_nics.size()) + " NICs" +
          (busy_f < mean_f ? "; " + format_us(l99) + " while a KV transfer shares them (p99)" : "") + "; " +
          format_percent(t.step_share) + " of a " + format_us(period_us) + " step";
  const bool decode = in.group->role != NodeRole::kPrefill;
  timer.finish_per_step(t, decode ? in.spec->slo.tpot_ms : 0, "slo.tpot_ms");
  return t;
}

ClassTime training_moe_time(const GroupTimer& timer, const TrainingWorkloadSpec& w) {
  const GroupTimeInputs& in = timer.in();
  ClassTime t;
  const TrainingShape s = training_shape(w);
  const double mean_f = timer.contention(TrafficClass::kMoeAll2all).mean;
  const int tokens = static_cast<int>(std::lround(training_moe_tokens_per_gpu(s)));
  const double remote = training_moe_bytes_per_node(s) / (2.0 * w.micro_batches * std::max(1, s.moe_layers));
  const double layer = timer.moe_layer_us(tokens, w.moe.hidden_size, w.moe.top_k, w.moe.ep, false, mean_f, remote);
  t.p50_us = t.p99_us = layer * 2.0 * w.micro_batches * w.moe.moe_layers;
  t.op = "MoE dispatch + combine per step: " + std::to_string(w.moe.moe_layers) + " layers x " +
         std::to_string(w.micro_batches) + " micro-batches, forward and backward (EP " + std::to_string(w.moe.ep) + ")";
  const double period_us = w.step_time_s * 1e6;
  t.step_share = t.p99_us / period_us;
  t.why = w.name + ": " + format_us(layer) + " per layer by " + timer.model_name() + ", " + format_percent(t.step_share) + " of the step";
  timer.finish_per_step(t, in.spec->slo.training_step_ms, "slo.training_step_ms");
  return t;
}

}  // namespace fabricplan
