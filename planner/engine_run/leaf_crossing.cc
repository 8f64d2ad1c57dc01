#include "planner/engine_run/leaf_crossing.h"

#include <algorithm>

#include "planner/engine_run/spec_schedule.h"

namespace fabricplan {
namespace {

// The switch an endpoint hangs off, as models/topology builds each kind.
class Leaves {
 public:
  explicit Leaves(const SpecFabric& f) : t_(f.topology), n_(std::max(1, f.nics_per_node)) {}

  int of(long endpoint) const {
    if (t_.kind == "rail_optimized") {
      const long per_group = static_cast<long>(t_.servers_per_group) * std::max(1, t_.rails);
      return static_cast<int>(endpoint / std::max(1L, per_group) * std::max(1, t_.rails) + endpoint % std::max(1, t_.rails));
    }
    if (t_.kind == "fat_tree") return static_cast<int>(endpoint / std::max(1, t_.k / 2));
    return static_cast<int>(endpoint / std::max(1, t_.hosts_per_leaf));
  }
  // Of node a's NICs, the share whose rail-matched NIC on node b is on another switch.
  double crossing(int a, int b) const {
    int crossing = 0;
    for (int j = 0; j < n_; ++j) crossing += of(static_cast<long>(a) * n_ + j) != of(static_cast<long>(b) * n_ + j) ? 1 : 0;
    return static_cast<double>(crossing) / n_;
  }

 private:
  const sim::TopologySpec& t_;
  int n_;
};

// Mean crossing share over (a, b) pairs, each pair's traffic equal; accumulates.
struct Mean {
  double sum = 0, n = 0;
  void add(double x) {
    sum += x;
    n += 1;
  }
  double value() const { return n > 0 ? sum / n : 0; }
};

void ring(const Leaves& l, const std::vector<int>& nodes, Mean& m) {
  for (std::size_t i = 0; i < nodes.size(); ++i) m.add(l.crossing(nodes[i], nodes[(i + 1) % nodes.size()]));
}

void all_to_all(const Leaves& l, const std::vector<int>& nodes, Mean& m) {
  for (int a : nodes) {
    for (int b : nodes) {
      if (a != b) m.add(l.crossing(a, b));
    }
  }
}

}  // namespace

double class_fabric_factor(double uplink_share, double crossing) {
  return crossing <= 0 ? 1.0 : std::min(1.0, uplink_share / crossing);
}

std::map<std::string, std::map<TrafficClass, double>> leaf_crossing_shares(const ClusterSpec& spec, const SpecFabric& fabric) {
  const Leaves leaves(fabric);
  std::map<std::string, std::map<TrafficClass, Mean>> means;
  auto first = [&](const std::string& g) { return fabric.first_node.at(g); };
  auto count = [&](const std::string& g) { return spec.group(g)->count; };
  // Pair lists past this many are sampled evenly: the share is a mean, and a 10,000-node
  // all-to-all would otherwise take 1e8 pairs per class.
  constexpr long kMaxPairs = 200000;
  for (const auto& kv : spec.kv) {
    Mean m;
    const long pairs = static_cast<long>(count(kv.prefill_group)) * count(kv.decode_group);
    const long stride = std::max(1L, pairs / kMaxPairs);
    for (long p = 0; p < pairs; p += stride) {
      const int a = first(kv.prefill_group) + static_cast<int>(p / count(kv.decode_group));
      const int b = first(kv.decode_group) + static_cast<int>(p % count(kv.decode_group));
      if (a != b) m.add(leaves.crossing(a, b));
    }
    for (const std::string& g : {kv.prefill_group, kv.decode_group}) {
      Mean& into = means[g][TrafficClass::kKvTransfer];
      into.sum += m.sum;
      into.n += m.n;
    }
  }
  for (const auto& moe : spec.moe) {
    for (const std::string& g : moe.groups) {
      for (const auto& set : node_sets(first(g), count(g), moe.ep_nodes)) {
        if (static_cast<long>(set.size()) * static_cast<long>(set.size()) > kMaxPairs) {
          // Large EP sets: every node alike, so one node's peers stand for the set.
          Mean& m = means[g][TrafficClass::kMoeAll2all];
          for (std::size_t b = 1; b < set.size(); ++b) m.add(leaves.crossing(set.front(), set[b]));
        } else {
          all_to_all(leaves, set, means[g][TrafficClass::kMoeAll2all]);
        }
      }
    }
  }
  for (const auto& tp : spec.tp) {
    if (tp.nodes_spanned <= 1) continue;
    for (const std::string& g : tp.groups) {
      for (const auto& set : node_sets(first(g), count(g), tp.nodes_spanned)) ring(leaves, set, means[g][TrafficClass::kTpAllreduce]);
    }
  }
  for (const auto& t : spec.training) {
    const int f = first(t.group), per_stage = count(t.group) / std::max(1, t.pp);
    const int ep_nodes = std::max(1, t.moe.ep / std::max(1, t.gpus_per_node));
    for (int stage = 0; stage < t.pp; ++stage) {
      std::vector<int> nodes;
      for (int i = 0; i < per_stage; ++i) nodes.push_back(f + stage * per_stage + i);
      if (nodes.size() > 1) ring(leaves, nodes, means[t.group][TrafficClass::kDpGradients]);
      if (stage + 1 < t.pp) {
        for (int i = 0; i < per_stage; ++i) {
          means[t.group][TrafficClass::kPpActivations].add(leaves.crossing(f + stage * per_stage + i, f + (stage + 1) * per_stage + i));
        }
      }
      if (ep_nodes > 1) {
        for (const auto& set : node_sets(f + stage * per_stage, per_stage, ep_nodes)) {
          all_to_all(leaves, set, means[t.group][TrafficClass::kMoeAll2all]);
        }
      }
    }
  }
  std::map<std::string, std::map<TrafficClass, double>> out;
  for (const auto& [g, classes] : means) {
    for (const auto& [cls, m] : classes) {
      if (m.n > 0) out[g][cls] = m.value();
    }
  }
  return out;
}

}  // namespace fabricplan
