// `fabricplan compare SCENARIO [--format text|json] [-o FILE] [--seed N] [--progress] [--calibration PROFILE]`:
// the scenario's traffic on EFA and on IB, side by side (sim/scenario/compare.h).
#include <string>

#include "calib/profile.h"
#include "cli/args.h"
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "sim/scenario/calibrated.h"
#include "sim/scenario/compare.h"

namespace fabricplan::cli {

int run_compare(const std::vector<std::string>& argv) {
  return guarded("compare", usage_of("compare"), [&] {
    Args args(argv, {"--format", "-o", "--output", "--seed", "--calibration"}, {"--progress"});
    if (args.positionals().size() != 1) throw UsageError("expected exactly one SCENARIO file");
    std::string format = args.get_or("--format", "text");
    if (format != "text" && format != "json") throw UsageError("--format must be text or json");
    sim::Scenario scenario = sim::parse_scenario(args.positionals()[0]);
    if (auto seed = args.unsigned_in("--seed", 0, ~0ull)) {
      scenario.seed = *seed;
      scenario.fabric.seed = *seed;
    }
    // The profile's NIC rate applies to both fabrics: the comparison is of the network.
    if (auto profile = args.get("--calibration")) sim::apply_calibration(scenario, load_calibration_profile(*profile));
    std::optional<std::string> out = args.get("-o");
    if (!out) out = args.get("--output");
    sim::Comparison c = sim::run_comparison(scenario, args.has("--progress"));
    emit(out, format == "json" ? sim::render_comparison_json(c) : sim::render_comparison_text(c));
    return kExitOk;
  });
}

}  // namespace fabricplan::cli
