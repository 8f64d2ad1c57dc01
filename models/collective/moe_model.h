// The time of one MoE layer's dispatch or combine with DeepEP (deepseek-ai/DeepEP), on
// the same tiers as the collective model.
//
// Each of a rank's T tokens goes to its top-K experts, spread evenly over the EP ranks
// (G per node). Element sizes: dispatch FP8 with one 4-byte scale per 128 values
// (1.03 bytes), combine BF16 (2 bytes).
//   low_latency: every (token, expert) copy is sent on its own (no de-duplication), pure
//     RDMA between nodes, NVLink inside one; a copy lands on the rank's own GPU with
//     probability 1/EP, another GPU of its node with (min(G, EP) - 1)/EP, another node
//     otherwise. t = a + max(NVLink bytes / NVLink, RDMA bytes / (GPU's NICs x s)).
//   normal: a token is sent once per target node over RDMA to the same-index GPU there
//     (node-limited routing: at most M nodes per token, M = 4 in DeepSeek-V3), then
//     forwarded over NVLink to its experts' GPUs. A token reaches M' = min(M, nodes)
//     nodes, its own among them with probability M'/nodes, so it crosses the network
//     M'(1 - 1/nodes) times on average; inside a node it reaches on average
//     g(1 - (1 - 1/g)^K) GPUs of g = min(G, EP).
// The GPU's RDMA bandwidth is its share of the node's NICs (one NIC on InfiniBand).
// Fitted (TRAINING.md sec. 4, DeepEP V1 on H800 + CX7 400G): a (dispatch 29.5 us, combine
// 22 us, from the EP 8 low-latency rows) and the share s of NCCL's NIC rate DeepEP's RDMA
// reaches (0.916, from the EP 16-256 low-latency rows).
#pragma once

#include <string>

#include "models/collective/nccl_model.h"

namespace fabricplan::collective {

struct MoeLayer {
  int tokens = 4096;        // per rank
  int hidden = 7168;
  int topk = 8;
  int ep = 16;              // expert-parallel ranks
  int node_limit = 4;       // normal mode: nodes a token may go to
  bool low_latency = false;
  bool combine = false;     // false: dispatch
};

struct MoePrediction {
  double bytes_per_rank = 0;      // what one rank sends (network and NVLink)
  double rdma_bytes = 0, nvlink_bytes = 0;
  double time_us = 0;
  double rdma_bytes_per_s = 0;    // RDMA bytes / time, as DeepEP reports its bandwidth
  double nvlink_bytes_per_s = 0;
  std::string mode;               // "normal" | "low_latency"
};

MoePrediction predict_moe(const MoeLayer& layer, const NodeTiers& tiers);

// The share of what NCCL reaches on a NIC that DeepEP's RDMA kernels reach (fitted on
// the training set's DeepEP rows).
double deepep_rdma_share();

}  // namespace fabricplan::collective
