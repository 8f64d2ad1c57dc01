// What a conservative parallel packet engine would pay to synchronize, measured on the
// machine at hand: the figures behind the estimate of a multi-threaded engine (one
// thread per fabric partition, link propagation as lookahead). Two costs matter:
//   - a barrier phase: every thread waits at the end of each lookahead window;
//   - a cross-partition message: an event (24 bytes, as EventQueue::Entry) handed from
//     the thread that scheduled it to the one owning its port, through a single-
//     producer single-consumer ring per pair of threads.
// Run with 2 threads (this machine's cores); per-iteration time is per phase / message.
#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <barrier>
#include <cstdint>

namespace {

void BM_BarrierPhase(benchmark::State& state) {
  static std::barrier<> phase(2);
  for (auto _ : state) phase.arrive_and_wait();
}
BENCHMARK(BM_BarrierPhase)->Threads(2)->UseRealTime();

struct Message {  // the size of an event queue entry
  std::int64_t time_ps;
  std::uint32_t sequence, handler;
  std::uint64_t arg;
};

// A bounded single-producer single-consumer ring, indices on separate cache lines.
class Mailbox {
 public:
  bool push(const Message& m) {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed);
    if (t - head_cache_ == kSize) {
      head_cache_ = head_.load(std::memory_order_acquire);
      if (t - head_cache_ == kSize) return false;
    }
    slots_[t % kSize] = m;
    tail_.store(t + 1, std::memory_order_release);
    return true;
  }
  bool pop(Message& m) {
    const std::uint64_t h = head_.load(std::memory_order_relaxed);
    if (h == tail_cache_) {
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (h == tail_cache_) return false;
    }
    m = slots_[h % kSize];
    head_.store(h + 1, std::memory_order_release);
    return true;
  }

 private:
  static constexpr std::uint64_t kSize = 4096;
  alignas(64) std::atomic<std::uint64_t> head_{0};
  alignas(64) std::uint64_t tail_cache_ = 0;  // the consumer's copy
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  alignas(64) std::uint64_t head_cache_ = 0;  // the producer's copy
  alignas(64) std::array<Message, kSize> slots_{};
};

void BM_CrossPartitionMessage(benchmark::State& state) {
  static Mailbox box;
  std::uint64_t sum = 0;
  if (state.thread_index() == 0) {
    std::uint64_t i = 0;
    for (auto _ : state) {
      while (!box.push(Message{static_cast<std::int64_t>(i), static_cast<std::uint32_t>(i), 1, i})) {
      }
      ++i;
    }
  } else {
    Message m;
    for (auto _ : state) {
      while (!box.pop(m)) {
      }
      sum += m.arg;
    }
  }
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_CrossPartitionMessage)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
