// `fabricplan simulate SCENARIO [--engine packet|flow] [--format text|json|csv] [-o FILE] [--seed N] [--calibration PROFILE]`
// `fabricplan simulate SPEC [--engine flow|packet] [--window-ms MS] [--format text|json] [-o FILE]`: the spec's
// schedule on its fabric (the plan with that engine's run; the packet engine on a window
// it states, refused with the estimate when the window is too large for it).
#include <cstdio>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "cli/scenario_input.h"
#include "cli/spec_input.h"
#include "models/json_input/input_error.h"
#include "planner/report/report.h"
#include "planner/plan_fabric.h"
#include "planner/spec_fabric.h"
#include "planner/spec_parser.h"
#include "planner/spec_schedule.h"
#include "sim/scenario/run.h"
#include "sim/scenario/scenario_schedule.h"

namespace fabricplan::cli {
namespace {

int simulate_spec(const Args& args) {
  SpecInput in = read_spec_input(args, {"flow", "packet"}, {"text", "json"});
  if (args.has("--flows-csv") || args.has("--progress")) throw UsageError("--flows-csv and --progress apply to a SCENARIO");
  if (in.options.engine == "packet") {
    // The analytic plan gives the splits; the window's packet events are estimated
    // before anything runs.
    PlanOptions analytic = in.options;
    analytic.engine = "analytic";
    analytic.sweep = false;
    const PlanResult plan = make_plan(*in.spec, *in.catalog, in.profile ? &*in.profile : nullptr, analytic);
    if (in.options.window_s <= 0) in.options.window_s = packet_window_s(*in.spec);
    const PlanOnFabric on = plan_on_fabric(*in.spec, plan);
    const SpecFabric& fabric = on.fabric;
    const std::map<std::string, NodePools>& pools = on.pools;
    SpecScheduleOptions so;
    so.infiniband = on.infiniband;
    so.window_s = in.options.window_s;
    so.max_transfers = in.options.max_transfers;
    if (const std::string why = spec_engine_refusal(*in.spec, fabric, pools, so); !why.empty()) {
      throw InputError(in.spec->file, "/workloads", "a schedule the engines can hold (--window-ms shortens the window)", why);
    }
    const SpecSchedule s = build_spec_schedule(*in.spec, fabric, pools, so);
    const double events = sim::expected_packet_events(s.scenario);
    if (events > kMaxSpecPacketEvents) {
      char found[160];
      std::snprintf(found, sizeof found, "about %.3g packet events over the %.3g ms window", events, s.window_s * 1e3);
      throw InputError(in.spec->file, "/workloads",
                       "a packet-level window of at most 5e8 events (--window-ms shortens it; --engine flow runs longer windows)",
                       found);
    }
  }
  in.options.sweep = false;
  PlanResult plan = make_plan(*in.spec, *in.catalog, in.profile ? &*in.profile : nullptr, in.options);
  emit(in.out, in.format == "json" ? render_plan_json(plan) : render_plan_text(plan));
  return kExitOk;
}

}  // namespace

int run_simulate(const std::vector<std::string>& argv) {
  return guarded("simulate", usage_of("simulate"), [&] {
    Args args(spec_of("simulate"), argv);
    if (args.help_printed()) return kExitOk;
    if (args.positionals().size() == 1 && is_cluster_spec_file(args.positionals()[0])) return simulate_spec(args);
    for (const char* only : {"--window-ms", "--max-transfers", "--catalog"}) {
      if (args.has(only)) throw UsageError(std::string(only) + " applies to a cluster SPEC, not a scenario");
    }
    ScenarioInput in = read_scenario_input("simulate", argv);
    sim::SimulationResult r = sim::run_scenario_with(in.scenario, in.engine, in.progress);
    emit(in.out, in.json ? sim::render_simulation_json(r) : in.csv ? sim::render_simulation_csv(r) : sim::render_simulation_text(r));
    if (in.flows_csv) emit(in.flows_csv, sim::render_flows_csv(r));
    return kExitOk;
  });
}

}  // namespace fabricplan::cli
