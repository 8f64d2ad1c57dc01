#include "sim/scenario/run.h"

#include "models/json_input/input_error.h"
#include "models/topology/routing.h"

#include <chrono>
#include <cstdio>
#include <memory>

#include "sim/net/partition.h"
#include "sim/scenario/scenario_schedule.h"
#include "sim/scenario/schedule_results.h"
#include "sim/traffic/open_loop.h"
#include "sim/traffic/schedule_driver.h"

namespace fabricplan::sim {
namespace {

// Prints a progress line to stderr at most once per wall second on long runs: payload
// delivered out of what the schedule offers, simulated time, and an ETA from the rate
// so far. It watches from outside the event queue (RunObserver), so a run with progress
// lines simulates exactly what a run without them does.
class Progress final : public RunObserver {
 public:
  Progress(const FlowStats& stats, double total_payload_bytes, std::string label)
      : stats_(stats), total_(total_payload_bytes), label_(std::move(label)) {}
  void observe(const Simulator& sim) override {
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    const double done = total_ > 0 ? std::min(1.0, static_cast<double>(stats_.delivered_payload_bytes()) / total_) : 0;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    char eta[32] = "?";
    if (done > 0) std::snprintf(eta, sizeof eta, "%.0f s", elapsed * (1 - done) / done);
    std::fprintf(stderr, "\rsimulate%s: %5.1f%% of the payload delivered, t=%.3f ms simulated, %llu events, ETA %s   ",
                 label_.c_str(), 100 * done, sim.now().s() * 1e3,
                 static_cast<unsigned long long>(sim.events_processed()), eta);
    printed_ = true;
  }
  ~Progress() { if (printed_) std::fprintf(stderr, "\n"); }

 private:
  const FlowStats& stats_;
  double total_;
  std::string label_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_ = start_;
  bool printed_ = false;
};

// Takes links down at their fault times and, after the reroute delay, installs routes
// recomputed without every link down by then.
class FaultInjector final : public EventHandler {
 public:
  FaultInjector(Simulator& sim, Fabric& fabric, std::vector<FaultSpec> faults)
      : fabric_(fabric), faults_(std::move(faults)), up_(fabric.topology().links.size(), true) {
    for (std::size_t i = 0; i < faults_.size(); ++i) {
      sim.schedule_at(Time::from_ps(faults_[i].at_ps), this, 2 * i);
      if (faults_[i].reroute_after_ps >= 0) {
        sim.schedule_at(Time::from_ps(faults_[i].at_ps + faults_[i].reroute_after_ps), this, 2 * i + 1);
      }
    }
  }
  void on_event(Simulator&, std::uint64_t arg) override {
    const FaultSpec& f = faults_[arg / 2];
    if (arg % 2 == 0) {
      fabric_.set_link_up(static_cast<std::size_t>(f.link), false);
      up_[static_cast<std::size_t>(f.link)] = false;
    } else {
      fabric_.set_next_hops(compute_next_hops(fabric_.topology(), up_));
    }
  }

