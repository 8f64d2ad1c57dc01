// Simulator::run_partitioned: the window loop of a partitioned run (simulator.h).
//
// Every window is two phases between barriers: the lanes run their events before the
// window's end, then each takes in what the others sent it. The last thread to reach a
// barrier after a hand-over decides the next window (where it starts, whether the run
// is over) while the others wait, so all read one decision. A window that the previous
// one suggests will be sparse (fewer than kSoloEventsPerThread events per thread) is
// run by that deciding thread alone, lanes in order, and the next one decided at once:
// the other threads' wait costs less than two barriers for a handful of events (an
// incast into one host runs ~30 events per microsecond window). Threads take lanes one
// at a time from a shared counter, busiest first (by the events each ran in the window
// before): where a few lanes hold most of the work (the tail of a run on single paths)
// they start first and the rest fill in beside them. Which thread runs a lane never
// changes what the lane does.
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "sim/core/lane.h"
#include "sim/core/spin_barrier.h"

namespace fabricplan::sim {

void Simulator::run_partitioned(Time until) {
  constexpr std::uint64_t kSoloEventsPerThread = 64;
  const auto lanes = static_cast<std::uint32_t>(lanes_.size());
  const unsigned threads = std::min<unsigned>(partition_.threads, lanes);
  const std::int64_t lookahead = partition_.lookahead.ps();
  const std::int64_t until_ps = until.ps();
  for (auto& l : lanes_) {
    std::int64_t t;
    l->next_ps = l->queue.next_time(t) ? t : INT64_MAX;
  }
  std::int64_t window_end = 0;
  bool done = false;
  bool after_hand_over = true;  // which barrier completes: the first and every hand-over decide
  std::uint64_t events_before = events_processed();  // at the start of the last window
  std::uint64_t next_observe = events_before + observe_every_;
  // Lanes in the order threads take them (busiest in the last window first), the next
  // to take, and each lane's event count when the window began.
  std::vector<std::uint32_t> order(lanes);
  for (std::uint32_t l = 0; l < lanes; ++l) order[l] = l;
  std::atomic<std::uint32_t> next_lane{0};
  std::vector<std::uint64_t> events_at_start(lanes, 0);
  std::exception_ptr failure;
  std::mutex failure_mutex;
  std::atomic<bool> failed{false};
  auto run_lane = [&](Lane& lane) {
    try {
      if (!failed.load(std::memory_order_relaxed)) run_window(lane, window_end);
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      failed = true;
    }
  };
  // Sets the next window (window_end), or done.
  auto next_window = [&] {
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
  auto decide = [&] {
    if (!after_hand_over) {  // the lanes ran their windows; the hand-over comes next
      after_hand_over = true;
      return;
    }
    after_hand_over = false;
    for (;;) {
      const std::uint64_t last_window_events = events_processed() - events_before;
      events_before = events_processed();
      next_window();
      if (done) return;
      if (threads == 1 || last_window_events >= kSoloEventsPerThread * threads) {  // the threads run it
        if (threads > 1) {
          std::vector<std::uint64_t> ran(lanes);
          for (std::uint32_t l = 0; l < lanes; ++l) {
            ran[l] = lanes_[l]->events - events_at_start[l];
            events_at_start[l] = lanes_[l]->events;
          }
          std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return ran[a] > ran[b]; });
        }
        next_lane.store(0, std::memory_order_relaxed);
        return;
      }
      for (auto& l : lanes_) run_lane(*l);  // sparse: this thread runs the window alone
      for (auto& l : lanes_) l->hand_over(lanes_);
      for (std::uint32_t l = 0; l < lanes; ++l) events_at_start[l] = lanes_[l]->events;
    }
  };
  SpinBarrier sync(threads);
  auto worker = [&](unsigned t) {
    sync.arrive_and_wait(decide);  // the first decision
    while (!done) {
      for (std::uint32_t k; (k = next_lane.fetch_add(1, std::memory_order_relaxed)) < lanes;) run_lane(*lanes_[order[k]]);
      sync.arrive_and_wait(decide);
      for (std::uint32_t l = t; l < lanes; l += threads) lanes_[l]->hand_over(lanes_);
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
