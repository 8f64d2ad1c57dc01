#include "planner/report/compare_report.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/json_input/report_fields.h"
#include "planner/compare/compare_matrix.h"
#include "planner/report/compare_matrix_report.h"
#include "planner/report/html_page.h"
#include "planner/report/plan_table.h"
#include "planner/report/report.h"

namespace fabricplan {
namespace {

const ClassResult* find(const GroupResult& g, TrafficClass c) {
  for (const auto& r : g.classes) {
    if (r.cls == c) return &r;
  }
  return nullptr;
}

std::string split_short(const GroupResult& g) {
  const SplitCandidate& s = g.split.chosen;
  return s.shared ? "shared " + std::to_string(s.kv_interfaces)
                  : std::to_string(s.kv_interfaces) + "/" + std::to_string(s.collective_interfaces);
}

std::string links_text(const GroupResult& g) {
  std::string out;
  for (const auto& l : g.busiest_links) {
    std::string classes;
    for (const auto& c : l.classes) classes += (classes.empty() ? "" : "+") + c;
    out += (out.empty() ? "" : "; ") + l.link + " " + format_percent(l.utilization) + " [" + classes + "]";
  }
  return out.empty() ? "-" : out;
}

struct Row {
  std::string cls, group;
  std::vector<std::string> efa, ib;
};

std::vector<std::string> cells(const GroupResult& g, const ClassResult* r) {
  if (!r) return {"-", "-", "-", "-", "-", "-"};
  return {r->time.known ? format_us(r->time.p50_us) : "-",
          !r->time.known ? "-" : r->time.unbounded ? "unbounded" : format_us(r->time.p99_us),
          r->engine_count ? std::string(r->engine_p99_is_max() ? "max " : "") + format_us(r->engine_p99_us) + " (n=" +
                                std::to_string(r->engine_count) + ")"
                          : "-",
          format_gbit(r->demand_bytes_per_s) + " " + format_percent(r->utilization), split_short(g), verdict_name(r->verdict)};
}

// One row per (group, class) present on either fabric.
std::vector<Row> rows(const SpecComparison& c) {
  std::vector<Row> out;
  for (std::size_t i = 0; i < c.efa.groups.size(); ++i) {
    const GroupResult& e = c.efa.groups[i];
    const GroupResult& b = c.ib.groups[i];
    for (TrafficClass cls : kAllTrafficClasses) {
      const ClassResult* re = find(e, cls);
      const ClassResult* rb = find(b, cls);
      if (!re && !rb) continue;
      out.push_back({std::string(traffic_class_name(cls)), e.spec->name, cells(e, re), cells(b, rb)});
    }
  }
  return out;
}

std::string fault_text(const FaultSlice& f, const char* label) {
  std::ostringstream os;
  if (!f.ran) {
    os << "  " << label << ": not run: " << f.why_not << "\n";
    return os.str();
  }
  os << "  " << label << ": " << f.link << " fails at " << format_us(f.at_us)
     << (f.reroute_after_us >= 0 ? ", new routes " + format_us(f.reroute_after_us) + " later"
         : f.recovery == "none"   ? ", no recovery (routes never change)"
                                  : ", no rerouting (paths sprayed around it)")
     << "; ran " << format_us(f.simulated_us) << " simulated, " << f.retransmissions << " retransmissions, "
     << f.fault_drops << " packets lost on the dead link\n    " << f.mechanism << "\n";
  for (const auto& [classes, ib] : f.ib_timeouts) os << "    " << classes << ": " << ib.describe() << "; " << ib.source << "\n";
  if (f.qp_errors > 0) {
    os << "    THE JOB FAILS at " << format_us(f.job_fails_at_us) << ": " << f.qp_errors
       << " QP(s) ran out of retries (IB error state; NCCL aborts the communicator, the KV engine the transfer)\n";
  }
  for (const auto& k : f.classes) {
    os << "    " << k.cls << ": " << k.ops << " ops done, " << k.incomplete << " incomplete";
    if (k.ops > 0) os << "; p50 " << format_us(k.p50_us) << ", p99 " << format_us(k.p99_us) << ", max " << format_us(k.max_us);
    os << "\n";
  }
  for (const auto& t : f.transport) os << "    " << engine_transport_line(t) << "\n";
  return os.str();
}

double slice_us(const SpecComparison& c) { return c.efa_fault.window_us > 0 ? c.efa_fault.window_us : c.ib_fault.window_us; }

// What the verdicts compare: the same network per node, or a ratio the reader must see.
std::string network_ratio_text(const SpecComparison& c) {
  if (std::abs(c.ib_network_ratio - 1) < 0.01) return "same network per node on both sides";
  char buf[120];
  std::snprintf(buf, sizeof buf, "InfiniBand has %.2fx the EFA node's network per node", c.ib_network_ratio);
  return buf;
}

// The IB side under each recovery model asked for (the first is the headline's).
std::string ib_fault_texts(const SpecComparison& c) {
  if (c.ib_fault_by_recovery.empty()) return fault_text(c.ib_fault, "IB (RC)");
  std::string out;
  for (const FaultSlice& f : c.ib_fault_by_recovery) out += fault_text(f, ("IB (RC, recovery: " + f.recovery + ")").c_str());
  return out;
}

}  // namespace

std::string render_compare_text(const SpecComparison& c) {
  std::ostringstream os;
  const PlanResult& e = c.efa;
  os << "fabricplan compare: " << e.spec->name << " on EFA (" << e.groups.front().instance->name << ") and InfiniBand ("
     << c.ib_type << ": " << c.ib_reason << ")\n";
  os << "verdict: EFA " << verdict_name(c.efa.verdict) << ", InfiniBand " << verdict_name(c.ib.verdict) << " ("
     << network_ratio_text(c) << ")\n";
  os << "fabric EFA: " << c.efa.fabric_description << "\n";
  os << "fabric IB:  " << c.ib.fabric_description << "\n";
  os << "engine EFA: " << c.efa.engine_summary << "\n";
  os << "engine IB:  " << c.ib.engine_summary << "\n";
  if (c.ib_other_routing_ran) {
    os << "engine IB (" << (c.ib_adaptive ? "static routes" : "adaptive routing") << "): " << c.ib_other_routing.engine_summary << "\n";
  }
  os << "\n" << matrix_text(compare_matrix(c), slice_us(c));
  os << "\neach fabric in detail:";
  Table t;
  t.push_back({"group", "class", "EFA op p50", "p99", "engine p99", "load, util", "split", "verdict", "IB op p50", "p99",
               "engine p99", "load, util", "split", "verdict"});
  for (const Row& r : rows(c)) {
    std::vector<std::string> line = {r.group, r.cls};
    line.insert(line.end(), r.efa.begin(), r.efa.end());
    line.insert(line.end(), r.ib.begin(), r.ib.end());
    t.push_back(line);
  }
  std::vector<std::size_t> w(t.front().size(), 0);
  for (const auto& row : t)
    for (std::size_t i = 0; i < row.size(); ++i) w[i] = std::max(w[i], row[i].size());
  os << "\n";
  for (const auto& row : t) {
    os << " ";
    for (std::size_t i = 0; i < row.size(); ++i) os << " " << row[i] << std::string(w[i] - row[i].size(), ' ') << (i == 7 ? " |" : "");
    os << "\n";
  }
  os << "\nbusiest links:\n";
  for (std::size_t i = 0; i < c.efa.groups.size(); ++i) {
    os << "  " << c.efa.groups[i].spec->name << " EFA: " << links_text(c.efa.groups[i]) << "\n";
    os << "  " << c.ib.groups[i].spec->name << " IB:  " << links_text(c.ib.groups[i]) << "\n";
  }
  os << "\na link failure on a " << format_us(slice_us(c)) << " slice (packet engine):\n";
  os << fault_text(c.efa_fault, "EFA (SRD)") << ib_fault_texts(c);
  for (const auto& n : c.notes) os << "note: " << n << "\n";
  os << "\nassumptions:\n";
  for (const auto& a : c.assumptions) os << "  - " << a << "\n";
  return os.str();
}

std::string render_compare_markdown(const SpecComparison& c) {
  std::ostringstream os;
  os << "# fabricplan compare: " << c.efa.spec->name << "\n\n";
  os << "EFA (`" << c.efa.groups.front().instance->name << "`, verdict **" << verdict_name(c.efa.verdict)
     << "**) beside InfiniBand (`" << c.ib_type << "`, " << c.ib_reason << ", verdict **" << verdict_name(c.ib.verdict)
     << "**): " << network_ratio_text(c) << ".\n\n";
  os << "- EFA fabric: " << c.efa.fabric_description << "; " << c.efa.engine_summary << "\n";
  os << "- IB fabric: " << c.ib.fabric_description << "; " << c.ib.engine_summary << "\n\n";
  os << matrix_markdown(compare_matrix(c), slice_us(c)) << "\n## Each fabric in detail\n\n";
  os << "| group | class | EFA op p50 | EFA p99 | EFA engine p99 | EFA load, util | EFA split | EFA verdict | IB op p50 | IB p99 | "
        "IB engine p99 | IB load, util | IB split | IB verdict |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const Row& r : rows(c)) {
    os << "| " << r.group << " | " << r.cls;
    for (const auto& x : r.efa) os << " | " << x;
    for (const auto& x : r.ib) os << " | " << x;
    os << " |\n";
  }
  os << "\n## Busiest links\n\n";
  for (std::size_t i = 0; i < c.efa.groups.size(); ++i) {
    os << "- " << c.efa.groups[i].spec->name << ", EFA: " << links_text(c.efa.groups[i]) << "\n";
    os << "- " << c.ib.groups[i].spec->name << ", IB: " << links_text(c.ib.groups[i]) << "\n";
  }
  os << "\n## A link failure (packet engine)\n\n```\n" << fault_text(c.efa_fault, "EFA (SRD)") << ib_fault_texts(c)
     << "```\n";
  if (!c.notes.empty()) os << "\n## Notes\n\n";
  for (const auto& n : c.notes) os << "- " << n << "\n";
  os << "\n## Assumptions\n\n";
  for (const auto& a : c.assumptions) os << "- " << a << "\n";
  return os.str();
}

