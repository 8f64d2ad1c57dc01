#include "sim/core/simulator.h"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

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
  std::int64_t window_end_ps = 0;  // events for other lanes must not be earlier
  std::int64_t next_ps = INT64_MAX;  // its earliest pending event after the hand-over
  std::vector<std::vector<RemoteEvent>> outbox;  // per destination lane
};

namespace {
// The lane whose events this thread runs now (nullptr outside a partitioned run).
thread_local Simulator::Lane* running_lane = nullptr;
}  // namespace

Simulator::Simulator() = default;
Simulator::~Simulator() = default;

Time Simulator::lane_now() const {
  return running_lane != nullptr && running_lane->owner == this ? running_lane->now : now_;
}

std::uint32_t Simulator::running_lane_index() const {
  return running_lane != nullptr && running_lane->owner == this ? running_lane->index : 0;
}

void Simulator::partition(Partition p) {
  if (p.lanes == 0 || p.threads == 0) throw std::invalid_argument("a partitioned run needs at least one lane and thread");
  if (p.lookahead.ps() <= 0) throw std::invalid_argument("a partitioned run needs a lookahead above zero");
  for (std::uint32_t l : p.lane_of_node) {
    if (l >= p.lanes) throw std::invalid_argument("a node's lane " + std::to_string(l) + " is past the lane count");
  }
  if (!queue_.empty() || !lanes_.empty()) throw std::logic_error("partition() after events were scheduled");
  partition_ = std::move(p);
  partitioned_ = true;
  for (std::uint32_t l = 0; l < partition_.lanes; ++l) {
    auto lane = std::make_unique<Lane>();
    lane->owner = this;
    lane->index = l;
    lane->outbox.resize(partition_.lanes);
    lanes_.push_back(std::move(lane));
  }
}

void Simulator::schedule_partitioned(Time at, EventHandler* h, std::uint64_t arg) {
  const std::uint32_t to = h->lane_of(arg);
  if (to >= lanes_.size()) throw std::logic_error("an event whose handler names no lane, in a partitioned run");
  Lane* from = running_lane != nullptr && running_lane->owner == this ? running_lane : nullptr;
  if (from == nullptr || from->index == to) {  // set-up (one thread), or within the lane
    lanes_[to]->queue.push(at, h, arg);
    return;
  }
  if (at.ps() < from->window_end_ps) {
    throw std::logic_error("lane " + std::to_string(from->index) + " scheduled an event for lane " +
                           std::to_string(to) + " at " + std::to_string(at.ps()) + " ps, inside the window ending at " +
                           std::to_string(from->window_end_ps) + " ps: less than the lookahead ahead");
  }
  from->outbox[to].push_back(RemoteEvent{at.ps(), h, arg});
}

EventHandle Simulator::schedule_cancellable(Time at, EventHandler* h, std::uint64_t arg) {
  if (lanes_.empty()) return queue_.push_cancellable(at, h, arg);
  const std::uint32_t to = h->lane_of(arg);
  if (to >= lanes_.size()) throw std::logic_error("an event whose handler names no lane, in a partitioned run");
  if (lane() != to && running_lane != nullptr) throw std::logic_error("a cancellable event for another lane");
  return lanes_[to]->queue.push_cancellable(at, h, arg);
}

bool Simulator::cancel(EventHandle h) { return lanes_.empty() ? queue_.cancel(h) : lanes_[lane()]->queue.cancel(h); }

bool Simulator::pending() const {
  if (lanes_.empty()) return !queue_.empty();
  return std::any_of(lanes_.begin(), lanes_.end(), [](const auto& l) { return !l->queue.empty(); });
}

std::uint64_t Simulator::events_processed() const {
  std::uint64_t n = events_;
  for (const auto& l : lanes_) n += l->events;
  return n;
}

