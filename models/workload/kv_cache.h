// KV-cache transfer demand of disaggregated (prefill/decode) serving.
//
// A prefill node computes the KV cache of a prompt and ships it to a decode node.
// Bytes per token = 2 (K and V) x layers x kv_heads x head_dim x dtype bytes
// (Llama-3-70B, bf16: 2 x 80 x 8 x 128 x 2 = 327,680). The cluster-wide byte rate is
// requests/s x mean prompt tokens x bytes per token; prefill nodes share it as egress,
// decode nodes as ingress. The "p99" figure assumes a burst in which every prompt has
// the p99 length: a simple bound on what the links must absorb for a while.
#pragma once

namespace fabricplan {

struct KvCacheShape {
  int layers = 0;
  int kv_heads = 0;
  int head_dim = 0;
  double dtype_bytes = 2;
};

double kv_bytes_per_token(const KvCacheShape& shape);

struct KvTransferLoad {
  double requests_per_s = 0;
  double prompt_tokens_mean = 0;
  double prompt_tokens_p99 = 0;
  int prefill_nodes = 1;
  int decode_nodes = 1;
};

struct KvTransferDemand {
  double cluster_bytes_per_s = 0;          // all prefill -> decode traffic
  double prefill_egress_bytes_per_s = 0;   // per prefill node
  double decode_ingress_bytes_per_s = 0;   // per decode node
  double prefill_egress_p99_bytes_per_s = 0;
  double decode_ingress_p99_bytes_per_s = 0;
  double p99_prompt_bytes = 0;             // one p99 prompt's KV cache
};

KvTransferDemand kv_transfer_demand(double bytes_per_token, const KvTransferLoad& load);

}  // namespace fabricplan