std::string render_compare_json(const SpecComparison& c) {
  using nlohmann::ordered_json;
  ordered_json j;
  stamp_report_fields(j, "fabricplan.compare_spec", kCompareSpecReportVersion);
  j["spec"] = {{"name", c.efa.spec->name}, {"file", c.efa.spec->file}};
  j["ib_reference"] = {{"instance_type", c.ib_type}, {"why", c.ib_reason}, {"network_ratio", c.ib_network_ratio},
                       {"routing", c.ib_adaptive ? "adaptive" : "static"}};
  if (c.ib_other_routing_ran) {
    j["ib_other_routing"] = {{"routing", c.ib_adaptive ? "static" : "adaptive"},
                             {"verdict", verdict_name(c.ib_other_routing.verdict)},
                             {"engine", c.ib_other_routing.engine_summary}};
  }
  j["fabrics"] = ordered_json::array();
  auto fault = [](const FaultSlice& f) {
    ordered_json o = {{"ran", f.ran}, {"recovery", f.recovery}};
    if (!f.ran) {
      o["why_not"] = f.why_not;
      return o;
    }
    o["link"] = f.link;
    o["mechanism"] = f.mechanism;
    o["window_us"] = f.window_us;
    o["at_us"] = f.at_us;
    o["reroute_after_us"] = f.reroute_after_us < 0 ? ordered_json(nullptr) : ordered_json(f.reroute_after_us);
    o["simulated_us"] = f.simulated_us;
    o["retransmissions"] = f.retransmissions;
    o["fault_drops"] = f.fault_drops;
    o["ib_timeouts"] = ordered_json::array();
    for (const auto& [classes, ib] : f.ib_timeouts) {
      o["ib_timeouts"].push_back({{"classes", classes}, {"stack", ib.stack}, {"timeout_exponent", ib.timeout_exponent},
                                  {"retry_count", ib.retry_count}, {"ack_timeout_s", ib.ack_timeout_s()},
                                  {"fails_after_s", ib.fails_after_s()}, {"source", ib.source}});
    }
    o["qp_errors"] = f.qp_errors;
    o["job_fails_at_us"] = f.job_fails_at_us < 0 ? ordered_json(nullptr) : ordered_json(f.job_fails_at_us);
    o["classes"] = ordered_json::array();
    for (const auto& k : f.classes) {
      o["classes"].push_back({{"class", k.cls}, {"ops", k.ops}, {"incomplete", k.incomplete},
                              {"p50_us", k.p50_us}, {"p99_us", k.p99_us}, {"max_us", k.max_us}});
    }
    o["transport"] = ordered_json::array();
    for (const auto& t : f.transport) {
      o["transport"].push_back({{"class", t.cls}, {"packets_sent", t.packets_sent}, {"drops", t.drops},
                                {"timeouts", t.timeouts}, {"spurious_timeouts", t.spurious_timeouts},
                                {"retransmissions", t.retransmissions}, {"max_queue_bytes", t.max_queue_bytes},
                                {"max_queue_us", t.max_queue_us}, {"max_queue_link", t.max_queue_link}});
    }
    return o;
  };
  for (int side = 0; side < 2; ++side) {
    const PlanResult& p = side == 0 ? c.efa : c.ib;
    ordered_json plan = ordered_json::parse(render_plan_json(p));
    ordered_json f;
    f["fabric"] = side == 0 ? "efa" : "ib";
    f["instance_type"] = p.groups.front().instance->name;
    f["verdict"] = plan["verdict"];
    f["fabric_description"] = plan["fabric"]["description"];
    f["engine"] = plan["engine"];
    f["groups"] = plan["groups"];
    f["link_failure"] = fault(side == 0 ? c.efa_fault : c.ib_fault);
    if (side == 1) {
      f["link_failure_by_recovery"] = ordered_json::array();
      for (const FaultSlice& r : c.ib_fault_by_recovery) f["link_failure_by_recovery"].push_back(fault(r));
    }
    j["fabrics"].push_back(f);
  }
  j["matrix"] = matrix_json(compare_matrix(c));
  j["notes"] = c.notes;
  j["assumptions"] = c.assumptions;
  return j.dump(2) + "\n";
}

