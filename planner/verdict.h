// Verdicts on utilization, with the thresholds the report prints.
//
//   insufficient: mean utilization >= 1.0 (demand exceeds the budget);
//   tight:        mean utilization >= 0.6, or the p99 burst exceeds the budget;
//   comfortable:  otherwise.
// 0.6 leaves room for the queueing that bursty KV traffic and collective phases add:
// an M/D/1 queue at 60% load already waits 0.75 service times on average.
#pragma once

namespace fabricplan {

enum class Verdict { kComfortable = 0, kTight = 1, kInsufficient = 2 };

struct VerdictThresholds {
  double tight_utilization = 0.6;
  double insufficient_utilization = 1.0;
  // Time: communication's share of a budget (an SLO, else the workload's own step).
  // Past half of it, the compute in the same budget has to hide the rest.
  double tight_time_share = 0.5;
  double insufficient_time_share = 1.0;
};

Verdict judge(double utilization, double peak_utilization, const VerdictThresholds& t);
Verdict judge_time(double share, const VerdictThresholds& t);
const char* verdict_name(Verdict v);

}  // namespace fabricplan
