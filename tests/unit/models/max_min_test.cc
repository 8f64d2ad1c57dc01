// The max-min solver held against theory: equal shares on one bottleneck, a weighted
// (sprayed) hand example, the bottleneck characterization of max-min fairness on random
// instances (Bertsekas & Gallager, Data Networks, sec. 6.5.2), and incremental solves
// equal to solving everything afresh.
#include <gtest/gtest.h>

#include <random>

#include "models/flow/max_min.h"

namespace fabricplan::flow {
namespace {

TEST(MaxMin, KFlowsOnOneBottleneckGetOneKthEach) {
  for (int k : {1, 2, 3, 7, 64}) {
    // Link 0 (10 GB/s) is shared; each flow also has a private 100 GB/s link.
    std::vector<double> cap(1 + k, 100e9);
    cap[0] = 10e9;
    MaxMinSolver s(cap);
    std::vector<std::uint32_t> flows;
    for (int i = 0; i < k; ++i) flows.push_back(s.add_flow({{0, 1.0f}, {static_cast<std::uint32_t>(1 + i), 1.0f}}));
    s.solve({0}, 0);
    for (auto f : flows) EXPECT_NEAR(s.rate(f), 10e9 / k, 1) << k;
    EXPECT_NEAR(s.load(0), 10e9, 1);
  }
}

TEST(MaxMin, SprayedFlowHandExample) {
  // Links A, B of 10 each. X sprays half its packets on each; Y uses A alone.
  // Level t raises X and Y together: A carries 0.5t + t = 1.5t and saturates at t = 20/3;
  // B carries 0.5t. So X = Y = 6.667, A is full and B carries 3.333.
  MaxMinSolver s({10, 10});
  auto x = s.add_flow({{0, 0.5f}, {1, 0.5f}});
  auto y = s.add_flow({{0, 1.0f}});
  s.solve({0, 1}, 0);
  EXPECT_NEAR(s.rate(x), 20.0 / 3, 1e-6);
  EXPECT_NEAR(s.rate(y), 20.0 / 3, 1e-6);
  EXPECT_NEAR(s.load(0), 10, 1e-6);
  EXPECT_NEAR(s.load(1), 10.0 / 3, 1e-6);
  // A cap freezes X below its share: X <= 2, then Y takes the rest of A.
  MaxMinSolver c({10, 10});
  auto x2 = c.add_flow({{0, 0.5f}, {1, 0.5f}}, 2.0);
  auto y2 = c.add_flow({{0, 1.0f}});
  c.solve({0}, 0);
  EXPECT_NEAR(c.rate(x2), 2, 1e-9);
  EXPECT_NEAR(c.rate(y2), 9, 1e-6);
}

struct Instance {
  std::vector<double> cap;
  std::vector<std::vector<RouteCoefficient>> routes;
  std::vector<double> caps;
};

Instance random_instance(std::mt19937& rng) {
  Instance in;
  const int links = 2 + static_cast<int>(rng() % 12), flows = 1 + static_cast<int>(rng() % 30);
  for (int l = 0; l < links; ++l) in.cap.push_back(1 + rng() % 100);
  for (int f = 0; f < flows; ++f) {
    std::vector<RouteCoefficient> r;
    for (int l = 0; l < links; ++l) {
      if (rng() % 3 == 0) r.push_back({static_cast<std::uint32_t>(l), (rng() % 2) ? 1.0f : 0.25f + (rng() % 4) * 0.25f});
    }
    if (r.empty()) r.push_back({static_cast<std::uint32_t>(rng() % links), 1.0f});
    in.routes.push_back(r);
    in.caps.push_back(rng() % 5 == 0 ? 0.5 + rng() % 20 : std::numeric_limits<double>::infinity());
  }
  return in;
}

TEST(MaxMin, EveryFlowHasASaturatedBottleneckWhereItsRateIsLargest) {
  // x is max-min fair iff it is feasible and every flow is at its cap or crosses a
  // saturated link on which no flow has a larger rate.
  std::mt19937 rng(7);
  for (int trial = 0; trial < 500; ++trial) {
    Instance in = random_instance(rng);
    MaxMinSolver s(in.cap);
    std::vector<std::uint32_t> ids;
    std::vector<std::uint32_t> seeds;
    for (std::size_t f = 0; f < in.routes.size(); ++f) ids.push_back(s.add_flow(in.routes[f], in.caps[f]));
    for (std::uint32_t l = 0; l < in.cap.size(); ++l) seeds.push_back(l);
    s.solve(seeds, 0);
    std::vector<double> load(in.cap.size(), 0);
    for (std::size_t f = 0; f < ids.size(); ++f) {
      for (auto r : in.routes[f]) load[r.link] += r.coefficient * s.rate(ids[f]);
    }
    for (std::size_t l = 0; l < load.size(); ++l) ASSERT_LE(load[l], in.cap[l] * (1 + 1e-9)) << trial;
    for (std::size_t f = 0; f < ids.size(); ++f) {
      const double x = s.rate(ids[f]);
      if (x >= in.caps[f] * (1 - 1e-9)) continue;
      bool bottleneck = false;
      for (auto r : in.routes[f]) {
        if (load[r.link] < in.cap[r.link] * (1 - 1e-9)) continue;
        bool largest = true;
        for (std::size_t g = 0; g < ids.size() && largest; ++g) {
          for (auto q : in.routes[g]) {
            if (q.link == r.link && s.rate(ids[g]) > x * (1 + 1e-9)) largest = false;
          }
        }
        bottleneck |= largest;
      }
      ASSERT_TRUE(bottleneck) << "trial " << trial << " flow " << f;
    }
  }
}

TEST(MaxMin, IncrementalSolvesEqualAFreshSolveOfEverything) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 100; ++trial) {
    Instance in = random_instance(rng);
    MaxMinSolver inc(in.cap);
    std::vector<std::uint32_t> live;  // indices into in.routes
    std::vector<std::uint32_t> id_of(in.routes.size());
    for (std::size_t step = 0; step < in.routes.size() * 2; ++step) {
      std::vector<std::uint32_t> seeds;
      if (live.size() < in.routes.size() && (live.empty() || rng() % 3)) {
        std::uint32_t f = static_cast<std::uint32_t>(live.size());
        id_of[f] = inc.add_flow(in.routes[f], in.caps[f]);
        live.push_back(f);
        for (auto r : in.routes[f]) seeds.push_back(r.link);
      } else {
        std::uint32_t f = live.back();
        for (auto r : in.routes[f]) seeds.push_back(r.link);
        inc.remove_flow(id_of[f]);
        live.pop_back();
      }
      inc.solve(seeds, 0);
      MaxMinSolver fresh(in.cap);
      std::vector<std::uint32_t> all;
      std::vector<std::uint32_t> fresh_id;
      for (auto f : live) fresh_id.push_back(fresh.add_flow(in.routes[f], in.caps[f]));
      for (std::uint32_t l = 0; l < in.cap.size(); ++l) all.push_back(l);
      fresh.solve(all, 0);
      for (std::size_t i = 0; i < live.size(); ++i) {
        ASSERT_NEAR(inc.rate(id_of[live[i]]), fresh.rate(fresh_id[i]), 1e-9 * in.cap[0] + 1e-9) << trial << " " << step;
      }
    }
  }
}

}  // namespace
}  // namespace fabricplan::flow
