// EventQueue: the pending events of one simulation, ordered by (time, sequence).
//
// The sequence number makes same-time events run in the order they were scheduled
// (FIFO), so runs are deterministic. Sequence numbers wrap; they are compared by
// serial-number arithmetic (RFC 1982), which is exact while the events pending at one
// instant were scheduled fewer than 2^31 pushes apart.
//
// Layout (a two-level calendar queue, after Brown's calendar queue and the ladder
// queue of Tang, Goh and Thng, ACM TOMACS 2005). A packet simulator keeps tens of
// thousands of events pending, nearly all due within a few microseconds (the next
// serialization end, the next arrival one propagation delay away), and one global heap
// over them is bound by cache misses: it was half the run time of bench-t-ft1024. So:
//   - time is cut into buckets of 2^kBucketShift ps;
//   - the next kBuckets - 1 buckets are unsorted lists in a ring: a push is an append.
//     The lists are FIFO chains of fixed-size chunks from one shared pool, so memory
//     follows the entries pending now (a vector per bucket would keep the largest size
//     each bucket ever reached: 150 MB on bench-t-1024-ib);
//   - when a bucket comes up it is sorted once into `sorted_` and popped from the front.
//     A chain holds its entries in push order, which is sequence order, so a stable
//     radix sort on the time within the bucket gives (time, sequence) order in O(n).
//     This matters because synchronized hosts put thousands of events at one instant;
//   - events pushed into the bucket being run go to a small heap (`late_`) that pop()
//     merges with `sorted_`;
//   - anything past the ring (timers) waits in a 4-ary overflow heap and is merged in
//     when its bucket comes up.
// A bitmap of non-empty ring slots finds the next bucket without touching empty ones.
// The pop order is exactly (time, sequence): the same as one global heap, so results
// do not depend on the bucket width.
//
// Entries are 24-byte PODs (time, 32-bit sequence, handler index, argument): no
// allocation per event once the vectors have grown. Cancellation is by handle: a
// cancellable event's entry names a slot and generation in a side table; cancelling
// bumps the generation, and a stale entry is skipped when it is popped (no scanning).
#pragma once

#include <array>
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
  // 2^14 ps = 16.4 ns per bucket (a 4160-byte packet is 333 ns on a 100 Gbit/s link);
  // 1024 buckets reach 16.8 µs ahead, past the propagation and serialization delays of
  // a hop, so only timers overflow.
  static constexpr int kBucketShift = 14;
  static constexpr std::size_t kBuckets = 1024;

  void push(Time at, EventHandler* handler, std::uint64_t arg);
  EventHandle push_cancellable(Time at, EventHandler* handler, std::uint64_t arg);
  // Returns false if the event already ran or was cancelled.
  bool cancel(EventHandle h);

  // Pops the earliest live event into `out`; false when empty.
  bool pop(Event& out);
  // The time of the event pop() would return, without taking it; false when empty.
  bool next_time(std::int64_t& time_ps);
  // The event k places after the next one in the current bucket's sorted run (k = 0:
  // that next one), or a null handler when the run is shorter or that entry is
  // cancellable. A hint for prefetching only: an event pushed into the current bucket
  // later (the late heap) may still come first.
  Event peek_ahead(std::size_t k) const {
    const std::size_t i = cursor_ + k;
    if (i >= sorted_.size() || sorted_[i].handler == kCancellable) return Event{0, nullptr, 0};
    return Event{sorted_[i].time_ps, handlers_[sorted_[i].handler], sorted_[i].arg};
  }
  bool empty() const { return size() == 0; }
  std::size_t size() const {  // includes cancelled entries
    return sorted_.size() - cursor_ + late_.size() + ring_entries_ + overflow_.size();
  }
  void reserve(std::size_t n) { sorted_.reserve(n); }

  EventQueue() {
    ring_head_.fill(kNoChunk);
    ring_tail_.fill(kNoChunk);
  }

  struct Entry {
    std::int64_t time_ps;
    std::uint32_t sequence;
    std::uint32_t handler;  // index into handlers_; kCancellable: arg = generation << 32 | slot
    std::uint64_t arg;
  };

 private:
  struct CancellableSlot {
    EventHandler* handler;
    std::uint64_t arg;
    std::uint32_t generation;
  };
  static constexpr std::uint32_t kCancellable = 0;
  static constexpr std::size_t kBitmapWords = kBuckets / 64;
  static_assert(kBuckets % 64 == 0 && (kBuckets & (kBuckets - 1)) == 0);
  static_assert(kBucketShift <= 16);  // two radix passes of at most 8 bits

  static std::int64_t bucket_of(std::int64_t time_ps) { return time_ps >> kBucketShift; }
  std::uint32_t handler_index(EventHandler* h);
  void push_entry(const Entry& e);
  // Makes the earliest non-empty bucket current; false when nothing is pending.
  bool advance();
  // The first non-empty ring bucket after current_bucket_, or -1.
  std::int64_t next_ring_bucket() const;

  // Sorts sorted_ (in push order, all in current_bucket_) into (time, sequence) order.
  void sort_current_bucket();

  std::int64_t current_bucket_ = 0;
  std::vector<Entry> sorted_;  // bucket current_bucket_ in pop order; sorted_[cursor_] is next
  std::size_t cursor_ = 0;
  std::vector<Entry> late_;  // 4-ary heap: pushed into current_bucket_ after it was sorted
  std::vector<Entry> scratch_;
  // Ring storage: bucket b is the chunk chain from ring_head_[b % kBuckets] to
  // ring_tail_[...], the chunk being filled. Chunks are indices into chunks_; kNoChunk
  // ends a chain.
  static constexpr std::uint32_t kNoChunk = UINT32_MAX;
  struct Chunk {
    static constexpr std::uint32_t kCapacity = 31;  // 31 * 24 + 8 = 752 bytes
    Entry entries[kCapacity];
    std::uint32_t next;
  };
  void ring_append(std::size_t slot, const Entry& e);
  // Appends the entries of ring slot `slot` to sorted_ in push order; frees its chunks.
  void ring_take(std::size_t slot);
  std::array<std::uint32_t, kBuckets> ring_head_;
  std::array<std::uint32_t, kBuckets> ring_tail_;
  // Entries in each slot's tail chunk (the others are full). Kept here, not in the
  // chunk: a push then touches only the line it writes, not the chunk's far end.
  std::array<std::uint32_t, kBuckets> ring_tail_count_{};
  std::vector<Chunk> chunks_;
  std::uint32_t free_chunk_ = kNoChunk;
  std::array<std::uint64_t, kBitmapWords> ring_nonempty_{};
  std::size_t ring_entries_ = 0;
  std::vector<Entry> overflow_;  // 4-ary heap: buckets at or past current_bucket_ + kBuckets

  std::uint32_t next_sequence_ = 0;
  std::vector<EventHandler*> handlers_{nullptr};  // slot 0 is kCancellable
  std::unordered_map<EventHandler*, std::uint32_t> handler_ids_;
  EventHandler* last_handler_ = nullptr;  // most pushes repeat the previous handler
  std::uint32_t last_handler_id_ = 0;
  std::vector<CancellableSlot> slots_;
  std::vector<std::uint32_t> free_slots_;
};

}  // namespace fabricplan::sim
