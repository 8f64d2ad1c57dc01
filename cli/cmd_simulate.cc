// `fabricplan simulate SCENARIO [--format text|json] [-o FILE] [--seed N] [--calibration PROFILE]`
#include <string>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "calib/profile.h"
#include "sim/scenario/calibrated.h"
#include "sim/scenario/run.h"

namespace fabricplan::cli {

int run_simulate(const std::vector<std::string>& argv) {
  return guarded("simulate", usage_of("simulate"), [&] {
    Args args(argv, {"--format", "-o", "--output", "--seed", "--calibration"}, {"--progress"});
    if (args.positionals().size() != 1) throw UsageError("expected exactly one SCENARIO file");
    std::string format = args.get_or("--format", "text");
    if (format != "text" && format != "json") throw UsageError("--format must be text or json");
    sim::Scenario scenario = sim::parse_scenario(args.positionals()[0]);
    if (auto seed = args.unsigned_in("--seed", 0, ~0ull)) {
      scenario.seed = *seed;
      scenario.fabric.seed = *seed;
    }
    if (auto profile = args.get("--calibration")) sim::apply_calibration(scenario, load_calibration_profile(*profile));
    std::optional<std::string> out = args.get("-o");
    if (!out) out = args.get("--output");
    sim::SimulationResult r = sim::run_scenario(scenario, args.has("--progress"));
    emit(out, format == "json" ? sim::render_simulation_json(r) : sim::render_simulation_text(r));
    return kExitOk;
  });
}

}  // namespace fabricplan::cli
