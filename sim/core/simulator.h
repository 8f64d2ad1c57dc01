// Simulator: one simulation's clock and event queue. No globals: every component gets
// the simulator by reference, so several simulations can run in one process.
//
// Anything that acts in time implements EventHandler::on_event (htsim's doNextEvent);
// the 64-bit argument lets one handler serve many things (a switch, all its ports)
// without an allocation per event.
//
// Partitioned runs (partition()): the network's nodes are cut into lanes, each with its
// own clock and queue, and threads run the lanes side by side in windows as long as the
// smallest delay of anything one lane can cause in another (the lookahead: a link's
// propagation). This is conservative synchronous simulation (YAWNS: Nicol, "The cost of
// conservative synchronization in parallel discrete event simulations", JACM 40(2),
// 1993): in a window [t, t + lookahead) no lane can receive an event from another, so
// each runs its own events alone; what a lane schedules for another is kept in an
// outbox and taken in by that lane at the start of its next window, in (source lane,
// order of scheduling) order.
// Results depend on the partition (the lanes and who owns what), never on the number of
// threads or their timing. The handler of every event names its lane (lane_of).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/time.h"

namespace fabricplan::sim {

class Simulator;

class EventHandler {
 public:
  static constexpr std::uint32_t kNoLane = UINT32_MAX;
  virtual void on_event(Simulator& sim, std::uint64_t arg) = 0;
  // Called a few events before on_event(arg) runs, with the same argument: a handler
  // whose events touch memory scattered over a large table (a port, a packet) asks the
  // CPU to fetch it now, so the miss overlaps the events before it. Must change nothing.
  virtual void prefetch(std::uint64_t /*arg*/) const {}
  // Partitioned runs: the lane that owns what the event `arg` reads and writes.
  // kNoLane: this handler cannot run partitioned (scheduling it then throws).
  virtual std::uint32_t lane_of(std::uint64_t /*arg*/) const { return kNoLane; }

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

// How a partitioned run cuts the network (see the header comment).
struct Partition {
  std::vector<std::uint32_t> lane_of_node;  // per topology node (hosts first)
  std::uint32_t lanes = 1;
  Time lookahead;        // no event crosses from one lane to another sooner than this
  unsigned threads = 1;  // how many run the lanes; changes the speed, never the result
};

class Simulator {
 public:
  Simulator();
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  Time now() const { return partitioned_ ? lane_now() : now_; }

  void schedule_at(Time at, EventHandler* h, std::uint64_t arg = 0) {
    if (!partitioned_) {
      queue_.push(at, h, arg);
    } else {
      schedule_partitioned(at, h, arg, h->lane_of(arg));
    }
  }
  void schedule_in(Time delay, EventHandler* h, std::uint64_t arg = 0) { schedule_at(now() + delay, h, arg); }
  // As schedule_at, for a caller that knows the event's lane (h->lane_of(arg)) without
  // asking: the packet fabric, on every hop.
  void schedule_in_lane(Time at, EventHandler* h, std::uint64_t arg, std::uint32_t lane) {
    if (!partitioned_) {
      queue_.push(at, h, arg);
    } else {
      schedule_partitioned(at, h, arg, lane);
    }
  }
  // Partitioned runs: only within the lane that schedules it.
  EventHandle schedule_cancellable(Time at, EventHandler* h, std::uint64_t arg = 0);
  bool cancel(EventHandle h);

  // Runs events until the queue is empty, `until` is passed, or stop() is called (a
  // partitioned run stops at the end of the window).
  void run(Time until = Time::max());
  void stop() { stopped_ = true; }

  // Cuts the run into lanes; before anything is scheduled. Throws std::invalid_argument
  // on a partition it cannot run (no lanes, a lookahead of zero).
  void partition(Partition p);
  bool partitioned() const { return partitioned_; }
  std::uint32_t lane_count() const { return partitioned_ ? static_cast<std::uint32_t>(lanes_.size()) : 1; }
  // The lane whose event runs now on this thread (0 unpartitioned or outside a run).
  std::uint32_t lane() const { return partitioned_ ? running_lane_index() : 0; }
  std::uint32_t lane_of_node(int node) const { return partitioned_ ? partition_.lane_of_node[node] : 0; }
  const Partition& partition_used() const { return partition_; }
  // Events still pending in any lane.
  bool pending() const;
  // Windows a partitioned run went through (0 unpartitioned).
  std::uint64_t windows() const { return windows_; }

  std::uint64_t events_processed() const;
  // `observer` (nullptr: none) is called after every `every_events` events.
  // run() stops (as stop() does) once this many events ran in all; 0: no limit.
  void set_event_limit(std::uint64_t events) { event_limit_ = events; }
  bool hit_event_limit() const { return event_limit_ && events_processed() >= event_limit_; }
  void set_observer(RunObserver* observer, std::uint64_t every_events = 1 << 16) {
    observer_ = observer;
    observe_every_ = every_events ? every_events : 1;
  }
  EventQueue& queue() { return queue_; }

  struct Lane;  // one partition's clock, queue and outboxes (simulator.cc)

 private:
  static constexpr std::size_t kPrefetchDistance = 6;
  Time lane_now() const;
  std::uint32_t running_lane_index() const;
  void schedule_partitioned(Time at, EventHandler* h, std::uint64_t arg, std::uint32_t to);
  void run_partitioned(Time until);
  // Runs lane's events before end_ps on this thread.
  void run_window(Lane& lane, std::int64_t end_ps);

  EventQueue queue_;
  Time now_;
  bool partitioned_ = false;  // the hot paths test this one byte
  std::uint64_t events_ = 0;
  bool stopped_ = false;
  RunObserver* observer_ = nullptr;
  std::uint64_t event_limit_ = 0;
  std::uint64_t observe_every_ = 1 << 16;
  Partition partition_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::uint64_t windows_ = 0;
};

}  // namespace fabricplan::sim
