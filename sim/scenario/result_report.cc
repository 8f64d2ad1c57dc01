// JSON and text renderings of a SimulationResult.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/scenario/run.h"
#include "models/json_input/report_fields.h"

namespace fabricplan::sim {

std::string render_simulation_json(const SimulationResult& r) {
  nlohmann::ordered_json j;
  stamp_report_fields(j, "fabricplan.simulate", 1);
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  // Figures that came from somewhere other than the scenario file (a calibration profile).
  j["figure_sources"] = nlohmann::ordered_json::array();
  for (const auto& [figure, source] : r.figure_sources) j["figure_sources"].push_back({{"figure", figure}, {"source", source}});
  const bool packet = r.engine == "packet";
  j["classes"] = nlohmann::ordered_json::array();
  for (const auto& c : r.classes) {
    nlohmann::ordered_json k = {{"class", c.name},
                                {"flows", c.flows},
                                {"fct_us", {{"p50", c.fct_p50_us}, {"p99", c.fct_p99_us}, {"p999", c.fct_p999_us},
                                            {"max", c.fct_max_us}, {"mean", c.fct_mean_us}}},
                                {"mean_goodput_fraction", c.mean_goodput_fraction},
                                {"throughput_bytes_per_s", c.throughput_bytes_per_s}};
    // The flow engine has no packets: only what open-loop streams could not deliver.
    if (packet) {
      k["packets_sent"] = c.packets_sent;
      k["packets_delivered"] = c.packets_delivered;
    }
    k["packets_dropped"] = c.packets_dropped;
    if (packet) {
      k["retransmissions"] = c.retransmissions;
      k["transport"] = {{"packets_sent", c.packets_sent},
                        {"drops", c.drops},
                        {"timeouts", c.timeouts},
                        {"spurious_timeouts", c.spurious_timeouts},
                        {"retransmissions", c.retransmissions},
                        {"max_queue_bytes", c.max_queue_bytes},
                        {"max_queue_us", c.max_queue_us},
                        {"max_queue_link", c.max_queue_link}};
    }
    k["incomplete_flows"] = c.incomplete_flows;
    j["classes"].push_back(k);
  }
  j["collectives"] = nlohmann::ordered_json::array();
  for (const auto& c : r.collectives) {
    j["collectives"].push_back({{"class", c.name}, {"op", "all_reduce"}, {"algorithm", "ring"}, {"ranks", c.ranks},
                                {"bytes", c.bytes}, {"finished", c.finished}, {"duration_us", c.duration_us},
                                {"algbw_bytes_per_s", c.algbw_bytes_per_s},
                                {"busbw_bytes_per_s", c.busbw_bytes_per_s}});
  }
  if (packet) j["packets_sent"] = r.packets_sent;
  j["drops"] = r.drops;
  if (packet) {
    j["retransmissions"] = r.retransmissions;
    j["fault_drops"] = r.fault_drops;
    j["ecn_marks"] = r.ecn_marks;
    j["transport"] = {{"data_packets_sent", r.transport.data_packets_sent},
                      {"timeouts", r.transport.timeouts},
                      {"spurious_timeouts", r.transport.spurious_timeouts},
                      {"acks_sent", r.transport.acks_sent},
                      {"duplicates_received", r.transport.duplicates_received},
                      {"out_of_order_received", r.transport.out_of_order_received},
                      {"max_reorder_depth_packets", r.transport.max_reorder_depth},
                      {"path_changes", r.transport.path_changes}};
  }
  j["links"] = {{"max_utilization", r.links.max_utilization}, {"mean_utilization", r.links.mean_utilization}};
  if (packet) {
    j["links"]["max_queue_bytes"] = r.links.max_queue_bytes;
    j["links"]["ports_with_drops"] = r.links.ports_with_drops;
    j["links"]["max_credit_stall_fraction"] = r.links.max_credit_stall_fraction;
  }
  j["busiest_links"] = nlohmann::ordered_json::array();
  for (const BusyLink& b : r.busiest_links) {
    j["busiest_links"].push_back(
        {{"link", b.link}, {"utilization", b.utilization}, {"wire_bytes", b.wire_bytes}, {"classes", b.classes}});
  }
  j["simulated_s"] = r.simulated_s;
  j["last_completion_s"] = r.last_completion_s;
  j["stopped_at_limit"] = r.hit_stop;
  if (!r.stop_reason.empty()) j["stop_reason"] = r.stop_reason;
  // Wall time is the one figure that differs between identical runs; it lives here only.
  if (packet) {
    j["engine"] = {{"kind", r.engine},
                   {"events", r.events},
                   {"wall_s", r.wall_s},
                   {"delivered_packets", r.delivered_packets},
                   {"link_transmissions", r.link_transmissions}};
    // Only where threads were asked for: a sequential run's report is what it was.
    if (r.threads_asked > 1) {
      auto& p = j["engine"]["partition"];
      p["threads"] = r.threads_asked;
      if (r.lanes > 0) {
        p["lanes"] = r.lanes;
        p["lookahead_us"] = r.lookahead_us;
        p["windows"] = r.windows;
      } else {
        p["sequential_because"] = r.sequential_because;
      }
    }
  } else {
    j["stalled_flows"] = r.stalled_flows;
    j["engine"] = {{"kind", r.engine},
                   {"events", r.events},
                   {"wall_s", r.wall_s},
                   {"solves", r.solves},
                   {"flows_resolved", r.flows_resolved},
                   {"peak_active_flows", r.peak_active_flows},
                   {"memory_bytes", r.engine_memory_bytes}};
  }
  return j.dump(2) + "\n";
}

std::string partition_text(const SimulationResult& r) {
  char line[320];
  if (r.lanes > 0) {
    std::snprintf(line, sizeof line, "partitioned: %u lanes on %u threads, lookahead %.3f us, %llu windows", r.lanes,
                  r.threads_asked, r.lookahead_us, static_cast<unsigned long long>(r.windows));
  } else {
    std::snprintf(line, sizeof line, "sequential (%u threads asked): %s", r.threads_asked, r.sequential_because.c_str());
  }
  return line;
}

std::string render_simulation_text(const SimulationResult& r) {
  std::ostringstream os;
  char line[512];
  os << "fabricplan simulate: " << r.scenario << " (seed " << r.seed << ", " << r.engine << " engine)\n";
  for (const auto& [figure, source] : r.figure_sources) os << "  " << figure << ": " << source << "\n";
  std::snprintf(line, sizeof line, "  %-10s %7s %11s %11s %11s %11s %9s %14s %10s\n", "class", "flows",
                "FCT p50 us", "p99 us", "p99.9 us", "max us", "goodput", "throughput", "dropped");
  os << line;
  for (const auto& c : r.classes) {
    std::snprintf(line, sizeof line, "  %-10s %7zu %11.1f %11.1f %11.1f %11.1f %8.1f%% %9.2f Gbit/s %10llu\n",
                  c.name.c_str(), c.flows, c.fct_p50_us, c.fct_p99_us, c.fct_p999_us, c.fct_max_us,
                  100 * c.mean_goodput_fraction, c.throughput_bytes_per_s * 8 / 1e9,
                  static_cast<unsigned long long>(c.packets_dropped));
    os << line;
    if (c.incomplete_flows) os << "    " << c.incomplete_flows << " of " << c.flows << " flows did not complete\n";
    if (r.engine == "packet" && c.packets_sent) {
      std::snprintf(line, sizeof line,
                    "    %llu packets sent, %llu dropped (with ACKs), %llu timeouts (%llu spurious), %llu retransmitted; "
                    "longest queue %.1f us (%llu bytes) at %s\n",
                    static_cast<unsigned long long>(c.packets_sent), static_cast<unsigned long long>(c.drops),
                    static_cast<unsigned long long>(c.timeouts), static_cast<unsigned long long>(c.spurious_timeouts),
                    static_cast<unsigned long long>(c.retransmissions), c.max_queue_us,
                    static_cast<unsigned long long>(c.max_queue_bytes), c.max_queue_link.empty() ? "-" : c.max_queue_link.c_str());
      os << line;
    }
  }
  if (!r.stop_reason.empty()) {
    os << "  stopped at " << r.stop_reason << " with work left: the flows above that did not complete never could"
       << " before it (a destination cut off, or no reroute after a fault?)\n";
  }
  for (const auto& c : r.collectives) {
    std::snprintf(line, sizeof line, "  ring all-reduce %s: %zu ranks, %llu bytes, %s %.1f us, algbw %.2f GB/s, busbw %.2f GB/s\n",
                  c.name.c_str(), c.ranks, static_cast<unsigned long long>(c.bytes), c.finished ? "done in" : "NOT finished after",
                  c.duration_us, c.algbw_bytes_per_s / 1e9, c.busbw_bytes_per_s / 1e9);
    os << line;
  }
  if (r.transport.data_packets_sent) {
    std::snprintf(line, sizeof line,
                  "  transport: %llu retransmissions, %llu timeouts (%llu spurious), %llu out-of-order arrivals (max depth %llu), "
                  "%llu path changes\n",
                  static_cast<unsigned long long>(r.retransmissions), static_cast<unsigned long long>(r.transport.timeouts),
                  static_cast<unsigned long long>(r.transport.spurious_timeouts),
                  static_cast<unsigned long long>(r.transport.out_of_order_received),
                  static_cast<unsigned long long>(r.transport.max_reorder_depth),
                  static_cast<unsigned long long>(r.transport.path_changes));
    os << line;
  }
  if (r.engine == "packet") {
    std::snprintf(line, sizeof line,
                  "  packets sent %llu, delivered %llu, dropped %llu; links: max utilization %.1f%%, "
                  "max queue %llu bytes, %llu ports dropped\n",
                  static_cast<unsigned long long>(r.packets_sent), static_cast<unsigned long long>(r.delivered_packets),
                  static_cast<unsigned long long>(r.drops), 100 * r.links.max_utilization, static_cast<unsigned long long>(r.links.max_queue_bytes),
                  static_cast<unsigned long long>(r.links.ports_with_drops));
    os << line;
  }
  for (std::size_t i = 0; i < r.busiest_links.size() && i < 5; ++i) {
    const BusyLink& b = r.busiest_links[i];
    std::string classes;
    for (const auto& c : b.classes) classes += (classes.empty() ? "" : ",") + c;
    std::snprintf(line, sizeof line, "  %s %-22s %5.1f%% busy  classes %s\n", i == 0 ? "busiest links:" : "              ",
                  b.link.c_str(), 100 * b.utilization, classes.c_str());
    os << line;
  }
  if (r.engine == "packet") {
    std::snprintf(line, sizeof line,
                  "  engine: %.6f s simulated%s, %llu events, %llu link transmissions, %.3f s wall "
                  "(%.1f M events/s)\n",
                  r.simulated_s, r.hit_stop ? (r.stop_reason.empty() ? " (stopped at stop_us)" : " (stopped at a run limit)") : "",
                  static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.link_transmissions), r.wall_s,
                  r.wall_s > 0 ? r.events / r.wall_s / 1e6 : 0);
    if (r.threads_asked > 1) os << "  " << partition_text(r) << "\n";
  } else {
    if (r.stalled_flows) os << "  " << r.stalled_flows << " flows stalled with no usable path at the end\n";
    std::snprintf(line, sizeof line,
                  "  flow engine: %.6f s simulated%s, %llu event times, %llu solves re-solving %llu flows, "
                  "peak %zu flows active, %.1f MB, %.3f s wall\n",
                  r.simulated_s, r.hit_stop ? " (stopped at stop_us)" : "", static_cast<unsigned long long>(r.events),
                  static_cast<unsigned long long>(r.solves), static_cast<unsigned long long>(r.flows_resolved),
                  r.peak_active_flows, r.engine_memory_bytes / 1e6, r.wall_s);
  }
  os << line;
  return os.str();
}

