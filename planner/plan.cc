#include "planner/plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "models/units/units.h"
#include "planner/analytic/demand.h"
#include "planner/analytic/intra_node.h"
#include "planner/spec/kv_trace.h"
#include "planner/engine_run/leaf_crossing.h"
#include "planner/format_text.h"
#include "planner/engine_run/plan_fabric.h"
#include "planner/recommendation.h"
#include "planner/engine_run/spec_fabric.h"
#include "planner/engine_run/spec_run.h"
#include "planner/engine_run/spec_schedule.h"
#include "sim/scenario/scenario_schedule.h"

namespace fabricplan {
namespace {

std::string nic_word(const InstanceType& t) {
  return t.fabric == FabricKind::kEfa ? "EFA" : "HCA";
}

// A pool's load; with `fabric` (the group's time inputs), also as the NICs feel it once the
// leaf uplinks are counted (each class over its share of the NICs: class_fabric).
PoolLoad pool_load(const GroupDemand& d, NicPool pool, const GroupTimeInputs* fabric = nullptr) {
  PoolLoad p;
  for (const auto& [cls, c] : d.classes) {
    if (pool_of(cls) != pool) continue;
    p.bytes_per_s += c.bytes_per_s;
    p.peak_bytes_per_s += c.peak_bytes_per_s;
    if (fabric) {
      const double f = class_fabric(*fabric, cls);
      p.fabric_bytes_per_s += c.bytes_per_s / f;
      p.fabric_peak_bytes_per_s += c.peak_bytes_per_s / f;
    }
  }
  return p;
}

SplitChoice choose_split(const ClusterSpec& spec, const NodeGroupSpec& g, const InstanceType& t,
                         double b, const PoolLoad& kv, const PoolLoad& coll,
                         const VerdictThresholds& thresholds, bool* is_explicit, const TimeJudge& judge = {}) {
  *is_explicit = !spec.split.automatic;
  if (spec.split.automatic) return search_split(t, b, kv, coll, thresholds, judge);
  const ExplicitSplit& e = spec.split.per_group.at(g.name);
  SplitChoice choice;
  choice.chosen = evaluate_split(t, b, kv, coll, e.shared, e.kv_interfaces,
                                 e.collective_interfaces, thresholds);
  if (judge) {
    judge(choice.chosen);
    choice.chosen.worst_verdict = std::max(choice.chosen.utilization_verdict, choice.chosen.time_verdict);
  }
  choice.considered.push_back(choice.chosen);
  return choice;
}

// The worst verdict and share of a candidate's operation times.
TimeJudge time_judge_for(const GroupTimeInputs& inputs) {
  return [inputs](SplitCandidate& c) {
    c.time_verdict = Verdict::kComfortable;
    c.worst_time_share = 0;
    c.unstable = false;
    for (const auto& [cls, t] : analytic_op_times(inputs, c)) {
      if (!t.known) continue;
      c.unstable = c.unstable || t.unbounded;
      c.time_verdict = std::max(c.time_verdict, t.verdict);
      c.worst_time_share = std::max({c.worst_time_share, t.share, t.step_share});
    }
  };
}

// `fabric`: the share of the class's NICs the leaf uplinks leave it (leaf_crossing.h),
// the same effective bandwidth its time is computed with.
ClassResult class_result(TrafficClass cls, const ClassDemand& d, const SplitCandidate& s,
                         const PoolLoad& kv, const PoolLoad& coll, double b,
                         const InstanceType& t, const VerdictThresholds& th, double fabric = 1) {
  ClassResult r;
  r.cls = cls;
  r.demand_bytes_per_s = d.bytes_per_s;
  r.peak_demand_bytes_per_s = d.peak_bytes_per_s;
  r.contributions = d.contributions;
  r.shared = s.shared;
  bool is_kv = pool_of(cls) == NicPool::kKv;
  r.interfaces = is_kv ? s.kv_interfaces : s.collective_interfaces;
  r.budget_bytes_per_s = r.interfaces * b * fabric;
  double load = s.shared ? kv.bytes_per_s + coll.bytes_per_s
                         : (is_kv ? kv.bytes_per_s : coll.bytes_per_s);
  double peak = s.shared ? kv.peak_bytes_per_s + coll.peak_bytes_per_s
                         : (is_kv ? kv.peak_bytes_per_s : coll.peak_bytes_per_s);
  if (d.bytes_per_s <= 0) {
    // Nothing of this class reaches the network (an intra-node TP group).
    r.utilization = r.peak_utilization = 0;
    r.headroom_bytes_per_s = r.budget_bytes_per_s;
    r.verdict = Verdict::kComfortable;
    r.why = "stays inside the node (NVLink/NeuronLink); no network demand";
    return r;
  }
  r.utilization = r.budget_bytes_per_s > 0 ? load / r.budget_bytes_per_s : 1e9;
  r.peak_utilization = r.budget_bytes_per_s > 0 ? peak / r.budget_bytes_per_s : 1e9;
  r.headroom_bytes_per_s = r.budget_bytes_per_s - load;
  r.verdict = judge(r.utilization, r.peak_utilization, th);
  std::string others;
  if (load > d.bytes_per_s * (1 + 1e-12)) others = " plus " + format_gbit(load - d.bytes_per_s) + " of other classes";
  r.why = format_gbit(d.bytes_per_s) + others + " on " + std::to_string(r.interfaces) + " " +
          (s.shared ? "shared " : "dedicated ") + nic_word(t) + " (" + std::to_string(r.interfaces) +
          " x " + format_gbit(b) + (fabric < 1 ? " x " + format_percent(fabric) + " through the leaf uplinks" : "") +
          " = " + format_gbit(r.budget_bytes_per_s) + "): utilization " + format_percent(r.utilization);
  if (r.verdict == Verdict::kInsufficient) r.why += " >= " + format_percent(th.insufficient_utilization);
  else if (r.utilization >= th.tight_utilization) r.why += " >= " + format_percent(th.tight_utilization);
  else r.why += " < " + format_percent(th.tight_utilization);
  if (peak > load * (1 + 1e-9)) {
    r.why += "; p99-prompt burst " + format_percent(r.peak_utilization) +
             (r.peak_utilization >= th.insufficient_utilization ? " (over budget)" : "");
  }
  return r;
}

// An intra-node TP class: no network demand; with a measured NVLink fit its verdict is
// the NVLink time it takes (intra_node.h).
void apply_intra_node(ClassResult& r, const ClusterSpec& spec, const std::string& group,
                      const CalibrationProfile* profile, double rate_scale, const VerdictThresholds& th) {
  if (r.cls != TrafficClass::kTpAllreduce || r.demand_bytes_per_s > 0) return;
  const IntraNodeLoad load = intra_node_load(spec, group, profile, rate_scale);
  if (!load.any) return;
  if (!load.checked) {
    r.why += "; " + load.why;
    return;
  }
  r.utilization = r.peak_utilization = load.busy_fraction;
  r.verdict = judge(load.busy_fraction, load.busy_fraction, th);
  r.why = "stays inside the node, no network demand; " + load.why;
}

std::string explain_group(const GroupResult& g, const PoolLoad& kv, const PoolLoad& coll) {
  const InstanceType& t = *g.instance;
  const SplitCandidate& c = g.split.chosen;
  std::string s = std::to_string(t.interfaces) + " " + nic_word(t) + " x " +
                  format_gbit(g.per_interface_bytes_per_s) + " effective = " +
                  format_gbit(t.interfaces * g.per_interface_bytes_per_s) + " per node for " +
                  format_gbit(kv.bytes_per_s + coll.bytes_per_s) + " of demand (" +
                  format_gbit(kv.bytes_per_s) + " KV, " + format_gbit(coll.bytes_per_s) + " collectives). ";
  if (g.split_explicit) {
    s += "Split set explicitly in the spec.";
    return s;
  }
  if (kv.bytes_per_s <= 0 || coll.bytes_per_s <= 0) {
    s += "Only one pool has demand, so every interface carries it.";
    return s;
  }
  if (c.shared) {
    // Show what the best dedicated split would have done, to say why sharing won.
    const SplitCandidate* best = nullptr;
    for (const auto& k : g.split.considered) {
      if (k.shared) continue;
      if (!best || k.worst_utilization < best->worst_utilization) best = &k;
    }
    s += "Sharing all interfaces gives " + format_percent(c.worst_utilization) + "; ";
    if (best) {
      s += "the best dedicated split (" + std::to_string(best->kv_interfaces) + " KV / " +
           std::to_string(best->collective_interfaces) + " collectives) would reach " +
           format_percent(best->worst_utilization) + " (" + verdict_name(best->worst_verdict) +
           "), so the classes share.";
    }
  } else {
    s += "Dedicated split " + std::to_string(c.kv_interfaces) + " KV / " +
         std::to_string(c.collective_interfaces) + " collectives: KV at " +
         format_percent(c.kv_utilization) + ", collectives at " + format_percent(c.collective_utilization) +
         (c.locality_preserved ? "; every GPU keeps a PCIe-local interface in each pool."
                               : "; some GPU lacks a PCIe-local interface in a pool.");
  }
  return s;
}

}  // namespace

namespace {

}  // namespace

std::vector<CalibrationMismatch> calibration_mismatches(const ClusterSpec& spec, const Catalog& catalog,
                                                        const CalibrationProfile& p) {
  std::vector<CalibrationMismatch> w;
  auto add = [&](CalibrationMismatch m) {
    for (const auto& x : w) {
      if (x.message == m.message) return;
    }
    w.push_back(std::move(m));
  };
  const std::string& prov = p.provider;
  for (const auto& g : spec.groups) {
    const InstanceType* found = catalog.find(g.instance_type);
    if (found == nullptr) continue;
    const InstanceType& it = *found;
    const bool efa = it.fabric == FabricKind::kEfa;
    const std::string want = efa ? "efa" : "verbs";
    if (!prov.empty() && prov != want) {
      add({"/provenance/provider", want + " (group " + g.name + " runs " + it.name + ")", prov,
           "calibration " + p.file + " was measured over the " + prov + " provider but is applied to the " +
               std::string(efa ? "EFA" : "InfiniBand") + " interfaces of group " + g.name + " (" + it.name +
               "): its NIC figures are not " + (efa ? "EFA's" : "the HCAs'")});
    }
    if (!p.instance_type.empty() && p.instance_type != it.name) {
      add({"/provenance/instance_type", it.name + " (group " + g.name + ")", p.instance_type,
           "calibration " + p.file + " was measured on " + p.instance_type + ", group " + g.name + " runs " + it.name});
    }
    if (!p.nics.empty() && static_cast<int>(p.nics.size()) < it.interfaces) {
      add({"/nics", std::to_string(it.interfaces) + " NICs (" + it.name + ")", std::to_string(p.nics.size()),
           "calibration " + p.file + " measured " + std::to_string(p.nics.size()) + " NIC(s); " + it.name + " has " +
               std::to_string(it.interfaces) + ": the per-NIC figure is applied to all of them",
           false});
    }
  }
  return w;  // in the spec's group order, each group's provider first
}

namespace {

void finish_assumptions(PlanResult& plan, const ClusterSpec& spec, const Catalog& catalog,
                        const CalibrationProfile* profile) {
  // On InfiniBand every class runs its own stack's QP timeouts: say which.
  std::vector<std::string> ib_lines;
  if (spec.fabric.kind == FabricKind::kInfiniband) {
    ib_lines.push_back("InfiniBand QPs of the NCCL classes: " + spec.nccl_ib.describe() + " (" + spec.nccl_ib.source + ").");
    for (const auto& kv : spec.kv) {
      ib_lines.push_back("InfiniBand QPs of KV workload " + kv.name + ": " + kv.ib.describe() + " (" + kv.ib.source + ").");
    }
  }
  if (profile != nullptr) {
    for (const auto& m : calibration_mismatches(spec, catalog, *profile)) plan.warnings.push_back(m.message);
  }
  plan.assumptions = {
      "Rates are per direction; a class's demand is its busier direction (prefill egress, decode ingress).",
      "Effective per-interface bandwidth = catalog line rate x default_efficiency unless a calibration profile gives a measured figure.",
      "MoE experts are spread evenly over the EP group's nodes and routing is uniform, so (E-1)/E of dispatch/combine bytes leave the node.",
      "TP all-reduce is a ring: each node sends 2(n-1)/n x bytes per operation when the group spans nodes, nothing when it stays inside one.",
      "A TP group inside one node is judged by the NVLink time its all-reduces take (ops/s x the fitted time per op) when the calibration profile has an intra-node all_reduce fit over its GPU count; otherwise it is not checked.",
      "KV burst: all prompts at their p99 length for a while; mean demand sets the verdict, the burst can make it tight.",
      "Utilization of a class is that of the interfaces it runs on, other classes sharing them included.",
      "Operation times (op_time.h): alpha + bytes / B for KV with an M/G/1 wait; the collective model for NCCL classes; B is the pool's NICs x the effective per-NIC rate x the fabric factor (leaf uplinks) x what other classes on the same NICs leave (at least half under max-min).",
      "Time verdicts: tight at >= 50% of the budget (the spec's SLO, else the workload's own step), insufficient at >= 100%; a class's verdict is the worse of utilization and time.",
  };
  plan.assumptions.insert(plan.assumptions.end(), ib_lines.begin(), ib_lines.end());
  for (const auto& kv : spec.kv) {
    if (kv.trace) {
      plan.assumptions.push_back("KV workload " + kv.name + " replays a request " + kv.trace_note +
                                 "; the analytic M/G/1 wait takes the trace's rate and prompt moments with Poisson arrivals, "
                                 "the engines replay its arrivals (bursts included).");
    }
  }
  // What each instance type's default efficiency rests on (fitted rows or an extrapolation).
  std::vector<std::string> seen;
  for (const auto& g : plan.groups) {
    const InstanceType& t = *g.instance;
    if (g.bandwidth_source != "catalog" || std::count(seen.begin(), seen.end(), t.name) > 0) continue;
    seen.push_back(t.name);
    const auto src = t.sources.find("default_efficiency");
    char buf[80];
    std::snprintf(buf, sizeof buf, "%s's default_efficiency %.2f: ", t.name.c_str(), t.default_efficiency);
    plan.assumptions.push_back(buf + (src != t.sources.end() && !src->second.empty() ? src->second.front() : "no source given") +
                               ".");
  }
}


void take_engine_times(ClassResult& c, const OpTimes& t) {
  c.engine_count = t.count;
  c.engine_incomplete = t.incomplete;
  c.engine_p50_us = t.p50_us;
  c.engine_p99_us = t.p99_us;
  c.engine_samples_us = t.samples_us;
}

// Names what the run measured behind a class whose engine time is more than 1.5x the
// analytic one: loss and timeouts first (they cost RTOs), then the longest queue its
// packets found (a switch-to-host port is incast at that receiver), else the busiest
// link the class crossed near the group (the flow engine has no packets).
std::string engine_mechanism(const ClassResult& c, const PlanResult& plan, const GroupResult& g) {
  const double analytic = std::max(c.time.p50_us, 1e-9), engine = c.engine_p50_us;
  if (c.engine_count == 0 || !c.time.known || engine <= 1.5 * analytic) return "";
  char buf[400];
  std::string head;
  {
    std::snprintf(buf, sizeof buf, "the engine's p50 is %.1fx the analytic one: ", engine / analytic);
    head = buf;
  }
  const std::string name(traffic_class_name(c.cls));
  for (const EngineTransportStats& t : plan.engine_transport) {
    if (t.cls != name) continue;
    if (t.timeouts > 0) {
      std::snprintf(buf, sizeof buf, "%llu retransmission timeouts (%llu spurious) after %llu drops of %llu packets",
                    static_cast<unsigned long long>(t.timeouts), static_cast<unsigned long long>(t.spurious_timeouts),
                    static_cast<unsigned long long>(t.drops), static_cast<unsigned long long>(t.packets_sent));
      return head + buf;
    }
    if (!t.max_queue_link.empty()) {
      const bool incast = t.max_queue_link.find("->host") != std::string::npos;
      std::snprintf(buf, sizeof buf, "queueing: its packets waited up to %s at %s%s", format_us(t.max_queue_us).c_str(),
                    t.max_queue_link.c_str(), incast ? " (incast into that receiver's port)" : "");
      return head + buf;
    }
  }
  for (const BusyLinkResult& l : g.busiest_links) {
    if (std::find(l.classes.begin(), l.classes.end(), name) == l.classes.end()) continue;
    return head + "bandwidth: the busiest link it crosses, " + l.link + ", was " + format_percent(l.utilization) +
           " busy over the run";
  }
  return head + "no loss, queue or busy link measured explains it (the difference is the analytic model's)";
}


// KV requests are rare next to collective operations (20 per second against 1,160 MoE
// layers), so a window that times the collectives samples few of them. This second flow
// run keeps the KV requests and replaces every collective with steady flows at its mean
// rate, over a window of at least 200 requests (within the transfer budget); the KV
// classes take their times from it.
void confirm_kv_on_flow_engine(PlanResult& plan, const ClusterSpec& spec, const SpecFabric& fabric,
                               const std::map<std::string, NodePools>& pools, SpecScheduleOptions so,
                               const SpecRunResult& main_run) {
  double lambda = 0;
  for (const auto& kv : spec.kv) lambda += kv.requests_per_s;
  const double rate = spec_transfers_per_s(spec, pools, true);
  double window = std::max(main_run.window_s, 200 / lambda);
  // A replayed trace ends: past its last arrival (at its speed-up) there is nothing to time.
  double trace_end_s = 0;
  bool all_traced = true;
  for (const auto& kv : spec.kv) {
    all_traced = all_traced && kv.trace;
    if (kv.trace) trace_end_s = std::max(trace_end_s, kv.trace->span_s() / kv.trace_rate_scale);
  }
  if (all_traced) window = std::min(window, std::max(main_run.window_s, trace_end_s + main_run.window_s));
  if (rate * window > static_cast<double>(so.max_transfers)) window = std::max(main_run.window_s, so.max_transfers / rate);
  if (window <= main_run.window_s * 1.01) return;  // the main run sampled as many
  so.window_s = window;
  so.collectives_as_background = true;
  const SpecRunResult run = run_spec_schedule(spec, fabric, build_spec_schedule(spec, fabric, pools, so), "flow");
  std::size_t requests = 0;
  for (auto& g : plan.groups) {
    auto ops = run.op_times.find(g.spec->name);
    if (ops == run.op_times.end()) continue;
    for (auto& c : g.classes) {
      auto it = ops->second.find(c.cls);
      if (c.cls != TrafficClass::kKvTransfer || it == ops->second.end()) continue;
      take_engine_times(c, it->second);
      requests = std::max(requests, it->second.count + it->second.incomplete);
    }
  }
  char buf[200];
  std::snprintf(buf, sizeof buf, "; KV requests: a second run of %.1f s with the collectives as steady flows at their mean rates, %zu requests",
                run.window_s, requests);
  plan.engine_summary += buf + kv_trace_window_text(spec, run.window_s);
}

// A KV request moves once, from a prefill node to a decode node: its time is one figure,
// set by the slower end (fewer KV NICs, a busier pool), not one per group. Both groups
// carry that figure, and it says which end set it.
void one_figure_per_kv_request(PlanResult& plan, const ClusterSpec& spec) {
  auto find = [&](const std::string& group) -> std::pair<GroupResult*, ClassResult*> {
    for (auto& g : plan.groups) {
      if (g.spec->name != group) continue;
      for (auto& c : g.classes) {
        if (c.cls == TrafficClass::kKvTransfer && c.time.known) return {&g, &c};
      }
    }
    return {nullptr, nullptr};
  };
  for (const auto& kv : spec.kv) {
    if (kv.prefill_group == kv.decode_group) continue;
    auto [pg, pre] = find(kv.prefill_group);
    auto [dg, dec] = find(kv.decode_group);
    if (!pre || !dec) continue;
    const bool decode_slower = dec->time.unbounded || (!pre->time.unbounded && dec->time.p99_us >= pre->time.p99_us);
    ClassResult& slow = decode_slower ? *dec : *pre;
    ClassResult& fast = decode_slower ? *pre : *dec;
    const std::string end = decode_slower ? kv.decode_group : kv.prefill_group;
    const std::string other = decode_slower ? kv.prefill_group : kv.decode_group;
    slow.time.why += "; end to end, this (" + end + ") side is the slower of the two";
    fast.time = slow.time;
    fast.time.why = "one figure per request, end to end: the " + end + " side (" + std::to_string(slow.interfaces) +
                    " KV NICs) is slower than this " + other + " side (" + std::to_string(fast.interfaces) + "): " + slow.time.why;
    // The request is one answer: both rows take the worse end's verdict (its NICs' load
    // included), the faster side saying whose it is.
    const Verdict request = std::max(slow.verdict, std::max(fast.utilization_verdict, fast.time.verdict));
    if (request > std::max(fast.utilization_verdict, fast.time.verdict)) {
      fast.why += "; the request's verdict is the " + end + " side's (" + verdict_name(request) + ")";
    }
    fast.utilization_verdict = std::max(fast.utilization_verdict, slow.utilization_verdict);
    slow.utilization_verdict = fast.utilization_verdict;
    fast.verdict = slow.verdict = request;
    for (GroupResult* g : {pg, dg}) {
      g->verdict = Verdict::kComfortable;
      for (const auto& c : g->classes) g->verdict = std::max(g->verdict, c.verdict);
    }
  }
  plan.verdict = Verdict::kComfortable;
  for (const auto& g : plan.groups) plan.verdict = std::max(plan.verdict, g.verdict);
}

}  // namespace

EngineRunSetup prepare_engine_run(const PlanResult& plan, const ClusterSpec& spec, const PlanOptions& options) {
  EngineRunSetup e;
  e.on = plan_on_fabric(spec, plan);
  SpecScheduleOptions& so = e.options;
  so.infiniband = e.on.infiniband;
  so.ib_adaptive = options.ib_adaptive;
  so.seed = options.seed;
  so.window_s = options.window_s;
  so.max_transfers = options.max_transfers;
  if (options.engine == "packet" && so.window_s <= 0) so.window_s = packet_window_s(spec);
  if (options.engine == "packet") so.max_packet_events = kMaxSpecPacketEvents;
  if (const std::string why = spec_engine_refusal(spec, e.on.fabric, e.on.pools, so); !why.empty()) {
    e.summary = options.engine + " engine not run: " + why + "; times are the analytic engine's";
    e.refused = {"a schedule the engines can hold (--window-ms shortens the window)", why};
    return e;
  }
  e.schedule = build_spec_schedule(spec, e.on.fabric, e.on.pools, so);
  if (options.engine == "packet" && options.window_s <= 0) {
    char buf[120];
    std::snprintf(buf, sizeof buf, "%.3f s simulated: one step (the packet engine's default, at most 50 ms)", so.window_s);
    e.schedule->window_reason = buf;
  }
  if (options.engine == "packet") {
    if (const double events = sim::expected_packet_events(e.schedule->scenario); events > kMaxSpecPacketEvents) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "about %.3g packet events over the %.3g ms window", events, e.schedule->window_s * 1e3);
      e.summary = std::string("packet engine not run: ") + buf + "; times are the analytic engine's";
      e.refused = {"a packet-level window of at most 5e8 events (--window-ms shortens it; --engine flow runs longer windows)",
                   buf};
      e.schedule.reset();
    }
  }
  return e;
}

