// `fabricplan simulate SCENARIO [--engine packet|flow] [--format text|json] [-o FILE] [--seed N] [--calibration PROFILE]`
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "cli/scenario_input.h"
#include "sim/scenario/run.h"

namespace fabricplan::cli {

int run_simulate(const std::vector<std::string>& argv) {
  return guarded("simulate", usage_of("simulate"), [&] {
    ScenarioInput in = read_scenario_input("simulate", argv);
    if (in.help) return kExitOk;
    sim::SimulationResult r = sim::run_scenario_with(in.scenario, in.engine, in.progress);
    emit(in.out, in.json ? sim::render_simulation_json(r) : in.csv ? sim::render_simulation_csv(r) : sim::render_simulation_text(r));
    if (in.flows_csv) emit(in.flows_csv, sim::render_flows_csv(r));
    return kExitOk;
  });
}

}  // namespace fabricplan::cli
