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
// NVLS, Simple: one operation's fixed cost. NCCL's table says 25 us; the 8x H200 rows of the
// training set (sec. 2, 4-256 MiB, where NCCL ran NVLS) show 50-100 us above S / B: 60.
constexpr double kHwNvls = 60;

// Share of the wire that carries data: LL 8 of 16 bytes, LL128 120 of 128 (NCCL's
// prims_ll.h, prims_ll128.h).
constexpr double kProtoFactor[3] = {0.5, 120.0 / 128, 1.0};
// Data bytes a channel moves per pipeline step: NCCL's buffers split in NCCL_STEPS = 8
// slots (Simple: 4 MiB -> 512 KiB; LL128: ~4 MiB of 128-byte lines -> ~480 KiB of data;
// LL: 16 KiB of data per slot).
constexpr double kChunkBytes[3] = {16 * 1024.0, 480 * 1024.0, 512 * 1024.0};

// Per-packet headers on the wire. EFA (SRD over the Nitro card's Ethernet): jumbo frames
// of 8 KiB payload behind Ethernet (14 + 4 FCS + 20 preamble/gap), IPv4 (20), UDP (8) and
// SRD's own header (~16): 82 bytes. InfiniBand: 4 KiB MTU behind LRH 8, BTH 12, ICRC 4,
// VCRC 2 (64b/66b coding is already outside the 400 Gbit/s data rate).
constexpr double kEfaPayloadFraction = 8192.0 / (8192 + 82);
constexpr double kIbPayloadFraction = 4096.0 / (4096 + 26);

struct Candidate {
  TimeParts parts;
  const char* algorithm;
  Proto proto;
  double time_us() const { return parts.fixed_us + std::max(parts.network_us, parts.local_us); }
};

// Chunks of at most `max_chunk` bytes that split `bytes` over c channels evenly (NCCL
// sizes its last loop to the data, so no chunk carries padding).
struct Chunking {
  double count, bytes;
};
Chunking chunking(double bytes, int channels, double max_chunk) {
  const double k = std::max(1.0, std::ceil(bytes / (channels * max_chunk)));
  return {k, std::max(1.0, bytes / (channels * k))};
}

// NCCL's tree pipelining (enqueue.cc): a tree halves its chunk until every channel has
// 8 chunks per tree level (down to 128 KiB), 4 (down to 64 KiB), 1 (down to 32 KiB), so a
// medium message still fills the pipeline.
double tree_chunk_bytes(double bytes, int channels, int levels, double max_chunk) {
  double chunk = max_chunk;
  const double per_channel = bytes / channels;
  while (per_channel / chunk < 8.0 * levels && chunk > 131072) chunk /= 2;
  while (per_channel / chunk < 4.0 * levels && chunk > 65536) chunk /= 2;
  while (per_channel / chunk < levels && chunk > 32768) chunk /= 2;
  return chunk;
}

// A protocol's data share of the wire, as NCCL's model costs it: LL takes a quarter of the
// link across nodes and for all_reduce (the flag polled per 8 bytes, and the reduction,
// cost more than LL's wire half), a third otherwise (tuning.cc).
double proto_factor(Proto p, bool quarter_ll) { return p != kLL ? kProtoFactor[p] : quarter_ll ? 0.25 : 1.0 / 3; }

// The parts every candidate shares: its protocol's wire and cost factors and channels.
TimeParts parts_of(Proto p, double cost_factor, int channels, double fixed_us) {
  TimeParts t;
  t.fixed_us = fixed_us;
  t.wire_factor = 1 / kProtoFactor[p];
  t.network_cost_factor = kProtoFactor[p] / cost_factor;
  t.channels = channels;
  return t;
}

