#include "planner/report/plan_table.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "models/units/units.h"

namespace fabricplan {
namespace {

// "6.40 ms / 30.2 ms (n=184)", or "6.40 ms / max 30.2 ms (n=4)" below kMinSamplesForP99.
std::string engine_times_text(double p50_us, double p99_us, std::size_t count) {
  return format_us(p50_us) + " / " + (count < kMinSamplesForP99 ? "max " : "") + format_us(p99_us) + " (n=" +
         std::to_string(count) + ")";
}

}  // namespace

Table class_table(const GroupResult& g, const PlanResult& plan) {
  Table t;
  // The column stays whenever an engine ran: a class it could not time says so in its cell.
  const bool engine = plan.engine != "analytic" ||
                      std::any_of(g.classes.begin(), g.classes.end(), [](const ClassResult& c) { return c.engine_count > 0; });
  std::vector<std::string> head = {"class", "demand", "interfaces", "utilization", "op p50", "op p99", "budget share"};
  if (engine) head.push_back("engine p50 / p99");
  head.push_back("verdict");
  t.push_back(head);
  for (const auto& c : g.classes) {
    std::vector<std::string> row = {
        std::string(traffic_class_name(c.cls)), format_gbit(c.demand_bytes_per_s),
        std::to_string(c.interfaces) + (c.shared ? " shared" : " dedicated"), format_percent(c.utilization),
        c.time.known ? format_us(c.time.p50_us) : "-",
        !c.time.known ? "-" : c.time.unbounded ? "unbounded" : format_us(c.time.p99_us),
        c.time.budget_us > 0 ? format_percent(c.time.share) + " of " + format_us(c.time.budget_us)
        : c.time.step_share > 0 ? format_percent(c.time.step_share) + " of step"
                                : "-"};
    if (engine) {
      row.push_back(c.engine_count > 0 ? engine_times_text(c.engine_p50_us, c.engine_p99_us, c.engine_count)
                    : c.engine_incomplete > 0 ? std::to_string(c.engine_incomplete) + " incomplete"
                    : c.demand_bytes_per_s <= 0 ? "no network traffic"
                                                : "none in the " + format_us(plan.engine_window_s * 1e6) + " window");
    }
    row.push_back(verdict_name(c.verdict));
    t.push_back(row);
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

std::string engine_transport_line(const EngineTransportStats& t) {
  char buf[400];
  std::snprintf(buf, sizeof buf,
                "%s: %llu packets sent, %llu dropped (data and ACKs), %llu timeouts (%llu spurious), %llu retransmitted; "
                "longest queue %s (%llu bytes)%s%s",
                t.cls.c_str(), static_cast<unsigned long long>(t.packets_sent), static_cast<unsigned long long>(t.drops),
                static_cast<unsigned long long>(t.timeouts), static_cast<unsigned long long>(t.spurious_timeouts),
                static_cast<unsigned long long>(t.retransmissions), format_us(t.max_queue_us).c_str(),
                static_cast<unsigned long long>(t.max_queue_bytes), t.max_queue_link.empty() ? "" : " at ",
                t.max_queue_link.c_str());
  return buf;
}

void print_table(std::ostream& os, const Table& t) {
  std::vector<std::size_t> width(t.front().size(), 0);
  for (const auto& row : t) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (std::size_t r = 0; r < t.size(); ++r) {
    os << "  ";
    for (std::size_t i = 0; i < t[r].size(); ++i) {
      os << t[r][i] << std::string(width[i] - t[r][i].size() + 2, ' ');
    }
    os << "\n";
    if (r == 0) {
      os << "  ";
      for (std::size_t i = 0; i < width.size(); ++i) os << std::string(width[i], '-') << "  ";
      os << "\n";
    }
  }
}


}  // namespace fabricplan
