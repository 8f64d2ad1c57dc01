// Partitioned runs (Simulator::partition) against the sequential simulator and against
// themselves on other thread counts; the packet pool and the partition they rest on.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sim/core/simulator.h"
#include "sim/net/fabric.h"
#include "sim/net/packet_pool.h"
#include "sim/net/partition.h"
#include "sim/traffic/schedule_driver.h"

namespace fabricplan::sim {
namespace {

constexpr std::int64_t kLookaheadPs = 1'000'000;  // 1 us

// A ring of `nodes` nodes passing tokens: a token at node n does local work (a few
// events within the node, each less than the lookahead later) and is then sent to
// node n + 1 at least the lookahead later. Every node records what it ran, in order.
// Delays come from a hash of (token, hop), so no two events of a node share a time and
// the order of each node's events is fixed by time alone: the sequential simulator and
// a partitioned one must give every node the same trace.
class TokenRing final : public EventHandler {
 public:
  TokenRing(Simulator& sim, std::uint32_t nodes) : sim_(sim), trace_(nodes), hops_(nodes, 0) {}
  static std::uint64_t arg(std::uint32_t node, std::uint32_t token, std::uint32_t step) {
    return (std::uint64_t{node} << 40) | (std::uint64_t{token} << 16) | step;
  }
  void on_event(Simulator& sim, std::uint64_t a) override {
    const auto node = static_cast<std::uint32_t>(a >> 40);
    const auto token = static_cast<std::uint32_t>((a >> 16) & 0xffffff);
    const auto step = static_cast<std::uint32_t>(a & 0xffff);
    trace_[node].push_back({sim.now().ps(), a});
    const std::uint64_t h = mix(a ^ (std::uint64_t{++hops_[node]} << 48));
    if (step >= 40) return;  // the token's journey ends
    if (step % 4 != 3) {     // local work: within the node, sooner than the lookahead
      sim.schedule_at(sim.now() + Time::from_ps(1 + static_cast<std::int64_t>(h % 900'000)), this, arg(node, token, step + 1));
    } else {                 // on to the next node: at least the lookahead later
      const std::uint32_t next = (node + 1) % static_cast<std::uint32_t>(trace_.size());
      sim.schedule_at(sim.now() + Time::from_ps(kLookaheadPs + static_cast<std::int64_t>(h % 2'000'000)), this,
                      arg(next, token, step + 1));
    }
  }
  std::uint32_t lane_of(std::uint64_t a) const override { return sim_.lane_of_node(static_cast<int>(a >> 40)); }
  const std::vector<std::vector<std::pair<std::int64_t, std::uint64_t>>>& trace() const { return trace_; }

 private:
  static std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  }
  Simulator& sim_;
  std::vector<std::vector<std::pair<std::int64_t, std::uint64_t>>> trace_;
  std::vector<std::uint64_t> hops_;
};

// Runs the ring of 12 nodes with 30 tokens; threads 0: the sequential simulator.
std::vector<std::vector<std::pair<std::int64_t, std::uint64_t>>> run_ring(unsigned threads, std::uint64_t* windows = nullptr) {
  constexpr std::uint32_t kNodes = 12;
  Simulator sim;
  if (threads > 0) {
    Partition p;
    p.lanes = 4;
    for (std::uint32_t n = 0; n < kNodes; ++n) p.lane_of_node.push_back(n % 4);
    p.lookahead = Time::from_ps(kLookaheadPs);
    p.threads = threads;
    sim.partition(std::move(p));
  }
  TokenRing ring(sim, kNodes);
  for (std::uint32_t t = 0; t < 30; ++t) {
    sim.schedule_at(Time::from_ps(1000 * t + 7), &ring, TokenRing::arg(t % kNodes, t, 0));
  }
  sim.run();
  EXPECT_FALSE(sim.pending());
  EXPECT_EQ(sim.events_processed(), 30u * 41u);
  if (windows != nullptr) *windows = sim.windows();
  return ring.trace();
}

TEST(PartitionedSimulator, EveryNodeRunsWhatTheSequentialSimulatorRunsOnAnyThreadCount) {
  const auto sequential = run_ring(0);
  std::uint64_t windows = 0;
  for (unsigned threads : {1u, 2u, 3u, 4u, 8u}) {
    EXPECT_EQ(run_ring(threads, &windows), sequential) << threads << " threads";
  }
  // Tokens travel ~10 hops of at least 1 us: the run spans tens of windows.
  EXPECT_GT(windows, 10u);
}

struct TooSoon final : EventHandler {
  Simulator* sim = nullptr;
  void on_event(Simulator& s, std::uint64_t arg) override {
    if (arg == 0) s.schedule_at(s.now() + Time::from_ps(kLookaheadPs / 2), this, 1);  // lane 0 -> lane 1, too soon
  }
  std::uint32_t lane_of(std::uint64_t arg) const override { return static_cast<std::uint32_t>(arg); }
};

TEST(PartitionedSimulator, AnEventForAnotherLaneSoonerThanTheLookaheadIsRefused) {
  for (unsigned threads : {1u, 2u}) {
    Simulator sim;
    sim.partition(Partition{{0, 1}, 2, Time::from_ps(kLookaheadPs), threads});
    TooSoon h;
    sim.schedule_at(Time::from_ps(5), &h, 0);
    EXPECT_THROW(sim.run(), std::logic_error) << threads;
  }
}

TEST(PartitionedSimulator, RunUntilStopsEveryLaneThereAndContinuesLater) {
  Simulator sim;
  sim.partition(Partition{{0, 1}, 2, Time::from_ps(kLookaheadPs), 2});
  struct Lanes final : EventHandler {
    std::vector<std::int64_t> seen;
    void on_event(Simulator& s, std::uint64_t) override { seen.push_back(s.now().ps()); }
    std::uint32_t lane_of(std::uint64_t arg) const override { return static_cast<std::uint32_t>(arg); }
  } h;
  sim.schedule_at(Time::from_us(1), &h, 0);
  sim.schedule_at(Time::from_us(5), &h, 1);
  sim.run(Time::from_us(3));
  EXPECT_EQ(h.seen, std::vector<std::int64_t>{1'000'000});
  EXPECT_EQ(sim.now(), Time::from_us(3));
  EXPECT_TRUE(sim.pending());
  sim.run();
  EXPECT_EQ(h.seen, (std::vector<std::int64_t>{1'000'000, 5'000'000}));
  EXPECT_FALSE(sim.pending());
}

TEST(PartitionedSimulator, RefusesAPartitionItCannotRun) {
  Simulator sim;
  EXPECT_THROW(sim.partition(Partition{{0, 1}, 2, Time(), 2}), std::invalid_argument);  // no lookahead
  EXPECT_THROW(sim.partition(Partition{{0, 2}, 2, Time::from_us(1), 2}), std::invalid_argument);  // lane 2 of 2
}

TEST(EventQueue, NextTimeIsWhatPopReturnsAndPassesOverCancelledEvents) {
  EventQueue q;
  struct Nop final : EventHandler {
    void on_event(Simulator&, std::uint64_t) override {}
  } h;
  std::int64_t t = -1;
  EXPECT_FALSE(q.next_time(t));
  const EventHandle first = q.push_cancellable(Time::from_ps(10), &h, 1);
  q.push(Time::from_ps(20), &h, 2);
  q.push(Time::from_ps(5'000'000'000), &h, 3);  // past the ring: the overflow heap
  ASSERT_TRUE(q.next_time(t));
  EXPECT_EQ(t, 10);
  q.cancel(first);
  ASSERT_TRUE(q.next_time(t));
  EXPECT_EQ(t, 20);
  Event e;
  ASSERT_TRUE(q.pop(e));
  EXPECT_EQ(e.arg, 2u);
  q.push(Time::from_ps(100'000), &h, 5);  // bucket 6 (16.4 ns buckets)
  ASSERT_TRUE(q.next_time(t));           // moves the queue on to bucket 6
  EXPECT_EQ(t, 100'000);
  // What a lane receives between windows may be earlier than the bucket its queue
  // moved on to: it still comes out first.
  q.push(Time::from_ps(50'000), &h, 4);
  ASSERT_TRUE(q.next_time(t));
  EXPECT_EQ(t, 50'000);
  ASSERT_TRUE(q.pop(e));
  EXPECT_EQ(e.arg, 4u);
  ASSERT_TRUE(q.pop(e));
  EXPECT_EQ(e.arg, 5u);
  ASSERT_TRUE(q.next_time(t));
  EXPECT_EQ(t, 5'000'000'000);
}

TEST(PacketPool, OneLaneHandsOutIdsAsOneGrowingVectorDid) {
  PacketPool pool;
  for (std::uint32_t i = 0; i < 3 * PacketPool::kBlock + 5; ++i) ASSERT_EQ(pool.allocate(), i);
  pool.release(7);
  pool.release(3);
  EXPECT_EQ(pool.allocate(), 3u);  // the most recently released first
  EXPECT_EQ(pool.allocate(), 7u);
  EXPECT_EQ(pool.allocate(), 3 * PacketPool::kBlock + 5);
  EXPECT_EQ(pool.capacity(), 3 * PacketPool::kBlock + 6);
  EXPECT_EQ(pool.in_use(), pool.capacity());
  pool[5].seq = 42;  // a packet stays where it is while the pool grows
  const Packet* at = &pool[5];
  for (int i = 0; i < 100'000; ++i) pool.allocate();
  EXPECT_EQ(&pool[5], at);
  EXPECT_EQ(pool[5].seq, 42u);
}

TEST(PacketPool, LanesAllocatingAtOnceNeverShareAnId) {
  PacketPool pool(4);
  std::vector<std::vector<std::uint32_t>> ids(4);
  std::vector<std::thread> threads;
  for (std::uint32_t lane = 0; lane < 4; ++lane) {
    threads.emplace_back([&, lane] {
      for (int i = 0; i < 20'000; ++i) {
        const std::uint32_t id = pool.allocate(lane);
        pool[id].seq = lane;  // written by its lane only
        ids[lane].push_back(id);
        if (i % 3 == 0) {  // some go back to the lane's list and come out again
          pool.release(ids[lane].back(), lane);
          ids[lane].pop_back();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::uint32_t> all;
  for (std::uint32_t lane = 0; lane < 4; ++lane) {
    for (std::uint32_t id : ids[lane]) {
      EXPECT_TRUE(all.insert(id).second) << id;
      EXPECT_EQ(pool[id].seq, lane);
    }
  }
  EXPECT_EQ(pool.in_use(), all.size());
}

TEST(Partition, EachLeafWithItsHostsIsALaneAndSpinesAreSharedOut) {
  // 6 leaves of 4 hosts, 3 spines, 2 us links: 6 lanes, a leaf's hosts in its lane,
  // spine s in lane s, and every link between lanes is a leaf-spine link.
  const Topology topo = build_leaf_spine(6, 4, 3, 100, 2.0);
  const Partition p = partition_by_edge(topo, 4);
  EXPECT_EQ(p.lanes, 6u);
  EXPECT_EQ(p.threads, 4u);
  EXPECT_EQ(p.lookahead, Time::from_us(2));
  for (const TopoLink& l : topo.links) {
    const int host = l.a < topo.hosts ? l.a : l.b < topo.hosts ? l.b : -1;
    if (host >= 0) {
      EXPECT_EQ(p.lane_of_node[l.a], p.lane_of_node[l.b]) << "host " << host;
    }
  }
  std::set<std::uint32_t> spine_lanes, leaf_lanes;
  for (std::size_t n = topo.hosts; n < topo.nodes.size(); ++n) {
    (topo.nodes[n].kind == NodeKind::kSpine ? spine_lanes : leaf_lanes).insert(p.lane_of_node[n]);
  }
  EXPECT_EQ(leaf_lanes.size(), 6u);
  EXPECT_EQ(spine_lanes, (std::set<std::uint32_t>{0, 1, 2}));
}

struct NoSink final : PacketSink {
  void delivered(Simulator&, const Packet&) override {}
  void dropped(Simulator&, const Packet&, std::uint32_t) override {}
};

TEST(PartitionedFabric, PortsDownToALeafBelongToThatLeafsLaneUnlessASwitchSharesOneBuffer) {
  // 4 leaves of 2 hosts, 2 spines: a spine's port down to leaf L carries only traffic
  // for L's hosts, so it is L's lane's; every other port is its switch's (or host's).
  const Topology topo = build_leaf_spine(4, 2, 2, 100, 1.0);
  for (const bool shared : {false, true}) {
    Simulator sim;
    sim.partition(partition_by_edge(topo, 2));
    NoSink sink;
    FabricParams params;
    if (shared) params.shared_buffer_bytes = 1 << 20;
    Fabric fabric(sim, topo, params, sink);
    int down_to_leaf = 0;
    for (std::uint32_t p = 0; p < fabric.port_count(); ++p) {
      const int from = fabric.port_from(p), to = fabric.port_to(p);
      const bool spine_to_leaf = topo.nodes[from].kind == NodeKind::kSpine && topo.nodes[to].kind == NodeKind::kLeaf;
      down_to_leaf += spine_to_leaf;
      EXPECT_EQ(fabric.port_lane(p), sim.lane_of_node(spine_to_leaf && !shared ? to : from)) << p << " shared " << shared;
    }
    EXPECT_EQ(down_to_leaf, 8);
  }
}

TEST(ScheduleDriver, PartitionsOnlyWhereEachWaitingTransferLeavesTheLaneItsPredecessorReached) {
  // Hosts 0-3 under edge switch A (lane 0), 4-7 under B (lane 1).
  const std::vector<std::uint32_t> lane_of_node = {0, 0, 0, 0, 1, 1, 1, 1, 0, 1};
  Schedule s;
  s.transfers.resize(3);
  s.transfers[0].src = 1, s.transfers[0].dst = 5;  // A -> B
  s.transfers[1].src = 5, s.transfers[1].dst = 2;  // waits for 0: leaves host 5, which 0 reached
  s.transfers[2].src = 6, s.transfers[2].dst = 3;  // waits for 1, which completes at host 2 (lane 0)
  s.deps = {0};
  s.transfers[1].deps_begin = 0, s.transfers[1].deps_end = 1;
  EXPECT_EQ(ScheduleDriver::partitionable(s, lane_of_node), "");
  s.deps.push_back(1);
  s.transfers[2].deps_begin = 1, s.transfers[2].deps_end = 2;
  const std::string why = ScheduleDriver::partitionable(s, lane_of_node);
  EXPECT_NE(why.find("transfer 2 (host 6) waits for transfer 1 to host 2"), std::string::npos) << why;
  s.transfers[2].src = 2;  // the same host the predecessor reached: fine again
  EXPECT_EQ(ScheduleDriver::partitionable(s, lane_of_node), "");
}

}  // namespace
}  // namespace fabricplan::sim
