// `fabricplan compare SCENARIO [--format text|json] [-o FILE] [--seed N] [--progress] [--calibration PROFILE]`:
// the scenario's traffic on EFA and on IB, side by side (sim/scenario/compare.h).
// `fabricplan compare SPEC [--ib TYPE] [--format text|md|json|html] [-o FILE] [--engine flow|packet] [--no-fault]`:
// the spec's workload on its EFA instances and on an InfiniBand reference node
// (planner/spec_compare.h).
#include <cstdlib>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "cli/scenario_input.h"
#include "cli/spec_input.h"
#include "planner/report/compare_report.h"
#include "planner/spec/spec_parser.h"
#include "sim/scenario/compare.h"

namespace fabricplan::cli {
namespace {

int compare_spec_command(const Args& args) {
  if (args.has("--progress")) throw UsageError("--progress applies to a SCENARIO");
  SpecInput in = read_spec_input(args, {"flow", "packet"}, {"text", "md", "json", "html"});
  CompareOptions o;
  o.plan = in.options;
  o.fault_slice = !args.has("--no-fault");
  auto ms = [&](const char* name, double lo, double hi, double fallback) {
    const auto v = args.get(name);
    if (!v) return fallback * 1e-3;
    char* end = nullptr;
    const double x = std::strtod(v->c_str(), &end);
    if (end == v->c_str() || *end != '\0' || !(x >= lo && x <= hi)) {
      throw UsageError(std::string(name) + " must be a number of milliseconds in [" + std::to_string(lo) + ", " +
                       std::to_string(hi) + "], not \"" + *v + "\"");
    }
    return x * 1e-3;
  };
  o.slice_window_s = ms("--slice-ms", 0.01, 1000, 2);
  o.sm_reroute_after_s = ms("--sm-reroute-ms", 0, 600000, 100);
  o.self_healing_after_s = ms("--self-healing-ms", 0, 600000, 1);
  if (auto r = args.get("--ib-routing")) {
    if (*r != "static" && *r != "adaptive") throw UsageError("--ib-routing must be static or adaptive, not \"" + *r + "\"");
    o.plan.ib_adaptive = *r == "adaptive";
  }
  if (auto r = args.get("--ib-recovery")) {
    if (*r == "all") {
      o.ib_recovery = {"self-healing", "sm", "none"};
    } else if (*r == "self-healing" || *r == "sm" || *r == "none") {
      o.ib_recovery = {*r};
    } else {
      throw UsageError("--ib-recovery must be self-healing, sm, none or all, not \"" + *r + "\"");
    }
  }
  if (auto ib = args.get("--ib")) {
    const InstanceType* t = in.catalog->find(*ib);
    if (!t || t->fabric != FabricKind::kInfiniband) {
      std::string names;
      for (const auto& c : in.catalog->instances()) {
        if (c.fabric == FabricKind::kInfiniband) names += (names.empty() ? "" : ", ") + c.name;
      }
      throw UsageError("--ib must name an InfiniBand instance type of the catalog (" + names + "), not \"" + *ib + "\"");
    }
    o.ib_type = *ib;
  }
  const SpecComparison c = compare_spec(*in.spec, *in.catalog, in.profile ? &*in.profile : nullptr, o);
  emit(in.out, in.format == "json" ? render_compare_json(c)
               : in.format == "md" ? render_compare_markdown(c)
               : in.format == "html" ? render_compare_html(c)
                                     : render_compare_text(c));
  return kExitOk;
}

}  // namespace

int run_compare(const std::vector<std::string>& argv) {
  return guarded("compare", usage_of("compare"), [&] {
    Args args(spec_of("compare"), argv);
    if (args.help_printed()) return kExitOk;
    if (args.positionals().size() == 1 && is_cluster_spec_file(args.positionals()[0])) return compare_spec_command(args);
    for (const char* only : {"--ib", "--engine", "--no-fault", "--slice-ms", "--sm-reroute-ms", "--window-ms", "--max-transfers",
                             "--catalog"}) {
      if (args.has(only)) throw UsageError(std::string(only) + " applies to a cluster SPEC, not a scenario");
    }
    const std::string format = args.get_or("--format", "text");
    if (format != "text" && format != "json") throw UsageError("--format must be text or json for a SCENARIO, not \"" + format + "\"");
    ScenarioInput in = read_scenario_input("compare", argv);
    sim::Comparison c = sim::run_comparison(in.scenario, in.progress);
    emit(in.out, in.json ? sim::render_comparison_json(c) : sim::render_comparison_text(c));
    return kExitOk;
  });
}

}  // namespace fabricplan::cli
