// One workload, three engines: a cluster spec's schedule on its fabric, held against
// each other. The analytic engine (op_time.h) is closed form; the flow engine solves
// max-min rates on the fabric; the packet engine runs SRD / IB RC packet by packet.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "models/collective/moe_model.h"
#include "models/collective/tiers.h"
#include "models/workload/kv_cache.h"
#include "planner/plan.h"
#include "planner/engine_run/plan_fabric.h"
#include "planner/engine_run/spec_fabric.h"
#include "planner/spec/spec_parser.h"
#include "planner/engine_run/spec_run.h"
#include "planner/engine_run/spec_schedule.h"

namespace fabricplan {
namespace {

ClusterSpec load(const Catalog& catalog, const std::string& name) {
  return parse_cluster_spec(std::string(FABRICPLAN_SOURCE_DIR) + "/configs/clusters/" + name, catalog);
}

// The spec's fabric and NIC pools with the analytic plan's splits (as `plan` chooses them).
PlanOnFabric with_analytic_splits(const ClusterSpec& spec, const Catalog& catalog) {
  PlanOptions analytic;
  analytic.engine = "analytic";
  analytic.sweep = false;
  return plan_on_fabric(spec, make_plan(spec, catalog, nullptr, analytic));
}

const ClassResult* find_class(const GroupResult& g, TrafficClass c) {
  for (const auto& r : g.classes) {
    if (r.cls == c) return &r;
  }
  return nullptr;
}

// The ops whose transfers' first send to last delivery overlaps neither neighbour's (by
// release order): index, first send, last delivery (ps).
struct LoneOp {
  std::size_t index;
  std::int64_t start, end;
};
std::vector<LoneOp> lone_ops(const std::vector<SpecOp>& ops, const SpecRunResult& run) {
  auto span = [&](const SpecOp& op) {
    std::int64_t start = INT64_MAX, end = 0;
    for (std::uint32_t t = op.first; t < op.end; ++t) {
      const auto& f = run.sim.flows[run.sim.transfer_flow[t]];
      start = std::min<std::int64_t>(start, f.first_send_ps);
      end = std::max<std::int64_t>(end, f.last_delivery_ps);
    }
    return std::make_pair(start, end);
  };
  std::vector<LoneOp> out;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const auto [start, end] = span(ops[i]);
    const bool overlaps = (i > 0 && span(ops[i - 1]).second > start) || (i + 1 < ops.size() && span(ops[i + 1]).first < end);
    if (!overlaps) out.push_back({i, start, end});
  }
  return out;
}

TEST(SpecEngines, KvTransferAloneMatchesAlphaPlusBytesOverThePool) {
  // Only KV on p5 (no collectives, so every one of a node's 32 EFAs carries KV at
  // 11.25e9 B/s payload): the flow engine's time of a request that overlaps no other is
  // its bytes / (32 x 11.25e9) plus the fabric's unloaded latency (a few us), request by
  // request; and over 400 requests (rho ~ 1%) the analytic median alpha + median bytes / B
  // is the simulated median within the sampling error of a median of 400 lognormal draws
  // (1.25 sigma / sqrt(400) = 4.4% at sigma 0.70): 10% allowed.
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = load(catalog, "p5-moe-pd.json");
  spec.moe.clear();
  spec.tp.clear();
  PlanOptions o;
  o.sweep = false;
  o.window_s = 20;
  PlanResult plan = make_plan(spec, catalog, nullptr, o);
  const ClassResult* kv = find_class(plan.groups.at(1), TrafficClass::kKvTransfer);
  ASSERT_NE(kv, nullptr);
  ASSERT_GT(kv->engine_count, 300u);
  EXPECT_NEAR(kv->engine_p50_us, kv->time.p50_us, 0.10 * kv->time.p50_us)
      << "flow " << kv->engine_p50_us << " us, analytic " << kv->time.p50_us << " us";
  EXPECT_LT(kv->engine_p99_us, 1.2 * kv->time.p99_us);

  // Request by request, on the same schedule.
  const PlanOnFabric on = plan_on_fabric(spec, plan);
  const SpecFabric& fabric = on.fabric;
  const std::map<std::string, NodePools>& pools = on.pools;
  ASSERT_EQ(pools.at("decode").kv_nics.size(), 32u);
  SpecScheduleOptions so;
  so.window_s = 20;
  SpecSchedule sched = build_spec_schedule(spec, fabric, pools, so);
  const std::vector<SpecOp> ops = sched.ops;
  const SpecRunResult run = run_spec_schedule(spec, fabric, std::move(sched), "flow");
  const std::vector<LoneOp> alone = lone_ops(ops, run);
  for (const LoneOp& o : alone) {
    const double fluid_us = ops[o.index].bytes / (32 * 11.25e9) * 1e6;
    const double us = (o.end - o.start) * 1e-6;
    EXPECT_GT(us, fluid_us);
    EXPECT_LT(us, fluid_us + 10) << "request " << o.index << ": " << ops[o.index].bytes << " B";
  }
  EXPECT_GT(alone.size(), 300u);
}

TEST(SpecEngines, LayerwiseKvAddsWhatPrefillDoesNotHide) {
  // Only KV on p5 (32 EFAs at 11.25e9 B/s each carry it), sent layer by layer while
  // prefill runs: layer i of L posted at i/L of the prefill time T = tokens / rate. With
  // the pool sending at B, the last layer lands at max(T + b/(L B), T/L + b/B) after the
  // arrival (kv_timing.h), so the op, timed from prefill's end, takes
  // max(b/(L B), b/B - T (L-1)/L) plus the fabric's unloaded latency: checked request by
  // request on the flow engine where a request overlaps no other, in both regimes: a slow
  // prefill that hides all but the last layer, a fast one that leaves the network exposed.
  Catalog catalog = Catalog::load(Catalog::default_path());
  for (const double tokens_per_s : {20000.0, 2e6}) {
    ClusterSpec spec = load(catalog, "p5-moe-pd.json");
    spec.moe.clear();
    spec.tp.clear();
    KvWorkloadSpec& kv = spec.kv.front();
    kv.layerwise = true;
    kv.prefill_tokens_per_s = tokens_per_s;
    kv.requests_per_s = 3;  // a slow prefill spans ~100 ms: few requests overlap at this rate
    PlanOptions o;
    o.sweep = false;
    o.engine = "analytic";
    PlanResult plan = make_plan(spec, catalog, nullptr, o);
    const PlanOnFabric on = plan_on_fabric(spec, plan);
    ASSERT_EQ(on.pools.at("decode").kv_nics.size(), 32u);
    SpecScheduleOptions so;
    so.window_s = 30;
    SpecSchedule sched = build_spec_schedule(spec, on.fabric, on.pools, so);
    const std::vector<SpecOp> ops = sched.ops;
    const SpecRunResult run = run_spec_schedule(spec, on.fabric, std::move(sched), "flow");
    const double layers = kv.shape.layers, pool = 32 * 11.25e9, per_token = kv_bytes_per_token(kv.shape);
    const std::vector<LoneOp> lone = lone_ops(ops, run);
    const std::size_t alone = lone.size();
    double worst = 0, hidden_share = 0;
    for (const LoneOp& o : lone) {
      const std::size_t i = o.index;
      const std::int64_t end = o.end;
      const double prefill = ops[i].bytes / per_token / tokens_per_s * 1e6;
      const double all = ops[i].bytes / pool * 1e6;
      const double want = std::max(all / layers, all - prefill * (layers - 1) / layers);
      const double us = (end - ops[i].timed_from_ps) * 1e-6;
      EXPECT_GT(us, want - 0.01) << "request " << i;
      EXPECT_LT(us, want + 10) << "request " << i << ": " << ops[i].bytes << " B, prefill " << prefill << " us";
      worst = std::max(worst, us - want);
      hidden_share += 1 - us / all;
    }
    std::printf("prefill at %.0f tokens/s: %zu requests alone, at most %.2f us over max(b/(LB), b/B - T(L-1)/L); "
                "on average %.0f%% of the transfer hidden behind prefill\n",
                tokens_per_s, alone, worst, 100 * hidden_share / std::max<std::size_t>(alone, 1));
    EXPECT_GT(alone, 40u);  // measured 52 and 74
  }
}

TEST(SpecEngines, ARingOnAnOversubscribedFabricGetsOneAnswer) {
  // 64 p4d with DDP on a 4:1 leaf-spine (tests/data/specs): the analytic model applied the
  // leaf's uplink share (1/4) to the whole all-reduce, 26.0 s per step, where the flow
  // engine measured 6.4 s: a ring's neighbours mostly share a leaf, and only one node's
  // worth of its traffic leaves each leaf (12.5 nodes per 50-port leaf). Counting only the
  // traffic that crosses (leaf_crossing.h), the two agree within 25%, and the verdict needs
  // no engine to overrule it.
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec =
      parse_cluster_spec(std::string(FABRICPLAN_SOURCE_DIR) + "/tests/data/specs/p4d-ddp-64-4to1.json", catalog);
  PlanOptions o;
  o.sweep = false;
  const PlanResult plan = make_plan(spec, catalog, nullptr, o);
  const ClassResult* dp = find_class(plan.groups.at(0), TrafficClass::kDpGradients);
  ASSERT_NE(dp, nullptr);
  ASSERT_GT(dp->engine_count, 0u);
  std::printf("p4d DDP 64 nodes at 4:1: analytic %.2f s, flow engine %.2f s (n=%zu)\n", dp->time.p99_us / 1e6,
              dp->engine_p99_us / 1e6, dp->engine_count);
  EXPECT_NEAR(dp->time.p99_us, dp->engine_p99_us, 0.25 * dp->engine_p99_us);
  EXPECT_FALSE(dp->verdict_from_engine);
}

TEST(SpecEngines, BandwidthBoundMoeStepAgreesBetweenAnalyticAndFlowEngines) {
  // p4d decode: MoE on 3 dedicated EFAs is bandwidth-bound (114% of them), so the
  // collective model's DeepEP time and the flow engine's max-min fluid time of the same
  // bytes must agree once each engine's stated NIC rate is taken out: the analytic one
  // runs DeepEP's share of what NCCL reaches on EFA v1 (fitted on the p4de rows: 0.87 of
  // line rate), the flow engine the catalog's per-NIC goodput (the same fitted 0.87).
  // Measured 67.8 ms analytic, 59.0 ms flow; rates 0.797 and 0.87 of line: 62.1 vs 59.0.
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = load(catalog, "p4d-moe-pd.json");
  PlanOptions o;
  o.sweep = false;
  PlanResult plan = make_plan(spec, catalog, nullptr, o);
  const ClassResult* moe = find_class(plan.groups.at(1), TrafficClass::kMoeAll2all);
  ASSERT_NE(moe, nullptr);
  ASSERT_GT(moe->engine_count, 5u);
  const InstanceType& p4d = *catalog.find("p4d.24xlarge");
  const double line = p4d.interface_gbit_per_s * 1e9 / 8;
  const double analytic_rate = collective::tiers_from_catalog(p4d).nic_bytes_per_s * collective::deepep_rdma_share();
  const double flow_rate = line * p4d.default_efficiency;
  const double analytic_at_flow_rate = moe->time.p50_us * analytic_rate / flow_rate;
  std::printf("analytic %.1f ms at %.3f of line rate (%.1f ms at the flow engine's %.3f); flow %.1f ms\n",
              moe->time.p50_us / 1e3, analytic_rate / line, analytic_at_flow_rate / 1e3, flow_rate / line,
              moe->engine_p50_us / 1e3);
  EXPECT_NEAR(moe->engine_p50_us, analytic_at_flow_rate, 0.10 * analytic_at_flow_rate)
      << "flow " << moe->engine_p50_us << " us, analytic " << moe->time.p50_us << " us";
}

TEST(SpecEngines, PacketAndFlowEnginesAgreeOnTheSameSpecWindow) {
  // The first 3 ms of p5's schedule (MoE layers on 24 EFAs per decode node, a KV request
  // at the start) on both engines, each operation timed on its own. The fluid optimum is
  // a lower bound for the packet engine. A MoE dispatch is 157 KB per NIC pair (39
  // packets) into 3-way incast at every receiving NIC: SRD's delay-based window and a
  // NIC that serves its connections round robin carry it within 25% of the fluid time
  // (measured 1.05x; 2.98x when a cut window could never grow back and the NIC served
  // one peer's whole window before the next). The 671 MB KV request: within 15%
  // (measured 1.01x).
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = load(catalog, "p5-moe-pd.json");
  const PlanOnFabric on = with_analytic_splits(spec, catalog);
  const SpecFabric& fabric = on.fabric;
  const std::map<std::string, NodePools>& pools = on.pools;
  SpecScheduleOptions so;
  so.window_s = 0.003;
  so.kv_request_at_start = true;
  const SpecRunResult flow = run_spec_schedule(spec, fabric, build_spec_schedule(spec, fabric, pools, so), "flow", 5, true);
  const SpecRunResult packet = run_spec_schedule(spec, fabric, build_spec_schedule(spec, fabric, pools, so), "packet", 5, true);
  const OpTimes& f = flow.op_times.at("decode").at(TrafficClass::kMoeAll2all);
  const OpTimes& p = packet.op_times.at("decode").at(TrafficClass::kMoeAll2all);
  ASSERT_EQ(f.count, p.count);
  ASSERT_GT(f.count, 4u);
  EXPECT_GE(p.p50_us, 0.95 * f.p50_us);
  EXPECT_LE(p.p50_us, 1.25 * f.p50_us) << "packet " << p.p50_us << " us, flow " << f.p50_us << " us";
  std::printf("MoE dispatch/combine p50: packet %.1f us, flow %.1f us (%.2fx)\n", p.p50_us, f.p50_us, p.p50_us / f.p50_us);
  const OpTimes& fk = flow.op_times.at("decode").at(TrafficClass::kKvTransfer);
  const OpTimes& pk = packet.op_times.at("decode").at(TrafficClass::kKvTransfer);
  ASSERT_EQ(fk.count, 1u);
  ASSERT_EQ(pk.count, 1u);
  EXPECT_NEAR(pk.p50_us, fk.p50_us, 0.15 * fk.p50_us) << "packet " << pk.p50_us << " us, flow " << fk.p50_us << " us";
  std::printf("KV request: packet %.1f us, flow %.1f us (%.2fx)\n", pk.p50_us, fk.p50_us, pk.p50_us / fk.p50_us);
}

}  // namespace
}  // namespace fabricplan

