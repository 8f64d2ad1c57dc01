#include "planner/spec/kv_trace.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "models/json_input/input_error.h"

namespace fabricplan {

void apply_kv_trace(KvWorkloadSpec& kv, const KvTraceUse& use) {
  auto trace = std::make_shared<const RequestTrace>(read_request_trace(use.file));
  const double trace_rate = trace->rate_per_s();
  if (trace_rate <= 0) {
    throw InputError(use.file, "(document root)", "requests spread over time (at least two arrival times)",
                     std::to_string(trace->requests.size()) + " request(s) at one instant");
  }
  if (use.skip_cached_prefix && !trace->has_prefix_blocks) {
    throw InputError(use.file, "(document root)", "prefix block ids (Mooncake's hash_ids) to skip cached prefixes by",
                     "a " + trace->format_name() + " trace without them");
  }
  const double scale = use.rate_to_spec ? kv.requests_per_s / trace_rate : use.rate_scale;
  const TraceTokenStats s = trace_token_stats(*trace, use.skip_cached_prefix);
  char buf[600];
  std::snprintf(buf, sizeof buf,
                "trace %s (%s, from %s): %zu requests over %.0f s, %.3g/s%s; prompts%s mean %.0f, p99 %.0f tokens; replaces "
                "the spec's %.3g requests/s and lognormal prompts (mean %.0f, p99 %.0f)",
                trace->file.c_str(), trace->format_name().c_str(), use.origin.c_str(), trace->requests.size(),
                trace->span_s(), trace_rate,
                scale == 1 ? "" : (", arrivals sped up x" + std::to_string(scale).substr(0, 6) + " to " +
                                   std::to_string(trace_rate * scale).substr(0, 7) + "/s").c_str(),
                use.skip_cached_prefix ? " (cached prefix blocks skipped)" : "", s.mean, s.p99, kv.requests_per_s,
                kv.prompt_tokens_mean, kv.prompt_tokens_p99);
  kv.trace_note = buf;
  kv.trace = std::move(trace);
  kv.trace_rate_scale = scale;
  kv.skip_cached_prefix = use.skip_cached_prefix;
  kv.requests_per_s = trace_rate * scale;
  // A trace whose prompts are all cached moves nothing: a token keeps the formulas finite.
  kv.prompt_tokens_mean = std::max(s.mean, 1.0);
  kv.prompt_tokens_p99 = std::max(s.p99, kv.prompt_tokens_mean);
  kv.prompt_tokens_p50 = std::max(s.p50, 1.0);
  kv.prompt_tokens_second_moment = s.second_moment;
}

std::string kv_trace_window_text(const ClusterSpec& spec, double window_s) {
  std::string out;
  for (const auto& kv : spec.kv) {
    if (!kv.trace) continue;
    const double trace_s = window_s * kv.trace_rate_scale;  // the window in the trace's own time
    std::size_t n = 0;
    while (n < kv.trace->requests.size() && kv.trace->requests[n].arrival_s < trace_s) ++n;
    char buf[400];
    std::snprintf(buf, sizeof buf, "; %s's arrivals replayed from %s: its first %.1f s (%zu of %zu requests)", kv.name.c_str(),
                  kv.trace->file.c_str(), trace_s, n, kv.trace->requests.size());
    out += buf;
  }
  return out;
}

}  // namespace fabricplan
