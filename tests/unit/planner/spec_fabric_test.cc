// The spec's fabric as the engines run it: sizes worked by hand from radix,
// oversubscription and link rates, and the fabric section changing the plan's answer.
#include <gtest/gtest.h>

#include "planner/plan.h"
#include "planner/engine_run/spec_fabric.h"
#include "planner/spec/spec_parser.h"

namespace fabricplan {
namespace {

ClusterSpec p5_spec(const Catalog& catalog) {
  return parse_cluster_spec(std::string(FABRICPLAN_SOURCE_DIR) + "/configs/clusters/p5-moe-pd.json", catalog);
}

TEST(SpecFabric, LeafSpineIsSizedFromRadixOversubscriptionAndRates) {
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = p5_spec(catalog);
  const InstanceType* p5 = catalog.find("p5.48xlarge");
  // NICs: 100 Gbit/s x 0.9 = 90 Gbit/s payload. Radix 64, 1:1, 400 Gbit/s links:
  //   uplinks u = floor(64 / (1 + 400/90)) = floor(11.76) = 11; NIC ports h = min(64 - 11,
  //   floor(11 x 400 / 90)) = min(53, 48) = 48; 8 nodes x 32 NICs = 256 endpoints -> 6 leaves.
  SpecFabric f = build_spec_fabric(spec, {p5, p5}, 11.25e9);
  EXPECT_EQ(f.topology.kind, "leaf_spine");
  EXPECT_EQ(f.topology.spines, 11);
  EXPECT_EQ(f.topology.hosts_per_leaf, 48);
  EXPECT_EQ(f.topology.leaves, 6);
  EXPECT_EQ(f.nics_per_node, 32);
  EXPECT_EQ(f.first_node.at("decode"), 4);
  // A node's 32 NICs take 32/48 of a leaf: 2/3 of 11 x 400 Gbit/s of uplinks (payload).
  EXPECT_NEAR(f.node_uplink_bytes_per_s, 11 * 50e9 / (1 + 64.0 / 4096) * 32 / 48, 1);

  // 8:1 at radix 8 with 10 Gbit/s links: u = floor(8 / (1 + 8 x 10/90)) = 4, h = min(4,
  // floor(8 x 4 x 10 / 90)) = 3: 86 leaves, 6.75:1 really, and notes saying both.
  spec.fabric.radix = 8;
  spec.fabric.oversubscription = 8;
  spec.fabric.link_gbit_per_s = 10;
  SpecFabric o = build_spec_fabric(spec, {p5, p5}, 11.25e9);
  EXPECT_EQ(o.topology.spines, 4);
  EXPECT_EQ(o.topology.hosts_per_leaf, 3);
  EXPECT_EQ(o.topology.leaves, 86);
  EXPECT_EQ(o.notes.size(), 3u);  // spine radix, whole ports, and EFA's knobs being what-ifs on AWS
  EXPECT_LT(o.node_uplink_bytes_per_s, 32 * 11.25e9 * 0.2);
}

TEST(SpecFabric, RailOptimizedAndFatTreeSizes) {
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = p5_spec(catalog);
  const InstanceType* p5 = catalog.find("p5.48xlarge");
  // Rail-optimized: 32 rails (one per NIC); each rail switch sized like a leaf above
  // (11 uplinks, 48 node ports), so the 8 nodes fit one group.
  spec.fabric.topology = TopologyKind::kRailOptimized;
  SpecFabric r = build_spec_fabric(spec, {p5, p5}, 11.25e9);
  EXPECT_EQ(r.topology.kind, "rail_optimized");
  EXPECT_EQ(r.topology.rails, 32);
  EXPECT_EQ(r.topology.servers_per_group, 48);
  EXPECT_EQ(r.topology.groups, 1);
  EXPECT_EQ(r.topology.spines, 11);
  EXPECT_TRUE(r.single_switch);
  // Fat-tree: 256 endpoints need k^3/4 >= 256: k = 12 (432), k = 10 holds only 250.
  spec.fabric.topology = TopologyKind::kFatTree;
  spec.fabric.oversubscription = 2;
  SpecFabric f = build_spec_fabric(spec, {p5, p5}, 11.25e9);
  EXPECT_EQ(f.topology.k, 12);
  ASSERT_EQ(f.notes.size(), 1u);  // the oversubscription a fat-tree does not have
  EXPECT_NE(f.notes[0].find("non-blocking"), std::string::npos);
}

TEST(SpecFabric, OversubscriptionAndSlowLinksChangeTimesAndBusiestLinks) {
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = p5_spec(catalog);
  PlanOptions o;
  o.engine = "flow";
  o.max_transfers = 20000;
  o.sweep = false;
  PlanResult open = make_plan(spec, catalog, nullptr, o);
  spec.fabric.radix = 8;
  spec.fabric.oversubscription = 8;
  spec.fabric.link_gbit_per_s = 10;
  PlanResult thin = make_plan(spec, catalog, nullptr, o);
  EXPECT_EQ(open.verdict, Verdict::kComfortable);
  EXPECT_EQ(thin.verdict, Verdict::kInsufficient);
  const GroupResult& a = open.groups.at(1);
  const GroupResult& b = thin.groups.at(1);
  EXPECT_DOUBLE_EQ(a.fabric_factor, 1.0);
  EXPECT_LT(b.fabric_factor, 0.2);
  for (std::size_t c = 0; c < a.classes.size(); ++c) {
    EXPECT_GT(b.classes[c].time.p50_us, 3 * a.classes[c].time.p50_us) << traffic_class_name(a.classes[c].cls);
  }
  // The thin fabric's busiest links are switch-to-switch links; the open one's are NIC links.
  ASSERT_FALSE(b.busiest_links.empty());
  EXPECT_NE(b.busiest_links.front().link.find("spine"), std::string::npos) << b.busiest_links.front().link;
  ASSERT_FALSE(a.busiest_links.empty());
  EXPECT_NE(a.busiest_links.front().link.find("host"), std::string::npos) << a.busiest_links.front().link;
  EXPECT_GT(b.busiest_links.front().utilization, 0.6);
}

TEST(SpecFabric, OnAwsTheEfaFabricKnobsAreWhatIfs) {
  // AWS builds the EFA fabric; radix and oversubscription are the user's only on IB.
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = p5_spec(catalog);
  const InstanceType* p5 = catalog.find("p5.48xlarge");
  auto says = [](const SpecFabric& f) {
    for (const auto& n : f.notes) {
      if (n.find("these fields are what-ifs") != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(says(build_spec_fabric(spec, {p5, p5}, 11.25e9)));
  spec.fabric.kind = FabricKind::kInfiniband;
  EXPECT_FALSE(says(build_spec_fabric(spec, {p5, p5}, 11.25e9)));
}

}  // namespace
}  // namespace fabricplan
