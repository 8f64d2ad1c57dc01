// `fabricplan plan SPEC [--format text|md|json|html] [-o FILE] [--calibration PROFILE]`
#include <optional>

#include "calib/profile.h"
#include "cli/args.h"
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "models/catalog/catalog.h"
#include "planner/plan.h"
#include "planner/report/report.h"
#include "planner/spec_parser.h"

namespace fabricplan::cli {

int run_plan(const std::vector<std::string>& argv) {
  const char* usage = usage_of("plan");
  return guarded("plan", usage, [&] {
    Args args(argv, {"--format", "-o", "--output", "--calibration", "--catalog"}, {});
    if (args.positionals().size() != 1) throw UsageError("expected exactly one SPEC file");
    std::string format = args.get_or("--format", "text");
    if (format != "text" && format != "md" && format != "json" && format != "html") {
      throw UsageError("--format must be text, md, json or html, not \"" + format + "\"");
    }
    std::optional<std::string> out = args.get("-o");
    if (!out) out = args.get("--output");

    Catalog catalog = Catalog::load(args.get_or("--catalog", Catalog::default_path()));
    ClusterSpec spec = parse_cluster_spec(args.positionals()[0], catalog);
    std::optional<CalibrationProfile> profile;
    std::optional<std::string> profile_path = args.get("--calibration");
    if (!profile_path) profile_path = spec.calibration_path;
    if (profile_path) profile = load_calibration_profile(*profile_path);

    PlanResult plan = make_plan(spec, catalog, profile ? &*profile : nullptr);
    std::string text = format == "json" ? render_plan_json(plan)
                       : format == "md" ? render_plan_markdown(plan)
                       : format == "html" ? render_plan_html(plan)
                                          : render_plan_text(plan);
    emit(out, text);
    return kExitOk;
  });
}

}  // namespace fabricplan::cli
