#include "planner/op_time.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>

#include "models/collective/moe_model.h"
#include "models/collective/nccl_model.h"
#include "models/collective/tiers.h"
#include "models/units/units.h"
#include "models/workload/kv_cache.h"
#include "models/workload/training.h"
#include "planner/format_text.h"
#include "planner/kv_timing.h"
#include "planner/leaf_crossing.h"
#include "planner/spec_schedule.h"

namespace fabricplan {
namespace {

using collective::NodeTiers;
using collective::Op;

constexpr double kNcclNetHopUs = 14;  // NCCL's hwLat for a network hop, Simple (src/graph/tuning.cc)

std::string num(double x, const char* f = "%.3g") {
  char b[64];
  std::snprintf(b, sizeof b, f, x);
  return b;
}


class GroupTimer {
 public:
  GroupTimer(const GroupTimeInputs& in, const SplitCandidate& split) : in_(in), split_(split) {
    for (const auto& [cls, d] : in.demand->classes) {
      (pool_of(cls) == NicPool::kKv ? kv_load_ : coll_load_) += d.bytes_per_s;
    }
    try {
      base_ = collective::tiers_from_catalog(*in.instance);
    } catch (const std::invalid_argument& e) {
      no_nccl_ = e.what();
    }
  }

  std::map<TrafficClass, ClassTime> run() {
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
      if (kv_nics) keep(TrafficClass::kKvTransfer, kv_time(kv));
      else no_nics(TrafficClass::kKvTransfer);
    }
    for (const auto& m : in_.spec->moe) {
      if (std::find(m.groups.begin(), m.groups.end(), g) == m.groups.end()) continue;
      if (coll_nics || m.ep_nodes <= 1) keep(TrafficClass::kMoeAll2all, moe_time(m));
      else no_nics(TrafficClass::kMoeAll2all);
    }
    for (const auto& tp : in_.spec->tp) {
      if (std::find(tp.groups.begin(), tp.groups.end(), g) == tp.groups.end()) continue;
      if (coll_nics || tp.nodes_spanned <= 1) keep(TrafficClass::kTpAllreduce, tp_time(tp));
      else no_nics(TrafficClass::kTpAllreduce);
    }
    for (const auto& t : in_.spec->training) {
      if (t.group != g) continue;
      if (!coll_nics) {
        no_nics(TrafficClass::kDpGradients);
        continue;
      }
      keep(TrafficClass::kDpGradients, dp_time(t));
      if (t.pp > 1) keep(TrafficClass::kPpActivations, pp_time(t));
      if (t.moe.present) keep(TrafficClass::kMoeAll2all, training_moe_time(t));
    }
    return out;
  }

 private:
  const std::vector<int>& nics(NicPool p) const { return p == NicPool::kKv ? split_.kv_nics : split_.collective_nics; }

