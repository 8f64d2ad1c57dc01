// What nccl-tests should show: the time of one NCCL collective on N nodes of G GPUs,
// from per-tier figures (NodeTiers), with the algorithm and protocol NCCL would pick.
//
// The mathematics. NCCL moves data in chunks over c channels; a chunk of m bytes costs
// one hop a + m c / B, where B is the bandwidth of the hop's bottleneck resource shared by
// the c channels and a the hop's latency (NCCL's hwLat structure, src/graph/tuning.cc).
//   Tree all_reduce (N >= 2; NCCL's double binary tree across nodes, a chain of the G
//     GPUs inside each): distinct links pipeline, so with depth D = 2((G-1) + ceil(log2 N))
//     hops and k = ceil(S / (c m)) chunks:  t = base + (D + k - 1)(a + m c / B),
//     B = min(node network / f_N, GPU NVLink) with f_N = 1 at 2 nodes (each node sends S/2
//     up one tree and S/2 down the other) and 1.5 beyond (an interior node of one tree).
//   Ring (all_reduce: 2(n-1) steps; all_gather / reduce_scatter: n-1 steps; n = N G): every
//     step uses the same ring links, so steps do not pipeline with each other: with
//     k = ceil((S/n) / (c m)),  t = base + steps x k (a + m c / B), B = min(node network,
//     GPU NVLink) (each node's egress carries what one ring link carries).
//   NVLS (N = 1 with NVLink SHARP): the switch reduces in place: t = hwLat + S / B with
//     B = NVLink x NVLS efficiency.
//   alltoall: the (G-1)/n of S for peers in the node over NVLink and the (n-G)/n for other
//     nodes over the GPU's NICs, concurrently: t = a + max(...). On EFA a GPU's traffic is
//     striped over all its local NICs (aws-ofi-nccl multi-rail); on InfiniBand "alltoall
//     cannot aggregate the bandwidth of multiple NICs" (NVIDIA, nccl issue #307): one NIC.
//   sendrecv: the pair that crosses a node boundary goes over that GPU's NICs.
// Protocols: LL carries 8 data bytes in 16 (x 0.5), LL128 120 in 128 (x 0.9375), Simple
// all; their chunk sizes are NCCL's per-channel buffer slots (NCCL_STEPS = 8 of the LL,
// LL128 and Simple buffers). NCCL's tuner picks the (algorithm, protocol) of least
// predicted time; this model does the same with its own times (aws-ofi-nccl's tuner on
// p5 makes the same kind of choice from measured tables, which this model replaces).
// Latencies: NCCL's baseLat and hwLat tables (tuning.cc); on EFA every network hop adds
// a fitted per-generation latency (constants in nccl_model.cc, each with its rows).
// Left out: CollNet/SHARP in the network, PAT, NVLSTree as its own algorithm (its effect
// on 2-node p5 is inside the fitted tree efficiency), contention with other traffic
// (the flow engine's job), and GPU kernel time beyond the protocol costs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fabricplan::collective {

enum class Op { kAllReduce, kAllGather, kReduceScatter, kAllToAll, kSendRecv };
const char* op_name(Op op);  // nccl-tests' names
bool parse_op(const std::string& name, Op& op);
double bus_factor(Op op, int ranks);  // nccl-tests: busbw = algbw x factor

// One node type's tiers, as the model uses them (tiers.h fills it).
struct NodeTiers {
  std::string instance_type;
  bool infiniband = false;
  int gpus = 8;
  double nvlink_bytes_per_s = 0;      // per GPU, each direction, what NCCL's ring reaches
  bool nvls = false;                  // NVLink SHARP usable (and enabled)
  double nvls_bytes_per_s = 0;        // per GPU algbw ceiling with NVLS
  int nics = 0;
  double nic_bytes_per_s = 0;         // one NIC, payload, each direction, what NCCL reaches
  std::vector<int> nics_of_gpu;       // how many NICs are local to each GPU (sum may exceed nics)
  double net_hop_extra_us = 0;        // fitted network latency per hop beyond NCCL's hwLat
  int channels = 16;
  std::string source;                 // where the figures came from
};

struct Prediction {
  double time_us = 0;
  double algbw_bytes_per_s = 0, busbw_bytes_per_s = 0;
  std::string algorithm, protocol;
};

// One operation of nccl-tests' `size` bytes on `nodes` nodes of tiers.gpus GPUs each.
Prediction predict(Op op, double size_bytes, int nodes, const NodeTiers& tiers);

}  // namespace fabricplan::collective
