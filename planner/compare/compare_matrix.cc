#include "planner/compare/compare_matrix.h"

#include <cstdio>


namespace fabricplan {
namespace {

const ClassResult* find_class(const PlanResult& p, const std::string& group, TrafficClass cls) {
  for (const auto& g : p.groups) {
    if (g.spec->name != group) continue;
    for (const auto& c : g.classes) {
      if (c.cls == cls) return &c;
    }
  }
  return nullptr;
}

// The share of its budget the class's analytic p99 takes (an SLO, else its own step),
// the figure every time of the class is judged by (apply_engine_verdicts does the same).
double analytic_share(const ClassResult& c) {
  if (!c.time.known || c.time.p99_us <= 0) return -1;
  const double share = c.time.budget_us > 0 ? c.time.share : c.time.step_share;
  return share > 0 ? share : -1;
}

MatrixCell steady_cell(const std::string& column, const PlanResult& p, const ClassResult* c) {
  MatrixCell cell;
  cell.column = column;
  if (!c) {
    cell.verdict = "not run";
    cell.note = "the class is not in this plan";
    return cell;
  }
  cell.verdict = verdict_name(c->verdict);
  if (c->engine_count > 0) {
    cell.has_time = true;
    cell.time_us = c->engine_p99_us;
    cell.time_source = p.engine + " engine " +
                       (c->engine_p99_is_max() ? "max (n=" + std::to_string(c->engine_count) + ")" : std::string("p99"));
    if (c->engine_time_share > 0) cell.budget_share = c->engine_time_share;
  } else if (c->time.known && !c->time.unbounded) {
    cell.has_time = true;
    cell.time_us = c->time.p99_us;
    cell.time_source = "analytic p99";
    cell.budget_share = analytic_share(*c);
  } else {
    cell.note = c->time.unbounded ? "unbounded: the pool is past its capacity" : c->time.why;
  }
  if (cell.budget_share < 0 && cell.has_time) {
    const double share = analytic_share(*c);
    if (share > 0) cell.budget_share = share * cell.time_us / c->time.p99_us;
  }
  return cell;
}

MatrixCell failure_cell(const std::string& column, const FaultSlice& f, const ClassResult* c, TrafficClass cls,
                        const VerdictThresholds& thresholds) {
  MatrixCell cell;
  cell.column = column;
  if (!f.ran) {
    cell.verdict = "not run";
    cell.note = f.why_not;
    return cell;
  }
  const FaultSliceClass* k = nullptr;
  for (const auto& x : f.classes) k = x.cls == traffic_class_name(cls) ? &x : k;
  if (!k || k->ops + k->incomplete == 0) {
    cell.verdict = "not in the slice";
    cell.note = "no operation of the class ran in the slice";
    return cell;
  }
  if (f.job_fails_at_us >= 0 && k->incomplete > 0) {
    cell.verdict = "job fails";
    cell.has_time = true;
    cell.time_us = f.job_fails_at_us;
    cell.time_source = "first QP error";
    cell.note = std::to_string(f.qp_errors) + " QP(s) ran out of retries";
    return cell;
  }
  if (k->incomplete > 0) {
    cell.verdict = "incomplete";
    char buf[160];
    std::snprintf(buf, sizeof buf, "%zu operation(s) unfinished when the slice stopped at %.2f s simulated", k->incomplete,
                  f.simulated_us * 1e-6);
    cell.note = buf;
    return cell;
  }
  cell.has_time = true;
  cell.time_us = k->max_us;
  cell.time_source = "slowest op in the slice";
  const double share = c ? analytic_share(*c) : -1;
  if (share > 0) {
    cell.budget_share = share * k->max_us / c->time.p99_us;
    cell.verdict = verdict_name(judge_time(cell.budget_share, thresholds));
  } else {
    cell.verdict = "no budget";
    cell.note = "the class has no time budget to judge it by";
  }
  return cell;
}

}  // namespace

std::string matrix_column_title(const std::string& column) {
  if (column == "efa_srd") return "EFA SRD";
  if (column == "ib_self_healing") return "IB self-healing";
  if (column.rfind("ib_", 0) == 0) return "IB " + column.substr(3);
  return column;
}

CompareMatrix compare_matrix(const SpecComparison& c) {
  CompareMatrix m;
  const PlanResult* ib_static = c.ib_adaptive ? (c.ib_other_routing_ran ? &c.ib_other_routing : nullptr) : &c.ib;
  const PlanResult* ib_adaptive = c.ib_adaptive ? &c.ib : (c.ib_other_routing_ran ? &c.ib_other_routing : nullptr);
  m.steady_columns = {"efa_srd"};
  if (ib_static) m.steady_columns.push_back("ib_static");
  if (ib_adaptive) m.steady_columns.push_back("ib_adaptive");
  m.failure_columns = {"efa_srd"};
  std::vector<const FaultSlice*> ib_faults;
  for (const FaultSlice& f : c.ib_fault_by_recovery) {
    m.failure_columns.push_back("ib_" + (f.recovery == "self-healing" ? std::string("self_healing") : f.recovery));
    ib_faults.push_back(&f);
  }
  const bool any_fault = c.efa_fault.ran || !c.efa_fault.why_not.empty();
  if (!any_fault) m.failure_columns.clear();
  for (const auto& g : c.efa.groups) {
    for (TrafficClass cls : kAllTrafficClasses) {
      const ClassResult* e = find_class(c.efa, g.spec->name, cls);
      const ClassResult* is = ib_static ? find_class(*ib_static, g.spec->name, cls) : nullptr;
      const ClassResult* ia = ib_adaptive ? find_class(*ib_adaptive, g.spec->name, cls) : nullptr;
      if (!e && !is && !ia) continue;
      MatrixRow row;
      row.group = g.spec->name;
      row.cls = std::string(traffic_class_name(cls));
      row.steady.push_back(steady_cell("efa_srd", c.efa, e));
      if (ib_static) row.steady.push_back(steady_cell("ib_static", *ib_static, is));
      if (ib_adaptive) row.steady.push_back(steady_cell("ib_adaptive", *ib_adaptive, ia));
      if (any_fault) {
        row.failure.push_back(failure_cell("efa_srd", c.efa_fault, e, cls, c.efa.thresholds));
        const ClassResult* headline = c.ib_adaptive ? ia : is;
        for (std::size_t i = 0; i < ib_faults.size(); ++i) {
          row.failure.push_back(failure_cell(m.failure_columns[i + 1], *ib_faults[i], headline, cls, c.ib.thresholds));
        }
      }
      m.rows.push_back(std::move(row));
    }
  }
  return m;
}

}  // namespace fabricplan