namespace {

// Runs the plan's chosen splits on an engine (spec_schedule.h, spec_run.h) and records
// per class the measured operation times and per group the busiest links.
void confirm_on_engine(PlanResult& plan, const ClusterSpec& spec, const PlanOptions& options) {
  EngineRunSetup setup = prepare_engine_run(plan, spec, options);
  if (!setup.schedule) {
    plan.engine_summary = setup.summary;
    plan.engine_refused = setup.refused;
    return;
  }
  const SpecFabric& fabric = setup.on.fabric;
  const std::map<std::string, NodePools>& pools = setup.on.pools;
  const SpecScheduleOptions& so = setup.options;
  SpecSchedule schedule = std::move(*setup.schedule);
  const SpecRunResult run = run_spec_schedule(spec, fabric, std::move(schedule), options.engine);
  plan.engine = options.engine;
  plan.engine_window_s = run.window_s;
  plan.engine_transfers = run.transfers;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s engine, %s, %llu transfers, %s, seed %llu", options.engine.c_str(),
                run.window_reason.c_str(), static_cast<unsigned long long>(run.transfers),
                !so.infiniband ? "SRD spraying" : so.ib_adaptive ? "IB RC with adaptive routing" : "IB RC with D-mod-K routes",
                static_cast<unsigned long long>(options.seed));
  plan.engine_summary = buf;
  if (options.engine != "flow" || spec.kv.empty()) plan.engine_summary += kv_trace_window_text(spec, run.window_s);
  if (options.engine == "packet") plan.engine_transport = engine_transport_stats(run.sim);
  for (auto& g : plan.groups) {
    if (auto it = run.busiest_links.find(g.spec->name); it != run.busiest_links.end()) {
      for (const auto& l : it->second) {
        if (l.wire_bytes <= 0) continue;
        g.busiest_links.push_back({l.link, l.utilization, l.classes});
      }
    }
    auto ops = run.op_times.find(g.spec->name);
    if (ops == run.op_times.end()) continue;
    for (auto& c : g.classes) {
      auto it = ops->second.find(c.cls);
      if (it == ops->second.end()) continue;
      take_engine_times(c, it->second);
    }
  }
  if (options.engine == "flow" && !spec.kv.empty()) confirm_kv_on_flow_engine(plan, spec, fabric, pools, so, run);
  for (auto& g : plan.groups) {
    for (auto& c : g.classes) c.engine_mechanism = engine_mechanism(c, plan, g);
  }
}
}  // namespace

