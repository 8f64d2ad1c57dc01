#include "planner/analytic/kv_timing.h"

#include <algorithm>
#include <cstdio>

namespace fabricplan {

double prefill_us(const KvWorkloadSpec& kv, double tokens) {
  return kv.layerwise && kv.prefill_tokens_per_s > 0 ? tokens / kv.prefill_tokens_per_s * 1e6 : 0;
}

double kv_ttft_added_us(const KvWorkloadSpec& kv, double tokens, double transfer_us, double alpha_us) {
  if (!kv.layerwise) return transfer_us;
  const double layers = std::max(1, kv.shape.layers);
  const double per_layer = alpha_us + (transfer_us - alpha_us) / layers;
  return std::max(per_layer, transfer_us - prefill_us(kv, tokens) * (layers - 1) / layers);
}

std::string kv_timing_text(const KvWorkloadSpec& kv) {
  if (!kv.layerwise) return "after prefill";
  char buf[160];
  std::snprintf(buf, sizeof buf, "layer-wise over %d layers while prefill runs at %.0f tokens/s", kv.shape.layers,
                kv.prefill_tokens_per_s);
  return buf;
}

}  // namespace fabricplan
