// The measurement loops of `calibrate client/server`, one function per role.
//
// Each pair (initiator/responder, sender/receiver) posts exactly the operations the
// other side expects, so no receive is left behind to swallow the next step's data:
//   ping-pong  : initiator sends, responder echoes; one-way latency = round trip / 2,
//                per iteration, reported as median and percentiles (as fi_pingpong and
//                osu_latency report it);
//   stream     : the sender keeps `window` sends outstanding, the receiver acknowledges
//                each window with a 4-byte message (the osu_bw scheme), bandwidth =
//                bytes / time from the first measured window to the last ack;
//   bidir      : both sides send and receive a window per round at once.
// Warm-up iterations/rounds run first and are not timed.
#pragma once

#include <cstddef>
#include <vector>

#include "calib/net/fabric_rail.h"

namespace fabricplan::calib {

struct LatencyPoint {
  std::size_t bytes = 0;
  std::size_t iterations = 0;
  double median_us = 0, p90_us = 0, p99_us = 0, min_us = 0;  // one-way (round trip / 2)
};

struct BandwidthPoint {
  std::size_t bytes = 0;
  std::size_t messages = 0;  // timed messages (per direction)
  double seconds = 0;
  double bytes_per_s = 0;    // payload; for bidir the sum of both directions
  FabricRail::Clock::time_point start{}, end{};
};

struct StepShape {
  std::size_t bytes = 0;
  std::size_t warmup = 0;      // iterations (ping-pong) or rounds (stream, bidir)
  std::size_t iterations = 0;  // ping-pong iterations, or rounds of `window` messages
  std::size_t window = 1;
  double timeout_s = 30;       // longest wait for one round (iteration or window) to complete
};

// Posts what the responder/receiver must have in place before the peer starts.
void prepare_responder(FabricRail& rail, const StepShape& s);
void prepare_stream_receiver(FabricRail& rail, const StepShape& s);
void prepare_bidir(FabricRail& rail, const StepShape& s);

LatencyPoint pingpong_initiator(FabricRail& rail, const StepShape& s);
void pingpong_responder(FabricRail& rail, const StepShape& s);
BandwidthPoint stream_sender(FabricRail& rail, const StepShape& s);
void stream_receiver(FabricRail& rail, const StepShape& s);
BandwidthPoint bidir(FabricRail& rail, const StepShape& s);

// Percentile of already sorted values (nearest rank).
double sorted_percentile(const std::vector<double>& sorted, double p);

}  // namespace fabricplan::calib
