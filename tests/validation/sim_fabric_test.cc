// The packet-level fabric held against independent figures: line rate, conservation,
// determinism, and the hash collisions that per-flow routing must produce.
#include <gtest/gtest.h>

#include <map>

#include "sim/scenario/run.h"
#include "tests/validation/shipped_scenarios.h"

namespace fabricplan::sim {
namespace {

using validation::scenario_path;

Scenario lone_flow(std::uint64_t packets) {
  Scenario s;
  s.name = "lone";
  s.topology.kind = "leaf_spine";
  s.topology.leaves = 2;
  s.topology.hosts_per_leaf = 2;
  s.topology.spines = 2;
  TrafficSpec t;
  t.flows = {{0, 3}};
  t.payload_bytes = 1500;
  t.header_bytes = 30;
  t.interval_ps = 1;  // faster than the NIC: the NIC queue paces the flow at line rate
  t.packets_per_flow = packets;
  s.fabric.queue_bytes = 1u << 30;
  s.fabric.host_queue_bytes = 1u << 30;
  s.traffic.push_back(t);
  return s;
}

TEST(FabricValidation, LoneFlowReachesLineRateTimesPayloadShare) {
  // 10,000 packets of 1530 wire bytes at 100 Gbit/s: 80 ps/byte -> 122,400 ps each.
  // The last packet leaves the NIC at 10,000 x 122.4 ns = 1,224 us and then crosses
  // 3 more hops (3 x 122.4 ns serialization) and 4 x 1 us of propagation:
  // FCT = 1224 + 0.3672 + 4 = 1228.3672 us. Goodput = 1500/1530 x (1224/1228.3672).
  SimulationResult r = run_scenario(lone_flow(10000));
  ASSERT_EQ(r.classes.size(), 1u);
  EXPECT_NEAR(r.classes[0].fct_max_us, 1228.3672, 1e-6);
  double expected = 1500.0 / 1530.0 * 1224.0 / 1228.3672;
  EXPECT_NEAR(r.classes[0].mean_goodput_fraction, expected, 1e-9);
  EXPECT_EQ(r.drops, 0u);
  EXPECT_EQ(r.link_transmissions, 4u * 10000);
}

TEST(FabricValidation, ConservationAndFlowHashCollisionsAsTheHashPredicts) {
  Scenario s = parse_scenario(scenario_path("bench-p-128-flowhash.json"));
  SimulationResult r = run_scenario(s);
  // Every packet sent is delivered or counted as dropped.
  EXPECT_EQ(r.packets_sent, r.delivered_packets + r.drops);
  EXPECT_EQ(r.packets_sent, 128u * 15000);

  // Predict from the hash alone: flow i leaves leaf (src / 8) on uplink
  // flow_hash(i, leaf node) mod 8. An uplink with two or more flows is offered
  // >= 2 x 91.8 Gbit/s and must drop; one flow (91.8%) never does.
  const int hosts = 128, spines = 8;
  std::map<std::pair<int, int>, int> flows_per_uplink;
  for (std::size_t i = 0; i < s.traffic[0].flows.size(); ++i) {
    int leaf = s.traffic[0].flows[i].first / 8;
    int uplink = Fabric::flow_hash(static_cast<std::uint32_t>(i), hosts + leaf) % spines;
    ++flows_per_uplink[{leaf, uplink}];
  }
  int predicted = 0;
  for (auto& [k, n] : flows_per_uplink) predicted += n >= 2;

  Topology topo = build_leaf_spine(16, 8, 8, 100, 1);
  int observed = 0;
  for (std::size_t l = 0; l < topo.links.size(); ++l) {
    const auto& link = topo.links[l];
    bool leaf_to_spine = topo.nodes[link.a].kind == NodeKind::kLeaf && topo.nodes[link.b].kind == NodeKind::kSpine;
    if (leaf_to_spine) observed += r.ports[2 * l].drops > 0;  // port 2l is a -> b
  }
  EXPECT_GT(predicted, 10);
  EXPECT_EQ(observed, predicted);
  // Collisions leave mean goodput well under the offered 90% of line rate.
  EXPECT_LT(r.classes[0].mean_goodput_fraction, 0.75);
}

TEST(FabricValidation, SprayCarriesThePermutationWithoutLoss) {
  // Offered: 1500 B payload per 133,333 ps = 90.0% of 100 Gbit/s per flow. Spraying
  // over 8 spines spreads each leaf's 8 x 91.8 Gbit/s over 8 uplinks: no drops, and
  // goodput within 10% of the offered rate.
  SimulationResult r = run_scenario(parse_scenario(scenario_path("bench-p-128-spray.json")));
  EXPECT_EQ(r.drops, 0u);
  EXPECT_EQ(r.delivered_packets, 128u * 15000);
  EXPECT_EQ(r.link_transmissions, 4u * 128 * 15000);
  double offered = 1500.0 * 8 / 133333e-12 / 100e9;
  EXPECT_GT(r.classes[0].mean_goodput_fraction, 0.9 * offered);
}

TEST(FabricValidation, SameSeedSameResultDifferentSeedDifferentPaths) {
  Scenario s = parse_scenario(scenario_path("bench-p-32-spray.json"));
  s.traffic[0].packets_per_flow = 2000;
  SimulationResult a = run_scenario(s), b = run_scenario(s);
  a.wall_s = b.wall_s = 0;
  EXPECT_EQ(render_simulation_json(a), render_simulation_json(b));
  s.seed = s.fabric.seed = 2;
  SimulationResult c = run_scenario(s);
  c.wall_s = 0;
  bool differs = false;
  for (std::size_t p = 0; p < a.ports.size(); ++p) differs |= a.ports[p].tx_packets != c.ports[p].tx_packets;
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace fabricplan::sim
