#include "sim/core/event_queue.h"

namespace fabricplan::sim {

void EventQueue::push_event(const Event& e) {
  heap_.push_back(e);
  sift_up(heap_.size() - 1);
}

void EventQueue::push(Time at, EventHandler* handler, std::uint64_t arg) {
  push_event(Event{at.ps(), next_sequence_++, handler, arg, UINT32_MAX, 0});
}

EventHandle EventQueue::push_cancellable(Time at, EventHandler* handler, std::uint64_t arg) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slot_generation_.size());
    slot_generation_.push_back(0);
  }
  std::uint32_t gen = slot_generation_[slot];
  push_event(Event{at.ps(), next_sequence_++, handler, arg, slot, gen});
  return EventHandle{slot, gen};
}

bool EventQueue::cancel(EventHandle h) {
  if (!h.valid() || h.slot >= slot_generation_.size()) return false;
  if (slot_generation_[h.slot] != h.generation) return false;
  ++slot_generation_[h.slot];  // the queued entry is now stale
  free_slots_.push_back(h.slot);
  return true;
}

bool EventQueue::pop(Event& out) {
  while (!heap_.empty()) {
    out = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
    if (out.slot == UINT32_MAX) return true;
    if (slot_generation_[out.slot] != out.generation) continue;  // cancelled
    ++slot_generation_[out.slot];  // fired: the handle no longer cancels anything
    free_slots_.push_back(out.slot);
    return true;
  }
  return false;
}

void EventQueue::sift_up(std::size_t i) {
  Event e = heap_[i];
  while (i > 0) {
    std::size_t parent = (i - 1) / 4;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void EventQueue::sift_down(std::size_t i) {
  const std::size_t n = heap_.size();
  Event e = heap_[i];
  for (;;) {
    std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    std::size_t last = first + 4 < n ? first + 4 : n;
    for (std::size_t c = first + 1; c < last; ++c) {
      if (before(heap_[c], heap_[best])) best = c;
    }
    if (!before(heap_[best], e)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = e;
}

}  // namespace fabricplan::sim
