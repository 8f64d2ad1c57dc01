// EventQueue: the pending events of one simulation, ordered by (time, sequence).
//
// The sequence number makes same-time events run in the order they were scheduled
// (FIFO), so runs are deterministic. Events are 24-byte PODs in a 4-ary implicit heap
// held in one vector: no allocation per event once the vector has grown. Cancellation
// is by handle: a handle names a slot and its generation; cancelling bumps the
// generation, and a stale entry is skipped when it reaches the top (no scanning).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/time.h"

namespace fabricplan::sim {

class EventHandler;

struct EventHandle {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

struct Event {
  std::int64_t time_ps;
  std::uint64_t sequence;  // FIFO among equal times
  EventHandler* handler;
  std::uint64_t arg;       // handler-defined payload (a packet id, a port index, ...)
  std::uint32_t slot;      // UINT32_MAX: not cancellable
  std::uint32_t generation;
};

class EventQueue {
 public:
  void push(Time at, EventHandler* handler, std::uint64_t arg);
  EventHandle push_cancellable(Time at, EventHandler* handler, std::uint64_t arg);
  // Returns false if the event already ran or was cancelled.
  bool cancel(EventHandle h);

  // Pops the earliest live event into `out`; false when empty.
  bool pop(Event& out);
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }  // includes cancelled entries
  void reserve(std::size_t n) { heap_.reserve(n); }

 private:
  static bool before(const Event& a, const Event& b) {
    return a.time_ps < b.time_ps || (a.time_ps == b.time_ps && a.sequence < b.sequence);
  }
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  void push_event(const Event& e);

  std::vector<Event> heap_;
  std::uint64_t next_sequence_ = 0;
  std::vector<std::uint32_t> slot_generation_;
  std::vector<std::uint32_t> free_slots_;
};

}  // namespace fabricplan::sim
