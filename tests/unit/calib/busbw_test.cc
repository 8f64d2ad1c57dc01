// Bus bandwidth as nccl-tests defines it (doc/PERFORMANCE.md), checked against the
// figures worked by hand here and against a row of a real nccl-tests log format.
#include <gtest/gtest.h>

#include "calib/nccl/busbw.h"

namespace fabricplan::calib {
namespace {

TEST(BusBandwidth, FactorsAreNcclTests) {
  EXPECT_DOUBLE_EQ(bus_factor(CollectiveOp::kAllReduce, 8), 2.0 * 7 / 8);   // 1.75
  EXPECT_DOUBLE_EQ(bus_factor(CollectiveOp::kAllGather, 8), 7.0 / 8);
  EXPECT_DOUBLE_EQ(bus_factor(CollectiveOp::kReduceScatter, 4), 3.0 / 4);
  EXPECT_DOUBLE_EQ(bus_factor(CollectiveOp::kAllToAll, 2), 0.5);
  EXPECT_DOUBLE_EQ(bus_factor(CollectiveOp::kSendRecv, 8), 1.0);
  EXPECT_DOUBLE_EQ(bus_factor(CollectiveOp::kAllReduce, 1), 0.0);  // one rank moves nothing over a bus
}

TEST(BusBandwidth, RingAllReduceHandFigure) {
  // 8 ranks, 1 GiB in 5.0 ms: algbw = 2^30 / 5e-3 = 214.748 GB/s, busbw = x 1.75.
  const double size = 1 << 30, t = 5e-3;
  EXPECT_NEAR(algbw_bytes_per_s(size, t), 214.7483648e9, 1e3);
  EXPECT_NEAR(busbw_bytes_per_s(CollectiveOp::kAllReduce, 8, size, t), 375.8096384e9, 1e3);
  // Each rank of a ring all-reduce sends 2(n-1)/n x size: busbw is that over the time.
  EXPECT_DOUBLE_EQ(busbw_bytes_per_s(CollectiveOp::kAllReduce, 8, size, t), 2.0 * 7 / 8 * size / t);
}

TEST(BusBandwidth, MatchesANcclTestsRow) {
  // all_reduce_perf, 8 GPUs: 268435456 B in 1858.2 us -> algbw 144.46, busbw 252.80 GB/s.
  EXPECT_NEAR(algbw_bytes_per_s(268435456, 1858.2e-6) / 1e9, 144.46, 0.01);
  EXPECT_NEAR(busbw_bytes_per_s(CollectiveOp::kAllReduce, 8, 268435456, 1858.2e-6) / 1e9, 252.80, 0.01);
  EXPECT_STREQ(collective_name(CollectiveOp::kAllToAll), "alltoall");
  EXPECT_EQ(algbw_bytes_per_s(1, 0), 0);
}

}  // namespace
}  // namespace fabricplan::calib
