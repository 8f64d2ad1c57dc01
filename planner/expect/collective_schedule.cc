#include "planner/expect/collective_schedule.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace fabricplan {
namespace {

// ncclGetBtree's parent: the lowest set bit b of the rank; the parent is the rank with
// that bit cleared and the next one set, or with it cleared when that is out of range.
int btree_parent(int n, int rank) {
  if (rank == 0) return -1;
  int bit = 1;
  while (bit < n && (bit & rank) == 0) bit <<= 1;
  int up = (rank ^ bit) | (bit << 1);
  if (up >= n) up = rank ^ bit;
  return up;
}

struct Lane {
  int gpu = 0, tree = 0;
  double channels = 0;  // NCCL channels it carries (a share where they do not divide evenly)
};

bool is_tree(const std::string& algorithm) { return algorithm == "tree" || algorithm == "nvls_tree"; }

// NCCL spreads its channels over the GPUs' NICs evenly, and a tree channel's duplicate
// (channel c + nChannels, connectTrees) runs the other tree over the same NIC: every GPU
// carries c / G channels, half of them per tree on trees. Channels on the same GPU and
// tree take the same paths at the same times: one lane carries them.
std::vector<Lane> lanes_of(const collective::Prediction& p, int gpus) {
  const int trees = is_tree(p.algorithm) ? 2 : 1;
  const double per_lane = static_cast<double>(std::max(1, p.parts.channels)) / (gpus * trees);
  std::vector<Lane> out;
  for (int g = 0; g < gpus; ++g) {
    for (int t = 0; t < trees; ++t) out.push_back({g, t, per_lane});
  }
  return out;
}

std::vector<int> nics_of(const CollectiveLayout& l, int gpu) {
  if (gpu < static_cast<int>(l.gpu_nics.size()) && !l.gpu_nics[gpu].empty()) {
    // InfiniBand: "alltoall cannot aggregate the bandwidth of multiple NICs" (NCCL issue
    // #307), and a ring channel runs on one NIC; EFA: aws-ofi-nccl stripes over them all.
    if (l.infiniband) return {l.gpu_nics[gpu].front()};
    return l.gpu_nics[gpu];
  }
  return {gpu % std::max(1, l.nics_per_node)};
}

class Builder {
 public:
  Builder(const CollectiveLayout& l, const ScheduleStream& stream, bool tiny) : l_(l), tiny_(tiny) {
    s_.class_index(stream.traffic_class);
    s_.streams.push_back(stream);
  }
  std::uint32_t add(int from_node, int to_node, int nic, double bytes, const std::vector<std::uint32_t>& deps) {
    Transfer t;
    t.src = static_cast<std::uint32_t>(from_node * l_.nics_per_node + nic);
    t.dst = static_cast<std::uint32_t>(to_node * l_.nics_per_node + nic);
    t.bytes = tiny_ ? 1 : static_cast<std::uint64_t>(std::max(1.0, std::round(bytes)));
    t.route_key = static_cast<std::uint32_t>(s_.transfers.size());
    return s_.add(t, deps);
  }
  Schedule take() { return std::move(s_); }

 private:
  const CollectiveLayout& l_;
  bool tiny_;
  Schedule s_;
};

void build_ring(Builder& b, const CollectiveLayout& l, const std::vector<Lane>& lanes, int passes, double per_link_channel,
                double wire) {
  const int n = l.nodes, rounds = passes * n;
  for (const Lane& lane : lanes) {
    const std::vector<int> nics = nics_of(l, lane.gpu);
    const double bytes = per_link_channel * lane.channels / static_cast<double>(nics.size()) / rounds * wire;
    for (int nic : nics) {
      std::vector<std::uint32_t> into(n, UINT32_MAX);  // the previous round's transfer into each node
      for (int r = 0; r < rounds; ++r) {
        std::vector<std::uint32_t> now(n);
        for (int h = 0; h < n; ++h) {
          now[(h + 1) % n] = b.add(h, (h + 1) % n, nic, bytes, r > 0 ? std::vector<std::uint32_t>{into[h]} : std::vector<std::uint32_t>{});
        }
        into = std::move(now);
      }
    }
  }
}

// A pipeline in steady state: every edge of both trees moving its lane's data up and
// down at once, as each does while chunks stream through (the fill is the model's).
void build_tree(Builder& b, const CollectiveLayout& l, const std::vector<Lane>& lanes, double per_channel, double wire) {
  const int n = l.nodes;
  for (const Lane& lane : lanes) {
    const std::vector<int> nics = nics_of(l, lane.gpu);
    const double bytes = per_channel * lane.channels / static_cast<double>(nics.size()) * wire;
    for (int nic : nics) {
      for (int v = 0; v < n; ++v) {
        const int p = dtree_parent(n, v, lane.tree);
        if (p < 0) continue;
        b.add(v, p, nic, bytes, {});
        b.add(p, v, nic, bytes, {});
      }
    }
  }
}

}  // namespace

