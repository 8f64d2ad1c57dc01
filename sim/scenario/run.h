// Runs a Scenario and collects what `fabricplan simulate` reports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"
#include "sim/stats/flow_stats.h"

namespace fabricplan::sim {

struct LinkSummary {
  double max_utilization = 0;   // busiest port: bytes sent / (line rate x simulated time)
  double mean_utilization = 0;  // over ports that sent anything
  std::uint64_t max_queue_bytes = 0;
  std::uint64_t ports_with_drops = 0;
  double max_credit_stall_fraction = 0;  // lossless: longest a port's head waited for credit / run
};

// A directed link among the busiest of a run: what it carried over the run's length.
struct BusyLink {
  std::string link;                  // "leaf3->spine1"
  double utilization = 0;            // wire bytes / (capacity x simulated time)
  double wire_bytes = 0;
  std::vector<std::string> classes;  // traffic classes that crossed it
};

struct CollectiveSummary {  // a ring all-reduce
  std::string name;
  std::size_t ranks = 0;
  std::uint64_t bytes = 0;
  bool finished = false;
  double duration_us = 0, algbw_bytes_per_s = 0, busbw_bytes_per_s = 0;
};

struct SimulationResult {
  std::string engine = "packet";     // packet | flow
  std::string scenario;
  std::uint64_t seed = 0;
  std::vector<ClassSummary> classes;
  std::uint64_t packets_sent = 0;
  std::uint64_t delivered_packets = 0;
  std::uint64_t drops = 0;
  std::uint64_t retransmissions = 0;  // open-loop traffic never retransmits
  TransportCounters transport;        // summed over the scenario's transports
  std::uint64_t fault_drops = 0;
  std::uint64_t ecn_marks = 0;
  double last_completion_s = 0;       // last delivery of any flow
  bool hit_stop = false;              // stopped at stop_us with work left
  std::string stop_reason;            // set when a run limit (not stop_us) stopped it
  std::vector<CollectiveSummary> collectives;
  std::uint64_t events = 0;
  std::uint64_t link_transmissions = 0;
  // Packet engine, partitioned (threads asked above 1): the lanes, their lookahead and
  // the windows run; or why the run stayed sequential.
  unsigned threads_asked = 1;
  std::uint32_t lanes = 0;  // 0: not partitioned
  double lookahead_us = 0;
  std::uint64_t windows = 0;
  std::string sequential_because;
  double simulated_s = 0;
  double wall_s = 0;
  LinkSummary links;
  std::vector<BusyLink> busiest_links;  // up to 10, busiest first
  // Flow engine only: its work and memory.
  std::uint64_t solves = 0, flows_resolved = 0;
  std::size_t peak_active_flows = 0, engine_memory_bytes = 0, stalled_flows = 0;
  std::vector<PortStats> ports;       // per directed port, for tests (packet engine)
  // Per directed port, both engines: wire bytes carried, capacity, classes (bit c).
  std::vector<double> port_wire_bytes, port_capacity_bytes_per_s;
  std::vector<std::uint64_t> port_class_mask;
  std::vector<FlowRecord> flows;
  // The flow (index into `flows`) of each schedule transfer; UINT32_MAX: never posted.
  std::vector<std::uint32_t> transfer_flow;
  std::vector<std::pair<std::string, std::string>> figure_sources;  // from Scenario
};

// The packet engine. `progress`: a one-line status on stderr every ~second of wall time.
// `label` names the run in progress lines (compare: "efa", "ib").
SimulationResult run_scenario(const Scenario& s, bool progress = false, const std::string& label = "");
// The flow engine (models/flow) on the same schedule and fabric.
SimulationResult run_scenario_flow(const Scenario& s);
// Route entries (links with their coefficients) of one sample transfer, host 0 to the
// last host (the longest way in these fabrics), as the flow engine computes them: what
// every run estimate multiplies by its transfers before anything is allocated.
std::size_t route_entries_of_sample(const Topology& topo, const NextHops& hops, PathPolicy path, std::uint32_t qps,
                                    std::uint64_t seed);
// The engine the scenario names ("engine", default packet), or `engine` if not empty.
SimulationResult run_scenario_with(const Scenario& s, const std::string& engine, bool progress = false);

std::string render_simulation_json(const SimulationResult& r);
std::string render_simulation_text(const SimulationResult& r);
// How a packet run asked for threads ran: its lanes, or why it stayed sequential.
std::string partition_text(const SimulationResult& r);
// CSV for spreadsheets, units in the headers: one row per class, or one per flow.
std::string render_simulation_csv(const SimulationResult& r);
std::string render_flows_csv(const SimulationResult& r);

}  // namespace fabricplan::sim
