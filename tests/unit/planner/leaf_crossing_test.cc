// Which share of a class's traffic leaves its leaf, by hand on small fabrics, and the
// per-class fabric factor that follows (leaf_crossing.h).
#include "planner/engine_run/leaf_crossing.h"

#include <gtest/gtest.h>

#include "models/catalog/catalog.h"
#include "planner/spec/spec_parser.h"

namespace fabricplan {
namespace {

SpecFabric leaf_spine(int hosts_per_leaf, int nics, const ClusterSpec& spec) {
  SpecFabric f;
  f.topology.kind = "leaf_spine";
  f.topology.hosts_per_leaf = hosts_per_leaf;
  f.nics_per_node = nics;
  int next = 0;
  for (const auto& g : spec.groups) {
    f.first_node[g.name] = next;
    next += g.count;
  }
  return f;
}

TEST(LeafCrossing, KvMoeAndRingsByHand) {
  // p4d-moe-pd: prefill nodes 0-3, decode nodes 4-7 (4 EFAs each; MoE EP over the 4
  // decode nodes). 16 ports per leaf = 4 nodes: prefill on leaf 0, decode on leaf 1, so
  // every KV byte crosses and no MoE byte does.
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = parse_cluster_spec(std::string(FABRICPLAN_SOURCE_DIR) + "/configs/clusters/p4d-moe-pd.json", catalog);
  auto x = leaf_crossing_shares(spec, leaf_spine(16, 4, spec));
  EXPECT_DOUBLE_EQ(x.at("decode").at(TrafficClass::kKvTransfer), 1.0);
  EXPECT_DOUBLE_EQ(x.at("prefill").at(TrafficClass::kKvTransfer), 1.0);
  EXPECT_DOUBLE_EQ(x.at("decode").at(TrafficClass::kMoeAll2all), 0.0);
  // 8 ports = 2 nodes per leaf: decode nodes 4,5 | 6,7; each has 3 MoE peers, 2 across.
  x = leaf_crossing_shares(spec, leaf_spine(8, 4, spec));
  EXPECT_DOUBLE_EQ(x.at("decode").at(TrafficClass::kMoeAll2all), 2.0 / 3);
  // A 64-node DDP ring (the test fixture) on 16-port leaves (4 nodes each): 16 of its 64
  // neighbour pairs cross a leaf boundary (the wrap-around included).
  ClusterSpec ddp = parse_cluster_spec(std::string(FABRICPLAN_SOURCE_DIR) + "/tests/data/specs/p4d-ddp-64-4to1.json", catalog);
  x = leaf_crossing_shares(ddp, leaf_spine(16, 4, ddp));
  EXPECT_DOUBLE_EQ(x.at("train").at(TrafficClass::kDpGradients), 16.0 / 64);
}

TEST(LeafCrossing, FactorIsTheUplinkShareOverTheCrossingShare) {
  // A 4:1 leaf gives a node a quarter of its NICs' bandwidth out of the leaf.
  EXPECT_DOUBLE_EQ(class_fabric_factor(0.25, 1.0), 0.25);     // KV: all of it leaves
  EXPECT_DOUBLE_EQ(class_fabric_factor(0.25, 0.25), 1.0);     // a ring with 4 nodes per leaf
  EXPECT_DOUBLE_EQ(class_fabric_factor(0.25, 4.0 / 7), 0.4375);  // 8-node all-to-all over 2 leaves
  EXPECT_DOUBLE_EQ(class_fabric_factor(0.25, 0.0), 1.0);      // nothing crosses
}

}  // namespace
}  // namespace fabricplan
