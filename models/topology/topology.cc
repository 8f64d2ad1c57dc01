#include "models/topology/topology.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <map>

namespace fabricplan {

int Topology::add_node(NodeKind kind, int index) {
  nodes.push_back({kind, index});
  return static_cast<int>(nodes.size()) - 1;
}

Topology build_leaf_spine(int leaves, int hosts_per_leaf, int spines, double gbps, double prop_us) {
  Topology t;
  t.hosts = leaves * hosts_per_leaf;
  for (int h = 0; h < t.hosts; ++h) t.add_node(NodeKind::kHost, h);
  std::vector<int> leaf(leaves), spine(spines);
  for (int l = 0; l < leaves; ++l) leaf[l] = t.add_node(NodeKind::kLeaf, l);
  for (int s = 0; s < spines; ++s) spine[s] = t.add_node(NodeKind::kSpine, s);
  for (int h = 0; h < t.hosts; ++h) t.links.push_back({h, leaf[h / hosts_per_leaf], gbps, prop_us});
  for (int l = 0; l < leaves; ++l) {
    for (int s = 0; s < spines; ++s) t.links.push_back({leaf[l], spine[s], gbps, prop_us});
  }
  t.description = "leaf-spine " + std::to_string(leaves) + " leaves x " +
                  std::to_string(hosts_per_leaf) + " hosts, " + std::to_string(spines) + " spines";
  return t;
}

Topology build_rail_optimized(int groups, int servers_per_group, int rails, int spines, double gbps,
                              double prop_us) {
  Topology t;
  t.hosts = groups * servers_per_group * rails;
  for (int h = 0; h < t.hosts; ++h) t.add_node(NodeKind::kHost, h);
  std::vector<int> rail(groups * rails), spine(spines);
  for (int i = 0; i < groups * rails; ++i) rail[i] = t.add_node(NodeKind::kLeaf, i);
  for (int s = 0; s < spines; ++s) spine[s] = t.add_node(NodeKind::kSpine, s);
  for (int h = 0; h < t.hosts; ++h) {
    int group = h / (servers_per_group * rails), r = h % rails;
    t.links.push_back({h, rail[group * rails + r], gbps, prop_us});
  }
  for (int i = 0; i < groups * rails; ++i) {
    for (int s = 0; s < spines; ++s) t.links.push_back({rail[i], spine[s], gbps, prop_us});
  }
  t.description = "rail-optimized " + std::to_string(groups) + " groups x " + std::to_string(servers_per_group) +
                  " servers x " + std::to_string(rails) + " rails, " + std::to_string(spines) + " spines";
  return t;
}

Topology build_fat_tree(int k, double gbps, double prop_us) {
  Topology t;
  int half = k / 2;
  t.hosts = k * half * half;
  for (int h = 0; h < t.hosts; ++h) t.add_node(NodeKind::kHost, h);
  std::vector<int> edge(k * half), agg(k * half), core(half * half);
  for (int i = 0; i < k * half; ++i) edge[i] = t.add_node(NodeKind::kEdge, i);
  for (int i = 0; i < k * half; ++i) agg[i] = t.add_node(NodeKind::kAggregation, i);
  for (int i = 0; i < half * half; ++i) core[i] = t.add_node(NodeKind::kCore, i);
  for (int h = 0; h < t.hosts; ++h) t.links.push_back({h, edge[h / half], gbps, prop_us});
  for (int p = 0; p < k; ++p) {
    for (int e = 0; e < half; ++e) {
      for (int a = 0; a < half; ++a) t.links.push_back({edge[p * half + e], agg[p * half + a], gbps, prop_us});
    }
    // Aggregation switch a of every pod connects to cores a*half .. a*half + half-1.
    for (int a = 0; a < half; ++a) {
      for (int c = 0; c < half; ++c) t.links.push_back({agg[p * half + a], core[a * half + c], gbps, prop_us});
    }
  }
  t.fat_tree_k = k;
  t.description = std::to_string(k) + "-ary fat-tree, " + std::to_string(t.hosts) + " hosts";
  return t;
}

int find_link(const Topology& topo, int a, int b) {
  for (std::size_t l = 0; l < topo.links.size(); ++l) {
    const TopoLink& k = topo.links[l];
    if ((k.a == a && k.b == b) || (k.a == b && k.b == a)) return static_cast<int>(l);
  }
  return -1;
}

int find_node(const Topology& topo, const std::string& name) {
  static const std::pair<const char*, NodeKind> prefixes[] = {
      {"host", NodeKind::kHost}, {"leaf", NodeKind::kLeaf}, {"spine", NodeKind::kSpine},
      {"edge", NodeKind::kEdge}, {"agg", NodeKind::kAggregation}, {"core", NodeKind::kCore}};
  for (auto [prefix, kind] : prefixes) {
    std::string pre(prefix);
    if (name.size() <= pre.size() || name.compare(0, pre.size(), pre) != 0) continue;
    std::string digits = name.substr(pre.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) return -1;
    int index = std::stoi(digits);
    for (std::size_t v = 0; v < topo.nodes.size(); ++v) {
      if (topo.nodes[v].kind == kind && topo.nodes[v].index == index) return static_cast<int>(v);
    }
    return -1;
  }
  return -1;
}

NextHops compute_next_hops(const Topology& topo, const std::vector<bool>& link_up) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  const int n = static_cast<int>(topo.nodes.size());
  Graph graph(n);
  auto up = [&](std::size_t l) { return link_up.empty() || link_up[l]; };
  // Switch-to-switch links only: hosts never forward, and each host's one link is its
  // uplink (NextHops::host_uplink), so the searches below never walk the hosts.
  for (std::size_t l = 0; l < topo.links.size(); ++l) {
    if (up(l) && topo.links[l].a >= topo.hosts && topo.links[l].b >= topo.hosts) {
      boost::add_edge(topo.links[l].a, topo.links[l].b, graph);
    }
  }

