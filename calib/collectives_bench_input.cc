#include "calib/collectives_bench_input.h"

#include "models/json_input/input_file.h"
#include "models/json_input/json_reader.h"

namespace fabricplan::calib {
namespace {

// Sizes up to 2^46 bytes (64 TiB: far past any GPU's memory); times and rates finite
// and positive where a measurement is (a zero time would make an infinite rate).
constexpr double kMaxBytes = 70368744177664.0;
constexpr double kMaxTimeUs = 3.6e9;      // an hour per operation
constexpr double kMaxRateBytesPerS = 1e15;  // 1 PB/s: 500x NVLink 5

void check_sweep_row(const JsonNode& r, bool all_reduce) {
  r.expect_object({"bytes", "time_us", "algbw_bytes_per_s", "busbw_bytes_per_s", "in_place_time_us",
                   "in_place_busbw_bytes_per_s"});
  r.at("bytes").integer(1, static_cast<std::int64_t>(kMaxBytes));
  r.at("time_us").in_range(1e-6, kMaxTimeUs);
  r.at("algbw_bytes_per_s").in_range(0, kMaxRateBytesPerS);
  r.at("busbw_bytes_per_s").in_range(0, kMaxRateBytesPerS);
  if (r.has("in_place_time_us")) {
    if (!all_reduce) r.at("in_place_time_us").fail("no in-place columns (only all_reduce has them)");
    r.at("in_place_time_us").in_range(1e-6, kMaxTimeUs);
  }
  if (r.has("in_place_busbw_bytes_per_s")) r.at("in_place_busbw_bytes_per_s").in_range(0, kMaxRateBytesPerS);
}

void check_collective(const JsonNode& c) {
  c.expect_object({"op", "ranks", "sweep"});
  const std::string op = c.at("op").one_of({"all_reduce", "all_gather", "reduce_scatter", "alltoall", "sendrecv"});
  c.at("ranks").integer(1, 1024);
  const JsonNode sweep = c.at("sweep");
  for (std::size_t i = 0, n = sweep.array_size(); i < n; ++i) check_sweep_row(sweep.at(i), op == "all_reduce");
}

void check_p2p(const JsonNode& p) {
  p.expect_object({"src", "dst", "peer_access", "bytes", "bytes_per_s"});
  p.at("src").integer(0, 1023);
  p.at("dst").integer(0, 1023);
  p.at("peer_access").boolean();
  p.at("bytes").integer(1, static_cast<std::int64_t>(kMaxBytes));
  p.at("bytes_per_s").in_range(0, kMaxRateBytesPerS);
}

}  // namespace

std::string read_collectives_bench(const std::string& path) {
  std::string text = read_input_file(path, kMaxJsonInputBytes, "JSON file");
  const JsonDocument doc = JsonDocument::parse(text, path);
  const JsonNode root = doc.root();
  root.expect_object({"available", "unavailable_reason", "gpus", "device", "nccl_version", "collectives", "p2p"});
  if (!root.at("available").boolean()) {
    root.at("unavailable_reason").string();
    return text;
  }
  root.at("gpus").integer(1, 1024);
  if (root.has("device")) root.at("device").string();
  if (root.has("nccl_version")) root.at("nccl_version").string();
  const JsonNode collectives = root.at("collectives");
  for (std::size_t i = 0, n = collectives.array_size(); i < n; ++i) check_collective(collectives.at(i));
  if (root.has("p2p")) {
    const JsonNode p2p = root.at("p2p");
    for (std::size_t i = 0, n = p2p.array_size(); i < n; ++i) check_p2p(p2p.at(i));
  }
  return text;
}

}  // namespace fabricplan::calib