// A pipeline of `depth` distinct hops (tree, NVLS tree): k chunks of m over c channels
// fill it in `depth` chunk times and then leave one per chunk time; the path's latency
// is paid once, since NCCL_STEPS slots keep several chunks in flight per hop. `net_bw`
// 0: nothing crosses nodes.
TimeParts pipelined(Proto p, double cost_factor, double base, double path_latency_us, int depth, double bytes,
                    double net_bw, double local_bw, int channels, double max_chunk) {
  const Chunking k = chunking(bytes, channels, tree_chunk_bytes(bytes, channels, std::max(1, depth / 2), max_chunk));
  TimeParts t = parts_of(p, cost_factor, channels, base + path_latency_us);
  if (net_bw > 0) t.network_us = (depth + k.count - 1) * k.bytes * channels / net_bw * 1e6;
  t.local_us = (depth + k.count - 1) * k.bytes * channels / local_bw * 1e6;
  t.chunks = k.count;
  t.chunk_bytes = k.bytes;
  t.pipeline_depth = depth;
  return t;
}

// `steps` ring steps each moving `step_bytes` per rank: chunks stream around the ring,
// so the path latency is paid once and every link carries steps x step_bytes.
TimeParts ring(Proto p, double cost_factor, double base, double path_latency_us, int steps, double step_bytes,
               double net_bw, double local_bw, int channels) {
  TimeParts t = parts_of(p, cost_factor, channels, base + path_latency_us);
  if (net_bw > 0) t.network_us = steps * step_bytes / net_bw * 1e6;
  t.local_us = steps * step_bytes / local_bw * 1e6;
  return t;
}

// A protocol's bandwidth over a resource of `raw` bytes/s: its data share of the wire,
// and LL128's per-channel cap (7/9 of it for a tree, NCCL's factor).
double proto_bw(double raw, Proto p, const NodeTiers& t, bool tree, bool quarter_ll) {
  double bw = raw * proto_factor(p, quarter_ll);
  const double tree_cap = t.tree_ll128_channel_bytes_per_s > 0 ? t.tree_ll128_channel_bytes_per_s
                                                                  : t.ll128_channel_bytes_per_s * 7.0 / 9;
  const double cap = tree ? tree_cap : t.ll128_channel_bytes_per_s;
  if (p == kLL128 && cap > 0) bw = std::min(bw, cap * t.channels);
  return bw;
}

// What one GPU's traffic can use of the network when every GPU of the node sends at once
// (alltoall): its local NICs' share of the node's network, and on InfiniBand one NIC.
double gpu_share_bytes_per_s(const NodeTiers& t, int gpus) {
  const double share = node_network_bytes_per_s(t, gpus) / gpus;
  return t.infiniband ? std::min(share, t.nic_bytes_per_s) : share;
}

// What the one GPU that crosses a node boundary gets in sendrecv: its local NICs on EFA
// (aws-ofi-nccl stripes over them), one NIC on InfiniBand.
double gpu_local_bytes_per_s(const NodeTiers& t) {
  std::size_t local = 1;
  if (!t.local_nics.empty()) {
    local = t.local_nics.front().size();
    for (const auto& nics : t.local_nics) local = std::min(local, nics.size());
    local = std::max<std::size_t>(1, local);
  }
  return (t.infiniband ? 1 : local) * t.nic_bytes_per_s;
}

