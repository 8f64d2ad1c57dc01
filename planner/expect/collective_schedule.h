// One NCCL collective's network traffic as a Schedule (models/schedule), so the flow and
// packet engines can time what crosses the fabric (`expect --engine flow|packet`).
//
// Only what leaves a node is built: NVLink, NVLS and the protocols' per-channel caps stay
// the collective model's (expect_engine.h puts the two together). The structure is
// NCCL's, as the model chose it (algorithm, protocol, channels, chunks):
//   lanes: NCCL's c channels leave a node through its GPUs' NICs, spread evenly (c / G
//     per GPU); a tree channel's duplicate runs the other tree over the same NIC
//     (connectTrees), so on trees every GPU carries half its channels per tree. Channels
//     with the same GPU and tree take the same paths at the same times: one lane carries
//     their bytes (G lanes on a ring, 2G on trees).
//     A lane's traffic is striped evenly over its GPU's local NICs on EFA (aws-ofi-nccl's
//     multi-rail), one NIC on InfiniBand; the receiving NIC is the same rail on the peer.
//   ring (all_reduce: two passes, all_gather / reduce_scatter: one): node h sends to node
//     h+1. A pass is N rounds (a round is G ring steps, the data a node's exit GPU
//     forwards after it crossed the node's NVLink chain); round r into a node waits for
//     round r-1 into the node before it. Each link carries passes x (n-1)/n x S per
//     channel, as nccl-tests' busbw counts it.
//   tree, nvls_tree (all_reduce): NCCL's double binary tree over the nodes (ncclGetDtree:
//     tree 0 the bit-trick binary tree rooted at 0, tree 1 its mirror for even N, its
//     shift by one for odd N), in steady state: while chunks stream through, every edge
//     moves its lane's data up and down at once, so the schedule is every edge's S per
//     lane each way, all released together; the engine's time is the pipeline's rate under
//     that load, and the pipeline's fill (depth and chunks, NVLink levels included) is the
//     model's (expect_engine.h). Chained chunks were tried: a few chunks leave the pipeline
//     half idle and the rate too high, enough of them (NCCL's 100+) cost the flow engine
//     minutes at 32 nodes.
//   alltoall: every GPU sends S/n to each GPU of every other node, aggregated per
//     (GPU, destination node) and rail-matched (NCCL's PXN), all at once.
//   sendrecv: the GPU at each node's end of the rank ring sends S to the next node.
// Bytes on the wire include the protocol's own (LL 2x, LL128 128/120).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/collective/nccl_model.h"
#include "models/schedule/schedule.h"

namespace fabricplan {

struct CollectiveLayout {
  int nodes = 1, gpus = 8, nics_per_node = 1;
  std::vector<std::vector<int>> gpu_nics;  // NICs local to each GPU (the catalog's map; empty: GPU g uses NIC g mod nics)
  bool infiniband = false;
};

struct CollectiveScheduleShape {
  std::string algorithm;               // ring | tree | nvls_tree | p2p
  bool steady_state_pipeline = false;  // a tree built in steady state: the pipeline's fill is the model's
  double transfers = 0;
  double wire_bytes = 0;          // payload bytes (protocol bytes included) on the fabric
};

// What build_collective_schedule will produce, from the sizes alone (nothing is built).
CollectiveScheduleShape collective_schedule_shape(collective::Op op, double size_bytes, const collective::Prediction& p,
                                                  const CollectiveLayout& layout);

// The collective's network transfers on `stream` (one ScheduleStream the caller set up),
// endpoint of (node, nic) = node x nics_per_node + nic. `tiny`: every transfer one byte
// (the schedule's zero-load latency, expect_engine.h).
Schedule build_collective_schedule(collective::Op op, double size_bytes, const collective::Prediction& p,
                                   const CollectiveLayout& layout, const ScheduleStream& stream, bool tiny = false);

// NCCL's double binary tree over n nodes: the parent of `node` in tree 0 or 1 (-1: root).
int dtree_parent(int n, int node, int tree);

}  // namespace fabricplan