namespace fabricplan {
namespace {

// The busiest switch-to-switch link of a run (a NIC's own link at line rate is the
// operation itself, not load): the largest among the run's ten busiest that joins two
// switches, else the tenth's utilization, which bounds every link not listed.
double busiest_fabric_link(const sim::SimulationResult& r) {
  for (const auto& l : r.busiest_links) {
    if (l.link.find("host") == std::string::npos) return l.utilization;
  }
  return r.busiest_links.size() < 10 ? 0 : r.busiest_links.back().utilization;
}

TEST(SpecEngines, PacketAgreesWithFlowOnEveryExampleSpecBelowHalfLoad) {
  // Every example spec, the plan's split, a 5 ms slice that starts with a KV request,
  // each operation timed on its own (a KV request, one MoE dispatch or combine, a
  // collective step): where no switch-to-switch link is above 50% busy, the packet
  // engine's median operation time of every class is within 15% of the flow engine's
  // (the two model the same fabric; at low load SRD's windows and queues should cost
  // little), and a timeout without a loss before it stays under 1% of data packets.
  // Measured after the SRD fixes: p5 MoE 1.05x, trn2 MoE 1.03x, KV 1.01x. Training's
  // PP sends run the spine links at 99% in the slice (1.30x, SRD's 64 hashed paths
  // load the spines unevenly): measured and printed, not held here.
  Catalog catalog = Catalog::load(Catalog::default_path());
  std::size_t compared = 0;
  for (const char* name : {"p5-moe-pd.json", "trn2-moe-pd.json", "p4d-moe-pd.json", "p5-llama3-70b-train.json"}) {
    ClusterSpec spec = load(catalog, name);
    const PlanOnFabric on = with_analytic_splits(spec, catalog);
    SpecScheduleOptions so;
    so.window_s = 0.005;
    so.kv_request_at_start = true;
    const SpecRunResult flow = run_spec_schedule(spec, on.fabric, build_spec_schedule(spec, on.fabric, on.pools, so), "flow", 5, true);
    const SpecRunResult packet = run_spec_schedule(spec, on.fabric, build_spec_schedule(spec, on.fabric, on.pools, so), "packet", 5, true);
    const sim::TransportCounters& t = packet.sim.transport;
    std::printf("%s: busiest switch-to-switch link %.0f%% in the slice (flow), %llu data packets, %llu drops, %llu timeouts, %llu spurious\n", name,
                100 * busiest_fabric_link(flow.sim), static_cast<unsigned long long>(t.data_packets_sent),
                static_cast<unsigned long long>(t.drops), static_cast<unsigned long long>(t.timeouts),
                static_cast<unsigned long long>(t.spurious_timeouts));
    EXPECT_LE(static_cast<double>(t.spurious_timeouts), 0.01 * static_cast<double>(t.data_packets_sent)) << name;
    const double fabric_load = busiest_fabric_link(flow.sim);
    const bool light = fabric_load <= 0.5;
    for (const auto& [group, classes] : flow.op_times) {
      for (const auto& [cls, f] : classes) {
        const OpTimes& p = packet.op_times.at(group).at(cls);
        if (f.count == 0 || p.count == 0) continue;
        std::printf("  %s %s: packet p50 %.1f us, flow p50 %.1f us (%.3fx), %zu ops%s\n", group.c_str(),
                    std::string(traffic_class_name(cls)).c_str(), p.p50_us, f.p50_us, p.p50_us / f.p50_us, f.count,
                    light ? "" : " (not held: a fabric link above 50%)");
        EXPECT_EQ(p.count + p.incomplete, f.count + f.incomplete) << name << " " << group;
        if (!light) continue;
        ++compared;
        EXPECT_NEAR(p.p50_us / f.p50_us, 1, 0.15) << name << " " << group << " " << traffic_class_name(cls);
      }
    }
  }
  EXPECT_GE(compared, 3u);
}

// (Suite PartitionedRun: scripts/sanitize.sh --threads runs it under ThreadSanitizer.)
TEST(PartitionedRun, ASpecScheduleRunsInLanesWithTheOneThreadRunsTimes) {
  // plan --engine packet --threads N: p5-moe-pd's 3 ms window (KV, MoE dispatch and
  // combine, the steps that wait for one another) partitioned by leaf gives one result
  // on 2 and 3 threads, and per class the one-thread run's operation times within 1%:
  // the two may differ only in the order of simultaneous events and per-lane draws.
  Catalog catalog = Catalog::load(Catalog::default_path());
  ClusterSpec spec = load(catalog, "p5-moe-pd.json");
  const PlanOnFabric on = with_analytic_splits(spec, catalog);
  SpecScheduleOptions so;
  so.window_s = 0.003;
  so.kv_request_at_start = true;  // a KV request in the window too
  auto run_on = [&](unsigned threads) {
    SpecSchedule schedule = build_spec_schedule(spec, on.fabric, on.pools, so);
    schedule.scenario.threads = threads;
    return run_spec_schedule(spec, on.fabric, std::move(schedule), "packet", 5, true);
  };
  const SpecRunResult one = run_on(1), two = run_on(2), three = run_on(3);
  ASSERT_GT(two.sim.lanes, 1u) << two.sim.sequential_because;
  auto result_of = [](sim::SimulationResult r) {
    r.wall_s = 0;
    r.threads_asked = 0;
    return sim::render_simulation_json(r);
  };
  EXPECT_EQ(result_of(two.sim), result_of(three.sim));
  std::size_t compared = 0;
  for (const auto& [group, classes] : one.op_times) {
    for (const auto& [cls, t] : classes) {
      const OpTimes& p = two.op_times.at(group).at(cls);
      EXPECT_EQ(p.count, t.count) << group;
      if (t.count == 0) continue;
      EXPECT_NEAR(p.p50_us, t.p50_us, 0.01 * t.p50_us) << group << " " << traffic_class_name(cls);
      ++compared;
    }
  }
  EXPECT_GT(compared, 1u);
}

}  // namespace
}  // namespace fabricplan
