// `simulate SPEC`'s report: the simulate report of the spec's schedule on its fabric
// (sim/scenario/run.h: transport statistics, busiest links, per-class flow figures),
// headed by what was run (the fabric, the NIC splits the analytic plan chose, the window)
// and followed by the spec's own operations timed (KV per request, MoE per step, ...).
#pragma once

#include <string>

#include "planner/engine_run/plan_fabric.h"
#include "planner/engine_run/spec_run.h"

namespace fabricplan {

struct SpecSimulation {
  const ClusterSpec* spec = nullptr;
  const PlanResult* plan = nullptr;  // the analytic plan whose splits ran
  SpecRunResult run;
  std::string fabric_description;
  std::uint64_t seed = 1;
};

std::string render_spec_simulation_text(const SpecSimulation& s);
std::string render_spec_simulation_json(const SpecSimulation& s);

}  // namespace fabricplan
