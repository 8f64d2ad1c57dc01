// Partitioned packet runs (simulate --threads) held to the hand calculations the
// sequential engine is held to, to the sequential engine itself where the two can only
// differ in the order of simultaneous events and in random draws, and to themselves on
// any number of threads.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/scenario/run.h"
#include "tests/validation/shipped_scenarios.h"

namespace fabricplan::sim {
namespace {

using validation::scenario_path;

SimulationResult run_on(Scenario s, unsigned threads) {
  s.threads = threads;
  return run_scenario(s);
}

// The report less what may differ between identical runs (wall time, threads asked).
std::string result_of(SimulationResult r) {
  r.wall_s = 0;
  r.threads_asked = 0;
  return render_simulation_json(r);
}

TEST(PartitionedRun, GivesTheSameResultOnEveryThreadCount) {
  for (const char* name : {"bench-t-128-srd.json", "bench-t-128-ib.json", "bench-p-128-spray.json"}) {
    const Scenario s = parse_scenario(scenario_path(name));
    const SimulationResult two = run_on(s, 2);
    ASSERT_EQ(two.lanes, 16u) << name;  // the 16 leaves of the bench-t-128 fabric
    EXPECT_EQ(two.lookahead_us, 1.0) << name;
    EXPECT_GT(two.windows, 100u) << name;
    for (unsigned threads : {3u, 5u}) EXPECT_EQ(result_of(run_on(s, threads)), result_of(two)) << name << threads;
  }
}

TEST(PartitionedRun, LoneMessageMatchesTheStoreAndForwardHandCalculation) {
  // As the sequential engine's test: 491 x 332,800 + 97,280 + 4 x 1,000,000 ps.
  for (const char* variant : {"srd", "ib", "ecmp"}) {
    Scenario s = parse_scenario(scenario_path(std::string("bench-t-128-") + variant + ".json"));
    s.traffic[0].flows = {{0, 100}};
    const SimulationResult r = run_on(s, 4);
    ASSERT_GT(r.lanes, 1u);
    EXPECT_NEAR(r.classes[0].fct_max_us, 167.50208, 1e-6) << variant;
    EXPECT_EQ(r.classes[0].packets_delivered, 489u) << variant;
    EXPECT_EQ(r.retransmissions, 0u) << variant;
  }
}

TEST(PartitionedRun, AgreesWithTheSequentialEngineWhereOnlyTiesAndDrawsDiffer) {
  // The permutations: every packet delivered once, no loss, FCT percentiles within 3%
  // (the partitioned run orders simultaneous events from different lanes by lane, and
  // draws SRD's retransmission slots from per-lane streams).
  for (const char* variant : {"srd", "ib", "ecmp"}) {
    const Scenario s = parse_scenario(scenario_path(std::string("bench-t-128-") + variant + ".json"));
    const SimulationResult seq = run_scenario(s);
    const SimulationResult par = run_on(s, 2);
    ASSERT_GT(par.lanes, 1u);
    EXPECT_EQ(par.delivered_packets, seq.delivered_packets) << variant;
    EXPECT_EQ(par.drops, seq.drops) << variant;
    EXPECT_EQ(par.classes[0].incomplete_flows, 0u) << variant;
    EXPECT_NEAR(par.classes[0].fct_p50_us, seq.classes[0].fct_p50_us, 0.03 * seq.classes[0].fct_p50_us) << variant;
    EXPECT_NEAR(par.classes[0].fct_p99_us, seq.classes[0].fct_p99_us, 0.03 * seq.classes[0].fct_p99_us) << variant;
  }
}

TEST(PartitionedRun, IncastDropsReachTheirSendersAndTheBottleneckStaysBusy) {
  // The sequential engine's incast (127 senders into host 0, 20.64 ms at line rate):
  // drops happen at the receiver's leaf, in another lane than most senders, and are
  // told to them one lookahead later. Every message completes, the downlink stays at
  // least 90% busy, and timeouts of packets that were not lost stay as rare as in the
  // sequential run (a drop told late could only make a timeout in that microsecond
  // look spurious).
  const Scenario s = validation::bench_t_128_incast();
  const SimulationResult seq = run_scenario(s);
  const SimulationResult par = run_on(s, 2);
  ASSERT_GT(par.lanes, 1u);
  EXPECT_EQ(par.classes[0].incomplete_flows, 0u);
  EXPECT_LT(par.classes[0].fct_max_us * 1e-3, validation::kIncastLineRateMs / 0.90);
  EXPECT_GT(par.drops, 0u);
  EXPECT_LT(par.drops, 2 * seq.drops + 100);
  EXPECT_GT(par.transport.timeouts, 0u);
  EXPECT_LE(par.transport.spurious_timeouts, seq.transport.spurious_timeouts + par.transport.timeouts / 100);
}

TEST(PartitionedRun, ARingAllReduceAcrossLeavesRunsInLanesAndAgreesWithTheSequentialEngine) {
  // A ring's next step leaves the host its last step reached, so every completion frees
  // a transfer in its own lane and the ring runs partitioned: 8 ranks on 8 of the
  // bench-t-128 fabric's leaves (hosts 0, 16, ..., 112), 8 MiB, alone on the fabric.
  // The sequential engine is the reference: the partitioned run may differ only in the
  // order of simultaneous events and in SRD's per-lane draws, and a lone ring has no
  // contention for either to matter much (within 1%).
  for (const char* variant : {"srd", "ib"}) {
    Scenario s = parse_scenario(scenario_path(std::string("bench-t-128-") + variant + ".json"));
    TrafficSpec& t = s.traffic[0];
    t.pattern = "ring_allreduce";
    t.flows.clear();
    t.ranks = {0, 16, 32, 48, 64, 80, 96, 112};
    t.bytes = 8u << 20;
    const SimulationResult seq = run_scenario(s);
    const SimulationResult two = run_on(s, 2);
    ASSERT_EQ(two.lanes, 16u) << variant << ": " << two.sequential_because;
    ASSERT_EQ(two.collectives.size(), 1u);
    ASSERT_TRUE(seq.collectives[0].finished && two.collectives[0].finished) << variant;
    EXPECT_NEAR(two.collectives[0].duration_us, seq.collectives[0].duration_us, 0.01 * seq.collectives[0].duration_us)
        << variant;
    EXPECT_EQ(two.classes[0].incomplete_flows, 0u) << variant;
    EXPECT_EQ(result_of(run_on(s, 3)), result_of(two)) << variant;
  }
}

TEST(PartitionedRun, RunsSequentiallyAndSaysWhyWhereLanesCannotRunApart) {
  for (const char* name : {"fault-128-srd.json"}) {
    const Scenario s = parse_scenario(scenario_path(name));
    const SimulationResult par = run_on(s, 4);
    EXPECT_EQ(par.lanes, 0u) << name;
    EXPECT_FALSE(par.sequential_because.empty()) << name;
    SimulationResult seq = run_scenario(s);
    seq.threads_asked = 4;
    seq.sequential_because = par.sequential_because;
    EXPECT_EQ(result_of(par), result_of(seq)) << name;
  }
}

}  // namespace
}  // namespace fabricplan::sim
