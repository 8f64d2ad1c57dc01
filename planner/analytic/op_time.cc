#include "planner/analytic/op_time.h"

// The analytic engine's entry points; the machinery is group_timer.h, each workload's
// time its own file (workload_times.h).
#include <stdexcept>

#include "models/collective/tiers.h"
#include "planner/analytic/group_timer.h"
#include "planner/engine_run/leaf_crossing.h"

namespace fabricplan {
namespace {

constexpr double kNcclNetHopUs = 14;  // NCCL's hwLat for a network hop, Simple (src/graph/tuning.cc)

}  // namespace

double kv_alpha_us(const InstanceType& t, const CalibrationProfile* profile, std::string* source) {
  if (profile) {
    for (const auto& nic : profile->nics) {
      if (!nic.segments.empty() && nic.segments.front().alpha_us > 0) {
        if (source) *source = "calibration " + profile->file + " (alpha of the first fit segment)";
        return nic.segments.front().alpha_us;
      }
    }
  }
  try {
    const collective::NodeTiers tiers = collective::tiers_from_catalog(t);
    if (source) *source = "one network hop of the collective model (NCCL hwLat 14 us + fitted " + time_num(tiers.net_hop_extra_us, "%.0f") + " us)";
    return kNcclNetHopUs + tiers.net_hop_extra_us;
  } catch (const std::invalid_argument&) {
    if (source) *source = "NCCL's network hwLat (14 us); no fitted figure for " + t.name;
    return kNcclNetHopUs;
  }
}

double class_fabric(const GroupTimeInputs& in, TrafficClass cls) {
  const auto it = in.crossing.find(cls);
  return class_fabric_factor(in.fabric_factor, it == in.crossing.end() ? 1.0 : it->second);
}

std::map<TrafficClass, ClassTime> analytic_op_times(const GroupTimeInputs& in, const SplitCandidate& split) {
  return GroupTimer(in, split).run();
}

}  // namespace fabricplan