void Simulator::run(Time until) {
  stopped_ = false;
  if (!lanes_.empty()) return run_partitioned(until);
  Event e;
  const std::uint64_t limit = event_limit_ ? event_limit_ : UINT64_MAX;
  while (!stopped_ && events_ < limit && queue_.pop(e)) {
    if (e.time_ps > until.ps()) {
      // Put it back: a later run() continues from here.
      queue_.push(Time::from_ps(e.time_ps), e.handler, e.arg);
      now_ = until;
      return;
    }
    now_ = Time::from_ps(e.time_ps);
    ++events_;
    // Events are dominated by cache misses on their port and packet: start fetching
    // those of an event a few places ahead while this one runs.
    const Event ahead = queue_.peek_ahead(kPrefetchDistance);
    if (ahead.handler != nullptr) ahead.handler->prefetch(ahead.arg);
    e.handler->on_event(*this, e.arg);
    if (observer_ != nullptr && events_ % observe_every_ == 0) observer_->observe(*this);
  }
}

void Simulator::run_window(Lane& lane, std::int64_t end_ps) {
  running_lane = &lane;
  lane.window_end_ps = end_ps;
  std::int64_t t;
  Event e;
  while (lane.queue.next_time(t) && t < end_ps) {
    lane.queue.pop(e);
    lane.now = Time::from_ps(e.time_ps);
    ++lane.events;
    const Event ahead = lane.queue.peek_ahead(kPrefetchDistance);
    if (ahead.handler != nullptr) ahead.handler->prefetch(ahead.arg);
    e.handler->on_event(*this, e.arg);
  }
  running_lane = nullptr;
}

void Simulator::run_partitioned(Time until) {
  const auto lanes = static_cast<std::uint32_t>(lanes_.size());
  const unsigned threads = std::min<unsigned>(partition_.threads, lanes);
  const std::int64_t lookahead = partition_.lookahead.ps();
  const std::int64_t until_ps = until.ps();
  for (auto& l : lanes_) {
    std::int64_t t;
    l->next_ps = l->queue.next_time(t) ? t : INT64_MAX;
  }
  // The next window, decided once per window by the barrier's completion step (one
  // thread, the others waiting), so every thread reads the same decision.
  std::int64_t window_end = 0;
  bool done = false;
  bool after_handover = true;  // which barrier completes: the first and every hand-over decide
  std::uint64_t next_observe = observe_every_;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  std::atomic<bool> failed{false};
  auto decide = [&] {
    if (!after_handover) {  // the lanes ran their windows; the hand-over comes next
      after_handover = true;
      return;
    }
    after_handover = false;
    std::int64_t start = INT64_MAX;
    std::int64_t latest = now_.ps();
    for (const auto& l : lanes_) {
      start = std::min(start, l->next_ps);
      latest = std::max(latest, l->now.ps());
    }
    now_ = Time::from_ps(latest);
    if (observer_ != nullptr && events_processed() >= next_observe) {
      observer_->observe(*this);
      next_observe = events_processed() + observe_every_;
    }
    if (start > until_ps && start != INT64_MAX) now_ = until;
    done = start == INT64_MAX || start > until_ps || stopped_ || hit_event_limit() || failed.load();
    if (done) return;
    ++windows_;
    window_end = until_ps - start < lookahead ? until_ps + 1 : start + lookahead;
  };
  std::barrier sync(static_cast<std::ptrdiff_t>(threads), decide);
  auto worker = [&](unsigned t) {
    sync.arrive_and_wait();  // the first decision
    while (!done) {
      for (std::uint32_t l = t; l < lanes; l += threads) {
        try {
          if (!failed.load(std::memory_order_relaxed)) run_window(*lanes_[l], window_end);
        } catch (...) {
          running_lane = nullptr;
          std::lock_guard<std::mutex> lock(failure_mutex);
          if (!failure) failure = std::current_exception();
          failed = true;
        }
      }
      sync.arrive_and_wait();
      for (std::uint32_t l = t; l < lanes; l += threads) {  // hand-over: what the others sent lane l
        Lane& lane = *lanes_[l];
        for (std::uint32_t from = 0; from < lanes; ++from) {
          std::vector<RemoteEvent>& box = lanes_[from]->outbox[l];
          for (const RemoteEvent& e : box) lane.queue.push(Time::from_ps(e.time_ps), e.handler, e.arg);
          box.clear();
        }
        std::int64_t next;
        lane.next_ps = lane.queue.next_time(next) ? next : INT64_MAX;
      }
      sync.arrive_and_wait();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace fabricplan::sim
