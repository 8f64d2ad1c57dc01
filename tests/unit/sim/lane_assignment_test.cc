// LaneAssignment: which thread runs which lanes of a partitioned run (hand-worked loads).
#include "sim/core/lane_assignment.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace fabricplan::sim {
namespace {

std::vector<std::uint32_t> owned(const LaneAssignment& a, unsigned t) { return a.owned(t); }

TEST(LaneAssignment, StartsRoundRobinAndMovesLanesFromTheBusiestThreadUntilWithinTenPercent) {
  LaneAssignment a(8, 2);
  EXPECT_EQ(owned(a, 0), (std::vector<std::uint32_t>{0, 2, 4, 6}));
  EXPECT_EQ(owned(a, 1), (std::vector<std::uint32_t>{1, 3, 5, 7}));
  // Thread 0 ran 400 events, thread 1 none (mean 200, limit 220). Moving one 100-event
  // lane leaves 300/100 (the most even single move), a second 200/200.
  a.rebalance({100, 0, 100, 0, 100, 0, 100, 0});
  EXPECT_EQ(a.moves(), 2u);
  EXPECT_EQ(owned(a, 0), (std::vector<std::uint32_t>{4, 6}));
  EXPECT_EQ(owned(a, 1), (std::vector<std::uint32_t>{0, 2, 1, 3, 5, 7}));  // busiest first
  // The same loads again: already even, nothing moves (lanes stay where their state is).
  a.rebalance({100, 0, 100, 0, 100, 0, 100, 0});
  EXPECT_EQ(a.moves(), 2u);
}

TEST(LaneAssignment, ALaneHeavierThanTheMeanKeepsAThreadToItself) {
  LaneAssignment a(4, 2);
  // 1010 against 20 (limit 566.5): lane 2 moves off lane 0's thread; lane 0 itself
  // (1000, more than the 980 gap left) would only make the other thread the busy one.
  a.rebalance({1000, 10, 10, 10});
  EXPECT_EQ(a.moves(), 1u);
  EXPECT_EQ(owned(a, 0), (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(owned(a, 1), (std::vector<std::uint32_t>{1, 3, 2}));
}

TEST(LaneAssignment, EveryLaneRunsOnceAWindowWhateverTheThreadsTake) {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    const std::uint32_t lanes = 13;
    LaneAssignment a(lanes, threads);
    std::vector<std::uint64_t> load(lanes);
    for (int window = 0; window < 50; ++window) {
      for (std::uint32_t l = 0; l < lanes; ++l) load[l] = (l * 7 + static_cast<std::uint32_t>(window) * 3) % 11;
      a.rebalance(load);
      std::vector<std::atomic<int>> runs(lanes);
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] { a.run_window(t, [&](std::uint32_t l) { runs[l].fetch_add(1); }); });
      }
      for (auto& th : pool) th.join();
      for (std::uint32_t l = 0; l < lanes; ++l) ASSERT_EQ(runs[l].load(), 1) << "lane " << l << ", " << threads << " threads";
      std::vector<int> owners(lanes, 0);
      for (unsigned t = 0; t < threads; ++t) {
        for (std::uint32_t l : a.owned(t)) ++owners[l];
      }
      for (std::uint32_t l = 0; l < lanes; ++l) ASSERT_EQ(owners[l], 1) << "lane " << l << " has one owner";
    }
  }
}

}  // namespace
}  // namespace fabricplan::sim
