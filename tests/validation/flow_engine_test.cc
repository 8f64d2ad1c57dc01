// The flow engine held against theory (hand-worked completion times, an incast), the
// packet engine on the same schedule and fabric, and SimGrid on the same flows. Where the
// packet engine falls short of the fluid optimum the test names the cost and measures it
// instead of loosening the bound.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "models/flow/flow_engine.h"
#include "models/json_input/input_error.h"
#include "sim/scenario/run.h"
#include "tests/validation/shipped_scenarios.h"

namespace fabricplan::sim {
namespace {

using validation::scenario_path;

TEST(FlowEngineValidation, ThreeFlowHandExample) {
  // Two leaves of two hosts under one spine; switch links 400 Gbit/s, host links
  // 100 Gbit/s (12.5 GB/s), no propagation delay, no headers. At t = 0:
  //   A: host0 -> host2, 10 MB;  B: host1 -> host2, 5 MB;  C: host1 -> host3, 20 MB.
  // Host1's uplink carries B + C and leaf1 -> host2 carries A + B: raising all three
  // together, both saturate at 6.25 GB/s, so A = B = C = 6.25 GB/s (the 400G links
  // carry 18.75 GB/s of 50). B ends at 5 MB / 6.25 GB/s = 800 us. Then A and C are
  // alone on their host links: 12.5 GB/s each. A has 5 MB left: +400 us -> 1200 us;
  // C has 15 MB left: +1200 us -> 2000 us.
  // Each completes one store-and-forward of its last 4096-byte packet per later hop
  // after that: 2 x 4096 / 50 GB/s + 4096 / 12.5 GB/s = 0.49152 us.
  Topology topo = build_leaf_spine(2, 2, 1, 400, 0);
  for (auto& l : topo.links) {
    if (l.a < topo.hosts || l.b < topo.hosts) l.gbit_per_s = 100;
  }
  Schedule s;
  ScheduleStream st;
  st.path = PathPolicy::kDestModK;
  st.header_bytes = 0;
  st.class_index = s.class_index("x");
  s.streams.push_back(st);
  auto add = [&](std::uint32_t src, std::uint32_t dst, std::uint64_t bytes) {
    Transfer t;
    t.src = src;
    t.dst = dst;
    t.bytes = bytes;
    return s.add(t);
  };
  const auto a = add(0, 2, 10'000'000), b = add(1, 2, 5'000'000), c = add(1, 3, 20'000'000);
  flow::FlowRunResult r = flow::run_flow_engine(topo, s, {});
  EXPECT_NEAR(r.transfers[b].done_ps * 1e-6, 800.49152, 1e-5);
  EXPECT_NEAR(r.transfers[a].done_ps * 1e-6, 1200.49152, 1e-5);
  EXPECT_NEAR(r.transfers[c].done_ps * 1e-6, 2000.49152, 1e-5);
  // Link accounting: host1's uplink carried B + C = 25 MB.
  const int host1_link = find_link(topo, 1, find_node(topo, "leaf0"));
  EXPECT_NEAR(r.link_wire_bytes[2 * host1_link], 25e6, 1);
}

TEST(FlowEngineValidation, IncastSharesTheReceiverLinkEqually) {
  // k senders to one receiver on the bench-t-128 fabric: the receiver's link is the one
  // bottleneck, each sender gets 1/k of it, and all finish together at k x bytes x
  // (4160/4096) / 12.5 GB/s plus the unloaded latency of the last packet
  // (4 x 1 us propagation + 3 x 4160 B / 12.5 GB/s).
  Scenario sc = parse_scenario(scenario_path("bench-t-128-ib.json"));
  const int k = 7;
  sc.traffic[0].pattern = "incast";
  sc.traffic[0].senders.clear();
  for (int i = 0; i < k; ++i) sc.traffic[0].senders.push_back(static_cast<std::uint32_t>(8 + 9 * i));
  sc.traffic[0].receiver = 3;
  SimulationResult r = run_scenario_flow(sc);
  const double expected_us = k * 2e6 * 4160 / 4096 / 12.5e9 * 1e6 + 4 + 3 * 4160 / 12.5e9 * 1e6;
  EXPECT_NEAR(r.classes[0].fct_max_us, expected_us, 1e-3);
  EXPECT_NEAR(r.classes[0].fct_p50_us, expected_us, 1e-3);
  EXPECT_NEAR(r.links.max_utilization, 2e6 * k * 4160 / 4096 / 12.5e9 / r.simulated_s, 1e-6);
}

TEST(FlowEngineValidation, AgreesWithThePacketEngineOnTheBenchF128PermutationOverIbLossless) {
  // Long single-path flows: D-mod-K puts several flows on some spine uplinks, and both
  // engines must find the same bottlenecks. Lossless IB has no loss and no congestion
  // control, so the fluid max-min rates are what credit back-pressure converges to.
  Scenario s = parse_scenario(scenario_path("bench-f-128-perm.json"));
  SimulationResult flow = run_scenario_flow(s);
  SimulationResult packet = run_scenario(s);
  ASSERT_EQ(packet.classes[0].incomplete_flows, 0u);
  EXPECT_NEAR(flow.last_completion_s / packet.last_completion_s, 1, 0.05);
  EXPECT_NEAR(flow.classes[0].fct_mean_us / packet.classes[0].fct_mean_us, 1, 0.10);
  // The busiest link is the same directed link in both.
  ASSERT_FALSE(flow.busiest_links.empty());
  EXPECT_EQ(flow.busiest_links[0].link, packet.busiest_links[0].link);
}

// The shipped mixture's fabric (rail-optimized, 16 servers x 8 NICs, 4 spines) on IB RC
// lossless with 16-packet QP windows, keeping the traffic entries `keep`.
Scenario rail_mixture(std::vector<std::size_t> keep) {
  Scenario s = parse_scenario(scenario_path("mix-rail-kv-moe-allreduce.json"));
  std::vector<TrafficSpec> kept;
  for (std::size_t i : keep) kept.push_back(s.traffic[i]);
  s.traffic = kept;
  s.fabric = FabricParams{};
  s.fabric.lossless = true;
  s.fabric.seed = s.seed;
  for (auto& t : s.traffic) {
    t.transport.name = "ib_rc";
    t.transport.ib.window_packets = 16;
  }
  return s;
}

double class_throughput(const SimulationResult& r, const std::string& name) {
  for (const auto& c : r.classes) {
    if (c.name == name) return c.throughput_bytes_per_s;
  }
  return 0;
}

TEST(FlowEngineValidation, AgreesWithThePacketEngineOnAGpuAllToAllThroughTheNicMap) {
  // MoE dispatch among 12 servers of 8 GPUs and 8 NICs (GPU g on NIC g, PXN rail-aligned,
  // 256 KiB per GPU pair): every NIC sends and receives 88 transfers inside its rail.
  Scenario s = rail_mixture({1});
  SimulationResult flow = run_scenario_flow(s), packet = run_scenario(s);
  ASSERT_EQ(packet.classes[0].incomplete_flows, 0u);
  EXPECT_EQ(flow.classes[0].flows, packet.classes[0].flows);
  EXPECT_NEAR(class_throughput(flow, "moe") / class_throughput(packet, "moe"), 1, 0.10);
}

TEST(FlowEngineValidation, AgreesWithThePacketEngineOnAKvAndMoeMixture) {
  // Poisson KV transfers (lognormal, mean 16 MiB) from 4 prefill servers to every decode
  // NIC, beside the MoE dispatch among the decode servers from 100 us on.
  Scenario s = rail_mixture({0, 1});
  SimulationResult flow = run_scenario_flow(s), packet = run_scenario(s);
  EXPECT_NEAR(class_throughput(flow, "kv") / class_throughput(packet, "kv"), 1, 0.10);
  // MoE falls further behind in the packet engine. Alone, the same MoE agrees within 10%
  // (the test above), and the packet NIC now serves its connections round robin, so it
  // is not the sender's NIC: KV and MoE meet at the decode NICs' downlinks, where
  // max-min gives each of the 88 MoE transfers an equal share at once, while SRD's
  // delay-based windows share the port per connection (8 GPU pairs of a NIC pair share
  // one) and KV's long connections keep larger windows. Measured 1.285x (1.28x with the
  // FIFO NIC); an open gap, kept visible by this bound rather than widened.
  const double moe_ratio = class_throughput(flow, "moe") / class_throughput(packet, "moe");
  std::printf("mixture flow/packet throughput: kv %.3f, moe %.3f\n", class_throughput(flow, "kv") / class_throughput(packet, "kv"), moe_ratio);
  EXPECT_GT(moe_ratio, 1.0);
  EXPECT_LT(moe_ratio, 1.35);
}

TEST(FlowEngineValidation, SrdSprayingReachesTheFluidOptimumLessWhatItsWindowCosts) {
  // bench-t-128 on SRD: sprayed over all 8 spines no fabric link is a bottleneck, so
  // the fluid optimum is every flow at its NIC's line rate: 2 MB x 4160/4096 / 12.5 GB/s
  // + 4 us + 3 x 0.3328 us = 167.498 us, for every flow.
  Scenario s = parse_scenario(scenario_path("bench-t-128-srd.json"));
  SimulationResult flow = run_scenario_flow(s);
  EXPECT_NEAR(flow.classes[0].fct_max_us, 162.5 + 4 + 3 * 0.3328, 1e-3);
  EXPECT_NEAR(flow.classes[0].fct_p50_us, flow.classes[0].fct_max_us, 1e-9);
  // The packet engine is slower by what SRD's window costs at 100% load. Two parts, told
  // apart by measurement:
  // - the hash's imbalance (each connection hashes 64 path entropies onto 8 spines, so at
  //   100% mean load some uplinks and downlinks are over it): path avoidance (a slot
  //   whose round trip came back above the target is passed over for an srtt) and the
  //   window's median delay signal remove it. Without them the gap was 1.23x at 2 MB and
  //   1.22x at 8 MB; with them 64 hashed paths do as well as 4096 (an even split by the
  //   law of large numbers), held below within 3%;
  // - the delay-based window's own equilibrium at rho = 1: queues held near the target
  //   and a window that grows one packet per RTT from the unloaded BDP leave the
  //   bottleneck idle part of the time. A ramp, partly paid once: the gap shrinks with
  //   the size (measured 1.18x at 2 MB, 1.12x at 8 MB). The issue asks 10% at 8 MB: not
  //   met. Experiments (not kept) place it: with ACKs never queued behind data at the
  //   switches 1.083x; with the window judging only the forward one-way delay 1.138x; so
  //   it is the ACKs' queues on the loaded reverse path, which lengthen the round trip a
  //   window has to cover. A sender that paces at its measured delivery rate (SRD's own,
  //   per Shalev et al.) or ACKs in a priority class might close it; neither is modelled.
  // An independent reference says 10% at rho = 1 is past what spraying reaches on this
  // fabric: htsim's EQDS (receiver-driven, per-packet spraying over 64 paths; csg-htsim
  // 841d9e7) on the same fabric, permutation and buffers gives a mean FCT of 1.172x the
  // fluid optimum at 8 MB and 1.228x at 2 MB (bench/peers/htsim_bench.sh with MEANS=1,
  // BYTES=8000000, on bench-t-128-srd). The bound below holds SRD under the peer's figure.
  const double slow_2mb = run_scenario(s).classes[0].fct_mean_us / flow.classes[0].fct_mean_us;
  s.traffic[0].bytes = 8'000'000;
  const double fluid_8mb = run_scenario_flow(s).classes[0].fct_mean_us;
  const double slow_8mb = run_scenario(s).classes[0].fct_mean_us / fluid_8mb;
  s.traffic[0].transport.srd.paths = 4096;
  const double slow_8mb_even = run_scenario(s).classes[0].fct_mean_us / fluid_8mb;
  std::printf("SRD spraying / fluid mean FCT: %.3fx at 2 MB, %.3fx at 8 MB (4096 paths: %.3fx)\n", slow_2mb, slow_8mb,
              slow_8mb_even);
  EXPECT_GT(slow_2mb, 1.0);
  EXPECT_LT(slow_8mb, slow_2mb);
  EXPECT_LT(slow_8mb, 1.15);
  EXPECT_NEAR(slow_8mb / slow_8mb_even, 1, 0.03);
}

TEST(FlowEngineValidation, EveryShippedScenarioRunsOnTheFlowEngine) {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(FABRICPLAN_SOURCE_DIR) + "/configs/scenarios")) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "bench-f-ft1024-a2a1024.json") continue;
    Scenario s = parse_scenario(entry.path().string());
    SimulationResult r = run_scenario_flow(s);
    EXPECT_EQ(r.engine, "flow");
    ASSERT_FALSE(r.classes.empty()) << entry.path();
    for (const auto& c : r.classes) EXPECT_EQ(c.incomplete_flows, 0u) << entry.path() << " " << c.name;
    EXPECT_GT(r.last_completion_s, 0) << entry.path();
  }
}

