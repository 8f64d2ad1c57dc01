// What a plan hands the engines: the spec's fabric at the plan's per-NIC rate and each
// group's NIC pools from its chosen split (spec_fabric.h, spec_schedule.h).
#pragma once

#include <map>
#include <string>

#include "planner/plan.h"
#include "planner/spec_fabric.h"
#include "planner/spec_schedule.h"

namespace fabricplan {

struct PlanOnFabric {
  SpecFabric fabric;
  std::map<std::string, NodePools> pools;
  bool infiniband = false;
};

PlanOnFabric plan_on_fabric(const ClusterSpec& spec, const PlanResult& plan);

}  // namespace fabricplan
