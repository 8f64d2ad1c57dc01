// `fabricplan simulate SCENARIO [--engine packet|flow] [--format text|json|csv] [-o FILE] [--seed N] [--calibration PROFILE]`
// `fabricplan simulate SPEC [--engine flow|packet] [--window-ms MS] [--format text|json] [-o FILE]`: the spec's
// schedule on its fabric (the plan with that engine's run; the packet engine on a window
// it states, refused with the estimate when the window is too large for it).

#include "cli/args.h"
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "cli/scenario_input.h"
#include "cli/spec_input.h"
#include "models/json_input/input_error.h"
#include "planner/report/report.h"
#include "planner/spec_parser.h"
#include "sim/scenario/run.h"

namespace fabricplan::cli {
namespace {

int simulate_spec(const Args& args) {
  SpecInput in = read_spec_input(args, {"flow", "packet"}, {"text", "json"});
  if (args.has("--flows-csv") || args.has("--progress")) throw UsageError("--flows-csv and --progress apply to a SCENARIO");
  in.options.sweep = false;
  PlanResult plan = make_plan(*in.spec, *in.catalog, in.profile ? &*in.profile : nullptr, in.options);
  // The plan says why its engine could not run (its estimate, before anything was
  // allocated); here that is the command's error.
  if (!plan.engine_refused.expected.empty()) {
    throw InputError(in.spec->file, "/workloads", plan.engine_refused.expected, plan.engine_refused.found);
  }
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
