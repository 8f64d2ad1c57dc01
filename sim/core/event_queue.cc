#include "sim/core/event_queue.h"

#include <algorithm>
#include <array>
#include <bit>

namespace fabricplan::sim {
namespace {

using Entry = EventQueue::Entry;

bool before(const Entry& a, const Entry& b) {
  return a.time_ps < b.time_ps ||
         (a.time_ps == b.time_ps && static_cast<std::int32_t>(a.sequence - b.sequence) < 0);
}

// A 4-ary implicit min-heap in a vector: a node's four children span 96 bytes.
void sift_up(std::vector<Entry>& heap, std::size_t i) {
  Entry e = heap[i];
  while (i > 0) {
    std::size_t parent = (i - 1) / 4;
    if (!before(e, heap[parent])) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = e;
}

void sift_down(std::vector<Entry>& heap, std::size_t i) {
  const std::size_t n = heap.size();
  Entry e = heap[i];
  for (;;) {
    std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    std::size_t last = first + 4 < n ? first + 4 : n;
    for (std::size_t c = first + 1; c < last; ++c) {
      if (before(heap[c], heap[best])) best = c;
    }
    if (!before(heap[best], e)) break;
    heap[i] = heap[best];
    i = best;
  }
  heap[i] = e;
}

void heap_push(std::vector<Entry>& heap, const Entry& e) {
  heap.push_back(e);
  sift_up(heap, heap.size() - 1);
}

Entry heap_pop(std::vector<Entry>& heap) {
  Entry top = heap.front();
  heap.front() = heap.back();
  heap.pop_back();
  if (!heap.empty()) sift_down(heap, 0);
  return top;
}

// Stable sort of `v` by the low `bits` bits of time_ps (two LSD counting passes when
// large, insertion sort when small); `scratch` is reused storage.
void stable_sort_by_time_in_bucket(std::vector<Entry>& v, std::vector<Entry>& scratch, int bits) {
  const std::size_t n = v.size();
  if (n < 48) {
    for (std::size_t i = 1; i < n; ++i) {
      Entry e = v[i];
      std::size_t j = i;
      for (; j > 0 && v[j - 1].time_ps > e.time_ps; --j) v[j] = v[j - 1];
      v[j] = e;
    }
    return;
  }
  const int low_bits = bits / 2;
  const int high_bits = bits - low_bits;
  scratch.resize(n);
  auto pass = [n](const std::vector<Entry>& from, std::vector<Entry>& to, int shift, int width) {
    std::array<std::uint32_t, 257> count{};  // width <= 8
    const std::size_t buckets = std::size_t{1} << width;
    const std::int64_t mask = (std::int64_t{1} << width) - 1;
    for (const Entry& e : from) ++count[static_cast<std::size_t>((e.time_ps >> shift) & mask) + 1];
    for (std::size_t k = 1; k <= buckets; ++k) count[k] += count[k - 1];
    for (std::size_t i = 0; i < n; ++i) {
      to[count[static_cast<std::size_t>((from[i].time_ps >> shift) & mask)]++] = from[i];
    }
  };
  pass(v, scratch, 0, low_bits);
  pass(scratch, v, low_bits, high_bits);
}

}  // namespace

std::uint32_t EventQueue::handler_index(EventHandler* h) {
  if (h == last_handler_) return last_handler_id_;
  // find first: emplace builds (allocates) a node before it looks, on every call.
  auto it = handler_ids_.find(h);
  if (it == handler_ids_.end()) {
    it = handler_ids_.emplace(h, static_cast<std::uint32_t>(handlers_.size())).first;
    handlers_.push_back(h);
  }
  last_handler_ = h;
  last_handler_id_ = it->second;
  return it->second;
}

void EventQueue::push_entry(const Entry& e) {
  const std::int64_t bucket = bucket_of(e.time_ps);
  if (bucket <= current_bucket_) {
    heap_push(late_, e);  // earlier than every ring and overflow entry
  } else if (bucket - current_bucket_ < static_cast<std::int64_t>(kBuckets)) {
    ring_append(static_cast<std::size_t>(bucket) & (kBuckets - 1), e);
  } else {
    heap_push(overflow_, e);
  }
}

void EventQueue::push(Time at, EventHandler* handler, std::uint64_t arg) {
  push_entry(Entry{at.ps(), next_sequence_++, handler_index(handler), arg});
}

EventHandle EventQueue::push_cancellable(Time at, EventHandler* handler, std::uint64_t arg) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back(CancellableSlot{nullptr, 0, 0});
  }
  slots_[slot].handler = handler;
  slots_[slot].arg = arg;
  std::uint32_t gen = slots_[slot].generation;
  push_entry(Entry{at.ps(), next_sequence_++, kCancellable, (static_cast<std::uint64_t>(gen) << 32) | slot});
  return EventHandle{slot, gen};
}

bool EventQueue::cancel(EventHandle h) {
  if (!h.valid() || h.slot >= slots_.size()) return false;
  if (slots_[h.slot].generation != h.generation) return false;
  ++slots_[h.slot].generation;  // the queued entry is now stale
  free_slots_.push_back(h.slot);
  return true;
}

void EventQueue::ring_append(std::size_t slot, const Entry& e) {
  std::uint32_t tail = ring_tail_[slot];
  std::uint32_t& filled = ring_tail_count_[slot];
  if (tail == kNoChunk || filled == Chunk::kCapacity) {
    std::uint32_t fresh = free_chunk_;
    if (fresh != kNoChunk) {
      free_chunk_ = chunks_[fresh].next;
    } else {
      fresh = static_cast<std::uint32_t>(chunks_.size());
      chunks_.emplace_back();
    }
    chunks_[fresh].next = kNoChunk;
    if (tail == kNoChunk) {
      ring_head_[slot] = fresh;
      ring_nonempty_[slot / 64] |= std::uint64_t{1} << (slot % 64);
    } else {
      chunks_[tail].next = fresh;
    }
    ring_tail_[slot] = tail = fresh;
    filled = 0;
  }
  chunks_[tail].entries[filled++] = e;
  ++ring_entries_;
}

