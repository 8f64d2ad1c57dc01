// The table a team reads first in `compare SPEC`: per group and traffic class, the
// steady state on EFA (SRD), on InfiniBand with static D-mod-K routes and with adaptive
// routing, and one link failure on EFA and on IB under each recovery model, each cell a
// time and a verdict against the class's own budget (the spec's SLO, else its step).
//
// Steady cells take the engine run's figure where it timed the class (its p99, or its
// largest sample below kMinSamplesForP99) and the analytic p99 otherwise, with the verdict
// the plan reached. Failure cells take the slowest operation of the class in the packet
// engine's slice (the one the failure hit) and judge it as the plan judges an engine p99:
// the class's analytic budget share scaled by slowest / analytic p99. A QP that ran out of
// retries makes the cell "job fails"; a class the slice did not carry says so.
#pragma once

#include <string>
#include <vector>

#include "planner/compare/spec_compare.h"

namespace fabricplan {

struct MatrixCell {
  std::string column;       // "efa_srd", "ib_static", "ib_adaptive", "ib_self_healing", "ib_sm", "ib_none"
  bool has_time = false;
  double time_us = 0;
  std::string time_source;  // "flow engine p99", "packet engine max (n=4)", "analytic p99", "slowest op in the slice"
  double budget_share = -1; // the time's share of the class's budget (-1: no budget)
  std::string verdict;      // comfortable | tight | insufficient | job fails | incomplete | not run | not in the slice
  std::string note;         // why a cell has no time, or what the slice saw
};

struct MatrixRow {
  std::string group, cls;
  std::vector<MatrixCell> steady, failure;
};

struct CompareMatrix {
  std::vector<std::string> steady_columns, failure_columns;  // in order, as the cells
  std::vector<MatrixRow> rows;
};

// A column's heading for people: "EFA SRD", "IB static", "IB sm", ...
std::string matrix_column_title(const std::string& column);

CompareMatrix compare_matrix(const SpecComparison& c);

}  // namespace fabricplan
