// LaneAssignment: which thread of a partitioned run runs which lanes (simulator.h).
//
// A lane's state (its event queue, the ports and packets it works on) is hundreds of
// kilobytes that live in the caches of the core that last ran it. Handing lanes out
// afresh every window (the busiest first, to whichever thread asks) balances the work
// but moves that state between cores every microsecond of simulated time; a fixed
// round-robin keeps it in place but leaves threads idle where the load is uneven (the
// few lanes a run's tail lives in). So each thread keeps its lanes from one window to
// the next, and between windows a lane moves only where a thread's share of the last
// window's events is well over the mean (kTolerance); within a window a thread that
// has run its own lanes takes the ones other threads have not started yet, lightest
// first (their owners run theirs heaviest first). Which thread runs a lane never changes
// what the lane does: only the speed depends on this.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace fabricplan::sim {

class LaneAssignment {
 public:
  LaneAssignment(std::uint32_t lanes, unsigned threads);

  // Between windows (one thread, the others waiting): moves lanes from the busiest
  // threads to the idlest by the events each lane ran in the last window, orders each
  // thread's lanes busiest first and readies them to be taken.
  void rebalance(const std::vector<std::uint64_t>& events_per_lane);

  // During a window, on thread t: calls run(lane) for its own lanes, then for the lanes
  // of others not yet taken; every lane is run by exactly one thread.
  template <class Run>
  void run_window(unsigned t, Run&& run) {
    for (std::uint32_t lane : owned_[t]) {
      if (take(lane)) run(lane);
    }
    for (unsigned k = 1; k < threads_; ++k) {
      const std::vector<std::uint32_t>& other = owned_[(t + k) % threads_];
      for (std::size_t i = other.size(); i-- > 0;) {
        if (take(other[i])) run(other[i]);
      }
    }
  }

  // The lanes thread t owns (it takes in their events between windows).
  const std::vector<std::uint32_t>& owned(unsigned t) const { return owned_[t]; }
  // Lanes moved between threads so far (a measure of how often state changed cores).
  std::uint64_t moves() const { return moves_; }

 private:
  static constexpr double kTolerance = 1.10;  // a thread may carry 10% over the mean
  bool take(std::uint32_t lane) {
    std::atomic<bool>& f = taken_[lane].flag;
    return !f.load(std::memory_order_relaxed) && !f.exchange(true, std::memory_order_acq_rel);
  }
  struct alignas(64) Taken {
    std::atomic<bool> flag{false};
  };
  unsigned threads_;
  std::vector<unsigned> owner_;                   // per lane
  std::vector<std::vector<std::uint32_t>> owned_;  // per thread, busiest first
  std::unique_ptr<Taken[]> taken_;                 // per lane, this window
  std::uint64_t moves_ = 0;
};

}  // namespace fabricplan::sim
