#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "sim/core/rng.h"
#include "sim/core/simulator.h"

namespace fabricplan::sim {
namespace {

struct Recorder : EventHandler {
  std::vector<std::pair<std::int64_t, std::uint64_t>> seen;
  void on_event(Simulator& sim, std::uint64_t arg) override { seen.push_back({sim.now().ps(), arg}); }
};

TEST(EventQueue, TimeOrderThenFifoAmongEqualTimes) {
  Simulator sim;
  Recorder r;
  sim.schedule_at(Time::from_ps(50), &r, 1);
  sim.schedule_at(Time::from_ps(10), &r, 2);
  sim.schedule_at(Time::from_ps(50), &r, 3);
  sim.schedule_at(Time::from_ps(50), &r, 4);
  sim.schedule_at(Time::from_ps(0), &r, 5);
  sim.run();
  std::vector<std::uint64_t> order;
  for (auto [t, a] : r.seen) order.push_back(a);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{5, 2, 1, 3, 4}));
  EXPECT_EQ(sim.events_processed(), 5u);
}

TEST(EventQueue, CancelByHandle) {
  Simulator sim;
  Recorder r;
  EventHandle a = sim.schedule_cancellable(Time::from_ps(5), &r, 1);
  EventHandle b = sim.schedule_cancellable(Time::from_ps(6), &r, 2);
  EXPECT_TRUE(sim.cancel(a));
  EXPECT_FALSE(sim.cancel(a));  // already cancelled
  sim.run();
  ASSERT_EQ(r.seen.size(), 1u);
  EXPECT_EQ(r.seen[0].second, 2u);
  EXPECT_FALSE(sim.cancel(b));  // already ran
  // A reused slot does not resurrect the old handle.
  sim.schedule_cancellable(Time::from_ps(7), &r, 3);
  EXPECT_FALSE(sim.cancel(a));
  sim.run();
  EXPECT_EQ(r.seen.size(), 2u);
}

TEST(EventQueue, ManyEventsComeOutSorted) {
  // Against std::sort of the same keys: the heap must agree with a total order.
  Simulator sim;
  Recorder r;
  Rng rng(7, "test");
  std::vector<std::pair<std::int64_t, std::uint64_t>> expected;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    std::int64_t t = static_cast<std::int64_t>(rng.below(1000));
    sim.schedule_at(Time::from_ps(t), &r, i);
    expected.push_back({t, i});
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](auto& x, auto& y) { return x.first < y.first; });
  sim.run();
  EXPECT_EQ(r.seen, expected);
}

TEST(EventQueue, HoldModelMatchesAReferenceOrderAcrossBucketsRingAndOverflow) {
  // The calendar layout (current bucket, ring, overflow heap) must pop exactly in
  // (time, push order), as one sorted set does. Delays mix same-instant pushes (into the
  // bucket being run), sub-bucket and ring-range delays, and timers far past the ring;
  // a quarter of the events are cancellable and a third of those get cancelled.
  EventQueue q;
  struct Null : EventHandler {
    void on_event(Simulator&, std::uint64_t) override {}
  } h;
  Rng rng(11, "hold");
  std::map<std::pair<std::int64_t, std::uint64_t>, std::uint64_t> reference;  // (time, push#) -> id
  std::vector<std::pair<EventHandle, std::pair<std::int64_t, std::uint64_t>>> cancellable;
  const std::int64_t bucket_ps = std::int64_t{1} << EventQueue::kBucketShift;
  const std::int64_t ring_ps = bucket_ps * static_cast<std::int64_t>(EventQueue::kBuckets);
  std::uint64_t pushes = 0, id = 0;
  auto push = [&](std::int64_t at) {
    const auto key = std::make_pair(at, pushes++);
    if (rng.below(4) == 0) {
      cancellable.push_back({q.push_cancellable(Time::from_ps(at), &h, id), key});
    } else {
      q.push(Time::from_ps(at), &h, id);
    }
    reference[key] = id++;
  };
  auto delay = [&]() -> std::int64_t {
    switch (rng.below(5)) {
      case 0: return 0;                                                    // same instant
      case 1: return static_cast<std::int64_t>(rng.below(bucket_ps));      // same or next bucket
      case 2: return static_cast<std::int64_t>(rng.below(ring_ps));        // in the ring
      case 3: return ring_ps + static_cast<std::int64_t>(rng.below(4 * ring_ps));  // overflow
      default: return 332800;                                              // a serialization time
    }
  };
  for (int i = 0; i < 2000; ++i) push(static_cast<std::int64_t>(rng.below(2 * ring_ps)));
  Event e;
  std::int64_t now = 0;
  std::size_t popped = 0;
  while (popped < 200000 && q.pop(e)) {
    ASSERT_FALSE(reference.empty());
    auto first = reference.begin();
    ASSERT_EQ(e.time_ps, first->first.first) << "pop " << popped;
    ASSERT_EQ(e.arg, first->second) << "pop " << popped;
    reference.erase(first);
    ASSERT_GE(e.time_ps, now);
    now = e.time_ps;
    ++popped;
    if (popped < 150000) {
      push(now + delay());
      if (rng.below(3) == 0) push(now + delay());
    }
    if (!cancellable.empty() && rng.below(3) == 0) {
      const auto pick = static_cast<std::size_t>(rng.below(cancellable.size()));
      if (q.cancel(cancellable[pick].first)) reference.erase(cancellable[pick].second);
      cancellable[pick] = cancellable.back();
      cancellable.pop_back();
    }
  }
  EXPECT_GT(popped, 150000u);
  EXPECT_TRUE(reference.empty());
  EXPECT_FALSE(q.pop(e));
}

