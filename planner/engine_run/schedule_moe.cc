#include "planner/engine_run/schedule_workloads.h"

#include <algorithm>

#include "models/workload/moe.h"

namespace fabricplan {
void add_moe(ScheduleBuilder& sb, const MoeWorkloadSpec& m) {
  const double period = 1 / m.steps_per_s;
  const double layer_s = period / m.shape.moe_layers;
  const double tokens = m.tokens_per_step_per_node;
  const double remote = moe_remote_fraction(m.ep_nodes);
  const double dispatch = tokens * m.shape.top_k * m.shape.hidden_size * m.shape.dispatch_dtype_bytes * remote;
  const double combine = tokens * m.shape.top_k * m.shape.hidden_size * m.shape.combine_dtype_bytes * remote;
  for (const std::string& g : m.groups) {
    const std::vector<int>& nics = sb.pools(g).collective_nics;
    if (nics.empty()) continue;  // a split with no collective interface
    for (const auto& set : node_sets(sb.fabric().first_node.at(g), sb.spec().group(g)->count, m.ep_nodes)) {
      std::vector<std::vector<std::vector<std::uint32_t>>> after;
      for (int step = 0; to_ps(step * period) < sb.window_ps(); ++step) {
        // A step cut by the window keeps its layers inside it, marked partial (not timed).
        const bool whole = to_ps(step * period + (m.shape.moe_layers - 1) * layer_s) < sb.window_ps();
        for (int l = 0; l < m.shape.moe_layers; ++l) {
          const double t0 = step * period + l * layer_s;
          if (to_ps(t0) >= sb.window_ps()) break;
          const int tag = whole ? step : kPartialStep;
          sb.all_to_all(TrafficClass::kMoeAll2all, g, m.name, set, nics, dispatch, to_ps(t0), tag, after);
          sb.all_to_all(TrafficClass::kMoeAll2all, g, m.name, set, nics, combine, to_ps(t0 + layer_s / 2), tag, after);
        }
      }
    }
  }
}


}  // namespace fabricplan
