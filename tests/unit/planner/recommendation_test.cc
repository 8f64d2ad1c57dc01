// What people set, per stack: which variable really selects the NICs in which process,
// which is advisory, and the pod resources per role.
#include <gtest/gtest.h>

#include "models/catalog/catalog.h"
#include "planner/recommendation.h"
#include "planner/analytic/split_search.h"

namespace fabricplan {
namespace {

const Setting* find(const Recommendation& r, const std::string& process, const std::string& variable) {
  for (const auto& s : r.settings) {
    if (s.process == process && s.variable == variable) return &s;
  }
  return nullptr;
}

SplitCandidate split(const InstanceType& t, int kv) {
  return evaluate_split(t, 1e9, {1, 1}, {1, 1}, false, kv, t.interfaces - kv, VerdictThresholds{});
}

TEST(Recommendation, EfaSelectsThroughLibfabricAndCallsNcclIbHcaAdvisory) {
  Catalog catalog = Catalog::load(Catalog::default_path());
  const InstanceType& p5 = *catalog.find("p5.48xlarge");
  Recommendation r = recommend(p5, split(p5, 8), true, true, NodeRole::kDecode);
  const Setting* kv = find(r, "KV transfer engine", "FI_EFA_IFACE");
  const Setting* nccl = find(r, "NCCL (aws-ofi-nccl)", "FI_EFA_IFACE");
  const Setting* hca = find(r, "NCCL (aws-ofi-nccl)", "NCCL_IB_HCA");
  ASSERT_TRUE(kv && nccl && hca);
  EXPECT_TRUE(kv->selects);
  EXPECT_TRUE(nccl->selects);
  EXPECT_FALSE(hca->selects);
  // 8 KV EFAs spread one per GPU (the last of each GPU's four), the other 24 for NCCL.
  EXPECT_EQ(kv->value, "efa3,efa7,efa11,efa15,efa19,efa23,efa27,efa31");
  EXPECT_EQ(std::count(nccl->value.begin(), nccl->value.end(), ',') + 1, 24);
  EXPECT_NE(r.pod_yaml.find("vpc.amazonaws.com/efa: 32"), std::string::npos) << r.pod_yaml;
  EXPECT_NE(r.pod_yaml.find("nvidia.com/gpu: 8"), std::string::npos);
  EXPECT_NE(r.pod_yaml.find("medium: HugePages-2Mi"), std::string::npos);
}

TEST(Recommendation, InfinibandSelectsWithNcclIbHcaAndUcxPorts) {
  Catalog catalog = Catalog::load(Catalog::default_path());
  const InstanceType& ib = *catalog.find("ib-dgx-h100");
  Recommendation r = recommend(ib, split(ib, 2), true, true, NodeRole::kDecode);
  const Setting* hca = find(r, "NCCL", "NCCL_IB_HCA");
  const Setting* ucx = find(r, "KV transfer engine", "UCX_NET_DEVICES");
  ASSERT_TRUE(hca && ucx);
  EXPECT_TRUE(hca->selects);
  EXPECT_EQ(hca->value.rfind("=mlx5_", 0), 0u) << hca->value;
  EXPECT_NE(ucx->value.find("mlx5_"), std::string::npos);
  EXPECT_NE(ucx->value.find(":1"), std::string::npos);
  EXPECT_EQ(find(r, "KV transfer engine", "FI_EFA_IFACE"), nullptr);
  EXPECT_NE(r.pod_yaml.find("rdma/ib: 8"), std::string::npos) << r.pod_yaml;
}

TEST(Recommendation, TrainiumCollectivesAreTheNeuronRuntimes) {
  Catalog catalog = Catalog::load(Catalog::default_path());
  const InstanceType& trn2 = *catalog.find("trn2.48xlarge");
  Recommendation r = recommend(trn2, split(trn2, 4), true, true, NodeRole::kDecode);
  ASSERT_NE(find(r, "Neuron runtime (collectives)", "FI_EFA_IFACE"), nullptr);
  for (const auto& s : r.settings) EXPECT_EQ(s.variable.find("NCCL"), std::string::npos) << s.variable;
  EXPECT_NE(r.pod_yaml.find("aws.amazon.com/neuron: 16"), std::string::npos) << r.pod_yaml;
  bool neuron_pool = false;
  for (const auto& [pool, count] : r.pod_resources) {
    EXPECT_EQ(pool.find("NCCL"), std::string::npos) << pool;
    neuron_pool = neuron_pool || (pool.rfind("collectives (Neuron", 0) == 0 && count == 12);
  }
  EXPECT_TRUE(neuron_pool);
  // One container, all 16 EFAs, and the YAML says how the environment splits them.
  EXPECT_NE(r.pod_yaml.find("vpc.amazonaws.com/efa: 16"), std::string::npos) << r.pod_yaml;
  EXPECT_NE(r.pod_yaml.find("gives the KV engine 4 and the collectives 12 of them"), std::string::npos) << r.pod_yaml;
  EXPECT_NE(r.pod_yaml.find("memory: 64Gi  # placeholder"), std::string::npos) << r.pod_yaml;
}

}  // namespace
}  // namespace fabricplan
