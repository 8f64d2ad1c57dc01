// What a plan hands the engines: the spec's fabric at the plan's per-NIC rate and each
// group's NIC pools from its chosen split (spec_fabric.h, spec_schedule.h).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "planner/plan.h"
#include "planner/engine_run/spec_fabric.h"
#include "planner/engine_run/spec_schedule.h"

namespace fabricplan {

struct PlanOnFabric {
  SpecFabric fabric;
  std::map<std::string, NodePools> pools;
  bool infiniband = false;
};

PlanOnFabric plan_on_fabric(const ClusterSpec& spec, const PlanResult& plan);

// What an engine run of a plan's chosen splits takes (the fabric, the pools, the schedule
// and its options), or why it cannot run (`schedule` empty: `summary` and `refused` say
// why, from estimates made before anything large is built). `plan` and `simulate SPEC`.
struct EngineRunSetup {
  PlanOnFabric on;
  SpecScheduleOptions options;
  std::optional<SpecSchedule> schedule;
  std::string summary;
  PlanResult::Refusal refused;
};
EngineRunSetup prepare_engine_run(const PlanResult& plan, const ClusterSpec& spec, const PlanOptions& options);

}  // namespace fabricplan
