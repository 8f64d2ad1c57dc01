#include "models/collective/nccl_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fabricplan::collective {
namespace {

enum Proto { kLL = 0, kLL128 = 1, kSimple = 2 };
const char* const kProtoNames[] = {"LL", "LL128", "Simple"};

// NCCL src/graph/tuning.cc (2.18-2.23): base latency per (algorithm, protocol) in us,
// and per-hop latency on NVLink and on the network.
constexpr double kBaseLatTree[3] = {6.8, 14.0, 0};
constexpr double kBaseLatRing[3] = {6.6, 14.0, 8.4};
constexpr double kHwNvlinkTree[3] = {.6, 1.25, 4};
constexpr double kHwNvlinkRing[3] = {.6, 1.9, 3.4};
constexpr double kHwNetTree[3] = {5.0, 8.5, 14};
constexpr double kHwNetRing[3] = {2.7, 4.0, 14};
constexpr double kHwNvls = 25;  // NVLS, Simple

// Share of the wire that carries data: LL 8 of 16 bytes, LL128 120 of 128 (NCCL's
// prims_ll.h, prims_ll128.h).
constexpr double kProtoFactor[3] = {0.5, 120.0 / 128, 1.0};
// Data bytes a channel moves per pipeline step: NCCL's buffers split in NCCL_STEPS = 8
// slots (Simple: 4 MiB -> 512 KiB; LL128: ~4 MiB of 128-byte lines -> ~480 KiB of data;
// LL: 16 KiB of data per slot).
constexpr double kChunkBytes[3] = {16 * 1024.0, 480 * 1024.0, 512 * 1024.0};

struct Candidate {
  double time_us;
  const char* algorithm;
  Proto proto;
};

// A pipeline of `depth` distinct hops (tree, NVLS): chunks of m over c channels.
double pipelined_us(double base, double path_latency_us, int depth, double bytes, double bandwidth, int channels,
                    Proto p) {
  const double bw = bandwidth * kProtoFactor[p];
  const double m = std::min(kChunkBytes[p], std::max(1.0, bytes / channels));
  const double k = std::max(1.0, std::ceil(bytes / (channels * m)));
  const double hop = path_latency_us / depth + m * channels / bw * 1e6;
  return base + (depth + k - 1) * hop;
}

// `steps` sequential ring steps each moving `step_bytes` per rank over the ring links.
double ring_us(double base, double path_latency_us, int steps, double step_bytes, double bandwidth, int channels,
               Proto p) {
  const double bw = bandwidth * kProtoFactor[p];
  const double m = std::min(kChunkBytes[p], std::max(1.0, step_bytes / channels));
  const double k = std::max(1.0, std::ceil(step_bytes / (channels * m)));
  return base + steps * k * (path_latency_us / steps + m * channels / bw * 1e6);
}

// What one GPU's traffic can use of the network when every GPU of the node sends at once
// (alltoall): its share of the node's NICs, and on InfiniBand at most one NIC.
double gpu_share_bytes_per_s(const NodeTiers& t) {
  const double share = t.nics * t.nic_bytes_per_s / t.gpus;
  return t.infiniband ? std::min(share, t.nic_bytes_per_s) : share;
}

// What the one GPU that crosses a node boundary gets in sendrecv: its local NICs on EFA
// (aws-ofi-nccl stripes over them), one NIC on InfiniBand.
double gpu_local_bytes_per_s(const NodeTiers& t) {
  int local = 1;
  if (!t.nics_of_gpu.empty()) local = std::max(1, *std::min_element(t.nics_of_gpu.begin(), t.nics_of_gpu.end()));
  return (t.infiniband ? 1 : local) * t.nic_bytes_per_s;
}

}  // namespace

const char* op_name(Op op) {
  switch (op) {
    case Op::kAllReduce: return "all_reduce";
    case Op::kAllGather: return "all_gather";
    case Op::kReduceScatter: return "reduce_scatter";
    case Op::kAllToAll: return "alltoall";
    case Op::kSendRecv: return "sendrecv";
  }
  return "?";
}

bool parse_op(const std::string& name, Op& op) {
  for (Op o : {Op::kAllReduce, Op::kAllGather, Op::kReduceScatter, Op::kAllToAll, Op::kSendRecv}) {
    if (name == op_name(o)) {
      op = o;
      return true;
    }
  }
  return false;
}

