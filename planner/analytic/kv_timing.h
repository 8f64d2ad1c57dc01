// When a KV transfer happens relative to its request's prefill, and so how much of it
// adds to time to first token.
//
// after_prefill (vLLM's NIXL connector, SGLang, Dynamo): the whole prompt's KV moves once
// prefill ends; all of the transfer adds to TTFT.
// layerwise (Mooncake's layer-wise transfer): layer i's KV (1/L of it) is sent as soon as
// prefill finishes layer i. The prefill-time model is linear: T_pf = prompt tokens /
// prefill_tokens_per_s (the spec's figure for one prefill node; attention's quadratic
// share of long prompts is left out), layer i done at i/L x T_pf. With the pool sending
// the layers back to back (each alpha + bytes / (L B)), the last layer lands at
//   max(T_pf + t_layer,  T_pf / L + t_all)   (t_all = alpha + bytes / B),
// whichever of "prefill is the bottleneck" and "the network is" holds, so TTFT grows by
//   max(t_layer, t_all - T_pf (L - 1) / L).
#pragma once

#include "planner/spec/spec.h"

namespace fabricplan {

// Prefill time of a prompt of `tokens` (layer-wise only; 0 otherwise), in us.
double prefill_us(const KvWorkloadSpec& kv, double tokens);

// What a transfer of `tokens` that takes `transfer_us` in all (alpha_us of it fixed)
// adds to TTFT under the workload's timing.
double kv_ttft_added_us(const KvWorkloadSpec& kv, double tokens, double transfer_us, double alpha_us);

// "after prefill" or "layer-wise over 80 layers, prefill at 20000 tokens/s".
std::string kv_timing_text(const KvWorkloadSpec& kv);

}  // namespace fabricplan
