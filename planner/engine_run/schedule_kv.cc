#include "planner/engine_run/schedule_workloads.h"

#include <algorithm>
#include <cmath>

#include "models/workload/kv_cache.h"
#include "planner/analytic/kv_timing.h"
#include "sim/core/rng.h"

namespace fabricplan {
void add_kv(ScheduleBuilder& sb, const KvWorkloadSpec& kv, std::size_t index) {
  sim::Rng rng(sb.options().seed, "spec.kv." + std::to_string(index));
  const double per_token = kv_bytes_per_token(kv.shape);
  const double sigma = lognormal_sigma_for_p99(kv.prompt_tokens_p99 / kv.prompt_tokens_mean);
  const double mu = std::log(kv.prompt_tokens_mean) - sigma * sigma / 2;
  const int pre_first = sb.fabric().first_node.at(kv.prefill_group), dec_first = sb.fabric().first_node.at(kv.decode_group);
  const int pre_n = sb.spec().group(kv.prefill_group)->count, dec_n = sb.spec().group(kv.decode_group)->count;
  const std::vector<int>& src_nics = sb.pools(kv.prefill_group).kv_nics;
  const std::vector<int>& dst_nics = sb.pools(kv.decode_group).kv_nics;
  if (src_nics.empty() || dst_nics.empty()) return;  // a split with no KV interface: nothing can move
  const std::size_t parts = std::max(src_nics.size(), dst_nics.size());
  // Each request: its arrival and prompt tokens, from the trace replayed from its start
  // (arrivals / trace_rate_scale) or drawn (Poisson arrivals, lognormal prompts).
  std::size_t next = 0;
  double t = 0, tokens = 0;
  auto next_request = [&]() {
    if (kv.trace) {
      if (next >= kv.trace->requests.size()) return false;
      const TraceRequest& r = kv.trace->requests[next++];
      t = r.arrival_s / kv.trace_rate_scale;
      tokens = kv_tokens(r, kv.skip_cached_prefix);
      return to_ps(t) < sb.window_ps();
    }
    t = next++ == 0 ? (sb.options().kv_request_at_start ? 0.0 : rng.exponential(1 / kv.requests_per_s))
                    : t + rng.exponential(1 / kv.requests_per_s);
    return to_ps(t) < sb.window_ps();
  };
  while (next_request()) {
    int src = pre_first + static_cast<int>(rng.below(static_cast<std::uint64_t>(pre_n)));
    int dst = dec_first + static_cast<int>(rng.below(static_cast<std::uint64_t>(dec_n)));
    if (!kv.trace) {
      // Box-Muller from two uniforms (the first kept away from 0).
      const double u1 = 1 - rng.uniform(), u2 = rng.uniform();
      const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
      tokens = std::exp(mu + sigma * z);
    }
    const double bytes = per_token * tokens;
    if (bytes <= 0) continue;  // its whole prompt was cached on the decode side
    if (src == dst) {  // a mixed group sending to itself stays on the node
      if (sb.options().kv_request_at_start && t == 0) dst = dec_first + (dst - dec_first + 1) % dec_n;
      if (src == dst) continue;
    }
    SpecOp op{TrafficClass::kKvTransfer, kv.decode_group, kv.name, 0, 0, to_ps(t), -1, bytes};
    op.first = static_cast<std::uint32_t>(sb.transfer_count());
    // After prefill: the request's KV at its arrival (prefill left out, as the analytic
    // model does). Layer-wise: layer i's share posted when prefill finishes layer i (a
    // layer still sending when the next is posted shares the NICs with it), and the op
    // timed from prefill's end.
    const int layers = kv.layerwise ? std::max(1, kv.shape.layers) : 1;
    const double prefill_s = prefill_us(kv, tokens) * 1e-6;
    if (kv.layerwise) op.timed_from_ps = to_ps(t + prefill_s);
    for (int layer = 1; layer <= layers; ++layer) {
      const std::int64_t ready = kv.layerwise ? to_ps(t + prefill_s * layer / layers) : op.release_ps;
      for (std::size_t j = 0; j < parts; ++j) {
        sb.add(TrafficClass::kKvTransfer, sb.endpoint(src, src_nics[j % src_nics.size()]),
            sb.endpoint(dst, dst_nics[j % dst_nics.size()]), bytes / static_cast<double>(parts * layers), ready);
      }
    }
    op.end = static_cast<std::uint32_t>(sb.transfer_count());
    sb.add_op(op);
  }
}


}  // namespace fabricplan
