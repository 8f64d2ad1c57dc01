// `fabricplan plan SPEC [--format text|md|json|html] [-o FILE] [--calibration PROFILE] [--fail-on tight|insufficient]
//  [--engine analytic|flow|packet] [--window-ms MS] [--max-transfers N] [--seed N]`
#include <cstdio>
#include <optional>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "cli/spec_input.h"
#include "planner/report/report.h"

namespace fabricplan::cli {

int run_plan(const std::vector<std::string>& argv) {
  const std::string usage = usage_of("plan");
  return guarded("plan", usage, [&] {
    Args args(spec_of("plan"), argv);
    if (args.help_printed()) return kExitOk;
    // For CI pipelines: exit 3 when the verdict is at or past the given one.
    std::optional<Verdict> fail_on;
    if (auto f = args.get("--fail-on")) {
      if (*f == "tight") fail_on = Verdict::kTight;
      else if (*f == "insufficient") fail_on = Verdict::kInsufficient;
      else throw UsageError("--fail-on must be tight or insufficient, not \"" + *f + "\"");
    }
    SpecInput in = read_spec_input(args, {"flow", "analytic", "packet"}, {"text", "md", "json", "html"});
    PlanResult plan = make_plan(*in.spec, *in.catalog, in.profile ? &*in.profile : nullptr, in.options);
    std::string text = in.format == "json" ? render_plan_json(plan)
                       : in.format == "md" ? render_plan_markdown(plan)
                       : in.format == "html" ? render_plan_html(plan)
                                             : render_plan_text(plan);
    emit(in.out, text);
    if (fail_on && static_cast<int>(plan.verdict) >= static_cast<int>(*fail_on)) {
      std::fprintf(stderr, "fabricplan plan: verdict %s (at or past --fail-on %s)\n", verdict_name(plan.verdict),
                   verdict_name(*fail_on));
      return 3;
    }
    return kExitOk;
  });
}

}  // namespace fabricplan::cli
