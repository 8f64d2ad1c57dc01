#include "cli/spec_input.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "models/json_input/input_error.h"
#include "planner/spec/kv_trace.h"
#include "planner/plan.h"
#include "planner/spec/spec_parser.h"

namespace fabricplan::cli {
namespace {

// The command line over the spec: each stack's IB QP timeouts (planner/ib_stack.h).
void apply_ib_overrides(const Args& args, ClusterSpec& spec) {
  if (auto engine = args.get("--kv-engine")) {
    const auto ib = kv_engine_ib_defaults(*engine);
    if (!ib) throw UsageError("--kv-engine must be " + std::string(kKvEngineNames) + ", not \"" + *engine + "\"");
    for (auto& kv : spec.kv) kv.ib = *ib;
  }
  // Each flag sets one field of the KV engines' or NCCL's settings, and says so.
  auto set = [&](const char* flag, std::uint64_t hi, std::uint32_t IbStackTimeouts::*field, bool kv) {
    const auto v = args.unsigned_in(flag, field == &IbStackTimeouts::timeout_exponent ? 1 : 0, hi);
    if (!v) return;
    auto apply = [&](IbStackTimeouts& ib) {
      ib.*field = static_cast<std::uint32_t>(*v);
      ib.source = std::string(flag) + " " + std::to_string(*v) + ", over " + ib.source;
    };
    if (!kv) return apply(spec.nccl_ib);
    for (auto& w : spec.kv) apply(w.ib);
  };
  set("--kv-ib-timeout", 31, &IbStackTimeouts::timeout_exponent, true);
  set("--kv-ib-retry-cnt", 7, &IbStackTimeouts::retry_count, true);
  set("--nccl-ib-timeout", 31, &IbStackTimeouts::timeout_exponent, false);
  set("--nccl-ib-retry-cnt", 7, &IbStackTimeouts::retry_count, false);
}

// --trace FILE [--trace-rate-scale X|spec] [--trace-skip-cached-prefix]: every KV workload
// replays the trace (planner/kv_trace.h), over any trace the spec names.
void apply_trace_overrides(const Args& args, ClusterSpec& spec) {
  const auto file = args.get("--trace");
  if (!file) {
    for (const char* only : {"--trace-rate-scale", "--trace-skip-cached-prefix"}) {
      if (args.has(only)) throw UsageError(std::string(only) + " applies with --trace FILE");
    }
    return;
  }
  if (spec.kv.empty()) throw UsageError("--trace replays KV requests, and the spec has no disaggregated_serving workload");
  KvTraceUse use;
  use.file = *file;
  use.origin = "--trace";
  use.skip_cached_prefix = args.has("--trace-skip-cached-prefix");
  if (auto r = args.get("--trace-rate-scale")) {
    if (*r == "spec") {
      use.rate_to_spec = true;
    } else {
      char* end = nullptr;
      const double x = std::strtod(r->c_str(), &end);
      if (end == r->c_str() || *end != '\0' || !(x >= 1e-6 && x <= 1e6)) {
        throw UsageError("--trace-rate-scale must be a factor in [1e-6, 1e6] or \"spec\", not \"" + *r + "\"");
      }
      use.rate_scale = x;
    }
  }
  for (auto& kv : spec.kv) apply_kv_trace(kv, use);
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? i + 1 == v.size() ? " or " : ", " : "") + v[i];
  return s;
}

}  // namespace

SpecInput read_spec_input(const Args& args, const std::vector<std::string>& engines,
                          const std::vector<std::string>& formats) {
  if (args.positionals().size() != 1) throw UsageError("expected exactly one SPEC file");
  SpecInput in;
  in.format = args.get_or("--format", "text");
  if (std::find(formats.begin(), formats.end(), in.format) == formats.end()) {
    throw UsageError("--format must be " + joined(formats) + ", not \"" + in.format + "\"");
  }
  in.options.engine = args.get_or("--engine", engines.front());
  if (std::find(engines.begin(), engines.end(), in.options.engine) == engines.end()) {
    throw UsageError("--engine must be " + joined(engines) + ", not \"" + in.options.engine + "\"");
  }
  if (auto w = args.get("--window-ms")) {
    char* end = nullptr;
    const double ms = std::strtod(w->c_str(), &end);
    if (end == w->c_str() || *end != '\0' || !std::isfinite(ms) || ms < 0.001 || ms > 1e6) {
      throw UsageError("--window-ms must be a number of milliseconds in [0.001, 1e6], not \"" + *w + "\"");
    }
    in.options.window_s = ms * 1e-3;
  }
  if (auto n = args.unsigned_in("--max-transfers", 100, 50'000'000)) in.options.max_transfers = *n;
  if (auto seed = args.unsigned_in("--seed", 0, ~0ull)) in.options.seed = *seed;
  if (args.has("--threads")) {
    if (in.options.engine != "packet") throw UsageError("--threads applies to the packet engine (--engine packet)");
    in.options.threads = static_cast<unsigned>(*args.unsigned_in("--threads", 1, 1024));
  }
  in.out = args.get("-o");
  if (!in.out) in.out = args.get("--output");
  in.catalog = std::make_unique<Catalog>(Catalog::load(args.get_or("--catalog", Catalog::default_path())));
  in.spec = std::make_unique<ClusterSpec>(parse_cluster_spec(args.positionals()[0], *in.catalog));
  apply_ib_overrides(args, *in.spec);
  apply_trace_overrides(args, *in.spec);
  std::optional<std::string> profile_path = args.get("--calibration");
  if (!profile_path) profile_path = in.spec->calibration_path;
  if (profile_path) in.profile = load_calibration_profile(*profile_path);
  if (in.profile && args.has("--strict")) {
    for (const CalibrationMismatch& m : calibration_mismatches(*in.spec, *in.catalog, *in.profile)) {
      if (m.strict) throw InputError(*profile_path, m.pointer, m.expected + " (--strict)", m.found);
    }
  }
  return in;
}

}  // namespace fabricplan::cli
