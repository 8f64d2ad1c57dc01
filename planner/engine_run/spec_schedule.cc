#include "planner/engine_run/spec_schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "models/workload/collective.h"
#include "models/workload/kv_cache.h"
#include "models/workload/moe.h"
#include "models/workload/training.h"
#include "models/flow/flow_engine.h"
#include "planner/analytic/demand.h"
#include "sim/scenario/run.h"
#include "sim/scenario/scenario_schedule.h"
#include "planner/engine_run/schedule_builder.h"

namespace fabricplan {
namespace {

constexpr double kZ99 = 2.3263478740408408;  // standard normal 99th percentile

}  // namespace

// Saturating: a step period of 1e9 s (steps_per_s 1e-9) is 1e21 ps, past int64; a
// wrapped-around negative time stayed "inside the window" and the schedule grew without
// end (std::bad_alloc). Anything past ~106 days is as good as never.
std::int64_t spec_to_ps(double s) {
  constexpr double kMaxPs = 9.2e18;
  const double ps = s * 1e12;
  if (!(ps < kMaxPs)) return static_cast<std::int64_t>(kMaxPs);
  if (!(ps > -kMaxPs)) return -static_cast<std::int64_t>(kMaxPs);
  return static_cast<std::int64_t>(std::llround(ps));
}

std::vector<std::vector<int>> node_sets(int first, int count, int size) {
  std::vector<std::vector<int>> sets;
  for (int i = 0; i < count; i += size) {
    std::vector<int> s;
    for (int j = i; j < std::min(count, i + size); ++j) s.push_back(first + j);
    if (s.size() > 1) sets.push_back(std::move(s));
  }
  return sets;
}

namespace {

double sets_pairs(int count, int size) {  // sum over sets of s (s - 1)
  double sum = 0;
  for (int i = 0; i < count; i += size) {
    const double s = std::min(count, i + size) - i;
    if (s > 1) sum += s * (s - 1);
  }
  return sum;
}

double sets_nodes(int count, int size) {  // nodes in sets of more than one
  double sum = 0;
  for (int i = 0; i < count; i += size) {
    const int s = std::min(count, i + size) - i;
    if (s > 1) sum += s;
  }
  return sum;
}

}  // namespace

double lognormal_sigma_for_p99(double ratio) {
  if (ratio <= 1) return 0;
  // exp(z sigma - sigma^2 / 2) = ratio: the smaller root; past the maximum (ratio >
  // exp(z^2 / 2) ~ 15), sigma = z gives the largest p99 / mean a lognormal can have.
  const double disc = kZ99 * kZ99 - 2 * std::log(ratio);
  return disc <= 0 ? kZ99 : kZ99 - std::sqrt(disc);
}

double spec_transfers_per_s(const ClusterSpec& spec, const std::map<std::string, NodePools>& pools, bool kv_only) {
  double rate = 0;
  for (const auto& kv : spec.kv) {
    rate += kv.requests_per_s * static_cast<double>(std::max(pools.at(kv.prefill_group).kv_nics.size(),
                                                             pools.at(kv.decode_group).kv_nics.size())) *
            (kv.layerwise ? std::max(1, kv.shape.layers) : 1);
  }
  if (kv_only) return rate;
  for (const auto& m : spec.moe) {
    for (const auto& g : m.groups) {
      rate += m.steps_per_s * m.shape.moe_layers * 2 * sets_pairs(spec.group(g)->count, m.ep_nodes) *
              static_cast<double>(pools.at(g).collective_nics.size());
    }
  }
  for (const auto& tp : spec.tp) {
    if (tp.nodes_spanned <= 1) continue;
    for (const auto& g : tp.groups) {
      rate += tp.ops_per_s * 2.0 * (tp.nodes_spanned - 1) * sets_nodes(spec.group(g)->count, tp.nodes_spanned) *
              static_cast<double>(pools.at(g).collective_nics.size());
    }
  }
  for (const auto& t : spec.training) {
    const double nics = static_cast<double>(pools.at(t.group).collective_nics.size());
    const int per_stage = spec.group(t.group)->count / t.pp;
    const TrainingShape shape = training_shape(t);
    double per_step = 0;
    if (training_dp_bytes_per_node(shape) > 0 && per_stage > 1) per_step += t.pp * (t.fsdp ? 3.0 : 2.0) * (per_stage - 1) * per_stage * nics;
    if (t.pp > 1) per_step += 2.0 * t.micro_batches * (t.pp - 1) * per_stage * nics;
    const int ep_nodes = std::max(1, t.moe.ep / t.gpus_per_node);
    if (t.moe.present && ep_nodes > 1) {
      per_step += 4.0 * t.micro_batches * t.moe.moe_layers * t.pp * sets_pairs(per_stage, ep_nodes) * nics;
    }
    rate += per_step / t.step_time_s;
  }
  return rate;
}

double choose_window_s(const ClusterSpec& spec, double transfers_per_s, std::uint64_t max_transfers,
                       std::string* reason) {
  double step = 0, want = 0;
  std::string why;
  for (const auto& m : spec.moe) step = std::max(step, 1 / m.steps_per_s);
  for (const auto& t : spec.training) step = std::max(step, t.step_time_s);
  for (const auto& tp : spec.tp) step = std::max(step, tp.nodes_spanned > 1 ? 10 / tp.ops_per_s : 0.0);
  if (step > 0) {
    want = 2 * step;
    why = "two steps";
  }
  double kv_rate = 0;
  for (const auto& kv : spec.kv) kv_rate += kv.requests_per_s;
  if (kv_rate > 0 && 100 / kv_rate > want) {
    want = 100 / kv_rate;
    why = "100 KV requests";
  }
  if (want <= 0) want = 1;
  const double budget = transfers_per_s > 0 ? static_cast<double>(max_transfers) / transfers_per_s : want;
  double window = want;
  if (budget < want) {
    window = std::max(budget, std::min(want, step > 0 ? step : budget));
    why = "the transfer budget (" + std::to_string(max_transfers) + " transfers" +
          (budget < step ? "; one step exceeds it" : "") + ")";
  }
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.3f s simulated: ", window);
  if (reason) *reason = buf + why;
  return window;
}

SpecRunEstimate estimate_spec_run(const ClusterSpec& spec, const SpecFabric& fabric,
                                  const std::map<std::string, NodePools>& pools, const SpecScheduleOptions& options) {
  SpecRunEstimate e;
  const double rate = spec_transfers_per_s(spec, pools);
  e.window_s = options.window_s > 0 ? options.window_s : choose_window_s(spec, rate, options.max_transfers, nullptr);
  e.transfers = rate * e.window_s;
  // Bytes on the wire: every node's busier direction of every class (KV counted at both
  // ends: an estimate that errs high).
  double bytes_per_s = 0;
  for (const auto& [name, demand] : compute_demand(spec)) {
    double per_node = 0;
    for (const auto& [cls, d] : demand.classes) per_node += d.bytes_per_s;
    bytes_per_s += per_node * spec.group(name)->count;
  }
  const sim::TransportSpec transport;  // the spec path's packet formats: the defaults
  const double mtu = options.infiniband ? transport.ib.format.mtu_payload_bytes : transport.srd.format.mtu_payload_bytes;
  e.packet_events = std::ceil(bytes_per_s * e.window_s / mtu) * sim::packet_events_per_packet(options.infiniband);
  const Topology topo = sim::build_topology(fabric.topology);
  const NextHops hops = compute_next_hops(topo);
  e.route_entries = sim::route_entries_of_sample(topo, hops, options.infiniband ? PathPolicy::kDestModK : PathPolicy::kSpray,
                                                 1, options.seed);
  e.memory_bytes = static_cast<double>(flow::estimate_flow_memory_bytes(static_cast<std::size_t>(e.transfers),
                                                                        e.route_entries, 2 * topo.links.size()));
  e.memory_limit_bytes = sim::default_run_limits().max_memory_bytes;
  return e;
}

std::string spec_engine_refusal(const ClusterSpec& spec, const SpecFabric& fabric,
                                const std::map<std::string, NodePools>& pools, const SpecScheduleOptions& options) {
  const double endpoints = static_cast<double>(fabric.nodes) * fabric.nics_per_node;
  if (endpoints > (1 << 18)) {
    return "the fabric has " + std::to_string(static_cast<long long>(endpoints)) +
           " NIC endpoints; the engines hold at most 262144";
  }
  const SpecRunEstimate e = estimate_spec_run(spec, fabric, pools, options);
  char buf[320];
  if (e.transfers > 10.0 * static_cast<double>(options.max_transfers)) {
    std::snprintf(buf, sizeof buf, "%.3g transfers in a %.3g s window; at most %llu (10x the transfer budget, --max-transfers)",
                  e.transfers, e.window_s, static_cast<unsigned long long>(10 * options.max_transfers));
    return buf;
  }
  if (e.memory_bytes > e.memory_limit_bytes) {
    std::snprintf(buf, sizeof buf,
                  "an estimated %.2f GiB for %.3g transfers in a %.3g s window (%zu route entries each); this machine allows "
                  "%.2f GiB",
                  e.memory_bytes / (1 << 30), e.transfers, e.window_s, e.route_entries, e.memory_limit_bytes / (1 << 30));
    return buf;
  }
  if (options.max_packet_events > 0 && e.packet_events > options.max_packet_events) {
    std::snprintf(buf, sizeof buf,
                  "about %.3g packet events over the %.3g ms window (at most %.3g: ~%.0f s at a million events a second)",
                  e.packet_events, e.window_s * 1e3, options.max_packet_events, e.packet_events / 1e6);
    return buf;
  }
  return "";
}

SpecSchedule build_spec_schedule(const ClusterSpec& spec, const SpecFabric& fabric,
                                 const std::map<std::string, NodePools>& pools, const SpecScheduleOptions& options) {
  std::string reason;
  double window = options.window_s;
  if (window <= 0) {
    window = choose_window_s(spec, spec_transfers_per_s(spec, pools), options.max_transfers, &reason);
  } else {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.3f s simulated (as asked)", window);
    reason = buf;
  }
  ScheduleBuilder b(spec, fabric, pools, options);
  SpecSchedule out = b.build(window);
  out.window_reason = reason;
  return out;
}

}  // namespace fabricplan
