#include "planner/analytic/workload_times.h"

#include <algorithm>
#include <cmath>

#include "models/units/units.h"
#include "models/workload/kv_cache.h"
#include "planner/analytic/kv_timing.h"
#include "planner/engine_run/spec_schedule.h"

namespace fabricplan {

ClassTime kv_time(const GroupTimer& timer, const KvWorkloadSpec& kv) {
  const GroupTimeInputs& in = timer.in();
  const SplitCandidate& split = timer.split();
  ClassTime t;
  const double per_token = kv_bytes_per_token(kv.shape);
  const double mean_f = timer.contention(TrafficClass::kKvTransfer).mean;
  const double kv_fabric = timer.fabric(TrafficClass::kKvTransfer);
  const double bw = static_cast<double>(split.kv_nics.size()) * in.nic_bytes_per_s * kv_fabric * mean_f;
  const double sigma = lognormal_sigma_for_p99(kv.prompt_tokens_p99 / kv.prompt_tokens_mean);
  // A replayed trace gives its own median and second moment; else the lognormal's.
  const double median_tokens = kv.trace ? kv.prompt_tokens_p50 : kv.prompt_tokens_mean * std::exp(-sigma * sigma / 2);
  // alpha-beta per size: a calibrated NIC's fit segment for the chunk each NIC carries,
  // else the catalog's figures (alpha from the collective model, beta = line x efficiency).
  const double k = static_cast<double>(split.kv_nics.size());
  auto service_us = [&](double tokens) {
    const double bytes = tokens * per_token;
    if (const FitSegment* seg = timer.segment_for(bytes / k)) {
      return seg->alpha_us + bytes / k / (seg->beta_bytes_per_s * kv_fabric * mean_f) * 1e6;
    }
    return in.kv_alpha_us + bytes / bw * 1e6;
  };
  // What the transfer adds to time to first token: all of it after prefill, or what
  // layer-wise sending does not hide behind prefill (kv_timing.h).
  // A wait in the pool's queue is part of the transfer: layer-wise sending hides it too.
  auto added_us = [&](double tokens, double wait_us = 0) {
    const FitSegment* seg = timer.segment_for(tokens * per_token / k);
    return kv_ttft_added_us(kv, tokens, service_us(tokens) + wait_us, seg ? seg->alpha_us : in.kv_alpha_us);
  };
  // Requests on this node's pool: prefill nodes send, decode nodes receive.
  const std::string& g = in.group->name;
  double lambda = 0;
  if (kv.prefill_group == g) lambda += kv.requests_per_s / in.group->count;
  if (kv.decode_group == g) lambda += kv.requests_per_s / in.group->count;
  const double mean_bytes_s = kv.prompt_tokens_mean * per_token / bw;
  const double second_moment = kv.trace ? kv.prompt_tokens_second_moment * std::pow(per_token / bw, 2)
                                        : std::pow(kv.prompt_tokens_mean * per_token / bw, 2) * std::exp(sigma * sigma);
  const double rho = lambda * mean_bytes_s;
  t.op = "one request's KV cache, prefill to decode (mean " + time_num(kv.prompt_tokens_mean * per_token / 1e6, "%.0f") +
         " MB, p99 " + time_num(kv.prompt_tokens_p99 * per_token / 1e6, "%.0f") + " MB) on " +
         std::to_string(split.kv_nics.size()) + " NICs" +
         (kv.layerwise ? ", sent " + kv_timing_text(kv) + ": the time it adds to TTFT" : "");
  t.p50_us = added_us(median_tokens);
  double wait_p99_us = 0;
  std::string wait_text;
  if (rho >= 1) {
    t.p99_us = added_us(kv.prompt_tokens_p99);
    t.unbounded = true;
    t.known = true;
    t.verdict = Verdict::kInsufficient;
    t.why = kv.name + ": requests arrive faster than the pool sends them (rho " + time_num(rho, "%.2f") +
            " >= 1): the queue grows without bound";
    // Judged as at least the overload: a split search must see it (op_time.h).
    t.share = rho;
    if (in.spec->slo.ttft_p99_ms > 0) {
      t.budget_us = in.spec->slo.ttft_p99_ms * 1e3;
      t.budget_name = "slo.ttft_p99_ms";
      t.share = std::max(rho, t.p99_us / t.budget_us);
    }
    return t;
  }
  if (rho > 0.01) {
    const double w = lambda * second_moment / (2 * (1 - rho));
    wait_p99_us = w / rho * std::log(100 * rho) * 1e6;
    wait_text = " + " + format_us(wait_p99_us) + " p99 wait (M/G/1, rho " + time_num(rho, "%.2f") + ")";
  }
  t.p99_us = added_us(kv.prompt_tokens_p99, wait_p99_us);
  t.why = kv.name + ": " + (timer.segment_for(kv.prompt_tokens_mean * per_token / k) ? "the calibrated alpha-beta fit per NIC chunk, ~" : "") +
          format_us(in.kv_alpha_us) + " + bytes / " +
          time_num(units::bytes_per_s_to_gbit_per_s(bw), "%.0f") + " Gbit/s" +
          (mean_f < 1 ? " (" + format_percent(mean_f) + " left by the collectives on shared NICs)" : "") +
          (kv_fabric < 1 ? " (fabric uplinks give " + format_percent(kv_fabric) + " of the NICs)" : "") +
          ": p50 " + format_us(t.p50_us) + ", p99 " + format_us(added_us(kv.prompt_tokens_p99)) + wait_text +
          (kv.layerwise ? "; sent " + kv_timing_text(kv) + ": the p99 prompt's prefill takes " +
                              format_us(prefill_us(kv, kv.prompt_tokens_p99)) + " and hides all but " +
                              format_us(t.p99_us) + " of its " +
                              format_us(service_us(kv.prompt_tokens_p99) + wait_p99_us) + " transfer and wait"
                        : "");
  timer.finish(t, in.spec->slo.ttft_p99_ms, "slo.ttft_p99_ms", [&](double b) { return t.p99_us / b; }, 0, "");
  return t;
}

}  // namespace fabricplan