std::vector<EngineTransportStats> engine_transport_stats(const sim::SimulationResult& r) {
  std::vector<EngineTransportStats> out;
  for (const sim::ClassSummary& c : r.classes) {
    if (c.packets_sent == 0) continue;  // open-loop background or a class that never sent
    out.push_back({c.name, c.packets_sent, c.drops, c.timeouts, c.spurious_timeouts, c.retransmissions,
                   c.max_queue_bytes, c.max_queue_us, c.max_queue_link});
  }
  return out;
}

// The engine confirms or overrules: a class's measured p99 scales its analytic share
// of the budget (share x engine p99 / analytic p99); where that crosses a threshold the
// analytic engine did not, the class, its group and the plan take the worse verdict.
void apply_engine_verdicts(PlanResult& plan) {
  // One answer per question: where the engine that ran and the analytic model differ by
  // more than kEngineDisagreement, the engine's measurement (on the fabric as built, with
  // the schedule's real contention) decides the class's time verdict, and the report
  // says so with both figures; within it, the engine can only raise the verdict.
  plan.verdict = Verdict::kComfortable;
  for (auto& g : plan.groups) {
    g.verdict = Verdict::kComfortable;
    for (auto& c : g.classes) {
      if (c.engine_count > 0 && c.time.known && c.time.p99_us > 0 && !c.time.unbounded) {
        const double share = c.time.budget_us > 0 ? c.time.share : c.time.step_share;
        if (share > 0) {
          c.engine_analytic_ratio = c.engine_p99_us / c.time.p99_us;
          c.engine_time_share = share * c.engine_analytic_ratio;
          const Verdict v = judge_time(c.engine_time_share, plan.thresholds);
          const std::string measured = std::string(c.engine_p99_is_max() ? "at most " : "p99 ") + format_us(c.engine_p99_us) +
                                       " (n=" + std::to_string(c.engine_count) + ")";
          if (std::abs(c.engine_analytic_ratio - 1) > kEngineDisagreement) {
            char ratio[32];
            std::snprintf(ratio, sizeof ratio, "%.2fx", c.engine_analytic_ratio);
            c.verdict_from_engine = true;
            c.verdict = std::max(c.utilization_verdict, v);
            c.time.why += "; the " + plan.engine + " engine measured " + measured + " against the analytic p99 " +
                          format_us(c.time.p99_us) + " (" + ratio + "): the time verdict follows the engine, " +
                          format_percent(c.engine_time_share) + " of the budget: " + verdict_name(v) +
                          (c.verdict != v ? std::string(" (the class stays ") + verdict_name(c.verdict) + " on utilization)" : "");
          } else if (v > c.verdict) {
            c.verdict = v;
            c.time.why += "; the engine run measured " + measured + ", " + format_percent(c.engine_time_share) +
                          " of the budget: " + verdict_name(v);
          }
        }
      }
      g.verdict = std::max(g.verdict, c.verdict);
    }
    plan.verdict = std::max(plan.verdict, g.verdict);
  }
}