int dtree_parent(int n, int node, int tree) {
  if (tree == 0) return btree_parent(n, node);
  if (n % 2 == 1) {  // shift by one
    const int u = btree_parent(n, (node - 1 + n) % n);
    return u < 0 ? -1 : (u + 1) % n;
  }
  const int u = btree_parent(n, n - 1 - node);  // mirror
  return u < 0 ? -1 : n - 1 - u;
}

CollectiveScheduleShape collective_schedule_shape(collective::Op op, double S, const collective::Prediction& p,
                                                  const CollectiveLayout& l) {
  CollectiveScheduleShape s;
  s.algorithm = p.algorithm;
  const int N = l.nodes, G = l.gpus;
  const double wire = p.parts.wire_factor;
  if (N < 2) return s;
  const std::vector<Lane> lanes = lanes_of(p, G);
  double lane_nics = 0;
  for (const Lane& lane : lanes) lane_nics += static_cast<double>(nics_of(l, lane.gpu).size());
  if (op == collective::Op::kAllToAll) {
    for (int g = 0; g < G; ++g) s.transfers += static_cast<double>(nics_of(l, g).size()) * N * (N - 1);
    s.wire_bytes = static_cast<double>(G) * (N - 1) * S * wire;
    s.algorithm = "p2p";
  } else if (op == collective::Op::kSendRecv) {
    s.transfers = static_cast<double>(nics_of(l, G - 1).size()) * N;
    s.wire_bytes = N * S * wire;
    s.algorithm = "p2p";
  } else if (is_tree(p.algorithm)) {
    s.steady_state_pipeline = true;
    s.transfers = lane_nics * 2.0 * (N - 1);
    s.wire_bytes = 2.0 * (N - 1) * S * wire;
  } else {
    const int passes = op == collective::Op::kAllReduce ? 2 : 1;
    const double n = static_cast<double>(N) * G;
    s.transfers = lane_nics * N * passes * N;  // N links, passes x N rounds each
    s.wire_bytes = N * passes * (n - 1) / n * S * wire;
  }
  return s;
}

Schedule build_collective_schedule(collective::Op op, double S, const collective::Prediction& p, const CollectiveLayout& l,
                                   const ScheduleStream& stream, bool tiny) {
  Builder b(l, stream, tiny);
  const int N = l.nodes, G = l.gpus;
  const double wire = p.parts.wire_factor, n = static_cast<double>(N) * G;
  if (N < 2) return b.take();
  if (op == collective::Op::kAllToAll) {
    for (int a = 0; a < N; ++a) {
      for (int g = 0; g < G; ++g) {
        const std::vector<int> nics = nics_of(l, g);
        for (int to = 0; to < N; ++to) {
          if (to == a) continue;
          for (int nic : nics) b.add(a, to, nic, S / n * G / static_cast<double>(nics.size()) * wire, {});
        }
      }
    }
  } else if (op == collective::Op::kSendRecv) {
    const std::vector<int> nics = nics_of(l, G - 1);
    for (int a = 0; a < N; ++a) {
      for (int nic : nics) b.add(a, (a + 1) % N, nic, S / static_cast<double>(nics.size()) * wire, {});
    }
  } else if (is_tree(p.algorithm)) {
    build_tree(b, l, lanes_of(p, G), S / std::max(1, p.parts.channels), wire);
  } else {
    const int passes = op == collective::Op::kAllReduce ? 2 : 1;
    build_ring(b, l, lanes_of(p, G), passes, passes * (n - 1) / n * S / std::max(1, p.parts.channels), wire);
  }
  return b.take();
}

}  // namespace fabricplan
