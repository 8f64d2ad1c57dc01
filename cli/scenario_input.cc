#include "cli/scenario_input.h"

#include "calib/profile.h"
#include "cli/args.h"
#include "cli/guard.h"
#include "sim/scenario/calibrated.h"

namespace fabricplan::cli {

ScenarioInput read_scenario_input(const std::string& command, const std::vector<std::string>& argv) {
  Args args(spec_of(command), argv);
  if (args.help_printed()) {
    ScenarioInput help;
    help.help = true;
    return help;
  }
  if (args.positionals().size() != 1) throw UsageError("expected exactly one SCENARIO file");
  std::string format = args.get_or("--format", "text");
  if (format != "text" && format != "json" && format != "csv") throw UsageError("--format must be text, json or csv");
  ScenarioInput in{sim::parse_scenario(args.positionals()[0]), format == "json", format == "csv", args.get("--flows-csv"),
                   args.get("-o"), args.has("--progress"), "", false};
  if (!in.out) in.out = args.get("--output");
  if (auto engine = args.get("--engine")) {
    if (*engine != "packet" && *engine != "flow") throw UsageError("--engine must be packet or flow, not " + *engine);
    in.engine = *engine;
  }
  if (auto seed = args.unsigned_in("--seed", 0, ~0ull)) {
    in.scenario.seed = *seed;
    in.scenario.fabric.seed = *seed;
  }
  // The profile's NIC rate replaces the scenario's (for compare: on both fabrics).
  if (auto profile = args.get("--calibration")) sim::apply_calibration(in.scenario, load_calibration_profile(*profile));
  return in;
}

}  // namespace fabricplan::cli
