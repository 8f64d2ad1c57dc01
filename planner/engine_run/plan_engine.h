// The engines confirm a plan: its chosen NIC splits run on the flow or packet engine
// (spec_schedule.h, spec_run.h); each class takes the measured times, each group its
// busiest links, and the verdicts follow (apply_engine_verdicts in plan.h).
#pragma once

#include "planner/plan.h"

namespace fabricplan {

// Runs `options.engine` (flow or packet) on the plan's splits and applies what it measured.
void confirm_plan_on_engine(PlanResult& plan, const ClusterSpec& spec, const PlanOptions& options);

}  // namespace fabricplan
