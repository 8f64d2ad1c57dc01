#include "planner/compare/spec_compare.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "models/flow/flow_routes.h"
#include "models/json_input/input_error.h"
#include "planner/engine_run/plan_fabric.h"
#include "planner/engine_run/spec_fabric.h"
#include "planner/engine_run/spec_run.h"
#include "planner/engine_run/spec_schedule.h"
#include "sim/scenario/scenario_schedule.h"

namespace fabricplan {
namespace {

// compare runs the link-failure slice twice (EFA, IB): at most ~10 s each at the packet
// engine's million-odd events a second, refused before anything is built past it.
constexpr double kMaxSlicePacketEvents = 1e7;

// The GPU generation an accelerator belongs to, as the catalog's IB entries name it.
std::string generation_of(const std::string& accelerator) {
  if (accelerator.find("A100") != std::string::npos) return "A100";
  if (accelerator.find("H100") != std::string::npos || accelerator.find("H200") != std::string::npos) return "H100";
  if (accelerator.find("B200") != std::string::npos) return "B200";
  return "";
}

// Runs a short slice of `spec`'s schedule on the packet engine with one leaf-to-spine
// link of the busiest group failing a fifth into the window.
FaultSlice fault_slice(const ClusterSpec& spec, const PlanResult& plan, const CompareOptions& options,
                       const std::string& recovery) {
  FaultSlice out;
  out.recovery = recovery;
  out.window_us = options.slice_window_s * 1e6;
  const PlanOnFabric on = plan_on_fabric(spec, plan);
  const SpecFabric& fabric = on.fabric;
  const std::map<std::string, NodePools>& pools = on.pools;
  SpecScheduleOptions so;
  so.infiniband = on.infiniband;
  so.ib_adaptive = options.plan.ib_adaptive;
  so.seed = options.plan.seed;
  so.window_s = options.slice_window_s;
  so.max_transfers = options.plan.max_transfers;
  so.kv_request_at_start = true;
  so.max_packet_events = kMaxSlicePacketEvents;
  if (std::string why = spec_engine_refusal(spec, fabric, pools, so); !why.empty()) {
    out.why_not = why;
    return out;
  }
  if (fabric.single_switch) {
    out.why_not = "every NIC hangs off one switch: there is no leaf-to-spine link to fail";
    return out;
  }
  SpecSchedule schedule = build_spec_schedule(spec, fabric, pools, so);
  sim::Scenario& s = schedule.scenario;
  if (const double events = sim::expected_packet_events(s); events > kMaxSlicePacketEvents) {
    out.why_not = "the slice is too large for the packet engine here (about " +
                  std::to_string(static_cast<long long>(events)) + " events)";
    return out;
  }
  // The group whose traffic the slice is mostly about: the one with the most collective demand.
  const GroupResult* busiest = &plan.groups.front();
  auto coll = [](const GroupResult& g) {
    double sum = 0;
    for (const auto& c : g.classes) sum += pool_of(c.cls) == NicPool::kCollective ? c.demand_bytes_per_s : 0;
    return sum;
  };
  for (const auto& g : plan.groups) busiest = coll(g) > coll(*busiest) ? &g : busiest;
  const Topology topo = sim::build_topology(s.topology);
  // A switch-to-switch link on the route of the slice's first transfer from that group
  // (collective traffic first), computed as the engines route it: the failure hits traffic.
  const Schedule& sched = *s.prebuilt_schedule;
  const int first_endpoint = fabric.first_node.at(busiest->spec->name) * fabric.nics_per_node;
  const int last_endpoint = first_endpoint + busiest->spec->count * fabric.nics_per_node;
  int link = -1;
  const NextHops hops = compute_next_hops(topo);
  flow::RouteContext ctx{&topo, &hops, nullptr, s.seed};
  std::vector<flow::RouteCoefficient> route;
  // Passes: the group's collective transfers, its others, then anyone's.
  for (int pass = 0; pass < 3 && link < 0; ++pass) {
    for (const Transfer& t : sched.transfers) {
      const bool mine = static_cast<int>(t.src) >= first_endpoint && static_cast<int>(t.src) < last_endpoint;
      const bool collective = sched.streams[t.stream].traffic_class != traffic_class_name(TrafficClass::kKvTransfer);
      if ((pass == 0 && !(mine && collective)) || (pass == 1 && !mine)) continue;
      flow::compute_route(ctx, sched.streams[t.stream], t.stream, t, route);
      for (const auto& r : route) {
        const TopoLink& l = topo.links[r.link / 2];
        if (l.a >= topo.hosts && l.b >= topo.hosts) {
          link = static_cast<int>(r.link / 2);
          break;
        }
      }
      if (link >= 0) break;
    }
  }
  if (link < 0) {
    out.why_not = "no transfer of the slice crosses a switch-to-switch link";
    return out;
  }
  auto name = [&](int node) {
    static const char* kinds[] = {"host", "leaf", "spine", "edge", "agg", "core"};
    return std::string(kinds[static_cast<int>(topo.nodes[node].kind)]) + std::to_string(topo.nodes[node].index);
  };
  sim::FaultSpec f;
  f.a = name(topo.links[link].a);
  f.b = name(topo.links[link].b);
  f.link = link;
  f.at_ps = static_cast<std::int64_t>(options.slice_window_s * 0.2 * 1e12);
  // IB's recovery: the subnet manager's new routes, the switches' local failover (both
  // modelled as routes recomputed without the link after their delay), or none.
  const double reroute_s = recovery == "sm" ? options.sm_reroute_after_s : recovery == "self-healing" ? options.self_healing_after_s : -1;
  f.reroute_after_ps = so.infiniband && reroute_s >= 0 ? static_cast<std::int64_t>(reroute_s * 1e12) : -1;
  s.faults = {f};
  s.stop_ps = -1;
  s.limits.max_simulated_s = 10;
  out.link = f.a + "<->" + f.b;
  if (so.infiniband) {
    // Each stack's own timeouts (ib_stack.h): NCCL's classes and the KV engine's.
    out.ib_timeouts.push_back({"moe_all2all, tp_allreduce, training", spec.nccl_ib});
    if (!spec.kv.empty()) out.ib_timeouts.push_back({"kv_transfer", spec.kv.front().ib});
    std::string timers;
    for (const auto& [classes, ib] : out.ib_timeouts) {
      char t[120];
      const double s_ = ib.ack_timeout_s();
      std::snprintf(t, sizeof t, "%s%s %.3g %s (%s)", timers.empty() ? "" : ", ", classes == "kv_transfer" ? "KV" : "NCCL",
                    s_ >= 1 ? s_ : s_ * 1e3, s_ >= 1 ? "s" : "ms", ib.stack.c_str());
      timers += t;
    }
    const char* how = recovery == "sm"
                          ? "the subnet manager installs new routes (%.3g ms here, --sm-reroute-ms)"
                      : recovery == "self-healing"
                          ? "the switch next to it fails over locally (self-healing: %.3g ms here, --self-healing-ms; NVIDIA "
                            "states it recovers about 5,000x faster than the subnet manager, whose rerouting takes seconds "
                            "on large fabrics: not measured here)"
                          : "routes change (never here: no recovery%.0s)";
    char when[400];
    std::snprintf(when, sizeof when, how, (reroute_s >= 0 ? reroute_s : 0) * 1e3);
    char buf[900];
    std::snprintf(buf, sizeof buf,
                  so.ib_adaptive
                      ? "RC with adaptive routing: from the failure on, each switch sends packets only to up-ports whose "
                        "link is up (routes are recomputed when %s); the packets already on the dead link are lost and "
                        "resent at the local ACK timeout (no NAK for out-of-order arrivals): %s"
                      : "RC keeps one path per QP: its packets on the dead link are lost until %s; a QP still sending then "
                  "gets a NAK for the gap and goes back N at once, one whose window is full of lost packets resends at "
                  "its local ACK timeout: %s",
                  when, timers.c_str());
    out.mechanism = buf;
  } else {
    out.mechanism = "SRD sprays every packet over up to 64 paths and resends a lost one on another path after its RTO "
                    "(srtt + 4 rttvar, at least 50 us; before the first RTT sample, the path's worst round trip through "
                    "full buffers); paths that lose packets are left out";
  }
  out.window_us = options.slice_window_s * 1e6;
  out.at_us = f.at_ps * 1e-6;
  out.reroute_after_us = f.reroute_after_ps < 0 ? -1 : f.reroute_after_ps * 1e-6;
  const SpecRunResult run = run_spec_schedule(spec, fabric, std::move(schedule), "packet", 5, true);
  out.ran = true;
  out.simulated_us = run.sim.simulated_s * 1e6;
  out.wall_s = run.sim.wall_s;
  out.retransmissions = run.sim.retransmissions;
  out.fault_drops = run.sim.fault_drops;
  out.drops = run.sim.drops;
  out.transport = engine_transport_stats(run.sim);
  out.qp_errors = run.sim.transport.qp_errors;
  if (run.sim.transport.first_qp_error_ps >= 0) out.job_fails_at_us = run.sim.transport.first_qp_error_ps * 1e-6;
  std::map<TrafficClass, FaultSliceClass> per;
  for (const auto& [group, classes] : run.op_times) {
    for (const auto& [cls, t] : classes) {
      FaultSliceClass& c = per[cls];
      c.cls = std::string(traffic_class_name(cls));
      c.ops += t.count;
      c.incomplete += t.incomplete;
      c.p50_us = std::max(c.p50_us, t.p50_us);
      c.p99_us = std::max(c.p99_us, t.p99_us);
      c.max_us = std::max(c.max_us, t.max_us);
    }
  }
  for (auto& [cls, c] : per) out.classes.push_back(c);
  return out;
}

}  // namespace

const InstanceType* ib_reference(const Catalog& catalog, const InstanceType& t, std::string* why) {
  const std::string gen = generation_of(t.accelerator);
  const InstanceType* newest = nullptr;
  for (const auto& c : catalog.instances()) {
    if (c.fabric != FabricKind::kInfiniband) continue;
    if (!gen.empty() && generation_of(c.accelerator) == gen) {
      if (why) *why = "the catalog's InfiniBand node of the same GPU generation (" + gen + ")";
      return &c;
    }
    if (!newest || c.interfaces * c.interface_gbit_per_s > newest->interfaces * newest->interface_gbit_per_s) newest = &c;
  }
  if (newest && why) {
    *why = "no InfiniBand node with " + t.accelerator + " in the catalog; the fastest one (" + newest->name +
           ") stands in (give --ib TYPE to choose)";
  }
  return newest;
}

InstanceType like_for_like_ib(const InstanceType& efa, const InstanceType& hcas) {
  InstanceType t = hcas;
  t.name = "ib-like-" + efa.name;
  t.accelerator = efa.accelerator;
  t.accelerators = efa.accelerators;
  t.nvswitch = efa.nvswitch;
  t.intra_node = efa.intra_node;
  // As many HCAs of that generation's rate as the EFA node's network needs; a rate that
  // does not divide it is scaled so the two nodes carry the same Gbit/s.
  const int n = std::max(1, static_cast<int>(std::lround(efa.aggregate_gbit_per_s / hcas.interface_gbit_per_s)));
  t.interfaces = n;
  t.interface_gbit_per_s = efa.aggregate_gbit_per_s / n;
  t.aggregate_gbit_per_s = efa.aggregate_gbit_per_s;
  t.accelerator_nics.assign(static_cast<std::size_t>(t.accelerators), {});
  for (int g = 0; g < t.accelerators; ++g) t.accelerator_nics[static_cast<std::size_t>(g)] = {g * n / t.accelerators};
  t.device_names.resize(std::min<std::size_t>(t.device_names.size(), static_cast<std::size_t>(n)));
  const std::string why = "built by compare: " + efa.name + "'s " + std::to_string(efa.accelerators) + " x " + efa.accelerator +
                          " and " + std::to_string(static_cast<long>(efa.aggregate_gbit_per_s)) + " Gbit/s per node on " +
                          hcas.name + "'s InfiniBand HCAs";
  // The HCAs' own figures (default_efficiency's fit) keep their sources.
  t.sources["interfaces"] = {why};
  t.sources["accelerator_nics"] = {why + ", GPUs spread evenly over them"};
  t.notes = "A like-for-like InfiniBand reference (hypothetical node): " + why + ".";
  return t;
}

SpecComparison compare_spec(const ClusterSpec& spec, const Catalog& base_catalog, const CalibrationProfile* profile,
                            const CompareOptions& options) {
  SpecComparison c;
  if (spec.fabric.kind != FabricKind::kEfa) {
    throw InputError(spec.file, "/fabric/kind", "an EFA spec (compare puts an InfiniBand reference beside it)", "\"ib\"");
  }
  const InstanceType& first = *base_catalog.find(spec.groups.front().instance_type);
  const Catalog* catalog_ptr = &base_catalog;
  const InstanceType* ib = nullptr;
  if (!options.ib_type.empty()) {
    ib = base_catalog.find(options.ib_type);
    c.ib_reason = "--ib " + options.ib_type;
  } else if (const InstanceType* hcas = ib_reference(base_catalog, first, &c.ib_reason)) {
    // Like for like: the same GPUs and network per node, on InfiniBand.
    c.ib_catalog = std::make_unique<Catalog>(base_catalog.with(like_for_like_ib(first, *hcas)));
    catalog_ptr = c.ib_catalog.get();
    ib = catalog_ptr->find("ib-like-" + first.name);
    c.ib_reason = "like for like: " + first.name + "'s " + std::to_string(first.accelerators) + " x " + first.accelerator +
                  " and " + std::to_string(static_cast<long>(first.aggregate_gbit_per_s)) + " Gbit/s per node on " +
                  std::to_string(ib->interfaces) + " x " + std::to_string(static_cast<long>(ib->interface_gbit_per_s)) +
                  " Gbit/s HCAs (" + c.ib_reason + ", " + hcas->name + "); --ib TYPE compares with a catalog node instead";
  }
  const Catalog& catalog = *catalog_ptr;
  if (!ib || ib->fabric != FabricKind::kInfiniband) {
    throw InputError(spec.file, "/node_groups/0/instance_type", "an instance type with an InfiniBand reference in the catalog",
                     first.name);
  }
  c.ib_type = ib->name;
  c.efa_spec = std::make_unique<ClusterSpec>(spec);
  c.ib_spec = std::make_unique<ClusterSpec>(spec);
  ClusterSpec& s = *c.ib_spec;
  s.fabric.kind = FabricKind::kInfiniband;
  for (auto& g : s.groups) g.instance_type = ib->name;
  if (!s.split.automatic) {
    s.split = SplitPolicy{};
    c.notes.push_back("the spec's explicit NIC split is for its EFA nodes; the InfiniBand side searches its own");
  }
  for (auto& t : s.training) {
    t.gpus_per_node = ib->accelerators;
    if (t.tp > ib->accelerators || ib->accelerators % t.tp) {
      c.notes.push_back(t.name + ": TP " + std::to_string(t.tp) + " does not fit " + ib->name + "'s " +
                        std::to_string(ib->accelerators) + " GPUs; the InfiniBand side runs TP " + std::to_string(ib->accelerators));
      t.tp = ib->accelerators;
    }
    const std::int64_t total = static_cast<std::int64_t>(s.group(t.group)->count) * ib->accelerators;
    t.dp = static_cast<int>(std::max<std::int64_t>(1, total / (static_cast<std::int64_t>(t.tp) * t.pp)));
  }
  if (first.accelerators != ib->accelerators) {
    c.notes.push_back(first.name + " has " + std::to_string(first.accelerators) + " accelerators per node, " + ib->name +
                      " " + std::to_string(ib->accelerators) + ": per-node workloads are kept per node");
  }
  c.ib_network_ratio = ib->aggregate_gbit_per_s / first.aggregate_gbit_per_s;
  // A reference with much more (or less) network per node compares NICs, not fabrics:
  // say so, with both figures (p4d's 400 Gbit/s against a DGX A100's 1,600).
  if (std::abs(ib->aggregate_gbit_per_s - first.aggregate_gbit_per_s) > 0.1 * first.aggregate_gbit_per_s) {
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "%s has %.0f Gbit/s of network per node (%d x %.0f), %s %.0f (%d x %.0f): the comparison includes "
                  "%.1fx the NIC bandwidth, not only another fabric (--ib names another reference)",
                  first.name.c_str(), first.aggregate_gbit_per_s, first.interfaces, first.interface_gbit_per_s, ib->name.c_str(),
                  ib->aggregate_gbit_per_s, ib->interfaces, ib->interface_gbit_per_s,
                  ib->aggregate_gbit_per_s / first.aggregate_gbit_per_s);
    c.notes.push_back(buf);
  }
  if (profile) c.notes.push_back("the calibration profile applies to the EFA side only");
  PlanOptions po = options.plan;
  po.sweep = false;
  c.efa = make_plan(*c.efa_spec, catalog, profile, po);
  c.ib = make_plan(*c.ib_spec, catalog, nullptr, po);
  c.ib_adaptive = po.ib_adaptive;
  if (options.both_ib_routings) {
    PlanOptions other = po;
    other.ib_adaptive = !po.ib_adaptive;
    c.ib_other_routing = make_plan(*c.ib_spec, catalog, nullptr, other);
    c.ib_other_routing_ran = true;
  }
  if (options.fault_slice) {
    c.efa_fault = fault_slice(*c.efa_spec, c.efa, options, "srd");
    for (const std::string& recovery : options.ib_recovery) {
      c.ib_fault_by_recovery.push_back(fault_slice(*c.ib_spec, c.ib, options, recovery));
    }
    if (!c.ib_fault_by_recovery.empty()) c.ib_fault = c.ib_fault_by_recovery.front();
  }
  c.assumptions = compare_assumptions(c, options);
  return c;
}

}  // namespace fabricplan
