// A KV workload driven by a real request trace (models/workload/request_trace.h) instead
// of Poisson arrivals and lognormal prompts: the analytic model takes the trace's rate
// and prompt-length moments (an M/G/1 wait still assumes Poisson arrivals: the trace's
// bursts are what the engines' replay adds), the engines replay its arrivals and prompt
// lengths from its start.
#pragma once

#include <string>

#include "planner/spec/spec.h"

namespace fabricplan {

struct KvTraceUse {
  std::string file;
  double rate_scale = 1;     // arrivals at trace time / rate_scale
  bool rate_to_spec = false; // rate_scale chosen so the mean rate is the spec's requests_per_s
  bool skip_cached_prefix = false;
  std::string origin;        // "--trace" or the spec's JSON pointer, for the report
};

// Loads `use.file` (InputError naming the line on a malformed one) and sets the
// workload's trace, rate and prompt statistics from it.
void apply_kv_trace(KvWorkloadSpec& kv, const KvTraceUse& use);

// What an engine window of `window_s` replays of each traced KV workload: "; KV arrivals
// replayed from trace FILE: its first 58.8 s (168 of 12031 requests)"; empty without one.
std::string kv_trace_window_text(const ClusterSpec& spec, double window_s);

}  // namespace fabricplan
