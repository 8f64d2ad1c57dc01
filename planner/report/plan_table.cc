#include "planner/report/plan_table.h"

#include <cstdio>

#include "models/units/units.h"

namespace fabricplan {

std::string format_gbit(double bytes_per_s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f Gbit/s", units::bytes_per_s_to_gbit_per_s(bytes_per_s));
  return buf;
}

std::string format_percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100 * fraction);
  return buf;
}

Table class_table(const GroupResult& g) {
  Table t;
  t.push_back({"class", "demand", "p99 burst", "interfaces", "budget", "utilization", "headroom",
               "verdict"});
  for (const auto& c : g.classes) {
    t.push_back({std::string(traffic_class_name(c.cls)), format_gbit(c.demand_bytes_per_s),
                 format_gbit(c.peak_demand_bytes_per_s),
                 std::to_string(c.interfaces) + (c.shared ? " shared" : " dedicated"),
                 format_gbit(c.budget_bytes_per_s), format_percent(c.utilization),
                 format_gbit(c.headroom_bytes_per_s), verdict_name(c.verdict)});
  }
  return t;
}

std::string split_summary(const GroupResult& g) {
  const SplitCandidate& s = g.split.chosen;
  std::string policy = g.split_explicit ? "explicit" : "auto";
  if (s.shared) return "shared: all " + std::to_string(s.kv_interfaces) + " interfaces carry every class (" + policy + ")";
  return std::to_string(s.kv_interfaces) + " for KV transfer, " +
         std::to_string(s.collective_interfaces) + " for collectives (" + policy + ")";
}

}  // namespace fabricplan