TEST(FlowEngineValidation, RefusesARunThatWouldNotFitBeforeAllocating) {
  Scenario s = parse_scenario(scenario_path("bench-f-ft1024-a2a1024.json"));
  s.limits.max_memory_bytes = 64e6;
  try {
    run_scenario_flow(s);
    FAIL() << "expected a refusal";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "/traffic");
    EXPECT_NE(e.found().find("1047552 transfers"), std::string::npos) << e.found();
    EXPECT_NE(e.found().find("GiB"), std::string::npos) << e.found();
  }
}

#ifdef FABRICPLAN_SIMGRID_PEER
nlohmann::json run_simgrid(const std::string& scenario) {
  std::string cmd = std::string(FABRICPLAN_SIMGRID_PEER) + " " + scenario_path(scenario) + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  while (pipe && fgets(buf, sizeof buf, pipe.get())) out += buf;
  return nlohmann::json::parse(out);
}
#endif

TEST(FlowEngineValidation, AgreesWithSimGridOnTheBenchF128Permutation) {
#ifndef FABRICPLAN_SIMGRID_PEER
  GTEST_SKIP() << "SimGrid peer not built (apt-get install libsimgrid-dev, then reconfigure)";
#else
  // The same fabric, routes and flows in SimGrid 3.32's default LV08 model. LV08 gives a
  // flow 0.97 of the link bandwidth and 13.01 x the route latency (Velho & Legrand 2009),
  // so SimGrid's last completion is ours / 0.97 plus ~50 us: 3% later, within 5%.
  nlohmann::json sg = run_simgrid("bench-f-128-perm.json");
  SimulationResult flow = run_scenario_flow(parse_scenario(scenario_path("bench-f-128-perm.json")));
  const double sg_last = sg["last_completion_s"].get<double>();
  EXPECT_NEAR(flow.last_completion_s / sg_last, 1, 0.05);
  EXPECT_NEAR(flow.last_completion_s / 0.97 / sg_last, 1, 0.01);  // with the factor accounted for
  EXPECT_EQ(sg["flows"].get<std::size_t>(), flow.classes[0].flows);
#endif
}

}  // namespace
}  // namespace fabricplan::sim
