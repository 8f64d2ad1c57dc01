// Real LLM serving request traces, replayed instead of a synthetic arrival process:
// when each request arrived and how long its prompt was.
//
// Two public formats are read as they are published:
// - Mooncake's JSONL (kvcache-ai/Mooncake, FAST'25 traces): one object per line with
//   `timestamp` (ms from the trace's start; several requests may share one),
//   `input_length`, `output_length` (tokens) and `hash_ids` (remapped hashes of the
//   prompt's 512-token prefix blocks: equal ids are the same prefix KV blocks);
// - the Azure LLM inference CSV (Azure/AzurePublicDataset, Splitwise): a header
//   `TIMESTAMP,ContextTokens,GeneratedTokens`, TIMESTAMP wall-clock
//   ("2023-11-16 18:15:46.6805900"); the first row is time zero.
// The format is told by the first line. A malformed line is refused with its number.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace fabricplan {

// Mooncake's prefix blocks are 512 tokens (its trace README).
inline constexpr int kTracePrefixBlockTokens = 512;
// A trace longer than this many requests is refused before it is held (~40 B each).
inline constexpr std::size_t kMaxTraceRequests = 20'000'000;

struct TraceRequest {
  double arrival_s = 0;       // from the trace's first request
  double input_tokens = 0;
  double output_tokens = 0;
  // Leading prompt tokens whose prefix blocks an earlier request of the trace already
  // had (Mooncake hash_ids; 0 without them): what a decode side that keeps every block
  // it received, behind a prefix-aware router, need not receive again.
  double cached_prefix_tokens = 0;
};

struct RequestTrace {
  std::string file;
  std::string format;          // "mooncake-jsonl" or "azure-csv"
  std::vector<TraceRequest> requests;  // by arrival
  bool has_prefix_blocks = false;      // hash_ids present
  double span_s() const { return requests.empty() ? 0 : requests.back().arrival_s - requests.front().arrival_s; }
  // Mean arrival rate over the span (n - 1 gaps); 0 for fewer than two requests.
  double rate_per_s() const;
  std::string format_name() const;  // "Mooncake JSONL", "Azure LLM inference CSV"
};

// Reads `path` (bounded: kMaxLogInputBytes, kMaxTraceRequests); throws InputError naming
// the line ("line 7") with what was expected and found.
RequestTrace read_request_trace(const std::string& path);

// The prompt tokens a KV transfer moves per request: all of them, or without the cached
// prefix when `skip_cached_prefix`.
double kv_tokens(const TraceRequest& r, bool skip_cached_prefix);

struct TraceTokenStats {
  std::size_t requests = 0;
  double mean = 0, p50 = 0, p99 = 0, second_moment = 0;  // of kv_tokens
};
TraceTokenStats trace_token_stats(const RequestTrace& t, bool skip_cached_prefix);

}  // namespace fabricplan
