#include "models/workload/kv_cache.h"

namespace fabricplan {

double kv_bytes_per_token(const KvCacheShape& s) {
  return 2.0 * s.layers * s.kv_heads * s.head_dim * s.dtype_bytes;
}

KvTransferDemand kv_transfer_demand(double bytes_per_token, const KvTransferLoad& load) {
  KvTransferDemand d;
  d.cluster_bytes_per_s = load.requests_per_s * load.prompt_tokens_mean * bytes_per_token;
  double cluster_p99 = load.requests_per_s * load.prompt_tokens_p99 * bytes_per_token;
  d.prefill_egress_bytes_per_s = d.cluster_bytes_per_s / load.prefill_nodes;
  d.decode_ingress_bytes_per_s = d.cluster_bytes_per_s / load.decode_nodes;
  d.prefill_egress_p99_bytes_per_s = cluster_p99 / load.prefill_nodes;
  d.decode_ingress_p99_bytes_per_s = cluster_p99 / load.decode_nodes;
  d.p99_prompt_bytes = load.prompt_tokens_p99 * bytes_per_token;
  return d;
}

}  // namespace fabricplan
