// NIC split search against hand-computed utilizations.
#include <gtest/gtest.h>

#include "models/catalog/catalog.h"
#include "planner/analytic/split_search.h"

namespace fabricplan {
namespace {

InstanceType nodes(int gpus, int nics) {
  InstanceType t;
  t.name = "test";
  t.accelerators = gpus;
  t.interfaces = nics;
  for (int g = 0; g < gpus; ++g) {
    std::vector<int> local;
    if (nics >= gpus) {
      for (int k = 0; k < nics / gpus; ++k) local.push_back(g * (nics / gpus) + k);
    } else {
      local.push_back(g / (gpus / nics));
    }
    t.accelerator_nics.push_back(local);
  }
  return t;
}

constexpr double kB = 10e9;  // 10 GB/s per interface keeps the arithmetic readable

TEST(SplitSearch, FewInterfacesShareWhenASplitCostsAVerdict) {
  // 4 interfaces x 10 GB/s = 40. KV 4, collectives 32: shared 36/40 = 90% (tight).
  // Best split 1/3: KV 4/10 = 40%, collectives 32/30 = 107% (insufficient).
  InstanceType t = nodes(8, 4);
  SplitChoice c = search_split(t, kB, {4e9, 4e9}, {32e9, 32e9}, {});
  EXPECT_TRUE(c.chosen.shared);
  EXPECT_NEAR(c.chosen.worst_utilization, 0.9, 1e-12);
  EXPECT_EQ(c.chosen.worst_verdict, Verdict::kTight);
  EXPECT_EQ(c.considered.size(), 4u);  // shared + 3 splits
}

TEST(SplitSearch, ManyInterfacesGetALocalityPreservingDedicatedSplit) {
  // 32 interfaces, 4 per GPU. KV 4 GB/s, collectives 32 GB/s: every split is comfortable;
  // locality needs each GPU to keep a KV and a collective NIC -> k in {8, 16, 24}.
  // k=8: KV 4/80 = 5%, coll 32/240 = 13.3%; k=16: coll 32/160 = 20%; pick k=8.
  InstanceType t = nodes(8, 32);
  SplitChoice c = search_split(t, kB, {4e9, 4e9}, {32e9, 32e9}, {});
  ASSERT_FALSE(c.chosen.shared);
  EXPECT_EQ(c.chosen.kv_interfaces, 8);
  EXPECT_EQ(c.chosen.collective_interfaces, 24);
  EXPECT_TRUE(c.chosen.locality_preserved);
  EXPECT_NEAR(c.chosen.collective_utilization, 32.0 / 240, 1e-12);
  EXPECT_NEAR(c.chosen.kv_utilization, 4.0 / 80, 1e-12);
}

TEST(SplitSearch, SpreadNicsGivesEveryGpuOne) {
  InstanceType t = nodes(8, 32);
  std::vector<int> kv = spread_nics(t, 8);
  EXPECT_EQ(kv, (std::vector<int>{3, 7, 11, 15, 19, 23, 27, 31}));
}

TEST(SplitSearch, ExplicitSplitIsEvaluatedAsGiven) {
  // 2 KV + 2 collectives on 4 x 10 GB/s: KV 4/20 = 20%, coll 32/20 = 160% -> insufficient.
  InstanceType t = nodes(8, 4);
  SplitCandidate s = evaluate_split(t, kB, {4e9, 4e9}, {32e9, 32e9}, false, 2, 2, {});
  EXPECT_NEAR(s.kv_utilization, 0.2, 1e-12);
  EXPECT_NEAR(s.collective_utilization, 1.6, 1e-12);
  EXPECT_EQ(s.worst_verdict, Verdict::kInsufficient);
}

TEST(SplitSearch, AStableSplitBeatsAnUnstableOneWhoseShareLooksSmaller) {
  // Every candidate is insufficient. The 1-KV-interface split's KV queue grows without
  // bound (rho 1.02: share 1.02, utilization 40% KV / 107% collectives), every other
  // candidate is stable at 1.75 of its budget. The least-bad rule alone (max of share
  // and utilization: 1.07 < 1.75) picked the unstable one; a queue that never drains is
  // worse than any finite time.
  InstanceType t = nodes(8, 4);
  auto judge = [](SplitCandidate& c) {
    c.unstable = !c.shared && c.kv_interfaces == 1;
    c.worst_time_share = c.unstable ? 1.02 : 1.75;
    c.time_verdict = Verdict::kInsufficient;
  };
  SplitChoice c = search_split(t, kB, {4e9, 4e9}, {32e9, 32e9}, {}, judge);
  EXPECT_FALSE(c.chosen.unstable) << c.chosen.kv_interfaces << " KV interfaces";
  EXPECT_EQ(c.chosen.worst_verdict, Verdict::kInsufficient);
}

TEST(Verdict, Thresholds) {
  VerdictThresholds t;
  EXPECT_EQ(judge(0.59, 0.9, t), Verdict::kComfortable);
  EXPECT_EQ(judge(0.60, 0.6, t), Verdict::kTight);
  EXPECT_EQ(judge(0.30, 1.2, t), Verdict::kTight);  // burst over budget
  EXPECT_EQ(judge(1.00, 1.0, t), Verdict::kInsufficient);
}

}  // namespace
}  // namespace fabricplan
