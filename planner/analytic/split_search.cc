#include "planner/analytic/split_search.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace fabricplan {

std::vector<int> spread_nics(const InstanceType& instance, int count) {
  std::vector<int> out;
  std::set<int> taken;
  for (std::size_t round = 0; static_cast<int>(out.size()) < count; ++round) {
    bool any = false;
    for (const auto& local : instance.accelerator_nics) {
      if (static_cast<int>(out.size()) == count) break;
      if (round >= local.size()) continue;
      any = true;
      int nic = local[local.size() - 1 - round];
      if (taken.insert(nic).second) out.push_back(nic);
    }
    if (!any) break;
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

bool every_accelerator_has_one_of(const InstanceType& instance, const std::vector<int>& nics) {
  std::set<int> pool(nics.begin(), nics.end());
  for (const auto& local : instance.accelerator_nics) {
    bool found = false;
    for (int n : local) found = found || pool.count(n);
    if (!found) return false;
  }
  return true;
}

}  // namespace

SplitCandidate evaluate_split(const InstanceType& instance, double b, const PoolLoad& kv,
                              const PoolLoad& collective, bool shared, int kv_interfaces,
                              int collective_interfaces, const VerdictThresholds& t) {
  SplitCandidate c;
  c.shared = shared;
  std::vector<int> all(instance.interfaces);
  for (int i = 0; i < instance.interfaces; ++i) all[i] = i;
  if (shared) {
    c.kv_interfaces = c.collective_interfaces = instance.interfaces;
    c.kv_nics = c.collective_nics = all;
    double capacity = instance.interfaces * b;
    double load = kv.effective() + collective.effective();
    double peak = kv.effective_peak() + collective.effective_peak();
    c.kv_utilization = c.collective_utilization = load / capacity;
    c.kv_peak_utilization = peak / capacity;
  } else {
    c.kv_interfaces = kv_interfaces;
    c.collective_interfaces = collective_interfaces;
    c.kv_nics = spread_nics(instance, kv_interfaces);
    std::set<int> kv_set(c.kv_nics.begin(), c.kv_nics.end());
    for (int i = 0; i < instance.interfaces && static_cast<int>(c.collective_nics.size()) < collective_interfaces; ++i) {
      if (!kv_set.count(i)) c.collective_nics.push_back(i);
    }
    auto util = [&](double demand, int n) {
      if (demand <= 0) return 0.0;
      return n > 0 ? demand / (n * b) : 1e9;  // demand with no interface: hopeless
    };
    c.kv_utilization = util(kv.effective(), kv_interfaces);
    c.kv_peak_utilization = util(kv.effective_peak(), kv_interfaces);
    c.collective_utilization = util(collective.effective(), collective_interfaces);
    c.locality_preserved =
        (kv.bytes_per_s <= 0 || every_accelerator_has_one_of(instance, c.kv_nics)) &&
        (collective.bytes_per_s <= 0 || every_accelerator_has_one_of(instance, c.collective_nics));
  }
  Verdict kv_verdict = kv.bytes_per_s > 0 ? judge(c.kv_utilization, c.kv_peak_utilization, t)
                                          : Verdict::kComfortable;
  double coll_peak = collective.bytes_per_s > 0
                         ? (shared ? c.kv_peak_utilization
                                   : collective.effective_peak() / (std::max(1, collective_interfaces) * b))
                         : 0;
  Verdict coll_verdict = collective.bytes_per_s > 0
                             ? judge(c.collective_utilization, coll_peak, t)
                             : Verdict::kComfortable;
  c.utilization_verdict = c.worst_verdict = std::max(kv_verdict, coll_verdict);
  c.worst_utilization = std::max(kv.bytes_per_s > 0 ? c.kv_utilization : 0.0,
                                 collective.bytes_per_s > 0 ? c.collective_utilization : 0.0);
  return c;
}

SplitChoice search_split(const InstanceType& instance, double b, const PoolLoad& kv,
                         const PoolLoad& collective, const VerdictThresholds& t, const TimeJudge& time_judge) {
  SplitChoice choice;
  choice.considered.push_back(evaluate_split(instance, b, kv, collective, true, 0, 0, t));
  if (kv.bytes_per_s > 0 && collective.bytes_per_s > 0) {
    for (int k = 1; k < instance.interfaces; ++k) {
      choice.considered.push_back(
          evaluate_split(instance, b, kv, collective, false, k, instance.interfaces - k, t));
    }
  }
  if (time_judge) {
    for (auto& c : choice.considered) {
      time_judge(c);
      c.worst_verdict = std::max(c.utilization_verdict, c.time_verdict);
    }
  }
  // Best verdict first (when every candidate is insufficient, a stable one, then the least
  // overloaded), then a
  // dedicated split, then locality, then the lowest worst time share, then the lowest worst
  // utilization; ties keep the earlier candidate (fewer KV interfaces).
  auto better = [](const SplitCandidate& a, const SplitCandidate& z) {
    if (a.worst_verdict != z.worst_verdict) return a.worst_verdict < z.worst_verdict;
    if (a.worst_verdict == Verdict::kInsufficient) {  // nothing works: the least bad, stable first
      if (a.unstable != z.unstable) return !a.unstable;
      const double sa = std::max(a.worst_time_share, a.worst_utilization), sz = std::max(z.worst_time_share, z.worst_utilization);
      if (std::abs(sa - sz) > 1e-9) return sa < sz;
    }
    if (a.shared != z.shared) return !a.shared;
    if (a.locality_preserved != z.locality_preserved) return a.locality_preserved;
    if (std::abs(a.worst_time_share - z.worst_time_share) > 1e-9) return a.worst_time_share < z.worst_time_share;
    return a.worst_utilization < z.worst_utilization - 1e-12;
  };
  choice.chosen = choice.considered.front();
  for (const auto& c : choice.considered) {
    if (better(c, choice.chosen)) choice.chosen = c;
  }
  return choice;
}

}  // namespace fabricplan
