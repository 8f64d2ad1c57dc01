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
};

Verdict judge(double utilization, double peak_utilization, const VerdictThresholds& t);
const char* verdict_name(Verdict v);

}  // namespace fabricplan
