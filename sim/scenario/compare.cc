#include "sim/scenario/compare.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include "models/json_input/report_fields.h"

namespace fabricplan::sim {
namespace {

const PacketFormat& format_of(const TransportSpec& t) { return t.name == "ib_rc" ? t.ib.format : t.srd.format; }

Scenario with_transport(const Scenario& s, const std::string& transport) {
  Scenario v = s;
  for (TrafficSpec& t : v.traffic) {
    if (t.kind != "message" || t.transport.name == transport) continue;
    const PacketFormat f = format_of(t.transport);
    t.transport.name = transport;
    t.transport.srd.format = t.transport.ib.format = f;
  }
  return v;
}

std::string fmt(const char* f, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

const ClassSummary* find_class(const SimulationResult& r, const std::string& name) {
  for (const auto& c : r.classes)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

Scenario efa_variant(const Scenario& s) {
  Scenario v = with_transport(s, "srd");
  v.name = s.name + " (EFA: SRD, drop-tail)";
  v.fabric.lossless = false;
  v.fabric.routing = RoutingPolicy::kFlowHash;
  v.routing_name = "flowhash";
  return v;
}

Scenario ib_variant(const Scenario& s) {
  Scenario v = with_transport(s, "ib_rc");
  v.name = s.name + " (IB: RC, D-mod-K, lossless)";
  for (TrafficSpec& t : v.traffic) t.transport.ib.ecmp = false;  // the subnet manager's routes
  v.fabric.lossless = true;
  v.fabric.routing = RoutingPolicy::kDestModK;
  v.routing_name = "dmodk";
  return v;
}

Comparison run_comparison(const Scenario& s, bool progress) {
  Comparison c;
  c.scenario = s.name;
  c.seed = s.seed;
  c.efa = run_scenario(efa_variant(s), progress, "efa");
  c.ib = run_scenario(ib_variant(s), progress, "ib");
  return c;
}

std::string render_comparison_text(const Comparison& c) {
  std::string out = "fabricplan compare: " + c.scenario + " (seed " + std::to_string(c.seed) +
                    "): the same topology and traffic on EFA (SRD spraying, drop-tail) and IB (RC, D-mod-K, lossless)\n";
  out += "  class        flows |  EFA FCT p50 us    p99 us    max us goodput |   IB FCT p50 us    p99 us    max us goodput | IB/EFA p99\n";
  for (const ClassSummary& e : c.efa.classes) {
    const ClassSummary* i = find_class(c.ib, e.name);
    char line[320];
    std::snprintf(line, sizeof line, "  %-10s %7zu | %14.1f %9.1f %9.1f %6.1f%% | %14.1f %9.1f %9.1f %6.1f%% | %9s\n",
                  e.name.c_str(), e.flows, e.fct_p50_us, e.fct_p99_us, e.fct_max_us, 100 * e.mean_goodput_fraction,
                  i ? i->fct_p50_us : 0, i ? i->fct_p99_us : 0, i ? i->fct_max_us : 0,
                  i ? 100 * i->mean_goodput_fraction : 0,
                  i && e.fct_p99_us > 0 ? fmt("%.2fx", i->fct_p99_us / e.fct_p99_us).c_str() : "-");
    out += line;
    if (e.incomplete_flows || (i && i->incomplete_flows))
      out += "    incomplete flows: EFA " + std::to_string(e.incomplete_flows) + ", IB " +
             std::to_string(i ? i->incomplete_flows : 0) + "\n";
  }
  auto row = [&](const char* what, std::uint64_t a, std::uint64_t b) {
    out += std::string("  ") + what + ": EFA " + std::to_string(a) + ", IB " + std::to_string(b) + "\n";
  };
  row("drops", c.efa.drops, c.ib.drops);
  row("retransmissions", c.efa.retransmissions, c.ib.retransmissions);
  row("fault drops", c.efa.fault_drops, c.ib.fault_drops);
  out += "  last completion: EFA " + fmt("%.1f", c.efa.last_completion_s * 1e6) + " us, IB " +
         fmt("%.1f", c.ib.last_completion_s * 1e6) + " us; max link utilization EFA " +
         fmt("%.1f", 100 * c.efa.links.max_utilization) + "%, IB " + fmt("%.1f", 100 * c.ib.links.max_utilization) +
         "%; IB's longest credit stall " + fmt("%.1f", 100 * c.ib.links.max_credit_stall_fraction) + "% of the run\n";
  for (const auto& [figure, source] : c.efa.figure_sources) out += "  " + figure + ": " + source + "\n";
  return out;
}

std::string render_comparison_json(const Comparison& c) {
  nlohmann::ordered_json j;
  stamp_report_fields(j, "fabricplan.compare", 1);
  j["scenario"] = c.scenario;
  j["seed"] = c.seed;
  j["variants"] = {{"efa", nlohmann::ordered_json::parse(render_simulation_json(c.efa))},
                   {"ib", nlohmann::ordered_json::parse(render_simulation_json(c.ib))}};
  auto summary = [](const ClassSummary& k) {
    return nlohmann::ordered_json{{"fct_us", {{"p50", k.fct_p50_us}, {"p99", k.fct_p99_us}, {"p999", k.fct_p999_us}, {"max", k.fct_max_us}}},
                                  {"mean_goodput_fraction", k.mean_goodput_fraction},
                                  {"throughput_bytes_per_s", k.throughput_bytes_per_s},
                                  {"incomplete_flows", k.incomplete_flows}};
  };
  j["classes"] = nlohmann::ordered_json::array();
  for (const ClassSummary& e : c.efa.classes) {
    nlohmann::ordered_json k{{"class", e.name}, {"flows", e.flows}, {"efa", summary(e)}};
    const ClassSummary* i = find_class(c.ib, e.name);
    k["ib"] = i ? summary(*i) : nlohmann::ordered_json();
    k["p99_ratio_ib_over_efa"] = i && e.fct_p99_us > 0 ? nlohmann::ordered_json(i->fct_p99_us / e.fct_p99_us) : nlohmann::ordered_json();
    j["classes"].push_back(k);
  }
  return j.dump(2) + "\n";
}

}  // namespace fabricplan::sim
