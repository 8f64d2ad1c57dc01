#include "sim/core/event_queue.h"

namespace fabricplan::sim {

std::uint32_t EventQueue::handler_index(EventHandler* h) {
  if (h == last_handler_) return last_handler_id_;
  auto [it, inserted] = handler_ids_.emplace(h, static_cast<std::uint32_t>(handlers_.size()));
  if (inserted) handlers_.push_back(h);
  last_handler_ = h;
  last_handler_id_ = it->second;
  return it->second;
}

void EventQueue::push_entry(const Entry& e) {
  heap_.push_back(e);
  sift_up(heap_.size() - 1);
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

bool EventQueue::pop(Event& out) {
  while (!heap_.empty()) {
    Entry e = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
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
  return false;
}

void EventQueue::sift_up(std::size_t i) {
  Entry e = heap_[i];
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
  Entry e = heap_[i];
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
