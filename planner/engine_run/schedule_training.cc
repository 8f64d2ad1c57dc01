#include "planner/engine_run/schedule_workloads.h"

#include <algorithm>

#include "models/workload/training.h"
#include "planner/analytic/demand.h"

namespace fabricplan {
void add_training(ScheduleBuilder& sb, const TrainingWorkloadSpec& t) {
  const TrainingShape shape = training_shape(t);
  const int first = sb.fabric().first_node.at(t.group), count = sb.spec().group(t.group)->count;
  const int per_stage = count / t.pp;
  const std::vector<int>& nics = sb.pools(t.group).collective_nics;
  if (nics.empty()) return;
  const double dp_bytes = training_dp_bytes_per_node(shape);
  const double pp_bytes = training_pp_bytes_per_node(shape) / (2.0 * t.micro_batches);
  const double moe_bytes = training_moe_bytes_per_node(shape) / (4.0 * t.micro_batches * std::max(1, shape.moe_layers));
  const int ep_nodes = std::max(1, t.moe.ep / t.gpus_per_node);
  for (int step = 0; to_ps(step * t.step_time_s) < sb.window_ps(); ++step) {
    const double t0 = step * t.step_time_s;
    // A step the window cuts keeps what is released inside it, marked partial (not timed).
    const int tag = to_ps(t0 + t.step_time_s) <= sb.window_ps() ? step : kPartialStep;
    // Forward in the first half of the step, backward in the second.
    const double mb_s = t.step_time_s / 2 / t.micro_batches;
    for (int mb = 0; mb < t.micro_batches; ++mb) {
      for (int half = 0; half < 2; ++half) {
        const double at = t0 + half * t.step_time_s / 2 + mb * mb_s;
        if (to_ps(at) >= sb.window_ps()) continue;
        if (pp_bytes > 0) {
          SpecOp op{TrafficClass::kPpActivations, t.group, t.name, static_cast<std::uint32_t>(sb.transfer_count()),
                    0, to_ps(at), tag, 0};
          for (int stage = 0; stage + 1 < t.pp; ++stage) {
            for (int i = 0; i < per_stage; ++i) {
              const int a = first + (half == 0 ? stage : stage + 1) * per_stage + i;
              const int b = first + (half == 0 ? stage + 1 : stage) * per_stage + i;
              for (int j : nics) {
                sb.add(TrafficClass::kPpActivations, sb.endpoint(a, j), sb.endpoint(b, j), pp_bytes / static_cast<double>(nics.size()), op.release_ps);
              }
              op.bytes += pp_bytes;
            }
          }
          op.end = static_cast<std::uint32_t>(sb.transfer_count());
          sb.add_op(op);
        }
        if (moe_bytes > 0 && ep_nodes > 1) {
          const double layer_s = mb_s / shape.moe_layers;
          for (int stage = 0; stage < t.pp; ++stage) {
            for (const auto& set : node_sets(first + stage * per_stage, per_stage, ep_nodes)) {
              std::vector<std::vector<std::vector<std::uint32_t>>> after;
              for (int l = 0; l < shape.moe_layers && to_ps(at + l * layer_s) < sb.window_ps(); ++l) {
                sb.all_to_all(TrafficClass::kMoeAll2all, t.group, t.name, set, nics, moe_bytes, to_ps(at + l * layer_s), tag, after);
                sb.all_to_all(TrafficClass::kMoeAll2all, t.group, t.name, set, nics, moe_bytes, to_ps(at + (l + 0.5) * layer_s), tag, after);
              }
            }
          }
        }
      }
    }
    if (dp_bytes > 0 && to_ps(t0 + t.step_time_s / 2) < sb.window_ps()) {
      for (int stage = 0; stage < t.pp; ++stage) {
        std::vector<int> nodes;
        for (int i = 0; i < per_stage; ++i) nodes.push_back(first + stage * per_stage + i);
        if (nodes.size() < 2) continue;
        sb.ring(TrafficClass::kDpGradients, t.group, t.name, nodes, nics, dp_bytes,
             (t.fsdp ? 3 : 2) * (per_stage - 1), to_ps(t0 + t.step_time_s / 2), tag);
      }
    }
  }
}


}  // namespace fabricplan
