#include "models/collective/moe_model.h"

#include <algorithm>
#include <cmath>

namespace fabricplan::collective {
namespace {
constexpr double kDispatchElementBytes = 1.0 + 4.0 / 128;  // FP8 and a float scale per 128
constexpr double kCombineElementBytes = 2.0;               // BF16
// Fitted to TRAINING.md sec. 4 (see the header): latency and DeepEP's RDMA share.
constexpr double kDispatchLatencyUs = 29.5;
constexpr double kCombineLatencyUs = 22.0;
constexpr double kDeepEpRdmaShare = 0.916;
}  // namespace

double deepep_rdma_share() { return kDeepEpRdmaShare; }

MoePrediction predict_moe(const MoeLayer& l, const NodeTiers& t) {
  MoePrediction p;
  p.mode = l.low_latency ? "low_latency" : "normal";
  const double element = l.combine ? kCombineElementBytes : kDispatchElementBytes;
  const double token_bytes = l.hidden * element;
  const int g = std::min(t.gpus, l.ep);
  const int nodes = std::max(1, (l.ep + t.gpus - 1) / t.gpus);
  const double share = t.nics * t.nic_bytes_per_s / t.gpus;
  const double rdma_bw = (t.infiniband ? std::min(share, t.nic_bytes_per_s) : share) * kDeepEpRdmaShare;
  if (l.low_latency) {
    const double copies = static_cast<double>(l.tokens) * l.topk;
    p.nvlink_bytes = copies * token_bytes * (g - 1.0) / l.ep;
    p.rdma_bytes = copies * token_bytes * (l.ep - g) / static_cast<double>(l.ep);
  } else {
    const double reached_nodes = std::min(l.node_limit, nodes);
    p.rdma_bytes = l.tokens * token_bytes * reached_nodes * (1.0 - 1.0 / nodes);
    const double gpus_reached = g * (1.0 - std::pow(1.0 - 1.0 / g, l.topk));
    // What the rank forwards over NVLink as the same-index receiver of other ranks'
    // tokens equals, by symmetry, its own tokens' copies to the other GPUs of a node.
    p.nvlink_bytes = l.tokens * token_bytes * gpus_reached * (g - 1.0) / g;
  }
  p.bytes_per_rank = p.rdma_bytes + p.nvlink_bytes;
  const double busy_s = std::max(p.nvlink_bytes / t.nvlink_bytes_per_s, p.rdma_bytes > 0 ? p.rdma_bytes / rdma_bw : 0.0);
  p.time_us = (l.combine ? kCombineLatencyUs : kDispatchLatencyUs) + busy_s * 1e6;
  p.rdma_bytes_per_s = p.rdma_bytes / (p.time_us * 1e-6);
  p.nvlink_bytes_per_s = p.nvlink_bytes / (p.time_us * 1e-6);
  return p;
}

}  // namespace fabricplan::collective
