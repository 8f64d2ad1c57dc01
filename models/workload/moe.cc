#include "models/workload/moe.h"

namespace fabricplan {

double moe_bytes_per_step_per_node(const MoeShape& s, double tokens_per_step) {
  return tokens_per_step * s.moe_layers * s.top_k * static_cast<double>(s.hidden_size) *
         (s.dispatch_dtype_bytes + s.combine_dtype_bytes);
}

double moe_remote_fraction(int ep_nodes) {
  if (ep_nodes <= 1) return 0.0;
  return static_cast<double>(ep_nodes - 1) / ep_nodes;
}

double moe_network_bytes_per_s(const MoeShape& shape, const MoeLoad& load) {
  return moe_bytes_per_step_per_node(shape, load.tokens_per_step_per_node) * load.steps_per_s *
         moe_remote_fraction(load.ep_nodes);
}

}  // namespace fabricplan
