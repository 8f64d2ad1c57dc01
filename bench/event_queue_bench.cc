// Event queue under realistic event-time distributions, with a size sweep: the queue
// holds N pending events and each step pops the earliest and schedules a successor
// (the "hold" model), as a packet simulator does.
#include <benchmark/benchmark.h>

#include "sim/core/rng.h"
#include "sim/core/simulator.h"

namespace fabricplan::sim {
namespace {

struct Null : EventHandler {
  void on_event(Simulator&, std::uint64_t) override {}
};

// Successor delays: serialization-like constants with jitter (most packet events), or
// exponential (Poisson arrivals).
template <bool kExponential>
void BM_Hold(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  EventQueue q;
  Null h;
  Rng rng(1, "bench");
  q.reserve(n + 1);
  for (std::size_t i = 0; i < n; ++i) q.push(Time::from_ps(static_cast<std::int64_t>(rng.below(1000000))), &h, i);
  Event e;
  for (auto _ : state) {
    q.pop(e);
    std::int64_t delay = kExponential ? static_cast<std::int64_t>(rng.exponential(122400.0))
                                      : 122400 + static_cast<std::int64_t>(rng.below(1000));
    q.push(Time::from_ps(e.time_ps + delay), &h, e.arg);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Hold<false>)->Name("hold/serialization")->RangeMultiplier(8)->Range(64, 1 << 21);
BENCHMARK(BM_Hold<true>)->Name("hold/exponential")->RangeMultiplier(8)->Range(64, 1 << 21);

void BM_Cancel(benchmark::State& state) {
  EventQueue q;
  Null h;
  std::int64_t t = 0;
  Event e;
  for (auto _ : state) {
    EventHandle a = q.push_cancellable(Time::from_ps(t + 10), &h, 0);
    q.push(Time::from_ps(t + 5), &h, 1);
    q.cancel(a);
    while (q.pop(e)) {}
    t += 20;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Cancel);

}  // namespace
}  // namespace fabricplan::sim

BENCHMARK_MAIN();
