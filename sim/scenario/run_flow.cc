// `simulate --engine flow`: the scenario's schedule through the flow engine
// (models/flow), reported in the shape the packet engine's result has.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <unistd.h>

#include "models/flow/flow_engine.h"
#include "models/flow/flow_routes.h"
#include "models/json_input/input_error.h"
#include "sim/scenario/run.h"
#include "sim/scenario/scenario_schedule.h"
#include "sim/scenario/schedule_results.h"

namespace fabricplan::sim {
namespace {

std::string gib(double bytes) {
  char b[64];
  std::snprintf(b, sizeof b, "%.2f GiB", bytes / (1 << 30));
  return b;
}

// Refuses, before the schedule is built, a run whose transfers or memory exceed the
// scenario's limits: transfers from the patterns' sizes, route entries from one sample
// route per stream (route_entries_of_sample, run.h).
void check_flow_limits(const Scenario& s, const Topology& topo) {
  double transfers = 0, entries = 0;
  const NextHops hops = compute_next_hops(topo);
  const std::vector<double> per_stream = expected_stream_transfers(s);
  for (std::size_t i = 0; i < s.traffic.size(); ++i) {
    const double n = per_stream[i];
    transfers += n;
    const PathPolicy path = s.traffic[i].kind == "open_loop" ? (s.fabric.routing == RoutingPolicy::kSpray ? PathPolicy::kSpray
                                                                                                       : PathPolicy::kFlowHash)
                            : s.traffic[i].transport.name == "srd" ? PathPolicy::kSpray
                                                                   : PathPolicy::kDestModK;
    const std::uint32_t qps = s.traffic[i].kind == "message" && s.traffic[i].transport.name == "ib_rc"
                                  ? s.traffic[i].transport.ib.qps_per_connection : 1;
    entries += n * static_cast<double>(route_entries_of_sample(topo, hops, path, qps, s.seed));
  }
  const double route_entries = transfers > 0 ? entries / transfers : 0;
  if (transfers > static_cast<double>(s.limits.max_transfers)) {
    throw InputError(s.file, "/traffic", "at most " + std::to_string(s.limits.max_transfers) + " transfers (/limits/max_transfers)",
                     "about " + std::to_string(static_cast<std::uint64_t>(transfers)) + " transfers");
  }
  const double bytes = static_cast<double>(flow::estimate_flow_memory_bytes(
      static_cast<std::size_t>(transfers), static_cast<std::size_t>(std::ceil(route_entries)), 2 * topo.links.size()));
  if (bytes > s.limits.max_memory_bytes) {
    throw InputError(s.file, "/traffic",
                     "a flow-engine run within " + gib(s.limits.max_memory_bytes) + " (/limits/max_memory_gib)",
                     "an estimated " + gib(bytes) + " for " + std::to_string(static_cast<std::uint64_t>(transfers)) +
                         " transfers of " + std::to_string(static_cast<int>(std::ceil(route_entries))) + " route entries each");
  }
}

}  // namespace

std::size_t route_entries_of_sample(const Topology& topo, const NextHops& hops, PathPolicy path, std::uint32_t qps,
                                    std::uint64_t seed) {
  flow::RouteContext ctx{&topo, &hops, nullptr, seed};
  ScheduleStream st;
  st.path = path;
  st.qps = qps;
  Transfer x;
  x.src = 0;
  x.dst = static_cast<std::uint32_t>(topo.hosts - 1);
  x.bytes = 1;
  std::vector<flow::RouteCoefficient> route;
  flow::compute_route(ctx, st, 0, x, route);
  return route.size();
}

SimulationResult run_scenario_flow(const Scenario& s) {
  auto wall_start = std::chrono::steady_clock::now();
  const Topology topo = build_topology(s.topology);
  check_flow_limits(s, topo);
  const Schedule schedule = scenario_schedule(s);
  ScheduleProblem problem = check_schedule(schedule, static_cast<std::uint32_t>(topo.hosts));
  if (!problem.expected.empty()) {
    throw InputError(s.file, schedule.streams[problem.stream].source, problem.expected, problem.found);
  }
  flow::FlowEngineParams params;
  params.seed = s.seed;
  params.stop_ps = s.stop_ps;
  for (const FaultSpec& f : s.faults) {
    params.faults.push_back({static_cast<std::uint32_t>(f.link), f.at_ps, f.reroute_after_ps});
  }
  flow::FlowRunResult run = flow::run_flow_engine(topo, schedule, params);

  SimulationResult r;
  r.engine = "flow";
  r.scenario = s.name;
  r.seed = s.seed;
  r.figure_sources = s.figure_sources;
  r.hit_stop = run.stopped_at_limit;
  std::vector<FlowRecord> records(schedule.transfers.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Transfer& t = schedule.transfers[i];
    const ScheduleStream& st = schedule.streams[t.stream];
    const flow::TransferOutcome& o = run.transfers[i];
    FlowRecord& f = records[i];
    f.src = t.src;
    f.dst = t.dst;
    f.traffic_class = st.class_index;
    f.message_bytes = st.open_loop ? 0 : t.bytes;
    f.first_send_ps = o.start_ps;
    f.last_delivery_ps = o.done_ps;
    f.payload_delivered = static_cast<std::uint64_t>(std::llround(o.delivered_bytes));
    if (st.open_loop && o.done_ps >= 0) {
      const double lost = static_cast<double>(t.bytes) - o.delivered_bytes;
      f.packets_dropped = static_cast<std::uint64_t>(std::max(0.0, std::floor(lost / st.mtu_payload_bytes + 1e-9)));
    }
    if (o.done_ps >= 0) r.last_completion_s = std::max(r.last_completion_s, o.done_ps * 1e-12);
  }
  const double line_rate = nic_line_rate_bytes_per_s(s.topology);
  for (std::uint32_t c = 0; c < schedule.classes.size(); ++c) {
    r.classes.push_back(summarize_flows(records, c, schedule.classes[c], line_rate));
    r.drops += r.classes.back().packets_dropped;
  }
  r.collectives = collective_summaries(schedule, [&](std::uint32_t t) -> const FlowRecord* {
    return run.transfers[t].start_ps < 0 ? nullptr : &records[t];
  });
  r.flows = records;
  r.transfer_flow.resize(records.size());
  for (std::uint32_t i = 0; i < records.size(); ++i) r.transfer_flow[i] = i;
  r.simulated_s = run.end_ps * 1e-12;
  r.events = run.events;
  r.solves = run.solves;
  r.flows_resolved = run.flows_resolved;
  r.peak_active_flows = run.peak_active_flows;
  r.engine_memory_bytes = run.peak_memory_bytes;
  r.stalled_flows = run.stalled_transfers;
  double sum = 0;
  int active = 0;
  for (std::size_t p = 0; p < run.link_wire_bytes.size(); ++p) {
    const double u = r.simulated_s > 0 ? run.link_wire_bytes[p] / (run.link_capacity_bytes_per_s[p] * r.simulated_s) : 0;
    if (run.link_wire_bytes[p] > 0) {
      sum += u;
      ++active;
    }
    r.links.max_utilization = std::max(r.links.max_utilization, u);
  }
  r.links.mean_utilization = active ? sum / active : 0;
  r.busiest_links = busiest_links(topo, run.link_wire_bytes, run.link_capacity_bytes_per_s, run.link_class_mask,
                                  schedule.classes, r.simulated_s);
  r.port_wire_bytes = std::move(run.link_wire_bytes);
  r.port_capacity_bytes_per_s = std::move(run.link_capacity_bytes_per_s);
  r.port_class_mask = std::move(run.link_class_mask);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return r;
}

SimulationResult run_scenario_with(const Scenario& s, const std::string& engine, bool progress) {
  const std::string& e = engine.empty() ? s.engine : engine;
  return e == "flow" ? run_scenario_flow(s) : run_scenario(s, progress);
}

}  // namespace fabricplan::sim
