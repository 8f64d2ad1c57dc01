#include <algorithm>
#include <sstream>

#include "planner/report/plan_table.h"
#include "planner/report/report.h"

namespace fabricplan {

std::string render_plan_text(const PlanResult& plan) {
  std::ostringstream os;
  os << "fabricplan plan: " << plan.spec->name << "  (" << plan.spec->file << ")\n";
  if (!plan.spec->description.empty()) os << plan.spec->description << "\n";
  os << "overall verdict: " << verdict_name(plan.verdict) << "\n";
  os << "thresholds: tight at utilization >= " << format_percent(plan.thresholds.tight_utilization)
     << " or a p99 burst over budget; insufficient at >= "
     << format_percent(plan.thresholds.insufficient_utilization) << "; time: tight at >= "
     << format_percent(plan.thresholds.tight_time_share) << " of a budget, insufficient at >= "
     << format_percent(plan.thresholds.insufficient_time_share) << "\n";
  os << "fabric: " << plan.fabric_description << "\n";
  for (const auto& n : plan.fabric_notes) os << "  note: " << n << "\n";
  if (!plan.engine_summary.empty()) os << "engine run: " << plan.engine_summary << "\n";
  for (const auto& t : plan.engine_transport) os << "  " << engine_transport_line(t) << "\n";
  for (const auto& g : plan.groups) {
    os << "\n== " << g.spec->name << ": " << g.spec->count << " x " << g.instance->name << " ("
       << node_role_name(g.spec->role) << "), " << g.instance->interfaces << " x "
       << format_gbit(g.per_interface_bytes_per_s) << " effective [" << g.bandwidth_source
       << "] -> " << verdict_name(g.verdict) << "\n";
    print_table(os, class_table(g, plan));
    os << "  split: " << split_summary(g) << "\n";
    os << "  why: " << g.why << "\n";
    for (const auto& c : g.classes) {
      os << "    " << traffic_class_name(c.cls) << ": " << c.why << "\n";
      if (!c.time.op.empty()) os << "      op: " << c.time.op << "\n";
      if (!c.time.why.empty()) os << "      time: " << c.time.why << "\n";
      if (!c.engine_mechanism.empty()) os << "      engine: " << c.engine_mechanism << "\n";
    }
    if (!g.busiest_links.empty()) {
      os << "  busiest links (" << plan.engine << " engine):";
      for (const auto& l : g.busiest_links) {
        std::string classes;
        for (const auto& c : l.classes) classes += (classes.empty() ? "" : "+") + c;
        os << " " << l.link << " " << format_percent(l.utilization) << " [" << classes << "];";
      }
      os << "\n";
    }
    os << "  set:\n";
    for (const auto& st : g.recommendation.settings) {
      os << "    [" << st.process << "] " << st.variable << "=" << st.value << (st.selects ? "" : "   (advisory)") << "  # "
         << st.note << "\n";
    }
    for (const auto& [who, n] : g.recommendation.pod_resources) {
      os << "    " << who << ": " << g.recommendation.resource_name << ": " << n << "\n";
    }
    for (const auto& n : g.recommendation.notes) os << "  note: " << n << "\n";
  }
  for (const auto& w : plan.warnings) os << "\nWARNING: " << w;
  if (!plan.warnings.empty()) os << "\n";
  os << "\nassumptions:\n";
  for (const auto& a : plan.assumptions) os << "  - " << a << "\n";
  return os.str();
}

std::string render_plan_markdown(const PlanResult& plan) {
  std::ostringstream os;
  os << "# fabricplan plan: " << plan.spec->name << "\n\n";
  if (!plan.spec->description.empty()) os << plan.spec->description << "\n\n";
  os << "Spec: `" << plan.spec->file << "`. Overall verdict: **" << verdict_name(plan.verdict)
     << "**. Thresholds: *tight* at utilization >= "
     << format_percent(plan.thresholds.tight_utilization)
     << " or a p99 burst over budget; *insufficient* at >= "
     << format_percent(plan.thresholds.insufficient_utilization) << "; on time, *tight* at >= "
     << format_percent(plan.thresholds.tight_time_share) << " of a budget and *insufficient* at >= "
     << format_percent(plan.thresholds.insufficient_time_share) << ".\n\n";
  os << "Fabric: " << plan.fabric_description << ".\n";
  for (const auto& n : plan.fabric_notes) os << "- note: " << n << "\n";
  if (!plan.engine_summary.empty()) os << "\nEngine run: " << plan.engine_summary << ".\n";
  if (!plan.engine_transport.empty()) {
    os << "\n| class | packets sent | drops | timeouts | spurious timeouts | retransmissions | longest queue | at |\n"
       << "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
    for (const auto& t : plan.engine_transport) {
      os << "| " << t.cls << " | " << t.packets_sent << " | " << t.drops << " | " << t.timeouts << " | "
         << t.spurious_timeouts << " | " << t.retransmissions << " | " << format_us(t.max_queue_us) << " | "
         << (t.max_queue_link.empty() ? "-" : t.max_queue_link) << " |\n";
    }
  }
  for (const auto& g : plan.groups) {
    os << "\n## " << g.spec->name << ": " << g.spec->count << " x " << g.instance->name << " ("
       << node_role_name(g.spec->role) << ") — " << verdict_name(g.verdict) << "\n\n";
    os << g.instance->interfaces << " interfaces x " << format_gbit(g.per_interface_bytes_per_s)
       << " effective (source: " << g.bandwidth_source << ").\n\n";
    Table t = class_table(g, plan);
    for (std::size_t r = 0; r < t.size(); ++r) {
      os << "|";
      for (const auto& cell : t[r]) os << " " << cell << " |";
      os << "\n";
      if (r == 0) {
        os << "|";
        for (std::size_t i = 0; i < t[r].size(); ++i) os << " --- |";
        os << "\n";
      }
    }
    os << "\n**Split:** " << split_summary(g) << ". " << g.why << "\n\n";
    for (const auto& c : g.classes) {
      os << "- `" << traffic_class_name(c.cls) << "`: " << c.why << "\n";
      if (!c.time.op.empty()) os << "  - op: " << c.time.op << "\n";
      if (!c.time.why.empty()) os << "  - time: " << c.time.why << "\n";
      if (!c.engine_mechanism.empty()) os << "  - engine: " << c.engine_mechanism << "\n";
    }
    if (!g.busiest_links.empty()) {
      os << "\nBusiest links (" << plan.engine << " engine):\n\n| link | utilization | classes |\n| --- | --- | --- |\n";
      for (const auto& l : g.busiest_links) {
        std::string classes;
        for (const auto& c : l.classes) classes += (classes.empty() ? "" : ", ") + c;
        os << "| " << l.link << " | " << format_percent(l.utilization) << " | " << classes << " |\n";
      }
    }
    os << "\n| process | variable | value | selects |\n| --- | --- | --- | --- |\n";
    for (const auto& st : g.recommendation.settings) {
      os << "| " << st.process << " | `" << st.variable << "` | `" << st.value << "` | "
         << (st.selects ? "yes" : "advisory") << ": " << st.note << " |\n";
    }
    if (!g.recommendation.pod_yaml.empty()) os << "\n```yaml\n" << g.recommendation.pod_yaml << "```\n\n";
    for (const auto& [who, n] : g.recommendation.pod_resources) {
      os << "- " << who << ": `" << g.recommendation.resource_name << ": " << n << "`\n";
    }
    for (const auto& n : g.recommendation.notes) os << "- note: " << n << "\n";
  }
  if (!plan.warnings.empty()) os << "\n## Warnings\n\n";
  for (const auto& w : plan.warnings) os << "- " << w << "\n";
  os << "\n## Assumptions\n\n";
  for (const auto& a : plan.assumptions) os << "- " << a << "\n";
  return os.str();
}

}  // namespace fabricplan
