#include "planner/analytic/group_timer.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "models/collective/moe_model.h"
#include "models/collective/tiers.h"
#include "models/units/units.h"
#include "planner/analytic/workload_times.h"

namespace fabricplan {

using collective::NodeTiers;
using collective::Op;

std::string time_num(double x, const char* f) {
  char b[64];
  std::snprintf(b, sizeof b, f, x);
  return b;
}

GroupTimer::GroupTimer(const GroupTimeInputs& in, const SplitCandidate& split) : in_(in), split_(split) {
  for (const auto& [cls, d] : in.demand->classes) {
    (pool_of(cls) == NicPool::kKv ? kv_load_ : coll_load_) += d.bytes_per_s;
  }
  try {
    base_ = collective::tiers_from_catalog(*in.instance);
  } catch (const std::invalid_argument& e) {
    no_nccl_ = e.what();
  }
}

std::map<TrafficClass, ClassTime> GroupTimer::run() const {
  std::map<TrafficClass, ClassTime> out;
  auto keep = [&](TrafficClass c, ClassTime t) {
    auto it = out.find(c);
    if (it == out.end() || (t.known && (!it->second.known || t.p99_us > it->second.p99_us))) out[c] = std::move(t);
  };
  // A split that gives a pool no interface (an explicit one): no time, the
  // utilization verdict (demand with no budget) says insufficient.
  auto no_nics = [&](TrafficClass c) {
    ClassTime t;
    t.why = std::string("no interface carries ") + std::string(traffic_class_title(c)) + " in this split";
    keep(c, t);
  };
  const bool kv_nics = !split_.kv_nics.empty(), coll_nics = !split_.collective_nics.empty();
  const std::string& g = in_.group->name;
  for (const auto& kv : in_.spec->kv) {
    if (kv.prefill_group != g && kv.decode_group != g) continue;
    if (kv_nics) keep(TrafficClass::kKvTransfer, kv_time(*this, kv));
    else no_nics(TrafficClass::kKvTransfer);
  }
  for (const auto& m : in_.spec->moe) {
    if (std::find(m.groups.begin(), m.groups.end(), g) == m.groups.end()) continue;
    if (coll_nics || m.ep_nodes <= 1) keep(TrafficClass::kMoeAll2all, moe_time(*this, m));
    else no_nics(TrafficClass::kMoeAll2all);
  }
  for (const auto& tp : in_.spec->tp) {
    if (std::find(tp.groups.begin(), tp.groups.end(), g) == tp.groups.end()) continue;
    if (coll_nics || tp.nodes_spanned <= 1) keep(TrafficClass::kTpAllreduce, tp_time(*this, tp));
    else no_nics(TrafficClass::kTpAllreduce);
  }
  for (const auto& t : in_.spec->training) {
    if (t.group != g) continue;
    if (!coll_nics) {
      no_nics(TrafficClass::kDpGradients);
      continue;
    }
    keep(TrafficClass::kDpGradients, dp_time(*this, t));
    if (t.pp > 1) keep(TrafficClass::kPpActivations, pp_time(*this, t));
    if (t.moe.present) keep(TrafficClass::kMoeAll2all, training_moe_time(*this, t));
  }
  return out;
}


// What other classes on this pool leave to `cls`: on average, and while a KV transfer
// shares its NICs (the p99 case).
struct Contention {
  double mean = 1, busy = 1;
};
GroupTimer::Contention GroupTimer::contention(TrafficClass cls) const {
  const NicPool p = pool_of(cls);
  const double capacity = static_cast<double>(nics(p).size()) * in_.nic_bytes_per_s * fabric(cls);
  double own = 0;
  if (auto it = in_.demand->classes.find(cls); it != in_.demand->classes.end()) own = it->second.bytes_per_s;
  const double pool_load = split_.shared ? kv_load_ + coll_load_ : (p == NicPool::kKv ? kv_load_ : coll_load_);
  const double rho_other = capacity > 0 ? std::max(0.0, pool_load - own) / capacity : 0;
  const double mean = rho_other > 0 ? std::max(0.5, 1 - rho_other) : 1.0;
  const bool kv_shares = split_.shared && p == NicPool::kCollective && kv_load_ > 0;
  const double kv_active = capacity > 0 ? kv_load_ / capacity : 0;
  const double busy = kv_shares && kv_active >= 0.01 ? std::min(mean, 0.5) : mean;
  return {mean, busy};
}


// The collective model's tiers for this group's collective pool, at `factor` of its bandwidth.
std::optional<NodeTiers> GroupTimer::pool_tiers(TrafficClass cls, double factor) const {
  if (!no_nccl_.empty()) return std::nullopt;
  NodeTiers t = base_;
  const std::vector<int>& pool = nics(NicPool::kCollective);
  const double catalog_beta = units::gbit_per_s_to_bytes_per_s(in_.instance->interface_gbit_per_s) * in_.instance->default_efficiency;
  t.nics = static_cast<int>(pool.size());
  t.nic_bytes_per_s *= in_.nic_bytes_per_s / catalog_beta * fabric(cls) * factor;
  t.local_nics.clear();
  for (const auto& local : in_.instance->accelerator_nics) {
    std::vector<int> in_pool;
    for (int nic : local) {
      if (std::count(pool.begin(), pool.end(), nic) > 0) in_pool.push_back(nic);
    }
    t.local_nics.push_back(std::move(in_pool));
  }
  return t;
}


// The calibrated fit segment covering `bytes` on one NIC (the last one past its
// range); nullptr without a calibrated NIC fit.
const FitSegment* GroupTimer::segment_for(double bytes) const {
  if (!in_.profile) return nullptr;
  for (const auto& nic : in_.profile->nics) {
    if (nic.segments.empty()) continue;
    for (const auto& seg : nic.segments) {
      if (bytes >= seg.min_bytes && bytes < seg.max_bytes && seg.beta_bytes_per_s > 0) return &seg;
    }
    return nic.segments.back().beta_bytes_per_s > 0 ? &nic.segments.back() : nullptr;
  }
  return nullptr;
}


// One MoE layer's dispatch + combine, by the collective model or alpha + bytes / B.
double GroupTimer::moe_layer_us(int tokens_per_rank, int hidden, int topk, int ep_ranks, bool low_latency, double factor,
                    double remote_bytes_per_node) const {
  if (auto tiers = pool_tiers(TrafficClass::kMoeAll2all, factor)) {
    collective::MoeLayer l;
    l.tokens = std::max(1, tokens_per_rank);
    l.hidden = hidden;
    l.topk = topk;
    l.ep = std::max(1, ep_ranks);
    l.low_latency = low_latency;
    l.combine = false;
    const double d = collective::predict_moe(l, *tiers).time_us;
    l.combine = true;
    const double c = collective::predict_moe(l, *tiers).time_us;
    return d + c;
  }
  const double bw = static_cast<double>(split_.collective_nics.size()) * in_.nic_bytes_per_s * fabric(TrafficClass::kMoeAll2all) * factor;
  return 2 * in_.kv_alpha_us + remote_bytes_per_node / bw * 1e6;
}


// A collective of `op` over the stage's nodes with tp x per-GPU bytes (the TP ranks'
// concurrent rings move those bytes per node).
double GroupTimer::nccl_us(TrafficClass cls, Op op, double bytes, int nodes, double factor, std::string* how) const {
  if (auto tiers = pool_tiers(cls, factor)) {
    const auto pr = collective::predict(op, bytes, std::max(1, nodes), *tiers);
    if (how) *how = pr.algorithm + "/" + pr.protocol;
    return pr.time_us;
  }
  const double bw = static_cast<double>(split_.collective_nics.size()) * in_.nic_bytes_per_s * fabric(cls) * factor;
  const double n = std::max(1, nodes);
  const double per_node = op == Op::kAllReduce ? 2 * (n - 1) / n * bytes : op == Op::kSendRecv ? bytes : (n - 1) / n * bytes;
  if (how) *how = "alpha + bytes / B";
  return in_.kv_alpha_us * (op == Op::kAllReduce ? 2 * (n - 1) : n) + per_node / bw * 1e6;
}


std::string GroupTimer::model_name() const {
  return no_nccl_.empty() ? "the collective model" : "alpha + bytes / B (" + in_.instance->accelerator + ": Neuron, not NCCL)";
}

}  // namespace fabricplan