double packet_window_s(const ClusterSpec& spec) {
  double step = 0.05;
  for (const auto& m : spec.moe) step = std::min(step, 1 / m.steps_per_s);
  for (const auto& t : spec.training) step = std::min(step, t.step_time_s);
  return step;
}

PlanResult make_plan(const ClusterSpec& spec, const Catalog& catalog,
                     const CalibrationProfile* profile, const PlanOptions& options) {
  PlanResult plan;
  plan.spec = &spec;
  plan.catalog_path = catalog.path();
  if (profile) plan.calibration_path = profile->file;

  // Per group: instance and effective per-NIC rate; then the fabric they hang off.
  std::vector<const InstanceType*> instances;
  std::vector<double> betas;
  std::vector<std::string> sources;
  for (const auto& g : spec.groups) {
    const InstanceType& t = *catalog.find(g.instance_type);
    bool use_profile = profile && profile->per_nic_bandwidth_bytes_per_s() > 0 &&
                       (profile->instance_type.empty() || profile->instance_type == t.name);
    instances.push_back(&t);
    if (use_profile) {
      betas.push_back(profile->per_nic_bandwidth_bytes_per_s() * profile->multi_rail_efficiency());
      sources.push_back("calibration: " + profile->file + ", " + profile->nic_figure_text() +
                        (profile->complete ? "" : " (incomplete session)"));
    } else {
      betas.push_back(units::gbit_per_s_to_bytes_per_s(t.interface_gbit_per_s) * t.default_efficiency);
      sources.push_back("catalog");
    }
  }
  const SpecFabric fabric = build_spec_fabric(spec, instances, betas.front());
  plan.fabric_description = fabric.description;
  plan.fabric_notes = fabric.notes;

  auto demand = compute_demand(spec);
  const auto crossing = leaf_crossing_shares(spec, fabric);
  std::vector<GroupTimeInputs> time_inputs;  // per group, for the rate sweep's split choices
  for (std::size_t gi = 0; gi < spec.groups.size(); ++gi) {
    const NodeGroupSpec& g = spec.groups[gi];
    GroupResult gr;
    gr.spec = &g;
    gr.instance = instances[gi];
    const InstanceType& t = *gr.instance;
    gr.per_interface_bytes_per_s = betas[gi];
    gr.bandwidth_source = sources[gi];
    gr.fabric_factor = std::min(1.0, fabric.node_uplink_bytes_per_s / (t.interfaces * gr.per_interface_bytes_per_s));
    const GroupDemand& gd = demand.at(g.name);
    GroupTimeInputs ti;
    ti.spec = &spec;
    ti.group = &g;
    ti.instance = &t;
    ti.nic_bytes_per_s = gr.per_interface_bytes_per_s;
    ti.kv_alpha_us = kv_alpha_us(t, profile, &ti.alpha_source);
    ti.fabric_factor = gr.fabric_factor;
    if (auto c = crossing.find(g.name); c != crossing.end()) ti.crossing = c->second;
    ti.demand = &gd;
    ti.profile = profile;
    ti.thresholds = plan.thresholds;
    const PoolLoad kv = pool_load(gd, NicPool::kKv, &ti);
    const PoolLoad coll = pool_load(gd, NicPool::kCollective, &ti);
    gr.split = choose_split(spec, g, t, gr.per_interface_bytes_per_s, kv, coll, plan.thresholds,
                            &gr.split_explicit, time_judge_for(ti));
    time_inputs.push_back(ti);
    const auto times = analytic_op_times(ti, gr.split.chosen);
    for (TrafficClass cls : kAllTrafficClasses) {
      auto it = gd.classes.find(cls);
      if (it == gd.classes.end()) continue;
      ClassResult r = class_result(cls, it->second, gr.split.chosen, kv, coll, gr.per_interface_bytes_per_s, t,
                                   plan.thresholds, class_fabric(ti, cls));
      apply_intra_node(r, spec, g.name, profile, 1.0, plan.thresholds);
      r.utilization_verdict = r.verdict;
      if (auto tt = times.find(cls); tt != times.end()) {
        r.time = tt->second;
        if (r.time.known) r.verdict = std::max(r.verdict, r.time.verdict);
      }
      gr.verdict = std::max(gr.verdict, r.verdict);
      gr.classes.push_back(std::move(r));
    }
    gr.recommendation = recommend(t, gr.split.chosen, kv.bytes_per_s > 0, coll.bytes_per_s > 0, g.role);
    gr.why = explain_group(gr, kv, coll);
    plan.verdict = std::max(plan.verdict, gr.verdict);
    plan.groups.push_back(std::move(gr));
  }

  one_figure_per_kv_request(plan, spec);
  if (options.engine == "flow" || options.engine == "packet") {
    confirm_on_engine(plan, spec, options);
    // The engines time a KV request once (under its decode group): the prefill side's
    // row carries the same measurement, as it carries the same analytic figure.
    for (const auto& kv : spec.kv) {
      ClassResult *pre = nullptr, *dec = nullptr;
      for (auto& g : plan.groups) {
        for (auto& c : g.classes) {
          if (c.cls != TrafficClass::kKvTransfer) continue;
          if (g.spec->name == kv.prefill_group) pre = &c;
          if (g.spec->name == kv.decode_group) dec = &c;
        }
      }
      if (pre && dec && pre != dec && pre->engine_count == 0 && dec->engine_count > 0) {
        pre->engine_count = dec->engine_count;
        pre->engine_incomplete = dec->engine_incomplete;
        pre->engine_p50_us = dec->engine_p50_us;
        pre->engine_p99_us = dec->engine_p99_us;
        pre->engine_samples_us = dec->engine_samples_us;
      }
    }
    apply_engine_verdicts(plan);
  }

  if (!options.sweep) {
    finish_assumptions(plan, spec, catalog, profile);
    return plan;
  }
  // Utilization as every workload rate grows (the split is re-chosen at each point).
  for (double scale = 0.25; scale <= 3.0 + 1e-9; scale += 0.25) {
    SweepPoint p;
    p.rate_scale = scale;
    auto d = compute_demand(spec, scale);
    for (std::size_t gi = 0; gi < plan.groups.size(); ++gi) {
      const GroupResult& gr = plan.groups[gi];
      const GroupDemand& gd = d.at(gr.spec->name);
      bool ignored;
      // The split is chosen as the table's is (times included), at this point's demand:
      // at x1 the series is the table.
      GroupTimeInputs ti = time_inputs[gi];
      ti.demand = &gd;
      const PoolLoad kv = pool_load(gd, NicPool::kKv, &ti);
      const PoolLoad coll = pool_load(gd, NicPool::kCollective, &ti);
      SplitChoice sc = choose_split(spec, *gr.spec, *gr.instance, gr.per_interface_bytes_per_s,
                                    kv, coll, plan.thresholds, &ignored, time_judge_for(ti));
      for (const auto& [cls, c] : gd.classes) {
        ClassResult r = class_result(cls, c, sc.chosen, kv, coll, gr.per_interface_bytes_per_s,
                                     *gr.instance, plan.thresholds, class_fabric(ti, cls));
        apply_intra_node(r, spec, gr.spec->name, profile, scale, plan.thresholds);
        p.utilization[gr.spec->name][cls] = r.utilization;
      }
    }
    plan.sweep.push_back(std::move(p));
  }

  finish_assumptions(plan, spec, catalog, profile);
  return plan;
}


}  // namespace fabricplan
