#include "sim/scenario/scenario.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "models/json_input/json_reader.h"
#include "sim/scenario/scenario_schedule.h"
#include "sim/scenario/scenario_traffic.h"

namespace fabricplan::sim {

std::vector<std::pair<std::uint32_t, std::uint32_t>> read_pairs_file(const std::string& path,
                                                                      std::uint32_t hosts) {
  // A regular file of bounded size: a directory, /dev/zero or a huge file is refused
  // before reading, and lines that are not two integers are never quoted back (the
  // path may name any file, /etc/passwd included).
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError(path, "", "a regular file of \"src dst\" lines", "something else (a directory, device or missing file)");
  }
  constexpr std::uintmax_t kMaxBytes = 64u << 20;
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxBytes) {
    throw InputError(path, "", "a pairs file of at most 64 MiB", std::to_string(size) + " bytes");
  }
  std::ifstream in(path);
  if (!in) throw InputError(path, "", "a readable file of \"src dst\" lines", "a file that cannot be opened");
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    long long s, d;
    std::string rest;
    const std::string expected = "\"src dst\" with hosts in [0, " + std::to_string(hosts) + ")";
    if (!(ls >> s >> d) || (ls >> rest)) throw InputError(path, "line " + std::to_string(n), expected, "a line that is not two integers");
    if (s < 0 || d < 0 || s >= hosts || d >= hosts) {
      throw InputError(path, "line " + std::to_string(n), expected, std::to_string(s) + " " + std::to_string(d));
    }
    pairs.emplace_back(static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(d));
  }
  if (pairs.empty()) throw InputError(path, "", "at least one \"src dst\" line", "none");
  return pairs;
}