std::string render_simulation_csv(const SimulationResult& r) {
  std::ostringstream os;
  os << "engine,class,flows,fct_p50_us,fct_p99_us,fct_p999_us,fct_max_us,fct_mean_us,mean_goodput_fraction,"
        "throughput_Gbit_per_s,throughput_GB_per_s,packets_dropped,incomplete_flows\n";
  char line[512];
  for (const auto& c : r.classes) {
    std::snprintf(line, sizeof line, "%s,%s,%zu,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%llu,%zu\n", r.engine.c_str(),
                  c.name.c_str(), c.flows, c.fct_p50_us, c.fct_p99_us, c.fct_p999_us, c.fct_max_us, c.fct_mean_us,
                  c.mean_goodput_fraction, c.throughput_bytes_per_s * 8 / 1e9, c.throughput_bytes_per_s / 1e9,
                  static_cast<unsigned long long>(c.packets_dropped), c.incomplete_flows);
    os << line;
  }
  return os.str();
}

std::string render_flows_csv(const SimulationResult& r) {
  std::ostringstream os;
  os << "flow,class,src,dst,message_bytes,delivered_bytes,start_us,end_us,fct_us,complete\n";
  char line[512];
  for (std::size_t i = 0; i < r.flows.size(); ++i) {
    const FlowRecord& f = r.flows[i];
    const std::string cls = f.traffic_class < r.classes.size() ? r.classes[f.traffic_class].name : "?";
    const bool done = f.complete() && f.first_send_ps >= 0;
    std::snprintf(line, sizeof line, "%zu,%s,%u,%u,%llu,%llu,%.6f,%.6f,%.6f,%d\n", i, cls.c_str(), f.src, f.dst,
                  static_cast<unsigned long long>(f.message_bytes), static_cast<unsigned long long>(f.payload_delivered),
                  f.first_send_ps * 1e-6, f.last_delivery_ps * 1e-6,
                  done ? (f.last_delivery_ps - f.first_send_ps) * 1e-6 : 0.0, done ? 1 : 0);
    os << line;
  }
  return os.str();
}

}  // namespace fabricplan::sim
