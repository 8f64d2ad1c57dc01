#include "planner/engine_run/schedule_workloads.h"

#include <algorithm>


namespace fabricplan {
void add_tp(ScheduleBuilder& sb, const TpWorkloadSpec& tp) {
  if (tp.nodes_spanned <= 1) return;  // NVLink only
  const int n = tp.nodes_spanned;
  const double ranks = tp.ranks;
  const double per_node = 2 * (ranks - 1) / ranks * tp.bytes_per_op;
  for (const std::string& g : tp.groups) {
    if (sb.pools(g).collective_nics.empty()) continue;
    for (const auto& set : node_sets(sb.fabric().first_node.at(g), sb.spec().group(g)->count, n)) {
      for (int k = 0; to_ps(k / tp.ops_per_s) < sb.window_ps(); ++k) {
        sb.ring(TrafficClass::kTpAllreduce, g, tp.name, set, sb.pools(g).collective_nics, per_node, 2 * (n - 1),
             to_ps(k / tp.ops_per_s), -1);
      }
    }
  }
}


}  // namespace fabricplan
