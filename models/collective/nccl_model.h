// What nccl-tests should show: the time of one NCCL collective on N nodes of G GPUs,
// from per-tier figures (NodeTiers), with the algorithm and protocol NCCL would pick.
//
// The mathematics. NCCL moves data in chunks over c channels; a chunk of m bytes costs
// one hop a + m c / B, where B is the bandwidth of the hop's bottleneck resource shared by
// the c channels and a the hop's latency (NCCL's hwLat structure, src/graph/tuning.cc).
// The node's network B_net is what its GPUs' local NICs carry (the catalog's GPU-to-NIC
// map: a node running 1 of 8 GPUs has that GPU's NICs only).
//   Tree all_reduce (N >= 2; NCCL's double binary tree across nodes, a chain of the G
//     GPUs inside each): distinct links pipeline, so with depth D = 2((G-1) + ceil(log2 N))
//     hops and k = ceil(S / (c m)) chunks:  t = base + (D + k - 1)(a + m c / B),
//     B = min(B_net / f_N, NVLink). f_N counts what one node's network carries per byte
//     reduced: at 2 nodes each tree sends its half up once and down once (f = 1); from 4
//     nodes the busiest node is interior in one tree (2 children up and down, its parent
//     once: 3/2 of that tree's half each way) and a leaf in the other (1/2 each way): f =
//     2, as NCCL's own model takes tree algbw = busBw / 2; at 3 nodes both trees are
//     chains and no node has two children: f = 3/2 (tree_network_factor; the schedule's
//     unit test counts it on NCCL's trees for every N up to 64).
//   NVLS tree (N >= 2 with NVLink SHARP): the switch reduces inside the node, the tree
//     carries the node's sum across nodes: B = min(B_net / f_N, NVLS) x fitted efficiency.
//   Ring (all_reduce: 2(n-1) steps; all_gather / reduce_scatter: n-1 steps; n = N G):
//     chunks pipeline around the ring (NCCL_STEPS slots hide the per-step latency), so
//     with k chunks per step, t = base + path latency + steps x k x m c / B,
//     B = min(B_net, NVLink) (each node's egress carries what one ring link carries).
//   NVLS (N = 1 with NVLink SHARP): the switch reduces in place: t = hwLat + S / B with
//     B = NVLink x NVLS efficiency.
//   alltoall: the (G-1)/n of S for peers in the node over NVLink and the (n-G)/n for other
//     nodes over the GPU's NICs, concurrently: t = a + max(...). On EFA a GPU's traffic is
//     striped over its local NICs (aws-ofi-nccl multi-rail); on InfiniBand "alltoall
//     cannot aggregate the bandwidth of multiple NICs" (NVIDIA, nccl issue #307): one NIC.
//   sendrecv: the pair that crosses a node boundary goes over that GPU's NICs.
// Protocols: LL carries 8 data bytes in 16 (x 0.5), LL128 120 in 128 (x 0.9375) and at
// most a fitted rate per channel (NCCL caps LL128 per channel likewise: ll128MaxBwPerCh;
// a tree runs LL128 at 7/9 of that cap, as NCCL's model does), Simple all; chunk sizes are
// NCCL's per-channel buffer slots (NCCL_STEPS = 8 of the LL, LL128 and Simple buffers).
// The choice: on p5/p5e, p5en and p6 at 8 ranks per node, aws-ofi-nccl's region tuner
// (ofi_tuner_regions.h) where its regions cover the point and the tiers ask for it;
// elsewhere NCCL's own rule, the (algorithm, protocol) of least predicted time.
// No link carries more than its line rate after packet headers (wire_payload_fraction).
// Latencies: NCCL's baseLat and hwLat tables (tuning.cc); on EFA every network hop adds
// a fitted per-generation latency (constants in tiers.cc, each with its rows).
// Left out: CollNet/SHARP in the network, PAT, contention with other traffic (the flow
// engine's job), PCIe limits below the NICs' rate, and GPU kernel time beyond the
// protocol costs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/collective/ofi_tuner_regions.h"

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
  std::vector<std::vector<int>> local_nics;  // which NICs are local to each GPU (may be shared)
  double net_hop_extra_us = 0;        // fitted network latency per hop beyond NCCL's hwLat
  int channels = 16;
  double ll128_channel_bytes_per_s = 0;  // LL128's cap per channel on a ring (0: none)
  double tree_ll128_channel_bytes_per_s = 0;  // on a tree (0: 7/9 of the ring's, NCCL's factor)
  double nvls_tree_efficiency = 1;       // share of min(network / f, NVLS) an NVLS tree reaches
  double nvls_tree_chunk_bytes = 512 * 1024.0;  // an NVLS tree's largest chunk per channel
  TunerPlatform tuner = TunerPlatform::kNone;  // aws-ofi-nccl's region tuner, where it has one
  bool use_platform_tuner = true;              // false: NCCL's own choice everywhere
  bool network_measured = true;       // false: the network tier is extrapolated (see source)
  std::string source;                 // where the figures came from
};

// The chosen candidate's time in parts, so an engine can put its own figure in place of
// the network's (planner/expect/expect_engine.h): time_us = fixed_us + max(network_us,
// local_us), exactly as the model adds them (the data term's bandwidth is the least of
// the network's and the node's, so its time is the larger of the two).
struct TimeParts {
  double fixed_us = 0;      // NCCL's base latency and the path's hop latencies
  double network_us = 0;    // the data term were the nodes' NICs the only limit (0: nothing crosses nodes)
  double local_us = 0;      // were NVLink (or NVLS) and the protocol's per-channel caps the only limit
  double wire_factor = 1;   // protocol bytes on the wire per data byte: LL 2, LL128 128/120, Simple 1
  // The model's network cost per wire byte: LL's flag polling and reduction cost more than
  // its wire half (NCCL takes a quarter or a third of the link), so LL is 2 or 1.5; else 1.
  double network_cost_factor = 1;
  int channels = 1;
  // Pipelines (tree, NVLS tree): chunks per channel and their data bytes; the pipeline's
  // depth in hops as the model counts it (network and NVLink levels).
  double chunks = 1, chunk_bytes = 0;
  int pipeline_depth = 0;
};

struct Prediction {
  double time_us = 0;
  double algbw_bytes_per_s = 0, busbw_bytes_per_s = 0;
  std::string algorithm, protocol;
  std::string chosen_by;  // "aws-ofi-nccl tuner (p5/p5e)" or "NCCL cost model"
  TimeParts parts;
};

// The share of a NIC's line rate left for payload after each packet's headers.
double wire_payload_fraction(bool infiniband);

// What one node's network carries for `gpus` GPUs of the tiers: their local NICs.
double node_network_bytes_per_s(const NodeTiers& tiers, int gpus);

// f_N above: the most one node's network carries per byte of a tree all_reduce, on
// NCCL's double binary tree over `nodes` nodes.
double tree_network_factor(int nodes);

// One operation of nccl-tests' `size` bytes on `nodes` nodes of tiers.gpus GPUs each.
Prediction predict(Op op, double size_bytes, int nodes, const NodeTiers& tiers);

}  // namespace fabricplan::collective
