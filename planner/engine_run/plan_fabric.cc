#include "planner/engine_run/plan_fabric.h"

namespace fabricplan {

PlanOnFabric plan_on_fabric(const ClusterSpec& spec, const PlanResult& plan) {
  PlanOnFabric out;
  std::vector<const InstanceType*> instances;
  for (const auto& g : plan.groups) {
    instances.push_back(g.instance);
    out.pools[g.spec->name] = {g.split.chosen.kv_nics, g.split.chosen.collective_nics};
  }
  out.fabric = build_spec_fabric(spec, instances, plan.groups.front().per_interface_bytes_per_s);
  out.infiniband = plan.groups.front().instance->fabric == FabricKind::kInfiniband;
  return out;
}

}  // namespace fabricplan