  // Outgoing ports per node, in link order.
  std::vector<std::vector<std::pair<int, std::uint32_t>>> out(n);  // (neighbor, port)
  for (std::size_t l = 0; l < topo.links.size(); ++l) {
    if (!up(l)) continue;
    out[topo.links[l].a].push_back({topo.links[l].b, static_cast<std::uint32_t>(2 * l)});
    out[topo.links[l].b].push_back({topo.links[l].a, static_cast<std::uint32_t>(2 * l + 1)});
  }

  NextHops nh;
  nh.hosts = topo.hosts;
  nh.host_group.assign(topo.hosts, 0);
  nh.host_port.assign(topo.hosts, UINT32_MAX);
  nh.host_uplink.assign(topo.hosts, UINT32_MAX);
  nh.host_switch.assign(topo.hosts, -1);
  std::map<int, std::uint32_t> group_of_switch;
  for (std::size_t l = 0; l < topo.links.size(); ++l) {
    const TopoLink& k = topo.links[l];
    int host = k.a < topo.hosts ? k.a : k.b;
    if (host >= topo.hosts || (k.a < topo.hosts && k.b < topo.hosts)) continue;
    int sw = host == k.a ? k.b : k.a;
    auto [it, inserted] = group_of_switch.emplace(sw, static_cast<std::uint32_t>(nh.group_switch.size()));
    if (inserted) nh.group_switch.push_back(sw);
    nh.host_group[host] = it->second;
    // Port from the switch down to the host (the host keeps its port even when the
    // link is down: the port itself then refuses packets).
    nh.host_port[host] = static_cast<std::uint32_t>(host == k.b ? 2 * l : 2 * l + 1);
    nh.host_switch[host] = sw;
    if (up(l)) nh.host_uplink[host] = static_cast<std::uint32_t>(host == k.a ? 2 * l : 2 * l + 1);
  }
  nh.groups = static_cast<int>(nh.group_switch.size());
  const std::size_t switches = static_cast<std::size_t>(n - topo.hosts);
  nh.offset.assign(switches * nh.groups, 0);
  nh.count.assign(switches * nh.groups, 0);
  std::map<std::vector<std::uint32_t>, std::uint32_t> interned;  // equal sets share storage
  std::vector<int> dist(n);
  std::vector<std::uint32_t> choice;
  std::vector<std::vector<std::uint32_t>> last_choice(switches);
  std::vector<std::uint32_t> last_offset(switches, UINT32_MAX);
  for (int g = 0; g < nh.groups; ++g) {
    const int d = nh.group_switch[g];
    std::fill(dist.begin(), dist.end(), -1);
    dist[d] = 0;
    boost::breadth_first_search(
        graph, boost::vertex(d, graph),
        boost::visitor(boost::make_bfs_visitor(boost::record_distances(
            boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, graph)),
            boost::on_tree_edge()))));
    for (int v = topo.hosts; v < n; ++v) {
      if (v == d || dist[v] < 0) continue;
      // Hosts never forward: paths run through switches only.
      choice.clear();
      for (auto [nbr, port] : out[v]) {
        if (dist[nbr] == dist[v] - 1 && topo.nodes[nbr].kind != NodeKind::kHost) choice.push_back(port);
      }
      // A switch mostly repeats its last choice (a leaf sends every remote group to the
      // same spines): compared first, before the map of all distinct choices.
      const std::size_t row = static_cast<std::size_t>(v - topo.hosts);
      if (last_choice[row] != choice || last_offset[row] == UINT32_MAX) {
        auto [it, inserted] = interned.emplace(choice, static_cast<std::uint32_t>(nh.ports.size()));
        if (inserted) nh.ports.insert(nh.ports.end(), choice.begin(), choice.end());
        last_choice[row] = choice;
        last_offset[row] = it->second;
      }
      std::size_t idx = row * nh.groups + g;
      nh.offset[idx] = last_offset[row];
      nh.count[idx] = static_cast<std::uint16_t>(choice.size());
    }
  }
  return nh;
}

}  // namespace fabricplan

#include "models/topology/routing.h"

namespace fabricplan {

std::string node_name(const Topology& topo, int node) {
  static const char* const prefixes[] = {"host", "leaf", "spine", "edge", "agg", "core"};
  const TopoNode& n = topo.nodes[static_cast<std::size_t>(node)];
  return prefixes[static_cast<int>(n.kind)] + std::to_string(n.index);
}

}  // namespace fabricplan
