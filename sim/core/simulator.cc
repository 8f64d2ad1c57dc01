#include "sim/core/simulator.h"

namespace fabricplan::sim {

void Simulator::run(Time until) {
  stopped_ = false;
  Event e;
  while (!stopped_ && !hit_event_limit() && queue_.pop(e)) {
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

}  // namespace fabricplan::sim
