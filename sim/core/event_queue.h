// EventQueue: the pending events of one simulation, ordered by (time, sequence).
//
// The sequence number makes same-time events run in the order they were scheduled
// (FIFO), so runs are deterministic. Entries are 24-byte PODs (time, 32-bit sequence,
// handler index, argument) in a 4-ary implicit heap held in one vector: no allocation
// per event once it has grown, and a node's four children span 96 bytes, which matters
// because a large simulation is bound by cache misses in the heap. Sequence numbers
// wrap; they are compared by serial-number arithmetic (RFC 1982), which is exact while
// the events pending at one instant were scheduled fewer than 2^31 pushes apart.
// Cancellation is by handle: a cancellable event's entry names a slot and generation
// in a side table; cancelling bumps the generation, and a stale entry is skipped when
// it reaches the top (no scanning).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/core/time.h"

namespace fabricplan::sim {

class EventHandler;

struct EventHandle {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

// An event as pop() hands it out.
struct Event {
  std::int64_t time_ps;
  EventHandler* handler;
  std::uint64_t arg;  // handler-defined payload (a packet id, a port index, ...)
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
  struct Entry {
    std::int64_t time_ps;
    std::uint32_t sequence;
    std::uint32_t handler;  // index into handlers_; kCancellable: arg = generation << 32 | slot
    std::uint64_t arg;
  };
  struct CancellableSlot {
    EventHandler* handler;
    std::uint64_t arg;
    std::uint32_t generation;
  };
  static constexpr std::uint32_t kCancellable = 0;

  static bool before(const Entry& a, const Entry& b) {
    return a.time_ps < b.time_ps ||
           (a.time_ps == b.time_ps && static_cast<std::int32_t>(a.sequence - b.sequence) < 0);
  }
  std::uint32_t handler_index(EventHandler* h);
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  void push_entry(const Entry& e);

  std::vector<Entry> heap_;
  std::uint32_t next_sequence_ = 0;
  std::vector<EventHandler*> handlers_{nullptr};  // slot 0 is kCancellable
  std::unordered_map<EventHandler*, std::uint32_t> handler_ids_;
  EventHandler* last_handler_ = nullptr;  // most pushes repeat the previous handler
  std::uint32_t last_handler_id_ = 0;
  std::vector<CancellableSlot> slots_;
  std::vector<std::uint32_t> free_slots_;
};

}  // namespace fabricplan::sim
