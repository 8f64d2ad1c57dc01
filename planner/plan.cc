#include "planner/plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "models/units/units.h"
#include "planner/analytic/demand.h"
#include "planner/analytic/intra_node.h"
#include "planner/spec/kv_trace.h"
#include "planner/engine_run/leaf_crossing.h"
#include "planner/engine_run/plan_engine.h"
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
    confirm_plan_on_engine(plan, spec, options);
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
