#include "sim/core/simulator.h"

#include "sim/core/lane.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace fabricplan::sim {

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
  if (!queue_.empty() || partitioned_) throw std::logic_error("partition() after events were scheduled");
  partition_ = std::move(p);
  partitioned_ = true;
  for (std::uint32_t l = 0; l < partition_.lanes; ++l) {
    auto lane = std::make_unique<Lane>();
    lane->owner = this;
    lane->index = l;
    for (auto& set : lane->outbox) set.resize(partition_.lanes);
    lanes_.push_back(std::move(lane));
  }
}

void Simulator::schedule_partitioned(Time at, EventHandler* h, std::uint64_t arg, std::uint32_t to) {
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
  from->outbox[from->sending][to].push_back(RemoteEvent{at.ps(), h, arg});
  if (at.ps() < from->sent_min_ps) from->sent_min_ps = at.ps();
}

EventHandle Simulator::schedule_cancellable(Time at, EventHandler* h, std::uint64_t arg) {
  if (!partitioned_) return queue_.push_cancellable(at, h, arg);
  const std::uint32_t to = h->lane_of(arg);
  if (to >= lanes_.size()) throw std::logic_error("an event whose handler names no lane, in a partitioned run");
  if (lane() != to && running_lane != nullptr) throw std::logic_error("a cancellable event for another lane");
  return lanes_[to]->queue.push_cancellable(at, h, arg);
}

bool Simulator::cancel(EventHandle h) { return partitioned_ ? lanes_[lane()]->queue.cancel(h) : queue_.cancel(h); }

bool Simulator::pending() const {
  if (!partitioned_) return !queue_.empty();
  return std::any_of(lanes_.begin(), lanes_.end(), [](const auto& l) { return !l->queue.empty(); });
}

std::uint64_t Simulator::events_processed() const {
  std::uint64_t n = events_;
  for (const auto& l : lanes_) n += l->events;
  return n;
}

void Simulator::run(Time until) {
  stopped_ = false;
  if (partitioned_) return run_partitioned(until);
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
  struct Running {  // this thread runs `lane` until it returns or throws
    explicit Running(Lane* l) { running_lane = l; }
    ~Running() { running_lane = nullptr; }
  } running(&lane);
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
}

}  // namespace fabricplan::sim
