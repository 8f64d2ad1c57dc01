#include "sim/scenario/scenario.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/json_input/json_reader.h"

namespace fabricplan::sim {

std::vector<std::pair<std::uint32_t, std::uint32_t>> read_pairs_file(const std::string& path,
                                                                      std::uint32_t hosts) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "", "a readable file of \"src dst\" lines", "a file that cannot be opened");
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    long long s, d;
    std::string rest;
    if (!(ls >> s >> d) || (ls >> rest) || s < 0 || d < 0 || s >= hosts || d >= hosts) {
      throw InputError(path, "line " + std::to_string(n),
                       "\"src dst\" with hosts in [0, " + std::to_string(hosts) + ")", "\"" + line + "\"");
    }
    pairs.emplace_back(static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(d));
  }
  return pairs;
}

namespace {

TopologySpec read_topology(const JsonNode& t) {
  t.expect_object({"kind", "leaves", "hosts_per_leaf", "spines", "k", "link_gbit_per_s", "propagation_us"});
  TopologySpec s;
  s.kind = t.at("kind").one_of({"leaf_spine", "fat_tree"});
  if (s.kind == "leaf_spine") {
    s.leaves = static_cast<int>(t.at("leaves").integer(1, 4096));
    s.hosts_per_leaf = static_cast<int>(t.at("hosts_per_leaf").integer(1, 4096));
    s.spines = static_cast<int>(t.at("spines").integer(1, 4096));
  } else {
    s.k = static_cast<int>(t.at("k").integer(2, 64));
    if (s.k % 2) t.at("k").fail("an even k");
  }
  s.link_gbit_per_s = t.positive_or("link_gbit_per_s", 100);
  s.propagation_us = t.non_negative_or("propagation_us", 1);
  return s;
}

int host_count(const TopologySpec& t) {
  return t.kind == "leaf_spine" ? t.leaves * t.hosts_per_leaf : t.k * t.k * t.k / 4;
}

TrafficSpec read_traffic(const JsonNode& n, const std::string& dir, int hosts) {
  n.expect_object({"class", "kind", "pattern", "pairs", "permutation_file", "payload_bytes",
                   "header_bytes", "interval_ps", "duration_us", "packets_per_flow"});
  TrafficSpec t;
  t.traffic_class = n.string_or("class", "udp");
  n.at("kind").one_of({"open_loop"});
  std::string pattern = n.at("pattern").one_of({"pairs", "permutation_file"});
  if (pattern == "pairs") {
    JsonNode list = n.at("pairs");
    for (std::size_t i = 0, m = list.array_size(1); i < m; ++i) {
      JsonNode pr = list.at(i);
      if (pr.array_size() != 2) pr.fail("a [src, dst] pair");
      t.flows.emplace_back(static_cast<std::uint32_t>(pr.at(std::size_t{0}).integer(0, hosts - 1)),
                           static_cast<std::uint32_t>(pr.at(std::size_t{1}).integer(0, hosts - 1)));
    }
  } else {
    std::filesystem::path p = n.at("permutation_file").string();
    if (p.is_relative()) p = std::filesystem::path(dir) / p;
    t.flows = read_pairs_file(p.string(), static_cast<std::uint32_t>(hosts));
  }
  for (std::size_t i = 0; i < t.flows.size(); ++i) {
    if (t.flows[i].first == t.flows[i].second) {
      n.fail("flows between distinct hosts", "host " + std::to_string(t.flows[i].first) + " sending to itself");
    }
  }
  t.payload_bytes = static_cast<std::uint32_t>(n.integer_or("payload_bytes", 1, 1 << 20, 1500));
  t.header_bytes = static_cast<std::uint32_t>(n.integer_or("header_bytes", 0, 4096, 30));
  t.interval_ps = n.at("interval_ps").integer(1, INT64_C(1) << 50);
  if (n.has("packets_per_flow")) {
    t.packets_per_flow = static_cast<std::uint64_t>(n.at("packets_per_flow").integer(1, INT64_C(1) << 40));
  } else {
    double duration_ps = n.at("duration_us").positive() * 1e6;
    t.packets_per_flow = static_cast<std::uint64_t>(std::llround(duration_ps / t.interval_ps));
  }
  return t;
}

}  // namespace

Scenario parse_scenario(const std::string& path) {
  JsonDocument doc = JsonDocument::load(path);
  JsonNode root = doc.root();
  root.expect_object({"$schema", "name", "description", "seed", "topology", "ports", "routing", "traffic"});
  Scenario s;
  s.file = path;
  s.name = root.at("name").string();
  s.seed = static_cast<std::uint64_t>(root.integer_or("seed", 0, INT64_C(1) << 53, 1));
  s.topology = read_topology(root.at("topology"));
  if (root.has("ports")) {
    JsonNode p = root.at("ports");
    p.expect_object({"queue_bytes"});
    s.fabric.queue_bytes = static_cast<std::uint32_t>(p.integer_or("queue_bytes", 1, INT64_C(1) << 31, 1 << 20));
  }
  s.routing_name = root.at("routing").one_of({"spray", "flowhash", "dmodk"});
  s.fabric.routing = s.routing_name == "spray" ? RoutingPolicy::kSpray
                     : s.routing_name == "flowhash" ? RoutingPolicy::kFlowHash
                                                    : RoutingPolicy::kDestModK;
  s.fabric.seed = s.seed;
  std::string dir = std::filesystem::path(path).parent_path().string();
  JsonNode list = root.at("traffic");
  for (std::size_t i = 0, n = list.array_size(1); i < n; ++i) {
    s.traffic.push_back(read_traffic(list.at(i), dir, host_count(s.topology)));
  }
  return s;
}

}  // namespace fabricplan::sim