TEST(EventQueue, PeekAheadShowsTheEventsThatPopNextInTheSortedRun) {
  // Ten events in one future bucket, pushed out of time order: after the first pop,
  // peek k must name the (k+2)-th earliest, and nothing past the run; a cancellable
  // entry is not shown (its payload lives in a side table). (Events in the bucket
  // being run when pushed go to the late heap, which peek does not show.)
  EventQueue q;
  Recorder h;
  const std::int64_t b = 5 << EventQueue::kBucketShift;
  const std::int64_t times[] = {b + 90, b + 10, b + 50, b + 30, b + 70, b + 20, b + 80, b + 40, b + 60, b + 100};
  for (std::int64_t t : times) q.push(Time::from_ps(t), &h, static_cast<std::uint64_t>(t));
  q.push_cancellable(Time::from_ps(b + 95), &h, 95);
  Event e;
  ASSERT_TRUE(q.pop(e));
  EXPECT_EQ(e.time_ps, b + 10);
  const std::int64_t rest[] = {b + 20, b + 30, b + 40, b + 50, b + 60, b + 70, b + 80, b + 90};
  for (std::size_t k = 0; k < 8; ++k) {
    const Event ahead = q.peek_ahead(k);
    ASSERT_EQ(ahead.handler, &h) << k;
    EXPECT_EQ(ahead.time_ps, rest[k]);
    EXPECT_EQ(ahead.arg, static_cast<std::uint64_t>(rest[k]));
  }
  EXPECT_EQ(q.peek_ahead(8).handler, nullptr);   // the cancellable one at b + 95
  EXPECT_EQ(q.peek_ahead(9).arg, static_cast<std::uint64_t>(b + 100));
  EXPECT_EQ(q.peek_ahead(10).handler, nullptr);  // past the run
  for (std::int64_t t : rest) {
    ASSERT_TRUE(q.pop(e));
    EXPECT_EQ(e.time_ps, t);
  }
}

TEST(Simulator, TwoSimulationsInOneProcessAreIndependent) {
  Simulator a, b;
  Recorder ra, rb;
  a.schedule_at(Time::from_us(1), &ra, 1);
  b.schedule_at(Time::from_us(2), &rb, 2);
  a.run();
  EXPECT_EQ(a.now(), Time::from_us(1));
  EXPECT_EQ(b.now(), Time());
  b.run();
  EXPECT_EQ(rb.seen.size(), 1u);
}

TEST(Time, UnitsAndSerialization) {
  EXPECT_EQ(Time::from_us(1).ps(), 1000000);
  // 1530 bytes at 100 Gbit/s = 122.4 ns: 80 ps per byte x 1530.
  EXPECT_EQ(ps_per_byte(100e9), 80);
  EXPECT_EQ(ps_per_byte(100e9) * 1530, 122400);
}

TEST(Rng, NamedStreamsAreReproducibleAndIndependent) {
  Rng a(42, "spray"), b(42, "spray"), c(42, "arrivals"), d(43, "spray");
  bool differ_c = false, differ_d = false;
  for (int i = 0; i < 100; ++i) {
    std::uint64_t x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    differ_c |= x != c.next_u64();
    differ_d |= x != d.next_u64();
  }
  EXPECT_TRUE(differ_c);
  EXPECT_TRUE(differ_d);
}

TEST(Rng, BelowIsUniform) {
  // Chi-square over 8 bins, 80,000 draws, fixed seed: the 99.9% critical value for
  // 7 degrees of freedom is 24.3.
  Rng r(1, "chi");
  std::vector<int> bins(8, 0);
  for (int i = 0; i < 80000; ++i) ++bins[r.below(8)];
  double chi2 = 0;
  for (int b : bins) chi2 += (b - 10000.0) * (b - 10000.0) / 10000.0;
  EXPECT_LT(chi2, 24.3);
}

}  // namespace
}  // namespace fabricplan::sim
