// Demand formulas against values worked out by hand in each test.
#include <gtest/gtest.h>

#include "models/units/units.h"
#include "models/workload/collective.h"
#include "models/workload/kv_cache.h"
#include "models/workload/moe.h"

namespace fabricplan {
namespace {

TEST(KvCache, Llama3_70bBf16BytesPerToken) {
  // 2 (K and V) x 80 layers x 8 KV heads x 128 head_dim x 2 bytes = 327,680.
  KvCacheShape llama{80, 8, 128, 2.0};
  EXPECT_DOUBLE_EQ(kv_bytes_per_token(llama), 327680.0);
}

TEST(KvCache, Fp8HalvesTheBytes) {
  // Llama-3-8B: 32 layers, 8 KV heads, 128 head_dim; fp8 -> 2*32*8*128*1 = 65,536.
  EXPECT_DOUBLE_EQ(kv_bytes_per_token({32, 8, 128, 1.0}), 65536.0);
}

TEST(KvCache, PerNodeDemandSplitsOverPrefillAndDecodeNodes) {
  // 20 req/s x 2048 tokens x 327,680 B = 13,421,772,800 B/s cluster-wide;
  // 4 prefill nodes -> 3,355,443,200 B/s each; 2 decode nodes -> 6,710,886,400 each.
  KvTransferLoad load{20, 2048, 8192, 4, 2};
  KvTransferDemand d = kv_transfer_demand(327680, load);
  EXPECT_DOUBLE_EQ(d.cluster_bytes_per_s, 13421772800.0);
  EXPECT_DOUBLE_EQ(d.prefill_egress_bytes_per_s, 3355443200.0);
  EXPECT_DOUBLE_EQ(d.decode_ingress_bytes_per_s, 6710886400.0);
  // p99 burst: 8192/2048 = 4x the mean.
  EXPECT_DOUBLE_EQ(d.prefill_egress_p99_bytes_per_s, 4 * 3355443200.0);
  EXPECT_DOUBLE_EQ(d.p99_prompt_bytes, 8192.0 * 327680);
}

TEST(Moe, DispatchPlusCombineBytesPerStep) {
  // DeepSeek-V3-like: 256 tokens x 58 layers x top-8 x 7168 x (1 B fp8 + 2 B bf16)
  // = 256*58 = 14,848; *8 = 118,784; *7168 = 851,443,712; *3 = 2,554,331,136 B.
  MoeShape s{7168, 256, 8, 58, 1.0, 2.0};
  EXPECT_DOUBLE_EQ(moe_bytes_per_step_per_node(s, 256), 2554331136.0);
}

TEST(Moe, RemoteFractionIsShareOfExpertsOnOtherNodes) {
  EXPECT_DOUBLE_EQ(moe_remote_fraction(1), 0.0);   // EP inside one node
  EXPECT_DOUBLE_EQ(moe_remote_fraction(2), 0.5);
  EXPECT_DOUBLE_EQ(moe_remote_fraction(4), 0.75);
  EXPECT_DOUBLE_EQ(moe_remote_fraction(16), 15.0 / 16);
}

TEST(Moe, NetworkBytesPerSecond) {
  // 2,554,331,136 B/step x 20 steps/s x 3/4 = 38,314,967,040 B/s = 306.5 Gbit/s.
  MoeShape s{7168, 256, 8, 58, 1.0, 2.0};
  double bytes = moe_network_bytes_per_s(s, MoeLoad{256, 20, 4});
  EXPECT_DOUBLE_EQ(bytes, 38314967040.0);
  EXPECT_NEAR(units::bytes_per_s_to_gbit_per_s(bytes), 306.52, 0.01);
}

TEST(Collective, RingAllReduceBusFactorAsNcclTestsDefinesIt) {
  EXPECT_DOUBLE_EQ(ring_allreduce_bus_factor(1), 0.0);
  EXPECT_DOUBLE_EQ(ring_allreduce_bus_factor(2), 1.0);    // 2*1/2
  EXPECT_DOUBLE_EQ(ring_allreduce_bus_factor(8), 1.75);   // 2*7/8
  EXPECT_DOUBLE_EQ(ring_allreduce_bus_factor(16), 1.875); // 2*15/16
}

TEST(Collective, IntraNodeGroupPutsNothingOnTheNetwork) {
  AllReduceLoad inside{1 << 20, 100, 8, 1};
  EXPECT_DOUBLE_EQ(allreduce_network_bytes_per_s(inside), 0.0);
  // Spanning 2 nodes with 16 ranks: 1.875 x 1 MiB x 100/s = 196,608,000 B/s per node.
  AllReduceLoad across{1 << 20, 100, 16, 2};
  EXPECT_DOUBLE_EQ(allreduce_network_bytes_per_s(across), 1.875 * 1048576 * 100);
}

TEST(Units, GbitAndBytesConvertInOnePlace) {
  EXPECT_DOUBLE_EQ(units::gbit_per_s_to_bytes_per_s(100), 12.5e9);
  EXPECT_DOUBLE_EQ(units::bytes_per_s_to_gbit_per_s(12.5e9), 100);
}

}  // namespace
}  // namespace fabricplan
