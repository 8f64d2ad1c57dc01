// Scenario: what `fabricplan simulate` runs (configs/scenarios/*.json, schema in
// configs/schema/scenario.schema.json), validated with JSON-pointer errors.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/schedule/schedule.h"
#include "models/topology/topology.h"
#include "sim/net/fabric.h"
#include "sim/traffic/messages.h"
#include "sim/transport/ib_rc.h"
#include "sim/transport/srd.h"

namespace fabricplan::sim {

using fabricplan::kMaxLinkGbitPerS;
using fabricplan::kMinLinkGbitPerS;

struct TopologySpec {
  std::string kind = "leaf_spine";  // leaf_spine | fat_tree | rail_optimized
  int leaves = 0, hosts_per_leaf = 0, spines = 0;
  int k = 0;
  int groups = 0, servers_per_group = 0, rails = 0;  // rail_optimized
  int nics_per_server = 1;  // endpoints (NICs) per server: server s owns s*n .. s*n+n-1
  double link_gbit_per_s = 100;
  double host_link_gbit_per_s = 0;  // host (NIC) links; 0: link_gbit_per_s
  double propagation_us = 1;
};

struct TransportSpec {
  std::string name;  // srd | ib_rc
  SrdParams srd;
  IbRcParams ib;
};

struct TrafficSpec {
  std::string traffic_class = "udp";
  std::string kind = "open_loop";  // open_loop | message
  std::string pattern;
  // open_loop, and message pairs/permutation_file
  std::vector<std::pair<std::uint32_t, std::uint32_t>> flows;  // (src, dst)
  std::uint32_t payload_bytes = 1500;
  std::uint32_t header_bytes = 30;
  std::int64_t interval_ps = 0;
  std::uint64_t packets_per_flow = 0;
  // message
  TransportSpec transport;
  std::uint64_t bytes = 0;
  std::int64_t start_ps = 0;
  std::vector<std::uint32_t> senders;  // incast
  std::uint32_t receiver = 0;
  std::vector<std::uint32_t> ranks;    // ring_allreduce
  All2AllSpec all2all;
  KvPoissonSpec kv;
};

struct FaultSpec {
  std::string a, b;              // node names, e.g. "leaf0", "spine3"
  int link = -1;
  std::int64_t at_ps = 0;
  std::int64_t reroute_after_ps = -1;  // routes recomputed this long after; -1: never
};

// What a run may hold; a run estimated past any of these is refused before it allocates.
struct RunLimits {
  std::uint64_t max_transfers = 50'000'000;
  // The packet engine stops here and reports what did not complete, so a run whose
  // traffic cannot finish (a host cut off, IB with no reroute) always ends.
  double max_simulated_s = 60;
  // Packet events estimated before the run: 2e9 is about half an hour at the engine's
  // 1-2 M events a second on SRD traffic (a longer run is asked for explicitly).
  std::uint64_t max_events = 2'000'000'000ull;
  double max_memory_bytes = 0;  // 0 at parse: 3/4 of this machine's physical memory
};

struct Scenario {
  std::string file;
  std::string engine = "packet";  // packet | flow (simulate --engine overrides)
  RunLimits limits;
  std::string name;
  std::uint64_t seed = 1;
  TopologySpec topology;
  FabricParams fabric;
  std::string routing_name;
  std::vector<TrafficSpec> traffic;
  std::vector<FaultSpec> faults;
  std::int64_t stop_ps = -1;  // -1: run until nothing is left to do
  // Packet engine threads (simulate --threads). Above 1 the run is partitioned into
  // lanes (sim/net/partition.h) if the scenario allows it: its result then depends on
  // the partition, not on how many threads run it.
  unsigned threads = 1;
  // Where figures that do not come from the scenario file came from (e.g. the NIC rate
  // from a calibration profile): (figure, value and source), reported with the result.
  std::vector<std::pair<std::string, std::string>> figure_sources;
  // Set by producers other than the scenario file (a cluster spec's workloads,
  // planner/spec_schedule.h): the schedule itself, with one stream per `traffic` entry
  // (which then gives only the stream's class and transport). scenario_schedule()
  // returns it as is.
  std::shared_ptr<const Schedule> prebuilt_schedule;
};

Scenario parse_scenario(const std::string& path);
// The limits a scenario without a `limits` object gets (memory: 3/4 of this machine's).
RunLimits default_run_limits();
// Reads "src dst" lines; throws InputError with the line number on malformed lines.
std::vector<std::pair<std::uint32_t, std::uint32_t>> read_pairs_file(const std::string& path,
                                                                      std::uint32_t hosts);
int host_count(const TopologySpec& t);
// The host (NIC) links' rate in bytes/s: host_link_gbit_per_s where set, else link_gbit_per_s.
double nic_line_rate_bytes_per_s(const TopologySpec& t);
Topology build_topology(const TopologySpec& t);

}  // namespace fabricplan::sim
