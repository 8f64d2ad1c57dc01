// `fabricplan compare SCENARIO [--format text|json] [-o FILE] [--seed N] [--progress] [--calibration PROFILE]`:
// the scenario's traffic on EFA and on IB, side by side (sim/scenario/compare.h).
#include "cli/args.h"
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "cli/scenario_input.h"
#include "sim/scenario/compare.h"

namespace fabricplan::cli {

int run_compare(const std::vector<std::string>& argv) {
  return guarded("compare", usage_of("compare"), [&] {
    ScenarioInput in = read_scenario_input("compare", argv);
    if (in.help) return kExitOk;
    if (in.csv || in.flows_csv) throw UsageError("compare writes text or json (simulate writes CSV)");
    sim::Comparison c = sim::run_comparison(in.scenario, in.progress);
    emit(in.out, in.json ? sim::render_comparison_json(c) : sim::render_comparison_text(c));
    return kExitOk;
  });
}

}  // namespace fabricplan::cli
