#include "planner/verdict.h"

namespace fabricplan {

Verdict judge(double utilization, double peak_utilization, const VerdictThresholds& t) {
  if (utilization >= t.insufficient_utilization) return Verdict::kInsufficient;
  if (utilization >= t.tight_utilization || peak_utilization >= t.insufficient_utilization) {
    return Verdict::kTight;
  }
  return Verdict::kComfortable;
}

Verdict judge_time(double share, const VerdictThresholds& t) {
  if (share >= t.insufficient_time_share) return Verdict::kInsufficient;
  if (share >= t.tight_time_share) return Verdict::kTight;
  return Verdict::kComfortable;
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kComfortable: return "comfortable";
    case Verdict::kTight: return "tight";
    case Verdict::kInsufficient: return "insufficient";
  }
  return "?";
}

}  // namespace fabricplan
