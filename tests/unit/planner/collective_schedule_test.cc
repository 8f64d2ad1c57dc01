// The collective's network schedule (planner/expect/collective_schedule.h) against NCCL's
// published structure and hand counts of what each node sends.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "models/catalog/catalog.h"
#include "models/collective/tiers.h"
#include "planner/expect/collective_schedule.h"

namespace fabricplan {
namespace {

using collective::Op;

// The trees NCCL's trees.cc draws for 12 ranks (its comment's figure): tree 0 rooted at 0
// with 8 its child, 4 and 10 below 8 ...; the mirror (even n) rooted at 11.
TEST(CollectiveSchedule, DoubleBinaryTreeIsNcclsForTwelveAndThirteenRanks) {
  const std::map<int, int> tree0_12 = {{0, -1}, {8, 0}, {4, 8}, {10, 8}, {2, 4}, {6, 4}, {9, 10}, {11, 10},
                                       {1, 2},  {3, 2}, {5, 6}, {7, 6}};
  for (const auto& [node, parent] : tree0_12) EXPECT_EQ(dtree_parent(12, node, 0), parent) << node;
  // Mirror: rank r's parent is 11 - parent0(11 - r); NCCL's figure: 3 under 11, 7 under 3.
  EXPECT_EQ(dtree_parent(12, 11, 1), -1);
  EXPECT_EQ(dtree_parent(12, 3, 1), 11);
  EXPECT_EQ(dtree_parent(12, 7, 1), 3);
  EXPECT_EQ(dtree_parent(12, 0, 1), 1);
  // 13 ranks (odd): the second tree is the first shifted by one (NCCL's second figure):
  // rooted at 1, 9 under it, 5 and 0 under 9, 11 under 0, 12 under 11.
  const std::map<int, int> tree1_13 = {{1, -1}, {9, 1}, {5, 9}, {0, 9}, {11, 0}, {12, 11}, {3, 5}, {7, 5}};
  for (const auto& [node, parent] : tree1_13) EXPECT_EQ(dtree_parent(13, node, 1), parent) << node;
}

// Every node but the root has one parent, each tree is connected, no node has more than
// two children, and at most ceil(log2 n) levels: for every n from 2 to 64, both trees.
TEST(CollectiveSchedule, DoubleBinaryTreesAreBinaryTreesOfLogDepth) {
  for (int n = 2; n <= 64; ++n) {
    for (int tree = 0; tree < 2; ++tree) {
      std::vector<int> children(n, 0);
      int roots = 0;
      for (int v = 0; v < n; ++v) {
        const int p = dtree_parent(n, v, tree);
        if (p < 0) {
          ++roots;
          continue;
        }
        ASSERT_GE(p, 0);
        ASSERT_LT(p, n);
        ++children[p];
        int depth = 0;
        for (int u = v; dtree_parent(n, u, tree) >= 0; u = dtree_parent(n, u, tree)) ASSERT_LE(++depth, n);
        EXPECT_LE(depth, static_cast<int>(std::ceil(std::log2(n)))) << n << " " << tree << " " << v;
      }
      EXPECT_EQ(roots, 1) << n;
      EXPECT_LE(*std::max_element(children.begin(), children.end()), 2) << n;
    }
  }
}

// The model's tree factor is what NCCL's trees load a node with: per node, both trees'
// edges each carry half of S up and half down; the busiest node's sent or received bytes
// over S, for every node count from 2 to 64.
TEST(CollectiveSchedule, ModelsTreeFactorIsTheBusiestNodeOfNcclsTrees) {
  for (int n = 2; n <= 64; ++n) {
    std::vector<double> sent(n, 0), received(n, 0);
    for (int tree = 0; tree < 2; ++tree) {
      for (int v = 0; v < n; ++v) {
        const int p = dtree_parent(n, v, tree);
        if (p < 0) continue;
        sent[v] += 0.5, received[p] += 0.5;  // up
        sent[p] += 0.5, received[v] += 0.5;  // down
      }
    }
    const double busiest = std::max(*std::max_element(sent.begin(), sent.end()), *std::max_element(received.begin(), received.end()));
    EXPECT_EQ(collective::tree_network_factor(n), busiest) << n;
  }
}

struct Fixture {
  collective::NodeTiers tiers;
  CollectiveLayout layout;
  ScheduleStream stream;
  Fixture(const std::string& instance, int nodes) {
    const Catalog cat = Catalog::load(Catalog::default_path());
    const InstanceType* it = cat.find(instance);
    tiers = collective::tiers_from_catalog(*it);
    layout.nodes = nodes;
    layout.gpus = tiers.gpus;
    layout.nics_per_node = it->interfaces;
    layout.gpu_nics = tiers.local_nics;
    layout.infiniband = tiers.infiniband;
    stream.traffic_class = "collective";
  }
  // Payload bytes each node sends and receives.
  void per_node(const Schedule& s, std::vector<double>& out, std::vector<double>& in) const {
    out.assign(layout.nodes, 0);
    in.assign(layout.nodes, 0);
    for (const Transfer& t : s.transfers) {
      out[t.src / layout.nics_per_node] += static_cast<double>(t.bytes);
      in[t.dst / layout.nics_per_node] += static_cast<double>(t.bytes);
    }
  }
};

// A ring all_reduce of S over n = 32 ranks (4 p5 nodes): each node sends and receives
// 2 (n-1)/n S (nccl-tests' bus factor), over all 32 of its NICs evenly, in 2N rounds.
TEST(CollectiveSchedule, RingAllReduceMovesTheBusFactorOverEveryNic) {
  Fixture f("p5.48xlarge", 4);
  const double S = 256.0 * (1 << 20);
  collective::Prediction p = collective::predict(Op::kAllReduce, S, 4, f.tiers);
  ASSERT_EQ(p.algorithm, "ring");
  const Schedule s = build_collective_schedule(Op::kAllReduce, S, p, f.layout, f.stream);
  std::vector<double> out, in;
  f.per_node(s, out, in);
  const double expected = 2.0 * 31 / 32 * S * p.parts.wire_factor;
  for (int v = 0; v < 4; ++v) {
    EXPECT_NEAR(out[v] / expected, 1, 1e-6);
    EXPECT_NEAR(in[v] / expected, 1, 1e-6);
  }
  std::vector<double> per_nic(4 * 32, 0);
  for (const Transfer& t : s.transfers) per_nic[t.src] += static_cast<double>(t.bytes);
  for (double b : per_nic) EXPECT_NEAR(b / (expected / 32), 1, 1e-6);
  // 8 lanes (GPUs) x 4 NICs x 4 links x 8 rounds; a round after the first waits for one transfer.
  EXPECT_EQ(s.transfers.size(), 8u * 4 * 4 * 8);
  const CollectiveScheduleShape shape = collective_schedule_shape(Op::kAllReduce, S, p, f.layout);
  EXPECT_EQ(shape.transfers, static_cast<double>(s.transfers.size()));
  EXPECT_NEAR(shape.wire_bytes / (4 * expected), 1, 1e-9);
}

// A tree carries half of S: at 8 nodes a node interior in one tree sends that half up
// once and down to two children (3/2 S), and as a leaf of the other its half up once
// (S/2): 2 S out of the busiest node, the model's f = 2; at 2 nodes each node sends S/2
// in each tree: f = 1.
TEST(CollectiveSchedule, TreeNodesCarryTheModelsFactor) {
  for (int nodes : {2, 8}) {
    Fixture f("p5.48xlarge", nodes);
    const double S = 32.0 * (1 << 20);
    f.tiers.use_platform_tuner = false;
    collective::Prediction p = collective::predict(Op::kAllReduce, S, nodes, f.tiers);
    p.algorithm = "tree";  // the structure under test, whatever the model chose
    const Schedule s = build_collective_schedule(Op::kAllReduce, S, p, f.layout, f.stream);
    std::vector<double> out, in;
    f.per_node(s, out, in);
    const double most = *std::max_element(out.begin(), out.end());
    EXPECT_NEAR(most / (S * p.parts.wire_factor), nodes == 2 ? 1.0 : 2.0, 1e-6) << nodes;
    EXPECT_TRUE(s.deps.empty());  // steady state: every edge at once
  }
}

// alltoall: every GPU sends (n - G)/n of S off its node, over its own NICs (PXN, rail to
// rail); on InfiniBand one NIC per GPU.
TEST(CollectiveSchedule, AllToAllSendsTheOffNodeShareOverEachGpusNics) {
  for (const char* instance : {"p5.48xlarge", "p4d.24xlarge", "ib-dgx-h100"}) {
    Fixture f(instance, 4);
    const double S = 64.0 * (1 << 20);
    const collective::Prediction p = collective::predict(Op::kAllToAll, S, 4, f.tiers);
    const Schedule s = build_collective_schedule(Op::kAllToAll, S, p, f.layout, f.stream);
    std::vector<double> out, in;
    f.per_node(s, out, in);
    const double n = 4.0 * f.tiers.gpus;
    for (int v = 0; v < 4; ++v) EXPECT_NEAR(out[v] / (f.tiers.gpus * S * (n - f.tiers.gpus) / n * p.parts.wire_factor), 1, 1e-6);
    for (const Transfer& t : s.transfers) EXPECT_EQ(t.src % f.layout.nics_per_node, t.dst % f.layout.nics_per_node);
  }
}

// The model's time is fixed + max(network, local) for every candidate it picks.
TEST(CollectiveSchedule, ModelTimeIsItsParts) {
  const Catalog cat = Catalog::load(Catalog::default_path());
  for (const char* instance : {"p4de.24xlarge", "p5.48xlarge", "p6-b200.48xlarge", "ib-dgx-h100"}) {
    const collective::NodeTiers t = collective::tiers_from_catalog(*cat.find(instance));
    for (Op op : {Op::kAllReduce, Op::kAllGather, Op::kAllToAll, Op::kSendRecv}) {
      for (int nodes : {1, 2, 5, 32}) {
        for (double S = 8; S < 2e10; S *= 16) {
          const collective::Prediction p = collective::predict(op, S, nodes, t);
          EXPECT_EQ(p.time_us, p.parts.fixed_us + std::max(p.parts.network_us, p.parts.local_us)) << instance << S;
          if (nodes == 1) {
            EXPECT_EQ(p.parts.network_us, 0);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace fabricplan