void EventQueue::ring_take(std::size_t slot) {
  std::uint32_t c = ring_head_[slot];
  const std::uint32_t tail = ring_tail_[slot];
  ring_head_[slot] = ring_tail_[slot] = kNoChunk;
  while (c != kNoChunk) {
    Chunk& chunk = chunks_[c];
    // Every chunk of a chain but its tail is full.
    const std::uint32_t count = c == tail ? ring_tail_count_[slot] : Chunk::kCapacity;
    sorted_.insert(sorted_.end(), chunk.entries, chunk.entries + count);
    ring_entries_ -= count;
    const std::uint32_t next = chunk.next;
    chunk.next = free_chunk_;
    free_chunk_ = c;
    c = next;
  }
}

std::int64_t EventQueue::next_ring_bucket() const {
  // Ring buckets lie in (current_bucket_, current_bucket_ + kBuckets): scan the slots
  // after the current one, wrapping round; the current slot itself is always empty.
  const std::size_t current_slot = static_cast<std::size_t>(current_bucket_) & (kBuckets - 1);
  for (std::size_t step = 0; step <= kBitmapWords; ++step) {
    const std::size_t word = (current_slot / 64 + step) % kBitmapWords;
    std::uint64_t bits = ring_nonempty_[word];
    if (step == 0) bits &= ~std::uint64_t{0} << (current_slot % 64);  // this word: slots from current on
    if (step == kBitmapWords) bits &= ~(~std::uint64_t{0} << (current_slot % 64));  // wrapped: before current
    if (bits == 0) continue;
    const std::size_t slot = word * 64 + static_cast<std::size_t>(std::countr_zero(bits));
    return current_bucket_ + static_cast<std::int64_t>((slot - current_slot) & (kBuckets - 1));
  }
  return -1;
}

bool EventQueue::advance() {
  std::int64_t next = ring_entries_ > 0 ? next_ring_bucket() : -1;
  if (!overflow_.empty()) {
    const std::int64_t overflow_bucket = bucket_of(overflow_.front().time_ps);
    if (next < 0 || overflow_bucket < next) next = overflow_bucket;
  }
  if (next < 0) return false;
  current_bucket_ = next;
  sorted_.clear();
  cursor_ = 0;
  const std::size_t slot = static_cast<std::size_t>(next) & (kBuckets - 1);
  const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
  if (ring_nonempty_[slot / 64] & bit) {
    // The slot can only hold bucket `next`: ring buckets span less than one turn.
    ring_take(slot);
    ring_nonempty_[slot / 64] &= ~bit;
  }
  sort_current_bucket();
  return true;
}

void EventQueue::sort_current_bucket() {
  // Ring entries arrive in push order, so sorting them stably by time gives (time,
  // sequence) order.
  stable_sort_by_time_in_bucket(sorted_, scratch_, kBucketShift);
  if (overflow_.empty() || bucket_of(overflow_.front().time_ps) != current_bucket_) return;
  // Timers that waited in the overflow heap: popped in (time, sequence) order, then
  // merged (they were pushed before any ring entry of this bucket, but may be later in
  // time).
  std::vector<Entry> timers;
  while (!overflow_.empty() && bucket_of(overflow_.front().time_ps) == current_bucket_) {
    timers.push_back(heap_pop(overflow_));
  }
  scratch_.resize(sorted_.size() + timers.size());
  std::merge(timers.begin(), timers.end(), sorted_.begin(), sorted_.end(), scratch_.begin(), before);
  sorted_.swap(scratch_);
}

bool EventQueue::next_time(std::int64_t& time_ps) {
  for (;;) {
    const bool have_sorted = cursor_ < sorted_.size();
    if (!have_sorted && late_.empty()) {
      if (!advance()) return false;
      continue;
    }
    const bool from_sorted = have_sorted && (late_.empty() || before(sorted_[cursor_], late_.front()));
    const Entry& e = from_sorted ? sorted_[cursor_] : late_.front();
    if (e.handler == kCancellable &&
        slots_[static_cast<std::uint32_t>(e.arg)].generation != static_cast<std::uint32_t>(e.arg >> 32)) {
      if (from_sorted) {  // cancelled: drop it, as pop() would
        ++cursor_;
      } else {
        heap_pop(late_);
      }
      continue;
    }
    time_ps = e.time_ps;
    return true;
  }
}

bool EventQueue::pop(Event& out) {
  for (;;) {
    const bool have_sorted = cursor_ < sorted_.size();
    if (!have_sorted && late_.empty()) {
      if (!advance()) return false;
      continue;
    }
    Entry e = have_sorted && (late_.empty() || before(sorted_[cursor_], late_.front())) ? sorted_[cursor_++]
                                                                                        : heap_pop(late_);
    if (e.handler != kCancellable) {
      out = Event{e.time_ps, handlers_[e.handler], e.arg};
      return true;
    }
    auto slot = static_cast<std::uint32_t>(e.arg);
    CancellableSlot& s = slots_[slot];
    if (s.generation != static_cast<std::uint32_t>(e.arg >> 32)) continue;  // cancelled
    out = Event{e.time_ps, s.handler, s.arg};
    ++s.generation;  // fired: the handle no longer cancels anything
    free_slots_.push_back(slot);
    return true;
  }
}

}  // namespace fabricplan::sim
