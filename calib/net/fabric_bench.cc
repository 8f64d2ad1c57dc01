#include "calib/net/fabric_bench.h"

#include <algorithm>
#include <cmath>

namespace fabricplan::calib {
namespace {

using Clock = FabricRail::Clock;
constexpr std::size_t kAckBytes = 4;

Clock::time_point deadline(const StepShape& s) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.timeout_s));
}

void post_recvs(FabricRail& rail, std::size_t n, std::size_t bytes, Clock::time_point until) {
  for (std::size_t i = 0; i < n; ++i) rail.post_recv(bytes, until);
}

}  // namespace

double sorted_percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  std::size_t rank = static_cast<std::size_t>(std::ceil(p / 100.0 * sorted.size()));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

void prepare_responder(FabricRail& rail, const StepShape& s) { post_recvs(rail, 1, s.bytes, deadline(s)); }
void prepare_stream_receiver(FabricRail& rail, const StepShape& s) { post_recvs(rail, s.window, s.bytes, deadline(s)); }
void prepare_bidir(FabricRail& rail, const StepShape& s) { post_recvs(rail, s.window, s.bytes, deadline(s)); }

LatencyPoint pingpong_initiator(FabricRail& rail, const StepShape& s) {
  std::vector<double> one_way_us;
  one_way_us.reserve(s.iterations);
  for (std::size_t i = 0; i < s.warmup + s.iterations; ++i) {
    auto t0 = Clock::now();
    auto until = deadline(s);  // one clock read per iteration, not per operation
    rail.post_recv(s.bytes, until);
    rail.post_send(s.bytes, until);
    rail.wait_for(1, 1, until);
    auto t1 = Clock::now();
    if (i >= s.warmup) one_way_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count() / 2);
  }
  std::sort(one_way_us.begin(), one_way_us.end());
  LatencyPoint p;
  p.bytes = s.bytes;
  p.iterations = s.iterations;
  p.median_us = sorted_percentile(one_way_us, 50);
  p.p90_us = sorted_percentile(one_way_us, 90);
  p.p99_us = sorted_percentile(one_way_us, 99);
  p.min_us = one_way_us.empty() ? 0 : one_way_us.front();
  return p;
}

void pingpong_responder(FabricRail& rail, const StepShape& s) {
  // The first receive was posted by prepare_responder.
  for (std::size_t i = 0, n = s.warmup + s.iterations; i < n; ++i) {
    auto until = deadline(s);
    rail.wait_for(0, 1, until);
    if (i + 1 < n) rail.post_recv(s.bytes, until);
    rail.post_send(s.bytes, until);
    rail.wait_for(1, 0, until);
  }
}

BandwidthPoint stream_sender(FabricRail& rail, const StepShape& s) {
  BandwidthPoint p;
  p.bytes = s.bytes;
  for (std::size_t r = 0; r < s.warmup + s.iterations; ++r) {
    if (r == s.warmup) p.start = Clock::now();
    auto until = deadline(s);  // per round: the window's operations share it
    rail.post_recv(kAckBytes, until);
    for (std::size_t k = 0; k < s.window; ++k) rail.post_send(s.bytes, until);
    rail.wait_for(s.window, 1, until);
  }
  p.end = Clock::now();
  p.messages = s.iterations * s.window;
  p.seconds = std::chrono::duration<double>(p.end - p.start).count();
  p.bytes_per_s = p.seconds > 0 ? static_cast<double>(p.messages * s.bytes) / p.seconds : 0;
  return p;
}

void stream_receiver(FabricRail& rail, const StepShape& s) {
  // The first window of receives was posted by prepare_stream_receiver.
  for (std::size_t r = 0, n = s.warmup + s.iterations; r < n; ++r) {
    auto until = deadline(s);
    rail.wait_for(0, s.window, until);
    if (r + 1 < n) post_recvs(rail, s.window, s.bytes, until);
    rail.post_send(kAckBytes, until);
    rail.wait_for(1, 0, until);
  }
}

BandwidthPoint bidir(FabricRail& rail, const StepShape& s) {
  // The first window of receives was posted by prepare_bidir.
  BandwidthPoint p;
  p.bytes = s.bytes;
  for (std::size_t r = 0, n = s.warmup + s.iterations; r < n; ++r) {
    if (r == s.warmup) p.start = Clock::now();
    auto until = deadline(s);
    for (std::size_t k = 0; k < s.window; ++k) rail.post_send(s.bytes, until);
    rail.wait_for(s.window, s.window, until);
    if (r + 1 < n) post_recvs(rail, s.window, s.bytes, until);
  }
  p.end = Clock::now();
  p.messages = s.iterations * s.window;
  p.seconds = std::chrono::duration<double>(p.end - p.start).count();
  p.bytes_per_s = p.seconds > 0 ? 2.0 * static_cast<double>(p.messages * s.bytes) / p.seconds : 0;
  return p;
}

}  // namespace fabricplan::calib
