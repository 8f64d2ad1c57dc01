// Request traces people point --trace at (Mooncake JSONL, Azure CSV): read, summarized
// and applied to a KV workload; anything malformed must be an InputError naming its line.
#include "models/json_input/input_error.h"
#include "models/workload/request_trace.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = fabricplan::fuzz::write_input(data, size, ".trace");
  try {
    const fabricplan::RequestTrace t = fabricplan::read_request_trace(path);
    (void)t.rate_per_s();
    (void)fabricplan::trace_token_stats(t, t.has_prefix_blocks);
  } catch (const fabricplan::InputError&) {
  }
  return 0;
}