namespace {

TopologySpec read_topology(const JsonNode& t) {
  t.expect_object({"kind", "leaves", "hosts_per_leaf", "spines", "k", "groups", "servers_per_group", "rails",
                   "nics_per_server", "link_gbit_per_s", "host_link_gbit_per_s", "propagation_us"});
  TopologySpec s;
  s.kind = t.at("kind").one_of({"leaf_spine", "fat_tree", "rail_optimized"});
  if (s.kind == "leaf_spine") {
    s.leaves = static_cast<int>(t.at("leaves").integer(1, 4096));
    s.hosts_per_leaf = static_cast<int>(t.at("hosts_per_leaf").integer(1, 4096));
    s.spines = static_cast<int>(t.at("spines").integer(1, 4096));
  } else if (s.kind == "fat_tree") {
    s.k = static_cast<int>(t.at("k").integer(2, 64));
    if (s.k % 2) t.at("k").fail("an even k");
  } else {
    s.groups = static_cast<int>(t.at("groups").integer(1, 1024));
    s.servers_per_group = static_cast<int>(t.at("servers_per_group").integer(1, 4096));
    s.rails = static_cast<int>(t.at("rails").integer(1, 64));
    s.spines = static_cast<int>(t.at("spines").integer(1, 4096));
  }
  s.nics_per_server = static_cast<int>(t.integer_or("nics_per_server", 1, 64, s.kind == "rail_optimized" ? s.rails : 1));
  if (s.kind == "rail_optimized" && s.nics_per_server != s.rails) {
    t.at("nics_per_server").fail("nics_per_server equal to rails (" + std::to_string(s.rails) + ")");
  }
  if (host_count(s) % s.nics_per_server) {
    t.at("nics_per_server").fail("a divisor of the endpoint count " + std::to_string(host_count(s)));
  }
  s.link_gbit_per_s = t.has("link_gbit_per_s") ? t.at("link_gbit_per_s").in_range(kMinLinkGbitPerS, kMaxLinkGbitPerS) : 100;
  s.host_link_gbit_per_s = t.has("host_link_gbit_per_s") ? t.at("host_link_gbit_per_s").in_range(kMinLinkGbitPerS, kMaxLinkGbitPerS)
                                                           : s.link_gbit_per_s;
  // At most 1 s: a propagation delay in the scenario's time keeps far from int64 overflow.
  s.propagation_us = t.has("propagation_us") ? t.at("propagation_us").in_range(0, 1e6) : 1;
  return s;
}

FabricParams read_ports(const JsonNode& root) {
  FabricParams f;
  if (!root.has("ports")) return f;
  JsonNode p = root.at("ports");
  p.expect_object({"mode", "queue_bytes", "host_queue_bytes", "ecn_threshold_bytes", "shared_buffer_bytes",
                   "shared_buffer_alpha"});
  f.lossless = p.has("mode") && p.at("mode").one_of({"drop_tail", "lossless"}) == "lossless";
  f.queue_bytes = static_cast<std::uint32_t>(p.integer_or("queue_bytes", 1, INT64_C(1) << 31, 1 << 20));
  f.host_queue_bytes = static_cast<std::uint64_t>(p.integer_or("host_queue_bytes", 1, INT64_C(1) << 40, f.queue_bytes));
  f.ecn_threshold_bytes = static_cast<std::uint32_t>(p.integer_or("ecn_threshold_bytes", 0, INT64_C(1) << 31, 0));
  f.shared_buffer_bytes = static_cast<std::uint64_t>(p.integer_or("shared_buffer_bytes", 0, INT64_C(1) << 40, 0));
  f.shared_buffer_alpha = p.positive_or("shared_buffer_alpha", 1.0);
  if (f.lossless && f.shared_buffer_bytes) p.at("shared_buffer_bytes").fail("no shared buffer in lossless mode (credits are per input port)");
  return f;
}

FaultSpec read_fault(const JsonNode& n, const Topology& topo) {
  n.expect_object({"link", "at_us", "reroute_after_us"});
  FaultSpec f;
  JsonNode link = n.at("link");
  if (link.array_size() != 2) link.fail("a [node, node] pair such as [\"leaf0\", \"spine3\"]");
  f.a = link.at(std::size_t{0}).string();
  f.b = link.at(std::size_t{1}).string();
  int a = find_node(topo, f.a), b = find_node(topo, f.b);
  if (a < 0) link.at(std::size_t{0}).fail("a node name (host7, leaf3, spine0, edge5, agg2, core9) of this topology");
  if (b < 0) link.at(std::size_t{1}).fail("a node name (host7, leaf3, spine0, edge5, agg2, core9) of this topology");
  f.link = find_link(topo, a, b);
  if (f.link < 0) link.fail("two nodes joined by a link", f.a + " and " + f.b + ", which are not adjacent");
  f.at_ps = static_cast<std::int64_t>(std::llround(n.at("at_us").in_range(0, 1e9) * 1e6));
  if (n.has("reroute_after_us")) f.reroute_after_ps = static_cast<std::int64_t>(std::llround(n.at("reroute_after_us").in_range(0, 1e9) * 1e6));
  return f;
}

RunLimits read_limits(const JsonNode& root) {
  RunLimits l = default_run_limits();
  if (!root.has("limits")) return l;
  JsonNode n = root.at("limits");
  n.expect_object({"max_transfers", "max_memory_gib", "max_simulated_s", "max_events"});
  if (n.has("max_simulated_s")) l.max_simulated_s = n.at("max_simulated_s").in_range(1e-9, 1e6);
  l.max_events = static_cast<std::uint64_t>(n.integer_or("max_events", 1, INT64_C(1) << 62, static_cast<std::int64_t>(l.max_events)));
  l.max_transfers = static_cast<std::uint64_t>(n.integer_or("max_transfers", 1, INT64_C(1) << 40, static_cast<std::int64_t>(l.max_transfers)));
  if (n.has("max_memory_gib")) l.max_memory_bytes = n.at("max_memory_gib").in_range(0.001, 1 << 20) * (1 << 30);
  return l;
}

}  // namespace

double nic_line_rate_bytes_per_s(const TopologySpec& t) {
  return (t.host_link_gbit_per_s > 0 ? t.host_link_gbit_per_s : t.link_gbit_per_s) * 1e9 / 8;
}

RunLimits default_run_limits() {
  RunLimits l;
  const double physical = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  l.max_memory_bytes = physical > 0 ? 0.75 * physical : 16.0 * (1 << 30);
  return l;
}

