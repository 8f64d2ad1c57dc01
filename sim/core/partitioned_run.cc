// Simulator::run_partitioned: the window loop of a partitioned run (simulator.h).
//
// Every window is one phase between barriers: each lane takes in what the others sent
// it in the window before, then runs its events before the window's end (what it sends
// goes to the other of two outbox sets, lane.h). The last thread to reach the barrier
// decides the next window (where it starts, whether the run is over) while the others
// wait, so all read one decision. A window that the previous one suggests will be
// sparse (fewer than kSoloEventsPerThread events per thread) is run by that deciding
// thread alone, lanes in order, and the next one decided at once (never the first
// window: nothing says it is sparse, and where every host starts at once it holds the
// run's heaviest burst of work, tens of thousands of packets made): the other threads'
// wait costs less than a barrier for a handful of events (an incast into one host runs
// ~30 events per microsecond window). Which thread runs which lanes is LaneAssignment's:
// each keeps its lanes, moved only where the load is uneven, and takes over lanes
// others have not started when its own are done. Which thread runs a lane never changes
// what the lane does.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

#ifdef __linux__
#include <sched.h>
#endif

#include "sim/core/lane.h"
#include "sim/core/lane_assignment.h"
#include "sim/core/spin_barrier.h"

namespace fabricplan::sim {
namespace {

// How long a thread waiting at the window barrier spins before it sleeps: where each
// thread has a core, past a window's uneven ends (a woken sleeper starts tens of
// microseconds late); where threads share cores, briefly (a spinner takes the core a
// working thread needs).
constexpr std::chrono::microseconds kSpinOwnCores{200};
constexpr std::chrono::microseconds kSpinSharedCores{2};

// Cores this process may run on (its affinity mask, as taskset sets it).
unsigned usable_cores() {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(CPU_COUNT(&set));
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

void Simulator::run_partitioned(Time until) {
  constexpr std::uint64_t kSoloEventsPerThread = 64;
  const auto lanes = static_cast<std::uint32_t>(lanes_.size());
  const unsigned threads = std::min<unsigned>(partition_.threads, lanes);
  const std::int64_t lookahead = partition_.lookahead.ps();
  const std::int64_t until_ps = until.ps();
  for (auto& l : lanes_) {
    l->note_next();
    l->sent_min_ps = INT64_MAX;
  }
  std::int64_t window_end = 0;
  bool done = false;
  std::uint32_t set = 0;  // the outbox set this window's events go to (lane.h)
  std::uint64_t events_before = events_processed();  // at the start of the last window
  bool first_window = true;
  std::uint64_t next_observe = events_before + observe_every_;
  // Who runs which lanes, and each lane's event count when the window began.
  LaneAssignment assignment(lanes, threads);
  std::vector<std::uint64_t> events_at_start(lanes, 0);
  std::vector<std::uint64_t> ran(lanes);
  std::exception_ptr failure;
  std::mutex failure_mutex;
  std::atomic<bool> failed{false};
  // A lane's part of a window: it takes in what it was sent in the last one, runs its
  // events before the window's end and notes its next. Every lane does this every window
  // (the set it reads is written again in the window after).
  auto run_lane = [&](Lane& lane) {
    try {
      lane.hand_over(lanes_, set ^ 1);
      lane.sending = set;
      lane.sent_min_ps = INT64_MAX;
      if (!failed.load(std::memory_order_relaxed)) run_window(lane, window_end);
      lane.note_next();
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      failed = true;
    }
  };
  // Sets the next window (window_end), or done: it starts at the earliest event pending
  // in a lane or sent to one.
  auto next_window = [&] {
    std::int64_t start = INT64_MAX;
    std::int64_t latest = now_.ps();
    for (const auto& l : lanes_) {
      start = std::min({start, l->next_ps, l->sent_min_ps});
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
  // At the barrier after every window, on the last thread to arrive.
  auto decide = [&] {
    for (;;) {
      const std::uint64_t last_window_events = events_processed() - events_before;
      events_before = events_processed();
      next_window();
      if (done) {  // what the last window sent waits in its lanes' queues (for a later run())
        for (auto& l : lanes_) l->hand_over(lanes_, set);
        return;
      }
      set ^= 1;
      if (threads == 1 || first_window || last_window_events >= kSoloEventsPerThread * threads) {  // the threads run it
        first_window = false;
        for (std::uint32_t l = 0; l < lanes; ++l) {
          ran[l] = lanes_[l]->events - events_at_start[l];
          events_at_start[l] = lanes_[l]->events;
        }
        assignment.rebalance(ran);
        return;
      }
      for (auto& l : lanes_) run_lane(*l);  // sparse: this thread runs the window alone
      for (std::uint32_t l = 0; l < lanes; ++l) events_at_start[l] = lanes_[l]->events;
    }
  };
  SpinBarrier sync(threads, threads <= usable_cores() ? kSpinOwnCores : kSpinSharedCores);
  auto worker = [&](unsigned t) {
    sync.arrive_and_wait(decide);  // the first decision
    while (!done) {
      assignment.run_window(t, [&](std::uint32_t l) { run_lane(*lanes_[l]); });
      sync.arrive_and_wait(decide);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace fabricplan::sim
