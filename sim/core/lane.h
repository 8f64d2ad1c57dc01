// A partitioned run's lane (see simulator.h): private to sim/core's two .cc files.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/core/simulator.h"

namespace fabricplan::sim {

// An event one lane scheduled for another, waiting for the end of the window.
struct RemoteEvent {
  std::int64_t time_ps;
  EventHandler* handler;
  std::uint64_t arg;
};

struct Simulator::Lane {
  const Simulator* owner = nullptr;
  std::uint32_t index = 0;
  EventQueue queue;
  Time now;
  std::uint64_t events = 0;
  std::int64_t window_end_ps = 0;    // events for other lanes must not be earlier
  std::int64_t next_ps = INT64_MAX;  // its earliest pending event after the hand-over
  std::vector<std::vector<RemoteEvent>> outbox;  // per destination lane

  // Takes in what every lane sent this one during the window, in (source lane, order
  // sent) order whichever thread ran them, and notes its next event.
  void hand_over(const std::vector<std::unique_ptr<Lane>>& lanes) {
    for (const auto& from : lanes) {
      std::vector<RemoteEvent>& box = from->outbox[index];
      for (const RemoteEvent& e : box) queue.push(Time::from_ps(e.time_ps), e.handler, e.arg);
      box.clear();
    }
    std::int64_t t;
    next_ps = queue.next_time(t) ? t : INT64_MAX;
  }
};

}  // namespace fabricplan::sim
