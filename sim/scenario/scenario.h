// Scenario: what `fabricplan simulate` runs (configs/scenarios/*.json, schema in
// configs/schema/scenario.schema.json), validated with JSON-pointer errors.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/net/fabric.h"

namespace fabricplan::sim {

struct TopologySpec {
  std::string kind = "leaf_spine";  // leaf_spine | fat_tree
  int leaves = 0, hosts_per_leaf = 0, spines = 0;
  int k = 0;
  double link_gbit_per_s = 100;
  double propagation_us = 1;
};

struct TrafficSpec {
  std::string traffic_class = "udp";
  std::vector<std::pair<std::uint32_t, std::uint32_t>> flows;  // (src, dst)
  std::uint32_t payload_bytes = 1500;
  std::uint32_t header_bytes = 30;
  std::int64_t interval_ps = 0;
  std::uint64_t packets_per_flow = 0;
};

struct Scenario {
  std::string file;
  std::string name;
  std::uint64_t seed = 1;
  TopologySpec topology;
  FabricParams fabric;
  std::string routing_name;
  std::vector<TrafficSpec> traffic;
};

Scenario parse_scenario(const std::string& path);
// Reads "src dst" lines; throws InputError with the line number on malformed lines.
std::vector<std::pair<std::uint32_t, std::uint32_t>> read_pairs_file(const std::string& path,
                                                                      std::uint32_t hosts);

}  // namespace fabricplan::sim