  // What other classes on this pool leave to `cls`: on average, and while a KV transfer
  // shares its NICs (the p99 case).
  struct Contention {
    double mean = 1, busy = 1;
  };
  Contention contention(TrafficClass cls) const {
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

  // The share of its NICs' bandwidth the leaf uplinks leave a class: its crossing share
  // of them (leaf_crossing.h); a class not listed crosses with all of its traffic.
  double fabric(TrafficClass cls) const { return class_fabric(in_, cls); }

  // The collective model's tiers for this group's collective pool, at `factor` of its bandwidth.
  std::optional<NodeTiers> pool_tiers(TrafficClass cls, double factor) const {
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

  // The time verdict: share of the SLO budget where the spec gives one (`share_of(budget)`),
  // else `own_share` of the workload's own period (0: none).
  template <class ShareOf>
  void finish(ClassTime& t, double slo_ms, const std::string& slo_name, ShareOf share_of, double own_share,
              const std::string& own_name) const {
    t.known = true;
    if (slo_ms > 0) {
      t.budget_us = slo_ms * 1e3;
      t.budget_name = slo_name;
      t.share = share_of(t.budget_us);
      t.verdict = judge_time(t.share, in_.thresholds);
      t.why += "; " + format_percent(t.share) + " of the " + slo_name + " budget of " + format_us(t.budget_us);
    } else if (own_share > 0) {
      t.verdict = judge_time(own_share, in_.thresholds);
      t.why += " (no SLO in the spec: judged against " + own_name + ")";
    }
  }

  // An operation timed per step (t.p99_us, t.step_share set): against the SLO where given.
  void finish_per_step(ClassTime& t, double slo_ms, const std::string& slo_name) const {
    finish(t, slo_ms, slo_name, [&](double budget_us) { return t.p99_us / budget_us; }, t.step_share, "the step");
  }

  // The calibrated fit segment covering `bytes` on one NIC (the last one past its
  // range); nullptr without a calibrated NIC fit.
  const FitSegment* segment_for(double bytes) const {
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

  ClassTime kv_time(const KvWorkloadSpec& kv) const {
    ClassTime t;
    const double per_token = kv_bytes_per_token(kv.shape);
    const double mean_f = contention(TrafficClass::kKvTransfer).mean;
    const double kv_fabric = fabric(TrafficClass::kKvTransfer);
    const double bw = static_cast<double>(split_.kv_nics.size()) * in_.nic_bytes_per_s * kv_fabric * mean_f;
    const double sigma = lognormal_sigma_for_p99(kv.prompt_tokens_p99 / kv.prompt_tokens_mean);
    // A replayed trace gives its own median and second moment; else the lognormal's.
    const double median_tokens = kv.trace ? kv.prompt_tokens_p50 : kv.prompt_tokens_mean * std::exp(-sigma * sigma / 2);
    // alpha-beta per size: a calibrated NIC's fit segment for the chunk each NIC carries,
    // else the catalog's figures (alpha from the collective model, beta = line x efficiency).
    const double k = static_cast<double>(split_.kv_nics.size());
    auto service_us = [&](double tokens) {
      const double bytes = tokens * per_token;
      if (const FitSegment* seg = segment_for(bytes / k)) {
        return seg->alpha_us + bytes / k / (seg->beta_bytes_per_s * kv_fabric * mean_f) * 1e6;
      }
      return in_.kv_alpha_us + bytes / bw * 1e6;
    };
    // What the transfer adds to time to first token: all of it after prefill, or what
    // layer-wise sending does not hide behind prefill (kv_timing.h).
    // A wait in the pool's queue is part of the transfer: layer-wise sending hides it too.
    auto added_us = [&](double tokens, double wait_us = 0) {
      const FitSegment* seg = segment_for(tokens * per_token / k);
      return kv_ttft_added_us(kv, tokens, service_us(tokens) + wait_us, seg ? seg->alpha_us : in_.kv_alpha_us);
    };
    // Requests on this node's pool: prefill nodes send, decode nodes receive.
    const std::string& g = in_.group->name;
    double lambda = 0;
    if (kv.prefill_group == g) lambda += kv.requests_per_s / in_.group->count;
    if (kv.decode_group == g) lambda += kv.requests_per_s / in_.group->count;
    const double mean_bytes_s = kv.prompt_tokens_mean * per_token / bw;
    const double second_moment = kv.trace ? kv.prompt_tokens_second_moment * std::pow(per_token / bw, 2)
                                          : std::pow(kv.prompt_tokens_mean * per_token / bw, 2) * std::exp(sigma * sigma);
    const double rho = lambda * mean_bytes_s;
    t.op = "one request's KV cache, prefill to decode (mean " + num(kv.prompt_tokens_mean * per_token / 1e6, "%.0f") +
           " MB, p99 " + num(kv.prompt_tokens_p99 * per_token / 1e6, "%.0f") + " MB) on " +
           std::to_string(split_.kv_nics.size()) + " NICs" +
           (kv.layerwise ? ", sent " + kv_timing_text(kv) + ": the time it adds to TTFT" : "");
    t.p50_us = added_us(median_tokens);
    double wait_p99_us = 0;
    std::string wait_text;
    if (rho >= 1) {
      t.p99_us = added_us(kv.prompt_tokens_p99);
      t.unbounded = true;
      t.known = true;
      t.verdict = Verdict::kInsufficient;
      t.why = kv.name + ": requests arrive faster than the pool sends them (rho " + num(rho, "%.2f") +
              " >= 1): the queue grows without bound";
      // Judged as at least the overload: a split search must see it (op_time.h).
      t.share = rho;
      if (in_.spec->slo.ttft_p99_ms > 0) {
        t.budget_us = in_.spec->slo.ttft_p99_ms * 1e3;
        t.budget_name = "slo.ttft_p99_ms";
        t.share = std::max(rho, t.p99_us / t.budget_us);
      }
      return t;
    }
    if (rho > 0.01) {
      const double w = lambda * second_moment / (2 * (1 - rho));
      wait_p99_us = w / rho * std::log(100 * rho) * 1e6;
      wait_text = " + " + format_us(wait_p99_us) + " p99 wait (M/G/1, rho " + num(rho, "%.2f") + ")";
    }
    t.p99_us = added_us(kv.prompt_tokens_p99, wait_p99_us);
    t.why = kv.name + ": " + (segment_for(kv.prompt_tokens_mean * per_token / k) ? "the calibrated alpha-beta fit per NIC chunk, ~" : "") +
            format_us(in_.kv_alpha_us) + " + bytes / " +
            num(units::bytes_per_s_to_gbit_per_s(bw), "%.0f") + " Gbit/s" +
            (mean_f < 1 ? " (" + format_percent(mean_f) + " left by the collectives on shared NICs)" : "") +
            (kv_fabric < 1 ? " (fabric uplinks give " + format_percent(kv_fabric) + " of the NICs)" : "") +
            ": p50 " + format_us(t.p50_us) + ", p99 " + format_us(added_us(kv.prompt_tokens_p99)) + wait_text +
            (kv.layerwise ? "; sent " + kv_timing_text(kv) + ": the p99 prompt's prefill takes " +
                                format_us(prefill_us(kv, kv.prompt_tokens_p99)) + " and hides all but " +
                                format_us(t.p99_us) + " of its " +
                                format_us(service_us(kv.prompt_tokens_p99) + wait_p99_us) + " transfer and wait"
                          : "");
    finish(t, in_.spec->slo.ttft_p99_ms, "slo.ttft_p99_ms", [&](double b) { return t.p99_us / b; }, 0, "");
    return t;
  }

  // One MoE layer's dispatch + combine, by the collective model or alpha + bytes / B.
  double moe_layer_us(int tokens_per_rank, int hidden, int topk, int ep_ranks, bool low_latency, double factor,
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

  std::string model_name() const {
    return no_nccl_.empty() ? "the collective model" : "alpha + bytes / B (" + in_.instance->accelerator + ": Neuron, not NCCL)";
  }

  ClassTime moe_time(const MoeWorkloadSpec& m) const {
    ClassTime t;
    const Contention shares = contention(TrafficClass::kMoeAll2all);
    const double mean_f = shares.mean, busy_f = shares.busy;
    const int gpus = in_.instance->accelerators;
    const bool ll = in_.group->role == NodeRole::kDecode;
    const int tokens = static_cast<int>(std::lround(m.tokens_per_step_per_node / gpus));
    const double remote = m.tokens_per_step_per_node * m.shape.top_k * m.shape.hidden_size *
                          (m.shape.dispatch_dtype_bytes + m.shape.combine_dtype_bytes) *
                          (m.ep_nodes > 1 ? (m.ep_nodes - 1.0) / m.ep_nodes : 0);
    auto layer = [&](double f) {
      return moe_layer_us(tokens, m.shape.hidden_size, m.shape.top_k, m.ep_nodes * gpus, ll, f, remote);
    };
    const double l50 = layer(mean_f), l99 = layer(busy_f);
    t.p50_us = l50 * m.shape.moe_layers;
    t.p99_us = l99 * m.shape.moe_layers;
    const double period_us = 1e6 / m.steps_per_s;
    t.step_share = t.p99_us / period_us;
    t.op = "MoE dispatch + combine of all " + std::to_string(m.shape.moe_layers) + " MoE layers in one step (" +
           std::to_string(tokens) + " tokens per GPU, EP " + std::to_string(m.ep_nodes * gpus) + ", " +
           (ll ? "low-latency" : "normal") + " kernels)";
    t.why = m.name + ": " + format_us(l50) + " per layer by " + model_name() + " on " +
            std::to_string(split_.collective_nics.size()) + " NICs" +
            (busy_f < mean_f ? "; " + format_us(l99) + " while a KV transfer shares them (p99)" : "") + "; " +
            format_percent(t.step_share) + " of a " + format_us(period_us) + " step";
    const bool decode = in_.group->role != NodeRole::kPrefill;
    finish_per_step(t, decode ? in_.spec->slo.tpot_ms : 0, "slo.tpot_ms");
    return t;
  }

  ClassTime tp_time(const TpWorkloadSpec& tp) const {
    ClassTime t;
    const Contention shares = contention(TrafficClass::kTpAllreduce);
    const double mean_f = shares.mean, busy_f = shares.busy;
    t.op = "one all-reduce of " + num(tp.bytes_per_op / 1024, "%.0f") + " KiB over " + std::to_string(tp.ranks) +
           " ranks on " + std::to_string(tp.nodes_spanned) + " node(s)";
    if (tp.nodes_spanned <= 1 && !no_nccl_.empty()) {
      t.why = tp.name + ": inside one node on " + in_.instance->intra_node +
              ", whose collectives (Neuron) are not modelled; a calibration profile with intra-node fits times them";
      return t;
    }
    double p50 = 0, p99 = 0;
    std::string how;
    if (auto tiers = pool_tiers(TrafficClass::kTpAllreduce, mean_f)) {
      const int nodes = std::max(1, tp.nodes_spanned);
      NodeTiers per = *tiers;
      per.gpus = std::max(1, tp.ranks / nodes);
      const auto pr = collective::predict(Op::kAllReduce, tp.bytes_per_op, nodes, per);
      p50 = pr.time_us;
      p99 = collective::predict(Op::kAllReduce, tp.bytes_per_op, nodes, *pool_tiers(TrafficClass::kTpAllreduce, busy_f)).time_us;
      how = pr.algorithm + "/" + pr.protocol + " by the collective model";
    } else {
      const double bytes = 2.0 * (tp.ranks - 1) / tp.ranks * tp.bytes_per_op;
      const double bw = static_cast<double>(split_.collective_nics.size()) * in_.nic_bytes_per_s * fabric(TrafficClass::kTpAllreduce);
      p50 = in_.kv_alpha_us * 2 * (tp.nodes_spanned - 1) + bytes / (bw * mean_f) * 1e6;
      p99 = in_.kv_alpha_us * 2 * (tp.nodes_spanned - 1) + bytes / (bw * busy_f) * 1e6;
      how = model_name();
    }
    t.p50_us = p50;
    t.p99_us = p99;
    const double busy = p99 * tp.ops_per_s * 1e-6;  // of every second, hence of every budget
    t.why = tp.name + ": " + format_us(p50) + " per op (" + how + ") x " + num(tp.ops_per_s, "%.0f") + "/s = " +
            format_percent(p99 * tp.ops_per_s * 1e-6) + " of the time";
    // A prefill node's all-reduces run inside time to first token, a decode node's inside
    // every output token: the budget whose share they take.
    const bool prefill = in_.group->role == NodeRole::kPrefill;
    finish(t, prefill ? in_.spec->slo.ttft_p99_ms : in_.spec->slo.tpot_ms, prefill ? "slo.ttft_p99_ms" : "slo.tpot_ms",
           [&](double) { return busy; }, busy, "its busy fraction");
    return t;
  }

  // A collective of `op` over the stage's nodes with tp x per-GPU bytes (the TP ranks'
  // concurrent rings move those bytes per node).
  double nccl_us(TrafficClass cls, Op op, double bytes, int nodes, double factor, std::string* how) const {
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

  ClassTime dp_time(const TrainingWorkloadSpec& w) const {
    ClassTime t;
    const TrainingShape s = training_shape(w);
    const double mean_f = contention(TrafficClass::kDpGradients).mean;
    const int nodes = in_.group->count / w.pp;
    const double bytes = training_gradient_shard_bytes(s) * w.tp;
    std::string how;
    if (w.fsdp) {
      std::string h2;
      t.p50_us = nccl_us(TrafficClass::kDpGradients, Op::kReduceScatter, bytes, nodes, mean_f, &how) +
                2 * nccl_us(TrafficClass::kDpGradients, Op::kAllGather, bytes, nodes, mean_f, &h2);
      how = "reduce-scatter " + how + " + 2 all-gathers " + h2;
    } else {
      t.p50_us = nccl_us(TrafficClass::kDpGradients, Op::kAllReduce, bytes, nodes, mean_f, &how);
      how = "all-reduce " + how;
    }
    t.p99_us = t.p50_us;
    t.op = std::string(w.fsdp ? "FSDP gradient reduce-scatter + parameter all-gathers" : "DDP gradient all-reduce") +
           " per step (" + num(bytes / 1e9, "%.2f") + " GB per node over " + std::to_string(nodes) + " nodes)";
    const double period_us = w.step_time_s * 1e6;
    t.step_share = t.p99_us / period_us;
    t.why = w.name + ": " + how + " by " + model_name() + ": " + format_us(t.p50_us) + ", " + format_percent(t.step_share) +
            " of the " + format_us(period_us) + " step (overlapped with backward where the framework buckets it)";
    finish_per_step(t, in_.spec->slo.training_step_ms, "slo.training_step_ms");
    return t;
  }

  ClassTime pp_time(const TrainingWorkloadSpec& w) const {
    ClassTime t;
    const double mean_f = contention(TrafficClass::kPpActivations).mean;
    const double per_gpu = w.micro_batch_tokens * w.hidden_size * w.activation_dtype_bytes / w.tp;
    std::string how;
    const double one = nccl_us(TrafficClass::kPpActivations, Op::kSendRecv, per_gpu, 2, mean_f, &how);
    t.p50_us = t.p99_us = 2.0 * w.micro_batches * one;
    t.op = "pipeline sends per step: " + std::to_string(w.micro_batches) + " micro-batches forward and backward, " +
           num(per_gpu / 1e6, "%.1f") + " MB per GPU each";
    const double period_us = w.step_time_s * 1e6;
    t.step_share = t.p99_us / period_us;
    t.why = w.name + ": " + format_us(one) + " per send (" + how + ") x " + std::to_string(2 * w.micro_batches) + ", " +
            format_percent(t.step_share) + " of the step (1F1B hides most of it behind compute)";
    finish_per_step(t, in_.spec->slo.training_step_ms, "slo.training_step_ms");
    return t;
  }

  ClassTime training_moe_time(const TrainingWorkloadSpec& w) const {
    ClassTime t;
    const TrainingShape s = training_shape(w);
    const double mean_f = contention(TrafficClass::kMoeAll2all).mean;
    const int tokens = static_cast<int>(std::lround(training_moe_tokens_per_gpu(s)));
    const double remote = training_moe_bytes_per_node(s) / (2.0 * w.micro_batches * std::max(1, s.moe_layers));
    const double layer = moe_layer_us(tokens, w.moe.hidden_size, w.moe.top_k, w.moe.ep, false, mean_f, remote);
    t.p50_us = t.p99_us = layer * 2.0 * w.micro_batches * w.moe.moe_layers;
    t.op = "MoE dispatch + combine per step: " + std::to_string(w.moe.moe_layers) + " layers x " +
           std::to_string(w.micro_batches) + " micro-batches, forward and backward (EP " + std::to_string(w.moe.ep) + ")";
    const double period_us = w.step_time_s * 1e6;
    t.step_share = t.p99_us / period_us;
    t.why = w.name + ": " + format_us(layer) + " per layer by " + model_name() + ", " + format_percent(t.step_share) + " of the step";
    finish_per_step(t, in_.spec->slo.training_step_ms, "slo.training_step_ms");
    return t;
  }

  const GroupTimeInputs& in_;
  const SplitCandidate& split_;
  double kv_load_ = 0, coll_load_ = 0;
  NodeTiers base_;
  std::string no_nccl_;
};

}  // namespace

double kv_alpha_us(const InstanceType& t, const CalibrationProfile* profile, std::string* source) {
  if (profile) {
    for (const auto& nic : profile->nics) {
      if (!nic.segments.empty() && nic.segments.front().alpha_us > 0) {
        if (source) *source = "calibration " + profile->file + " (alpha of the first fit segment)";
        return nic.segments.front().alpha_us;
      }
    }
  }
  try {
    const NodeTiers tiers = collective::tiers_from_catalog(t);
    if (source) *source = "one network hop of the collective model (NCCL hwLat 14 us + fitted " + num(tiers.net_hop_extra_us, "%.0f") + " us)";
    return kNcclNetHopUs + tiers.net_hop_extra_us;
  } catch (const std::invalid_argument&) {
    if (source) *source = "NCCL's network hwLat (14 us); no fitted figure for " + t.name;
    return kNcclNetHopUs;
  }
}

double class_fabric(const GroupTimeInputs& in, TrafficClass cls) {
  const auto it = in.crossing.find(cls);
  return class_fabric_factor(in.fabric_factor, it == in.crossing.end() ? 1.0 : it->second);
}

std::map<TrafficClass, ClassTime> analytic_op_times(const GroupTimeInputs& in, const SplitCandidate& split) {
  return GroupTimer(in, split).run();
}

}  // namespace fabricplan