// Each candidate's data term is split where the model takes the least of two bandwidths
// (the network's and the node's): proto_bw(min(net, nv)) = min(net x factor, proto_bw(nv)),
// so its time is the larger of the two terms, bit for bit.
std::vector<Candidate> all_reduce_candidates(double S, int N, const NodeTiers& t) {
  const int G = t.gpus, n = G * N, c = t.channels;
  const double net = node_network_bytes_per_s(t, G), nv = t.nvlink_bytes_per_s;
  auto net_hop = [&](const double* hw, Proto p) { return hw[p] + t.net_hop_extra_us; };
  std::vector<Candidate> out;
  const int up = N > 1 ? static_cast<int>(std::ceil(std::log2(N))) : 0;
  const double f = tree_network_factor(N);
  for (Proto p : {kLL, kLL128, kSimple}) {
    const double pf = proto_factor(p, true);
    const int steps = 2 * (n - 1);
    const int inter = N > 1 ? 2 * N : 0;
    const double lat = (steps - inter) * kHwNvlinkRing[p] + inter * net_hop(kHwNetRing, p);
    if (n > 1) {
      out.push_back({ring(p, pf, kBaseLatRing[p], lat, steps, S / n, N > 1 ? net * pf : 0, proto_bw(nv, p, t, false, true), c),
                     "ring", p});
    }
    if (N > 1) {
      const int depth = 2 * ((G - 1) + up);
      const double tree_lat = 2 * ((G - 1) * kHwNvlinkTree[p] + up * net_hop(kHwNetTree, p));
      // A GPU of the intra-node chain sends what it reduced up and what it received down:
      // twice the data on its NVLink each way, as a ring does.
      out.push_back({pipelined(p, pf, kBaseLatTree[p], tree_lat, std::max(1, depth), S, net / f * pf,
                               proto_bw(nv / 2, p, t, true, true), c, kChunkBytes[p]),
                     "tree", p});
    }
    if (t.nvls && p == kSimple && G > 1) {
      TimeParts parts = parts_of(p, pf, c, kHwNvls);
      // The fitted efficiency is the algorithm's whichever resource bounds it: an engine
      // timing the network part pays it too.
      parts.network_cost_factor /= t.nvls_tree_efficiency;
      if (N == 1) {
        // The switch reduces in place: one latency and the data once through (α-β).
        parts.local_us = S / t.nvls_bytes_per_s * 1e6;
        out.push_back({parts, "nvls", p});
      } else {
        parts.fixed_us = kHwNvls + 2 * up * net_hop(kHwNetTree, p);
        const Chunking k = chunking(S, c, t.nvls_tree_chunk_bytes);
        parts.pipeline_depth = 2 * (up + 1);
        parts.chunks = k.count;
        parts.chunk_bytes = k.bytes;
        parts.network_us = (2 * (up + 1) + k.count - 1) * k.bytes * c / (net / f * t.nvls_tree_efficiency) * 1e6;
        parts.local_us = (2 * (up + 1) + k.count - 1) * k.bytes * c / (t.nvls_bytes_per_s * t.nvls_tree_efficiency) * 1e6;
        out.push_back({parts, "nvls_tree", p});
      }
    }
  }
  return out;
}

std::vector<Candidate> candidates(Op op, double S, int N, const NodeTiers& t) {
  if (op == Op::kAllReduce) return all_reduce_candidates(S, N, t);
  const int G = t.gpus, n = G * N;
  const double net = node_network_bytes_per_s(t, G), nv = t.nvlink_bytes_per_s;
  auto net_hop = [&](const double* hw, Proto p) { return hw[p] + t.net_hop_extra_us; };
  std::vector<Candidate> out;
  for (Proto p : {kLL, kLL128, kSimple}) {
    if (op == Op::kAllGather || op == Op::kReduceScatter) {
      if (n <= 1) break;
      const double pf = proto_factor(p, N > 1);
      const int steps = n - 1;
      const int inter = N > 1 ? N : 0;
      const double lat = (steps - inter) * kHwNvlinkRing[p] + inter * net_hop(kHwNetRing, p);
      out.push_back({ring(p, pf, kBaseLatRing[p], lat, steps, S / n, N > 1 ? net * pf : 0,
                          proto_bw(nv, p, t, false, N > 1), t.channels),
                     "ring", p});
      continue;
    }
    if (p == kLL128) continue;  // NCCL's point-to-point uses LL (small) and Simple
    const double gpu_net = (op == Op::kAllToAll ? gpu_share_bytes_per_s(t, G) : gpu_local_bytes_per_s(t)) * kProtoFactor[p];
    TimeParts parts = parts_of(p, kProtoFactor[p], t.channels,
                               kBaseLatRing[p] + (N > 1 ? net_hop(kHwNetRing, p) : kHwNvlinkRing[p]));
    if (op == Op::kAllToAll) {
      parts.local_us = 1e6 * (n > 1 ? S * (G - 1) / n / (nv * kProtoFactor[p]) : 0);
      parts.network_us = 1e6 * (N > 1 ? S * (n - G) / n / gpu_net : 0);
    } else if (N > 1) {
      parts.network_us = 1e6 * S / gpu_net;
    } else {
      parts.local_us = 1e6 * S / (nv * kProtoFactor[p]);
    }
    out.push_back({parts, "p2p", p});
  }
  return out;
}

