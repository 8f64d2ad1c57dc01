// `fabricplan plan SPEC [--format text|md|json|html] [-o FILE] [--calibration PROFILE] [--fail-on tight|insufficient]`
#include <cstdio>
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
  const std::string usage = usage_of("plan");
  return guarded("plan", usage, [&] {
    Args args(spec_of("plan"), argv);
    if (args.help_printed()) return kExitOk;
    if (args.positionals().size() != 1) throw UsageError("expected exactly one SPEC file");
    std::string format = args.get_or("--format", "text");
    if (format != "text" && format != "md" && format != "json" && format != "html") {
      throw UsageError("--format must be text, md, json or html, not \"" + format + "\"");
    }
    std::optional<std::string> out = args.get("-o");
    if (!out) out = args.get("--output");
    // For CI pipelines: exit 3 when the verdict is at or past the given one.
    std::optional<Verdict> fail_on;
    if (auto f = args.get("--fail-on")) {
      if (*f == "tight") fail_on = Verdict::kTight;
      else if (*f == "insufficient") fail_on = Verdict::kInsufficient;
      else throw UsageError("--fail-on must be tight or insufficient, not \"" + *f + "\"");
    }

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
    if (fail_on && static_cast<int>(plan.verdict) >= static_cast<int>(*fail_on)) {
      std::fprintf(stderr, "fabricplan plan: verdict %s (at or past --fail-on %s)\n", verdict_name(plan.verdict),
                   verdict_name(*fail_on));
      return 3;
    }
    return kExitOk;
  });
}

}  // namespace fabricplan::cli