int host_count(const TopologySpec& t) {
  if (t.kind == "leaf_spine") return t.leaves * t.hosts_per_leaf;
  if (t.kind == "fat_tree") return t.k * t.k * t.k / 4;
  return t.groups * t.servers_per_group * t.rails;
}

namespace {
Topology build_switched(const TopologySpec& t) {
  if (t.kind == "leaf_spine") {
    return build_leaf_spine(t.leaves, t.hosts_per_leaf, t.spines, t.link_gbit_per_s, t.propagation_us);
  }
  if (t.kind == "fat_tree") return build_fat_tree(t.k, t.link_gbit_per_s, t.propagation_us);
  return build_rail_optimized(t.groups, t.servers_per_group, t.rails, t.spines, t.link_gbit_per_s, t.propagation_us);
}
}  // namespace

Topology build_topology(const TopologySpec& t) {
  Topology topo = build_switched(t);
  // Hosts are node ids [0, hosts): their links are the NIC links.
  if (t.host_link_gbit_per_s > 0 && t.host_link_gbit_per_s != t.link_gbit_per_s)
    for (auto& l : topo.links)
      if (l.a < topo.hosts || l.b < topo.hosts) l.gbit_per_s = t.host_link_gbit_per_s;
  return topo;
}

Scenario parse_scenario(const std::string& path) {
  JsonDocument doc = JsonDocument::load(path);
  JsonNode root = doc.root();
  root.expect_object({"$schema", "name", "description", "seed", "engine", "limits", "topology", "ports", "routing",
                      "traffic", "faults", "stop_us"});
  Scenario s;
  s.file = path;
  s.name = root.at("name").string();
  s.seed = static_cast<std::uint64_t>(root.integer_or("seed", 0, INT64_C(1) << 53, 1));
  if (root.has("engine")) s.engine = root.at("engine").one_of({"packet", "flow"});
  s.limits = read_limits(root);
  s.topology = read_topology(root.at("topology"));
  s.fabric = read_ports(root);
  s.routing_name = root.has("routing") ? root.at("routing").one_of({"spray", "flowhash", "dmodk"}) : "spray";
  s.fabric.routing = s.routing_name == "spray" ? RoutingPolicy::kSpray
                     : s.routing_name == "flowhash" ? RoutingPolicy::kFlowHash
                                                    : RoutingPolicy::kDestModK;
  s.fabric.seed = s.seed;
  if (root.has("stop_us")) s.stop_ps = static_cast<std::int64_t>(std::llround(root.at("stop_us").in_range(1e-6, 1e9) * 1e6));
  std::string dir = std::filesystem::path(path).parent_path().string();
  // Fabrics a run can hold: ~262k endpoints (a 64-ary fat-tree has 65,536).
  if (host_count(s.topology) > (1 << 18)) {
    root.at("topology").fail("at most 262144 endpoints", std::to_string(host_count(s.topology)) + " endpoints");
  }
  JsonNode list = root.at("traffic");
  double transfers = 0;
  // Each entry is its own stream and transport: 1024 is far past any mixture, and 100,000
  // tiny entries ran for minutes before this bound.
  for (std::size_t i = 0, n = list.array_size(1, 1024); i < n; ++i) {
    s.traffic.push_back(read_traffic(list.at(i), dir, s.topology));
    transfers += expected_transfers(s.traffic.back());
    // Refused before anything is generated: every transfer costs memory in either engine.
    if (transfers > static_cast<double>(s.limits.max_transfers)) {
      list.at(i).fail("at most " + std::to_string(s.limits.max_transfers) + " transfers in all (/limits/max_transfers)",
                      "an estimated " + std::to_string(static_cast<std::uint64_t>(transfers)) + " by this entry");
    }
  }
  if (root.has("faults")) {
    Topology topo = build_topology(s.topology);
    JsonNode faults = root.at("faults");
    for (std::size_t i = 0, n = faults.array_size(0, 1024); i < n; ++i) s.faults.push_back(read_fault(faults.at(i), topo));
  }
  return s;
}

}  // namespace fabricplan::sim
