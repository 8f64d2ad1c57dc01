// `compare` builds its two fabrics from one scenario. Held against the hand-written
// bench/SCENARIOS.md files: the EFA variant of bench-t-128-srd must be bench-t-128-srd, and
// its IB variant must be bench-t-128-ib (written independently: RC, D-mod-K, lossless
// 1 MiB input buffers), flow for flow.
#include <gtest/gtest.h>

#include "sim/scenario/compare.h"
#include "tests/validation/shipped_scenarios.h"

namespace fabricplan::sim {
namespace {

using validation::scenario_path;

void expect_same_flows(const SimulationResult& a, const SimulationResult& b) {
  ASSERT_EQ(a.flows.size(), b.flows.size());
  for (std::size_t i = 0; i < a.flows.size(); ++i) {
    EXPECT_EQ(a.flows[i].first_send_ps, b.flows[i].first_send_ps) << i;
    EXPECT_EQ(a.flows[i].last_delivery_ps, b.flows[i].last_delivery_ps) << i;
  }
  EXPECT_EQ(a.drops, b.drops);
  EXPECT_EQ(a.retransmissions, b.retransmissions);
  EXPECT_EQ(a.events, b.events);
}

TEST(Compare, VariantsReproduceTheHandWrittenEfaAndIbScenarios) {
  Scenario srd = parse_scenario(scenario_path("bench-t-128-srd.json"));
  Comparison c = run_comparison(srd);
  expect_same_flows(c.efa, run_scenario(srd));
  expect_same_flows(c.ib, run_scenario(parse_scenario(scenario_path("bench-t-128-ib.json"))));
  // And the comparison says what bench/SCENARIOS.md leads one to expect: spraying keeps the
  // permutation's tail near line rate, D-mod-K collisions at least double it.
  EXPECT_GT(c.ib.classes[0].fct_p99_us, 2 * c.efa.classes[0].fct_p99_us);
  EXPECT_EQ(c.ib.drops, 0u);
}

TEST(Compare, StartingFromTheIbScenarioGivesTheSameTwoFabrics) {
  Comparison from_ib = run_comparison(parse_scenario(scenario_path("bench-t-128-ib.json")));
  Comparison from_srd = run_comparison(parse_scenario(scenario_path("bench-t-128-srd.json")));
  expect_same_flows(from_ib.ib, from_srd.ib);
  // The IB file carries no SRD parameters and a 1 MiB host queue instead of 1 GiB:
  // neither matters to this permutation (windows stay far below either queue).
  expect_same_flows(from_ib.efa, from_srd.efa);
}

TEST(Compare, ALosslessFabricNeverResendsSpuriouslyWhateverItsQueues) {
  // The shipped mixture on IB: lossless ports hold packets for milliseconds behind
  // credit stalls. RC's local ACK timeout is 4.096 us x 2^20 (NCCL_IB_TIMEOUT 20), so
  // nothing is lost and nothing is resent; with the old 1 ms timer go-back-N resent
  // hundreds of millions of duplicates into the same queues.
  EXPECT_NEAR(IbRcParams{}.local_ack_timeout_us(), 4.096 * 1048576, 1e-6);
  Comparison c = run_comparison(parse_scenario(scenario_path("mix-rail-kv-moe-allreduce.json")));
  EXPECT_EQ(c.ib.drops, 0u);
  EXPECT_EQ(c.ib.transport.timeouts, 0u);
  EXPECT_EQ(c.ib.retransmissions, 0u);
  EXPECT_EQ(c.ib.transport.duplicates_received, 0u);
  for (const auto& k : c.ib.classes) EXPECT_EQ(k.incomplete_flows, 0u) << k.name;
  EXPECT_LT(c.ib.last_completion_s, 0.1);  // tens of ms of traffic, not seconds of resends
}

TEST(Compare, ProgressLinesDoNotChangeWhatIsSimulated) {
  // Progress watches from outside the event queue: the same events and the same flows.
  Scenario s = parse_scenario(scenario_path("bench-t-128-srd.json"));
  SimulationResult quiet = run_scenario(s, false), watched = run_scenario(s, true, "test");
  expect_same_flows(quiet, watched);
}

}  // namespace
}  // namespace fabricplan::sim
