// `fabricplan simulate SCENARIO [--engine packet|flow] [--format text|json|csv] [-o FILE] [--seed N] [--calibration PROFILE]
// [--threads N]`
// `fabricplan simulate SPEC [--engine flow|packet] [--window-ms MS] [--format text|json|csv] [-o FILE] [--progress]
// [--flows-csv FILE] [--threads N]`: the spec's schedule on its fabric with the analytic plan's NIC splits, as a simulate report
// (transport statistics, busiest links, per-class flows) and the spec's operations timed; the packet engine on a
// window it states, refused with the estimate when the window is too large for it.

#include "cli/args.h"
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "cli/scenario_input.h"
#include "cli/spec_input.h"
#include "models/json_input/input_error.h"
#include "planner/engine_run/plan_fabric.h"
#include "planner/report/spec_simulate_report.h"
#include "planner/spec/spec_parser.h"
#include "sim/scenario/run.h"

namespace fabricplan::cli {
namespace {

int simulate_spec(const Args& args) {
  SpecInput in = read_spec_input(args, {"flow", "packet"}, {"text", "json", "csv"});
  // The NIC splits the engine runs are the analytic plan's (as `plan` chooses them).
  PlanOptions splits = in.options;
  splits.engine = "analytic";
  splits.sweep = false;
  const PlanResult plan = make_plan(*in.spec, *in.catalog, in.profile ? &*in.profile : nullptr, splits);
  EngineRunSetup setup = prepare_engine_run(plan, *in.spec, in.options);
  // Why the engine cannot run (its estimate, before anything large was allocated) is
  // here the command's error.
  if (!setup.schedule) throw InputError(in.spec->file, "/workloads", setup.refused.expected, setup.refused.found);
  SpecSimulation sim;
  sim.spec = in.spec.get();
  sim.plan = &plan;
  sim.seed = in.options.seed;
  sim.fabric_description = setup.on.fabric.description;
  sim.run = run_spec_schedule(*in.spec, setup.on.fabric, std::move(*setup.schedule), in.options.engine, 5, false,
                              args.has("--progress"));
  emit(in.out, in.format == "json" ? render_spec_simulation_json(sim)
               : in.format == "csv"  ? sim::render_simulation_csv(sim.run.sim)
                                     : render_spec_simulation_text(sim));
  if (auto flows = args.get("--flows-csv")) emit(*flows, sim::render_flows_csv(sim.run.sim));
  return kExitOk;
}

}  // namespace

int run_simulate(const std::vector<std::string>& argv) {
  return guarded("simulate", usage_of("simulate"), [&] {
    Args args(spec_of("simulate"), argv);
    if (args.help_printed()) return kExitOk;
    if (args.positionals().size() == 1 && is_cluster_spec_file(args.positionals()[0])) {
      return simulate_spec(args);
    }
    for (const char* only : {"--window-ms", "--max-transfers", "--catalog"}) {
      if (args.has(only)) throw UsageError(std::string(only) + " applies to a cluster SPEC, not a scenario");
    }
    ScenarioInput in = read_scenario_input("simulate", argv);
    if (auto threads = args.unsigned_in("--threads", 1, 1024)) in.scenario.threads = static_cast<unsigned>(*threads);
    sim::SimulationResult r = sim::run_scenario_with(in.scenario, in.engine, in.progress);
    emit(in.out, in.json ? sim::render_simulation_json(r) : in.csv ? sim::render_simulation_csv(r) : sim::render_simulation_text(r));
    if (in.flows_csv) emit(in.flows_csv, sim::render_flows_csv(r));
    return kExitOk;
  });
}

}  // namespace fabricplan::cli
