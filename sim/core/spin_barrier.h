// A barrier for the partitioned simulator's windows: the last thread to arrive runs a
// completion step while the others wait, then all go on. Waiters spin a while (a
// window can be microseconds long, and libstdc++'s std::barrier yields and sleeps in
// the kernel at once: on a sparse incast it cost 8 us a window), then sleep on the
// generation (a futex), so a thread done early does not take a busy core's cycles and a
// machine with fewer cores than threads still makes progress. How long to spin is the
// caller's: where every thread has a core of its own, as long as a window's uneven
// ends last (a sleeper is woken tens of microseconds late, every window it sleeps).
#pragma once

#include <atomic>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace fabricplan::sim {

class SpinBarrier {
 public:
  SpinBarrier(unsigned threads, std::chrono::nanoseconds spin) : threads_(threads), spin_(spin) {}

  // What every thread wrote before arriving is visible to `completion` and, after it,
  // to every thread; what `completion` writes is visible to every thread after.
  template <class Completion>
  void arrive_and_wait(Completion&& completion) {
    const unsigned generation = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == threads_) {
      completion();
      arrived_.store(0, std::memory_order_relaxed);
      generation_.store(generation + 1, std::memory_order_release);
      generation_.notify_all();
      return;
    }
    const auto until = std::chrono::steady_clock::now() + spin_;
    do {
      for (unsigned spins = 0; spins < kSpinsPerClockRead; ++spins) {
        if (generation_.load(std::memory_order_acquire) != generation) return;
        pause();
      }
    } while (std::chrono::steady_clock::now() < until);
    while (generation_.load(std::memory_order_acquire) == generation) generation_.wait(generation, std::memory_order_acquire);
  }

 private:
  static constexpr unsigned kSpinsPerClockRead = 32;
  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
  }
  const unsigned threads_;
  const std::chrono::nanoseconds spin_;
  alignas(64) std::atomic<unsigned> arrived_{0};
  alignas(64) std::atomic<unsigned> generation_{0};
};

}  // namespace fabricplan::sim