// What the text report says before and after its tables, as HTML: the verdicts, the
// fabrics and engines, and the link-failure slice and notes (they were only in the
// embedded JSON, where a reader of the page never looks).
std::string render_compare_html(const SpecComparison& c) {
  std::ostringstream pre;
  pre << "<section id=\"verdicts\"><h2>Verdicts</h2><table><tr><th>fabric</th><th>instance</th><th>verdict</th>"
         "<th>fabric as sized</th><th>engine</th></tr>\n";
  for (int side = 0; side < 2; ++side) {
    const PlanResult& p = side == 0 ? c.efa : c.ib;
    pre << "<tr><td>" << (side == 0 ? "EFA (SRD)" : "InfiniBand (RC)") << "</td><td>"
        << html_escape(p.groups.front().instance->name) << "</td><td class=\"verdict-" << verdict_name(p.verdict) << "\"><b>"
        << verdict_name(p.verdict) << "</b></td><td>" << html_escape(p.fabric_description) << "</td><td>"
        << html_escape(p.engine_summary) << "</td></tr>\n";
  }
  pre << "</table><p>InfiniBand reference: " << html_escape(c.ib_type + ": " + c.ib_reason) << "</p><p class=\"ratio\"><b>"
      << html_escape(network_ratio_text(c)) << "</b></p></section>\n" << matrix_html(compare_matrix(c), slice_us(c));
  std::ostringstream app;
  app << "<section id=\"link-failure\"><h2>A link failure on a " << format_us(slice_us(c))
      << " slice (packet engine)</h2>\n<pre style=\"white-space: pre-wrap\">" << html_escape(fault_text(c.efa_fault, "EFA (SRD)") + ib_fault_texts(c))
      << "</pre></section>\n";
  if (!c.notes.empty()) {
    app << "<section id=\"notes\"><h2>Notes</h2><ul>\n";
    for (const auto& n : c.notes) app << "<li>" << html_escape(n) << "</li>\n";
    app << "</ul></section>\n";
  }
  app << "<section id=\"assumptions\"><h2>Assumptions</h2><ul>\n";
  for (const auto& a : c.assumptions) app << "<li>" << html_escape(a) << "</li>\n";
  app << "</ul></section>\n";
  return render_fabrics_html("fabricplan compare: " + c.efa.spec->name + " on EFA and InfiniBand (" + c.ib_type + ")",
                             render_compare_json(c), pre.str(), app.str());
}

}  // namespace fabricplan
