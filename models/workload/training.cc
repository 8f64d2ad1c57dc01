#include "models/workload/training.h"

#include <algorithm>

namespace fabricplan {
namespace {

int replicas_per_node(const TrainingShape& t) { return std::max(1, t.gpus_per_node / std::max(1, t.tp)); }

}  // namespace

double training_gradient_shard_bytes(const TrainingShape& t) {
  return t.parameters / (static_cast<double>(t.tp) * t.pp) * t.gradient_bytes;
}

double training_dp_bytes_per_node(const TrainingShape& t) {
  if (t.dp <= replicas_per_node(t)) return 0;
  const double share = static_cast<double>(t.dp - 1) / t.dp;
  return t.tp * (t.fsdp ? 3.0 : 2.0) * share * training_gradient_shard_bytes(t);
}

double training_pp_bytes_per_node(const TrainingShape& t) {
  if (t.pp <= 1) return 0;
  return replicas_per_node(t) * t.micro_batches * 2.0 * t.micro_batch_tokens * t.hidden_size * t.activation_bytes;
}

double training_moe_tokens_per_gpu(const TrainingShape& t) { return t.micro_batch_tokens / std::max(1, t.tp); }

double training_moe_remote_fraction(const TrainingShape& t) {
  if (t.ep <= t.gpus_per_node) return 0;
  return static_cast<double>(t.ep - t.gpus_per_node) / t.ep;
}

double training_moe_bytes_per_node(const TrainingShape& t) {
  if (t.moe_layers <= 0) return 0;
  const double per_gpu_layer = training_moe_tokens_per_gpu(t) * t.top_k * static_cast<double>(t.moe_hidden) *
                               (t.dispatch_bytes + t.combine_bytes);
  // forward and backward
  return 2.0 * per_gpu_layer * t.moe_layers * t.micro_batches * t.gpus_per_node * training_moe_remote_fraction(t);
}

}  // namespace fabricplan