const Candidate* fastest(const std::vector<Candidate>& cands) {
  const Candidate* best = &cands[0];
  for (const auto& x : cands) {
    if (x.time_us() < best->time_us()) best = &x;
  }
  return best;
}

// The region tuner's pick among the candidates, when it has one and the candidate exists
// (an NVLS tree with NVLS switched off does not: NCCL then picks as it would).
const Candidate* tuner_pick(Op op, double S, int N, const NodeTiers& t, const std::vector<Candidate>& cands) {
  if (!t.use_platform_tuner || op != Op::kAllReduce) return nullptr;
  const auto choice = ofi_region_all_reduce(t.tuner, S, N, t.gpus);
  if (!choice) return nullptr;
  for (const auto& x : cands) {
    if (std::string(x.algorithm) == choice->algorithm && std::string(kProtoNames[x.proto]) == choice->protocol) return &x;
  }
  return nullptr;
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

double tree_network_factor(int nodes) { return nodes <= 2 ? 1.0 : nodes == 3 ? 1.5 : 2.0; }

double wire_payload_fraction(bool infiniband) { return infiniband ? kIbPayloadFraction : kEfaPayloadFraction; }

double node_network_bytes_per_s(const NodeTiers& t, int gpus) {
  if (t.local_nics.empty() || gpus >= static_cast<int>(t.local_nics.size())) return t.nics * t.nic_bytes_per_s;
  std::vector<int> used;  // distinct NICs local to GPUs 0..gpus-1 (p4d's pairs share one)
  for (int i = 0; i < gpus; ++i) {
    for (int nic : t.local_nics[i]) {
      if (std::find(used.begin(), used.end(), nic) == used.end()) used.push_back(nic);
    }
  }
  return std::min<double>(t.nics, static_cast<double>(used.size())) * t.nic_bytes_per_s;
}

Prediction predict(Op op, double S, int nodes, const NodeTiers& t) {
  const int N = std::max(1, nodes), n = t.gpus * N;
  const std::vector<Candidate> cands = candidates(op, S, N, t);
  Prediction out;
  if (cands.empty()) {  // one rank: nothing moves but a local copy
    out.algorithm = "local";
    out.protocol = "-";
    out.time_us = kBaseLatRing[kSimple] + S / t.nvlink_bytes_per_s * 1e6;
    out.parts.fixed_us = kBaseLatRing[kSimple];
    out.parts.local_us = S / t.nvlink_bytes_per_s * 1e6;
    out.chosen_by = "-";
  } else {
    const Candidate* best = tuner_pick(op, S, N, t, cands);
    out.chosen_by = best ? std::string("aws-ofi-nccl tuner (") + tuner_platform_name(t.tuner) + ")" : "NCCL cost model";
    if (best == nullptr) best = fastest(cands);
    out.time_us = best->time_us();
    out.parts = best->parts;
    out.algorithm = best->algorithm;
    out.protocol = kProtoNames[best->proto];
  }
  out.algbw_bytes_per_s = S / (out.time_us * 1e-6);
  out.busbw_bytes_per_s = out.algbw_bytes_per_s * bus_factor(op, n);
  return out;
}

}  // namespace fabricplan::collective
