// Simulator: one simulation's clock and event queue. No globals: every component gets
// the simulator by reference, so several simulations can run in one process.
//
// Anything that acts in time implements EventHandler::on_event (htsim's doNextEvent);
// the 64-bit argument lets one handler serve many things (a switch, all its ports)
// without an allocation per event.
#pragma once

#include <cstdint>

#include "sim/core/event_queue.h"
#include "sim/core/time.h"

namespace fabricplan::sim {

class Simulator;

class EventHandler {
 public:
  virtual void on_event(Simulator& sim, std::uint64_t arg) = 0;
  // Called a few events before on_event(arg) runs, with the same argument: a handler
  // whose events touch memory scattered over a large table (a port, a packet) asks the
  // CPU to fetch it now, so the miss overlaps the events before it. Must change nothing.
  virtual void prefetch(std::uint64_t /*arg*/) const {}

 protected:
  ~EventHandler() = default;
};

// Watches a run from outside the event queue (progress lines): it is called every so
// many events and schedules nothing, so watching never changes what is simulated.
class RunObserver {
 public:
  virtual void observe(const class Simulator& sim) = 0;

 protected:
  ~RunObserver() = default;
};

class Simulator {
 public:
  Time now() const { return now_; }

  void schedule_at(Time at, EventHandler* h, std::uint64_t arg = 0) { queue_.push(at, h, arg); }
  void schedule_in(Time delay, EventHandler* h, std::uint64_t arg = 0) {
    queue_.push(now_ + delay, h, arg);
  }
  EventHandle schedule_cancellable(Time at, EventHandler* h, std::uint64_t arg = 0) {
    return queue_.push_cancellable(at, h, arg);
  }
  bool cancel(EventHandle h) { return queue_.cancel(h); }

  // Runs events until the queue is empty, `until` is passed, or stop() is called.
  void run(Time until = Time::max());
  void stop() { stopped_ = true; }

  std::uint64_t events_processed() const { return events_; }
  // `observer` (nullptr: none) is called after every `every_events` events.
  // run() stops (as stop() does) once this many events ran in all; 0: no limit.
  void set_event_limit(std::uint64_t events) { event_limit_ = events; }
  bool hit_event_limit() const { return event_limit_ && events_ >= event_limit_; }
  void set_observer(RunObserver* observer, std::uint64_t every_events = 1 << 16) {
    observer_ = observer;
    observe_every_ = every_events ? every_events : 1;
  }
  EventQueue& queue() { return queue_; }

 private:
  static constexpr std::size_t kPrefetchDistance = 6;
  EventQueue queue_;
  Time now_;
  std::uint64_t events_ = 0;
  bool stopped_ = false;
  RunObserver* observer_ = nullptr;
  std::uint64_t event_limit_ = 0;
  std::uint64_t observe_every_ = 1 << 16;
};

}  // namespace fabricplan::sim