double bus_factor(Op op, int n) {
  if (n <= 1) return op == Op::kSendRecv ? 1 : 0;
  switch (op) {
    case Op::kAllReduce: return 2.0 * (n - 1) / n;
    case Op::kSendRecv: return 1;
    default: return static_cast<double>(n - 1) / n;
  }
}

Prediction predict(Op op, double S, int nodes, const NodeTiers& t) {
  const int G = t.gpus, N = std::max(1, nodes), n = G * N;
  const double net_node = t.nics * t.nic_bytes_per_s;
  const double nv = t.nvlink_bytes_per_s;
  const int c = t.channels;
  std::vector<Candidate> cands;
  auto net_hop = [&](const double* hw, Proto p) { return hw[p] + t.net_hop_extra_us; };
  for (Proto p : {kLL, kLL128, kSimple}) {
    switch (op) {
      case Op::kAllReduce: {
        // Ring: 2(n-1) steps, 2N of them across nodes.
        const int steps = 2 * (n - 1);
        const int inter = N > 1 ? 2 * N : 0;
        const double lat = (steps - inter) * kHwNvlinkRing[p] + inter * net_hop(kHwNetRing, p);
        const double bw = N > 1 ? std::min(net_node, nv) : nv;
        if (n > 1) cands.push_back({ring_us(kBaseLatRing[p], lat, steps, S / n, bw, c, p), "ring", p});
        if (N > 1) {
          const int up = static_cast<int>(std::ceil(std::log2(N)));
          const int depth = 2 * ((G - 1) + up);
          const double tree_lat = 2 * ((G - 1) * kHwNvlinkTree[p] + up * net_hop(kHwNetTree, p));
          const double f = N == 2 ? 1.0 : 1.5;
          cands.push_back({pipelined_us(kBaseLatTree[p], tree_lat, depth, S, std::min(net_node / f, nv), c, p), "tree", p});
        } else if (t.nvls && p == kSimple && G > 1) {
          // The switch reduces in place: one latency and the data once through (α-β).
          cands.push_back({kHwNvls + S / t.nvls_bytes_per_s * 1e6, "nvls", p});
        }
        break;
      }
      case Op::kAllGather:
      case Op::kReduceScatter: {
        if (n <= 1) break;
        const int steps = n - 1;
        const int inter = N > 1 ? N : 0;
        const double lat = (steps - inter) * kHwNvlinkRing[p] + inter * net_hop(kHwNetRing, p);
        const double bw = N > 1 ? std::min(net_node, nv) : nv;
        cands.push_back({ring_us(kBaseLatRing[p], lat, steps, S / n, bw, c, p), "ring", p});
        break;
      }
      case Op::kAllToAll:
      case Op::kSendRecv: {
        if (p == kLL128) break;  // NCCL's point-to-point uses LL (small) and Simple
        const double gpu_net = (op == Op::kAllToAll ? gpu_share_bytes_per_s(t) : gpu_local_bytes_per_s(t)) * kProtoFactor[p];
        const double lat = kBaseLatRing[p] + (N > 1 ? net_hop(kHwNetRing, p) : kHwNvlinkRing[p]);
        double us;
        if (op == Op::kAllToAll) {
          const double intra = n > 1 ? S * (G - 1) / n / (nv * kProtoFactor[p]) : 0;
          const double inter = N > 1 ? S * (n - G) / n / gpu_net : 0;
          us = lat + 1e6 * std::max(intra, inter);
        } else {
          us = lat + 1e6 * S / (N > 1 ? gpu_net : nv * kProtoFactor[p]);
        }
        cands.push_back({us, "p2p", p});
        break;
      }
    }
  }
  Prediction out;
  if (cands.empty()) {  // one rank: nothing moves but a local copy
    out.algorithm = "local";
    out.protocol = "-";
    out.time_us = kBaseLatRing[kSimple] + S / nv * 1e6;
  } else {
    const Candidate* best = &cands[0];
    for (const auto& x : cands) {
      if (x.time_us < best->time_us) best = &x;
    }
    out.time_us = best->time_us;
    out.algorithm = best->algorithm;
    out.protocol = kProtoNames[best->proto];
  }
  out.algbw_bytes_per_s = S / (out.time_us * 1e-6);
  out.busbw_bytes_per_s = out.algbw_bytes_per_s * bus_factor(op, n);
  return out;
}

}  // namespace fabricplan::collective
