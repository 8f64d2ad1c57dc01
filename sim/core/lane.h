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
  std::int64_t next_ps = INT64_MAX;  // its earliest pending event after its last window
  // What it sent other lanes, per destination, in two sets: a window's events are taken
  // in at the start of the next window (by whichever thread runs the destination then)
  // while that window's own go to the other set, so one barrier a window suffices.
  std::vector<std::vector<RemoteEvent>> outbox[2];
  std::uint32_t sending = 0;               // the set this window's events go to
  std::int64_t sent_min_ps = INT64_MAX;    // the earliest of them

  // Takes in what every lane sent this one into set `set`, in (source lane, order sent)
  // order whichever thread ran them.
  void hand_over(const std::vector<std::unique_ptr<Lane>>& lanes, std::uint32_t set) {
    for (const auto& from : lanes) {
      std::vector<RemoteEvent>& box = from->outbox[set][index];
      for (const RemoteEvent& e : box) queue.push(Time::from_ps(e.time_ps), e.handler, e.arg);
      box.clear();
    }
  }
  // Notes its next event (for the next window's start).
  void note_next() {
    std::int64_t t;
    next_ps = queue.next_time(t) ? t : INT64_MAX;
  }
};

}  // namespace fabricplan::sim