 private:
  Fabric& fabric_;
  std::vector<FaultSpec> faults_;
  std::vector<bool> up_;
};

std::unique_ptr<Transport> make_transport(Simulator& sim, Fabric& fabric, FlowStats& stats, const TransportSpec& t) {
  if (t.name == "srd") return std::make_unique<SrdTransport>(sim, fabric, stats, t.srd);
  return std::make_unique<IbRcTransport>(sim, fabric, stats, t.ib);
}

// Partitions `sim` for s.threads threads (sim/net/partition.h), or says why this
// scenario runs sequentially.
std::string partition_run(Simulator& sim, const Scenario& s, const Topology& topo, const Schedule& schedule) {
  if (!s.faults.empty()) {
    return "a link failure reroutes every switch at once (one routing table all lanes read)";
  }
  Partition p = partition_by_edge(topo, s.threads);
  if (std::string why = ScheduleDriver::partitionable(schedule, p.lane_of_node); !why.empty()) return why;
  if (p.lanes < 2) return "the fabric has one edge switch: nothing to run side by side";
  if (p.lookahead.ps() <= 0) return "a link between lanes has no propagation delay (no lookahead)";
  sim.partition(std::move(p));
  return "";
}

}  // namespace

SimulationResult run_scenario(const Scenario& s, bool progress, const std::string& label) {
  auto wall_start = std::chrono::steady_clock::now();
  // What the run will cost, refused before anything is built (each event is ~20-100 ns).
  if (const double events = expected_packet_events(s); events > static_cast<double>(s.limits.max_events)) {
    throw InputError(s.file, "/traffic",
                     "a packet-level run of at most " + std::to_string(s.limits.max_events) +
                         " events (/limits/max_events; the flow engine takes --engine flow)",
                     "an estimated " + std::to_string(static_cast<std::uint64_t>(events)) + " events");
  }
  // A scenario built in code leaves the limit at 0: this machine's default then.
  const double memory_limit = s.limits.max_memory_bytes > 0 ? s.limits.max_memory_bytes : default_run_limits().max_memory_bytes;
  if (const double bytes = expected_packet_memory_bytes(s); bytes > memory_limit) {
    char found[160];
    std::snprintf(found, sizeof found, "an estimated %.2f GiB (about 20 KB per message transfer)", bytes / (1 << 30));
    char expected[160];
    std::snprintf(expected, sizeof expected, "a packet-level run within %.2f GiB (/limits/max_memory_gib)",
                  memory_limit / (1 << 30));
    throw InputError(s.file, "/traffic", expected, found);
  }
  Topology topo = build_topology(s.topology);
  Simulator sim;
  const Schedule schedule = scenario_schedule(s);
  const std::string sequential_because = s.threads > 1 ? partition_run(sim, s, topo, schedule) : "";
  FlowStats stats;
  stats.set_lanes(sim.lane_count());
  Fabric fabric(sim, topo, s.fabric, stats);

  ScheduleDriver driver(sim, stats, schedule);
  std::vector<std::unique_ptr<OpenLoopTraffic>> open_loops;
  std::vector<std::unique_ptr<Transport>> transports;
  for (std::uint32_t i = 0; i < s.traffic.size(); ++i) {
    const TrafficSpec& t = s.traffic[i];
    const std::uint32_t cls = schedule.streams[i].class_index;
    if (t.kind == "open_loop") {
      std::vector<OpenLoopFlow> flows;
      for (auto [src, dst] : t.flows) flows.push_back({src, dst, stats.add_flow(src, dst, cls)});
      OpenLoopParams p;
      p.payload_bytes = t.payload_bytes;
      p.header_bytes = t.header_bytes;
      p.interval = Time::from_ps(t.interval_ps);
      p.packets_per_flow = t.packets_per_flow;
      open_loops.push_back(std::make_unique<OpenLoopTraffic>(sim, fabric, stats, std::move(flows), p));
      continue;
    }
    transports.push_back(make_transport(sim, fabric, stats, t.transport));
    transports.back()->set_traffic_class(cls);
    driver.add_stream(i, *transports.back());
  }
  std::unique_ptr<FaultInjector> faults;
  if (!s.faults.empty()) faults = std::make_unique<FaultInjector>(sim, fabric, s.faults);
  if (sim.partitioned()) {
    driver.prepare_lanes();
  } else {
    sim.queue().reserve(4 * fabric.port_count() + 1024);
  }
  std::unique_ptr<Progress> reporter;
  if (progress) {
    double total = 0;
    for (const Transfer& t : schedule.transfers) total += static_cast<double>(t.bytes);
    reporter = std::make_unique<Progress>(stats, total, label.empty() ? "" : " [" + label + "]");
    sim.set_observer(reporter.get());
  }
  const std::int64_t limit_ps = static_cast<std::int64_t>(s.limits.max_simulated_s * 1e12);
  const std::int64_t until_ps = s.stop_ps >= 0 ? std::min(s.stop_ps, limit_ps) : limit_ps;
  sim.set_event_limit(s.limits.max_events);
  sim.run(Time::from_ps(until_ps));

  SimulationResult r;
  r.scenario = s.name;
  r.figure_sources = s.figure_sources;
  r.seed = s.seed;
  r.hit_stop = sim.pending();
  r.threads_asked = s.threads;
  r.sequential_because = sequential_because;
  if (sim.partitioned()) {
    r.lanes = sim.lane_count();
    r.lookahead_us = sim.partition_used().lookahead.us();
    r.windows = sim.windows();
  }
  if (r.hit_stop && (s.stop_ps < 0 || s.stop_ps > limit_ps || sim.hit_event_limit())) {
    r.stop_reason = sim.hit_event_limit() ? "the run's limit of " + std::to_string(s.limits.max_events) + " events (/limits/max_events)"
                                          : "the run's limit of " + std::to_string(s.limits.max_simulated_s) + " s simulated (/limits/max_simulated_s)";
  }
  // Goodput is against the NICs' rate (the calibrated one where a profile set it).
  const double line_rate = nic_line_rate_bytes_per_s(s.topology);
  for (std::uint32_t c = 0; c < schedule.classes.size(); ++c) {
    r.classes.push_back(stats.summarize(c, schedule.classes[c], line_rate));
    r.packets_sent += r.classes.back().packets_sent;
  }
  for (const auto& t : transports) add_counters(r.transport, t->counters());
  for (std::size_t i = 0, k = 0; i < s.traffic.size(); ++i) {
    if (s.traffic[i].kind == "open_loop") continue;
    const TransportCounters& tc = transports[k++]->counters();
    ClassSummary& c = r.classes[schedule.streams[i].class_index];
    c.timeouts += tc.timeouts;
    c.spurious_timeouts += tc.spurious_timeouts;
    c.qp_errors += tc.qp_errors;
    if (tc.first_qp_error_ps >= 0 && (c.first_qp_error_ps < 0 || tc.first_qp_error_ps < c.first_qp_error_ps)) {
      c.first_qp_error_ps = tc.first_qp_error_ps;
    }
  }
  for (std::uint32_t c = 0; c < r.classes.size(); ++c) {
    const Fabric::ClassPortStats& q = fabric.class_port_stats(c);
    r.classes[c].drops = q.drops;
    r.classes[c].max_queue_bytes = q.max_queue_bytes;
    if (q.max_queue_port != UINT32_MAX) {
      r.classes[c].max_queue_link = node_name(topo, fabric.port_from(q.max_queue_port)) + "->" +
                                    node_name(topo, fabric.port_to(q.max_queue_port));
      r.classes[c].max_queue_us = static_cast<double>(q.max_queue_bytes) / fabric.port_bytes_per_s(q.max_queue_port) * 1e6;
    }
  }
  r.retransmissions = r.transport.retransmissions;
  r.collectives = collective_summaries(schedule, [&](std::uint32_t t) -> const FlowRecord* {
    const std::uint32_t f = driver.flow_of(t);
    return f == UINT32_MAX ? nullptr : &stats.flows()[f];
  });
  r.delivered_packets = stats.delivered_packets();
  r.drops = fabric.drops();
  r.fault_drops = fabric.fault_drops();
  r.ecn_marks = fabric.ecn_marks();
  r.events = sim.events_processed();
  r.link_transmissions = fabric.link_transmissions();
  r.simulated_s = sim.now().s();
  double sum = 0;
  int active = 0;
  for (std::size_t p = 0; p < fabric.port_count(); ++p) {
    const PortStats& ps = fabric.port_stats(p);
    r.ports.push_back(ps);
    double u = r.simulated_s > 0 ? ps.tx_bytes / (fabric.port_bytes_per_s(p) * r.simulated_s) : 0;
    if (ps.tx_bytes) { sum += u; ++active; }
    r.links.max_utilization = std::max(r.links.max_utilization, u);
    r.links.max_queue_bytes = std::max(r.links.max_queue_bytes, ps.max_queued_bytes);
    r.links.ports_with_drops += ps.drops > 0;
    if (r.simulated_s > 0) {
      r.links.max_credit_stall_fraction =
          std::max(r.links.max_credit_stall_fraction, ps.credit_stall_ps * 1e-12 / r.simulated_s);
    }
  }
  r.links.mean_utilization = active ? sum / active : 0;
  {
    std::vector<double> bytes(fabric.port_count()), capacity(fabric.port_count());
    std::vector<std::uint64_t> mask(fabric.port_count());
    for (std::size_t p = 0; p < fabric.port_count(); ++p) {
      bytes[p] = static_cast<double>(fabric.port_stats(p).tx_bytes);
      capacity[p] = fabric.port_bytes_per_s(p);
      mask[p] = fabric.port_stats(p).class_mask;
    }
    r.busiest_links = busiest_links(topo, bytes, capacity, mask, schedule.classes, r.simulated_s);
    r.port_wire_bytes = std::move(bytes);
    r.port_capacity_bytes_per_s = std::move(capacity);
    r.port_class_mask = std::move(mask);
  }
  r.flows = stats.flows();
  r.transfer_flow.resize(schedule.transfers.size());
  for (std::uint32_t t = 0; t < schedule.transfers.size(); ++t) r.transfer_flow[t] = driver.flow_of(t);
  for (const auto& f : r.flows) r.last_completion_s = std::max(r.last_completion_s, f.last_delivery_ps * 1e-12);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return r;
}

}  // namespace fabricplan::sim
