#include "planner/spec_schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "models/workload/collective.h"
#include "models/workload/kv_cache.h"
#include "models/workload/moe.h"
#include "models/workload/training.h"
#include "models/flow/flow_engine.h"
#include "planner/demand.h"
#include "planner/kv_timing.h"
#include "sim/scenario/run.h"
#include "sim/core/rng.h"

namespace fabricplan {
namespace {

constexpr double kZ99 = 2.3263478740408408;  // standard normal 99th percentile

// Saturating: a step period of 1e9 s (steps_per_s 1e-9) is 1e21 ps, past int64; a
// wrapped-around negative time stayed "inside the window" and the schedule grew without
// end (std::bad_alloc). Anything past ~106 days is as good as never.
std::int64_t to_ps(double s) {
  constexpr double kMaxPs = 9.2e18;
  const double ps = s * 1e12;
  if (!(ps < kMaxPs)) return static_cast<std::int64_t>(kMaxPs);
  if (!(ps > -kMaxPs)) return -static_cast<std::int64_t>(kMaxPs);
  return static_cast<std::int64_t>(std::llround(ps));
}

}  // namespace

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

class Builder {
 public:
  Builder(const ClusterSpec& spec, const SpecFabric& fabric, const std::map<std::string, NodePools>& pools,
          const SpecScheduleOptions& o)
      : spec_(spec), fabric_(fabric), pools_(pools), options_(o) {}

  SpecSchedule build(double window_s) {
    window_ps_ = to_ps(window_s);
    for (std::size_t i = 0; i < spec_.kv.size(); ++i) add_kv(spec_.kv[i], i);
    if (options_.collectives_as_background) {
      add_background();
    } else {
      for (const auto& m : spec_.moe) add_moe(m);
      for (const auto& t : spec_.tp) add_tp(t);
      for (const auto& t : spec_.training) add_training(t);
    }
    SpecSchedule out;
    out.window_s = window_s;
    out.transfers = schedule_.transfers.size();
    out.ops = std::move(ops_);
    sim::Scenario& s = out.scenario;
    s.name = spec_.name;
    s.file = spec_.file;
    s.seed = options_.seed;
    s.engine = "flow";
    s.topology = fabric_.topology;
    s.fabric.seed = options_.seed;
    s.fabric.lossless = options_.infiniband;
    s.fabric.routing = options_.infiniband ? sim::RoutingPolicy::kDestModK : sim::RoutingPolicy::kSpray;
    s.routing_name = options_.infiniband ? "dmodk" : "spray";
    s.traffic = traffic_;
    // Work left after three windows is reported as incomplete: an overloaded fabric's
    // backlog would otherwise grow the run without bound.
    s.stop_ps = window_ps_ > INT64_MAX / 3 ? INT64_MAX : 3 * window_ps_;  // a saturated window stays so
    s.limits = sim::default_run_limits();
    s.limits.max_transfers = std::max<std::uint64_t>(options_.max_transfers, schedule_.transfers.size());
    s.prebuilt_schedule = std::make_shared<const Schedule>(std::move(schedule_));
    return out;
  }

 private:
  std::uint32_t endpoint(int node, int nic) const {
    return static_cast<std::uint32_t>(node * fabric_.nics_per_node + nic);
  }

  std::uint32_t stream(TrafficClass c, bool open_loop = false) {
    auto& streams = open_loop ? open_streams_ : streams_;
    auto it = streams.find(c);
    if (it != streams.end()) return it->second;
    ScheduleStream st;
    st.open_loop = open_loop;
    st.traffic_class = std::string(traffic_class_name(c));
    st.class_index = schedule_.class_index(st.traffic_class);
    st.transport = open_loop ? "open_loop" : options_.infiniband ? "ib_rc" : "srd";
    st.path = options_.infiniband && !options_.ib_adaptive ? PathPolicy::kDestModK : PathPolicy::kSpray;
    st.source = "/workloads";
    const auto index = static_cast<std::uint32_t>(schedule_.streams.size());
    schedule_.streams.push_back(st);
    sim::TrafficSpec t;
    t.traffic_class = st.traffic_class;
    t.kind = open_loop ? "open_loop" : "message";
    t.transport.name = open_loop ? (options_.infiniband ? "ib_rc" : "srd") : st.transport;
    // Each stack's own QP timeouts on IB: the KV transfer engine's for KV, NCCL's for the
    // rest (ib_stack.h). KV workloads share one stream: the first one's engine sets them.
    const IbStackTimeouts& ib = c == TrafficClass::kKvTransfer && !spec_.kv.empty() ? spec_.kv.front().ib : spec_.nccl_ib;
    t.transport.ib.timeout_exponent = ib.timeout_exponent;
    t.transport.ib.retry_count = ib.retry_count;
    t.transport.ib.adaptive = options_.ib_adaptive;
    traffic_.push_back(t);
    streams[c] = index;
    return index;
  }

  // Steady background: `rate` payload bytes/s from node a to node b on each NIC of
  // `nics` (rail to rail) for the whole window, open loop (flow engine only).
  void steady(TrafficClass c, int a, int b, const std::vector<int>& nics, double rate) {
    if (rate <= 0) return;
    for (int j : nics) {
      Transfer t;
      t.src = endpoint(a, j);
      t.dst = endpoint(b, j);
      t.stream = stream(c, true);
      t.max_rate_bytes_per_s = rate;
      t.bytes = static_cast<std::uint64_t>(std::max(1.0, std::round(rate * static_cast<double>(window_ps_) * 1e-12)));
      t.route_key = static_cast<std::uint32_t>(schedule_.transfers.size());
      schedule_.add(t);
    }
  }

  // Every collective at its mean rate per node, as steady flows between the nodes its
  // schedule connects (all-to-all inside EP sets, rings between nodes, stage to stage).
  void add_background() {
    for (const auto& m : spec_.moe) {
      const double per_node = moe_network_bytes_per_s(m.shape, {m.tokens_per_step_per_node, m.steps_per_s, m.ep_nodes});
      for (const std::string& g : m.groups) {
        const std::vector<int>& nics = pools(g).collective_nics;
        for (const auto& set : node_sets(fabric_.first_node.at(g), spec_.group(g)->count, m.ep_nodes)) {
          const double rate = per_node / static_cast<double>((set.size() - 1) * nics.size());
          for (int a : set)
            for (int b : set)
              if (a != b) steady(TrafficClass::kMoeAll2all, a, b, nics, rate);
        }
      }
    }
    auto ring = [&](TrafficClass c, const std::vector<int>& nodes, const std::vector<int>& nics, double per_node) {
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        steady(c, nodes[i], nodes[(i + 1) % nodes.size()], nics, per_node / static_cast<double>(nics.size()));
      }
    };
    for (const auto& tp : spec_.tp) {
      if (tp.nodes_spanned <= 1) continue;
      const double per_node = allreduce_network_bytes_per_s({tp.bytes_per_op, tp.ops_per_s, tp.ranks, tp.nodes_spanned});
      for (const std::string& g : tp.groups) {
        for (const auto& set : node_sets(fabric_.first_node.at(g), spec_.group(g)->count, tp.nodes_spanned)) {
          ring(TrafficClass::kTpAllreduce, set, pools(g).collective_nics, per_node);
        }
      }
    }
    for (const auto& t : spec_.training) {
      const TrainingShape shape = training_shape(t);
      const int first = fabric_.first_node.at(t.group), per_stage = spec_.group(t.group)->count / t.pp;
      const std::vector<int>& nics = pools(t.group).collective_nics;
      for (int stage = 0; stage < t.pp; ++stage) {
        std::vector<int> nodes;
        for (int i = 0; i < per_stage; ++i) nodes.push_back(first + stage * per_stage + i);
        if (nodes.size() > 1) ring(TrafficClass::kDpGradients, nodes, nics, training_dp_bytes_per_node(shape) / t.step_time_s);
        if (stage + 1 < t.pp) {
          const double rate = training_pp_bytes_per_node(shape) / t.step_time_s / 2 / static_cast<double>(nics.size());
          for (int i = 0; i < per_stage; ++i) {
            steady(TrafficClass::kPpActivations, nodes[i], nodes[i] + per_stage, nics, rate);
            steady(TrafficClass::kPpActivations, nodes[i] + per_stage, nodes[i], nics, rate);
          }
        }
      }
    }
  }

  std::uint32_t add(TrafficClass c, std::uint32_t src, std::uint32_t dst, double bytes, std::int64_t release_ps,
                    const std::vector<std::uint32_t>& deps = {}) {
    Transfer t;
    t.src = src;
    t.dst = dst;
    t.stream = stream(c);
    t.bytes = static_cast<std::uint64_t>(std::max(1.0, std::round(bytes)));
    t.release_ps = release_ps;
    t.route_key = static_cast<std::uint32_t>(schedule_.transfers.size());
    return schedule_.add(t, deps);
  }

  const NodePools& pools(const std::string& group) const { return pools_.at(group); }

  void add_kv(const KvWorkloadSpec& kv, std::size_t index) {
    sim::Rng rng(options_.seed, "spec.kv." + std::to_string(index));
    const double per_token = kv_bytes_per_token(kv.shape);
    const double sigma = lognormal_sigma_for_p99(kv.prompt_tokens_p99 / kv.prompt_tokens_mean);
    const double mu = std::log(kv.prompt_tokens_mean) - sigma * sigma / 2;
    const int pre_first = fabric_.first_node.at(kv.prefill_group), dec_first = fabric_.first_node.at(kv.decode_group);
    const int pre_n = spec_.group(kv.prefill_group)->count, dec_n = spec_.group(kv.decode_group)->count;
    const std::vector<int>& src_nics = pools(kv.prefill_group).kv_nics;
    const std::vector<int>& dst_nics = pools(kv.decode_group).kv_nics;
    if (src_nics.empty() || dst_nics.empty()) return;  // a split with no KV interface: nothing can move
    const std::size_t parts = std::max(src_nics.size(), dst_nics.size());
    // Each request: its arrival and prompt tokens, from the trace replayed from its start
    // (arrivals / trace_rate_scale) or drawn (Poisson arrivals, lognormal prompts).
    std::size_t next = 0;
    double t = 0, tokens = 0;
    auto next_request = [&]() {
      if (kv.trace) {
        if (next >= kv.trace->requests.size()) return false;
        const TraceRequest& r = kv.trace->requests[next++];
        t = r.arrival_s / kv.trace_rate_scale;
        tokens = kv_tokens(r, kv.skip_cached_prefix);
        return to_ps(t) < window_ps_;
      }
      t = next++ == 0 ? (options_.kv_request_at_start ? 0.0 : rng.exponential(1 / kv.requests_per_s))
                      : t + rng.exponential(1 / kv.requests_per_s);
      return to_ps(t) < window_ps_;
    };
    while (next_request()) {
      int src = pre_first + static_cast<int>(rng.below(static_cast<std::uint64_t>(pre_n)));
      int dst = dec_first + static_cast<int>(rng.below(static_cast<std::uint64_t>(dec_n)));
      if (!kv.trace) {
        // Box-Muller from two uniforms (the first kept away from 0).
        const double u1 = 1 - rng.uniform(), u2 = rng.uniform();
        const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
        tokens = std::exp(mu + sigma * z);
      }
      const double bytes = per_token * tokens;
      if (bytes <= 0) continue;  // its whole prompt was cached on the decode side
      if (src == dst) {  // a mixed group sending to itself stays on the node
        if (options_.kv_request_at_start && t == 0) dst = dec_first + (dst - dec_first + 1) % dec_n;
        if (src == dst) continue;
      }
      SpecOp op{TrafficClass::kKvTransfer, kv.decode_group, kv.name, 0, 0, to_ps(t), -1, bytes};
      op.first = static_cast<std::uint32_t>(schedule_.transfers.size());
      // After prefill: the request's KV at its arrival (prefill left out, as the analytic
      // model does). Layer-wise: layer i's share posted when prefill finishes layer i (a
      // layer still sending when the next is posted shares the NICs with it), and the op
      // timed from prefill's end.
      const int layers = kv.layerwise ? std::max(1, kv.shape.layers) : 1;
      const double prefill_s = prefill_us(kv, tokens) * 1e-6;
      if (kv.layerwise) op.timed_from_ps = to_ps(t + prefill_s);
      for (int layer = 1; layer <= layers; ++layer) {
        const std::int64_t ready = kv.layerwise ? to_ps(t + prefill_s * layer / layers) : op.release_ps;
        for (std::size_t j = 0; j < parts; ++j) {
          add(TrafficClass::kKvTransfer, endpoint(src, src_nics[j % src_nics.size()]),
              endpoint(dst, dst_nics[j % dst_nics.size()]), bytes / static_cast<double>(parts * layers), ready);
        }
      }
      op.end = static_cast<std::uint32_t>(schedule_.transfers.size());
      ops_.push_back(op);
    }
  }

  // One all-to-all phase among `nodes` (each node sends `bytes_per_node` to the others,
  // rail to rail). `after[node][rail]`: transfers into (node, rail) it waits for; on
  // return, the transfers this phase delivered there.
  void all_to_all(TrafficClass c, const std::string& group, const std::string& workload, const std::vector<int>& nodes,
                  const std::vector<int>& nics, double bytes_per_node, std::int64_t release_ps, int step,
                  std::vector<std::vector<std::vector<std::uint32_t>>>& after) {
    SpecOp op{c, group, workload, static_cast<std::uint32_t>(schedule_.transfers.size()), 0, release_ps, step, 0};
    std::vector<std::vector<std::vector<std::uint32_t>>> into(nodes.size(), std::vector<std::vector<std::uint32_t>>(nics.size()));
    const double per = bytes_per_node / static_cast<double>((nodes.size() - 1) * nics.size());
    for (std::size_t a = 0; a < nodes.size(); ++a) {
      for (std::size_t b = 0; b < nodes.size(); ++b) {
        if (a == b) continue;
        for (std::size_t j = 0; j < nics.size(); ++j) {
          const std::uint32_t id = add(c, endpoint(nodes[a], nics[j]), endpoint(nodes[b], nics[j]), per, release_ps,
                                       after.empty() ? std::vector<std::uint32_t>{} : after[a][j]);
          into[b][j].push_back(id);
          op.bytes += per;
        }
      }
    }
    after = std::move(into);
    op.end = static_cast<std::uint32_t>(schedule_.transfers.size());
    ops_.push_back(op);
  }

  void add_moe(const MoeWorkloadSpec& m) {
    const double period = 1 / m.steps_per_s;
    const double layer_s = period / m.shape.moe_layers;
    const double tokens = m.tokens_per_step_per_node;
    const double remote = moe_remote_fraction(m.ep_nodes);
    const double dispatch = tokens * m.shape.top_k * m.shape.hidden_size * m.shape.dispatch_dtype_bytes * remote;
    const double combine = tokens * m.shape.top_k * m.shape.hidden_size * m.shape.combine_dtype_bytes * remote;
    for (const std::string& g : m.groups) {
      const std::vector<int>& nics = pools(g).collective_nics;
      if (nics.empty()) continue;  // a split with no collective interface
      for (const auto& set : node_sets(fabric_.first_node.at(g), spec_.group(g)->count, m.ep_nodes)) {
        std::vector<std::vector<std::vector<std::uint32_t>>> after;
        for (int step = 0; to_ps(step * period) < window_ps_; ++step) {
          // A step cut by the window keeps its layers inside it, marked partial (not timed).
          const bool whole = to_ps(step * period + (m.shape.moe_layers - 1) * layer_s) < window_ps_;
          for (int l = 0; l < m.shape.moe_layers; ++l) {
            const double t0 = step * period + l * layer_s;
            if (to_ps(t0) >= window_ps_) break;
            const int tag = whole ? step : kPartialStep;
            all_to_all(TrafficClass::kMoeAll2all, g, m.name, set, nics, dispatch, to_ps(t0), tag, after);
            all_to_all(TrafficClass::kMoeAll2all, g, m.name, set, nics, combine, to_ps(t0 + layer_s / 2), tag, after);
          }
        }
      }
    }
  }

  // NCCL's ring between nodes: `steps` steps, node i sending bytes_per_node / steps to
  // node i+1 per step, striped over the pool's NICs; step s waits for step s-1 into the sender.
  void ring(TrafficClass c, const std::string& group, const std::string& workload, const std::vector<int>& nodes,
            const std::vector<int>& nics, double bytes_per_node, int steps, std::int64_t release_ps, int step_index) {
    SpecOp op{c, group, workload, static_cast<std::uint32_t>(schedule_.transfers.size()), 0, release_ps, step_index,
              bytes_per_node * static_cast<double>(nodes.size())};
    const std::size_t n = nodes.size();
    const double per = bytes_per_node / steps / static_cast<double>(nics.size());
    std::vector<std::vector<std::uint32_t>> prev(n);  // transfers into node i in the previous step
    for (int s = 0; s < steps; ++s) {
      std::vector<std::vector<std::uint32_t>> now(n);
      for (std::size_t i = 0; i < n; ++i) {
        for (int j : nics) {
          now[(i + 1) % n].push_back(add(c, endpoint(nodes[i], j), endpoint(nodes[(i + 1) % n], j), per, release_ps, prev[i]));
        }
      }
      prev = std::move(now);
    }
    op.end = static_cast<std::uint32_t>(schedule_.transfers.size());
    ops_.push_back(op);
  }

  void add_tp(const TpWorkloadSpec& tp) {
    if (tp.nodes_spanned <= 1) return;  // NVLink only
    const int n = tp.nodes_spanned;
    const double ranks = tp.ranks;
    const double per_node = 2 * (ranks - 1) / ranks * tp.bytes_per_op;
    for (const std::string& g : tp.groups) {
      if (pools(g).collective_nics.empty()) continue;
      for (const auto& set : node_sets(fabric_.first_node.at(g), spec_.group(g)->count, n)) {
        for (int k = 0; to_ps(k / tp.ops_per_s) < window_ps_; ++k) {
          ring(TrafficClass::kTpAllreduce, g, tp.name, set, pools(g).collective_nics, per_node, 2 * (n - 1),
               to_ps(k / tp.ops_per_s), -1);
        }
      }
    }
  }

  void add_training(const TrainingWorkloadSpec& t) {
    const TrainingShape shape = training_shape(t);
    const int first = fabric_.first_node.at(t.group), count = spec_.group(t.group)->count;
    const int per_stage = count / t.pp;
    const std::vector<int>& nics = pools(t.group).collective_nics;
    if (nics.empty()) return;
    const double dp_bytes = training_dp_bytes_per_node(shape);
    const double pp_bytes = training_pp_bytes_per_node(shape) / (2.0 * t.micro_batches);
    const double moe_bytes = training_moe_bytes_per_node(shape) / (4.0 * t.micro_batches * std::max(1, shape.moe_layers));
    const int ep_nodes = std::max(1, t.moe.ep / t.gpus_per_node);
    for (int step = 0; to_ps(step * t.step_time_s) < window_ps_; ++step) {
      const double t0 = step * t.step_time_s;
      // A step the window cuts keeps what is released inside it, marked partial (not timed).
      const int tag = to_ps(t0 + t.step_time_s) <= window_ps_ ? step : kPartialStep;
      // Forward in the first half of the step, backward in the second.
      const double mb_s = t.step_time_s / 2 / t.micro_batches;
      for (int mb = 0; mb < t.micro_batches; ++mb) {
        for (int half = 0; half < 2; ++half) {
          const double at = t0 + half * t.step_time_s / 2 + mb * mb_s;
          if (to_ps(at) >= window_ps_) continue;
          if (pp_bytes > 0) {
            SpecOp op{TrafficClass::kPpActivations, t.group, t.name, static_cast<std::uint32_t>(schedule_.transfers.size()),
                      0, to_ps(at), tag, 0};
            for (int stage = 0; stage + 1 < t.pp; ++stage) {
              for (int i = 0; i < per_stage; ++i) {
                const int a = first + (half == 0 ? stage : stage + 1) * per_stage + i;
                const int b = first + (half == 0 ? stage + 1 : stage) * per_stage + i;
                for (int j : nics) {
                  add(TrafficClass::kPpActivations, endpoint(a, j), endpoint(b, j), pp_bytes / static_cast<double>(nics.size()), op.release_ps);
                }
                op.bytes += pp_bytes;
              }
            }
            op.end = static_cast<std::uint32_t>(schedule_.transfers.size());
            ops_.push_back(op);
          }
          if (moe_bytes > 0 && ep_nodes > 1) {
            const double layer_s = mb_s / shape.moe_layers;
            for (int stage = 0; stage < t.pp; ++stage) {
              for (const auto& set : node_sets(first + stage * per_stage, per_stage, ep_nodes)) {
                std::vector<std::vector<std::vector<std::uint32_t>>> after;
                for (int l = 0; l < shape.moe_layers && to_ps(at + l * layer_s) < window_ps_; ++l) {
                  all_to_all(TrafficClass::kMoeAll2all, t.group, t.name, set, nics, moe_bytes, to_ps(at + l * layer_s), tag, after);
                  all_to_all(TrafficClass::kMoeAll2all, t.group, t.name, set, nics, moe_bytes, to_ps(at + (l + 0.5) * layer_s), tag, after);
                }
              }
            }
          }
        }
      }
      if (dp_bytes > 0 && to_ps(t0 + t.step_time_s / 2) < window_ps_) {
        for (int stage = 0; stage < t.pp; ++stage) {
          std::vector<int> nodes;
          for (int i = 0; i < per_stage; ++i) nodes.push_back(first + stage * per_stage + i);
          if (nodes.size() < 2) continue;
          ring(TrafficClass::kDpGradients, t.group, t.name, nodes, nics, dp_bytes,
               (t.fsdp ? 3 : 2) * (per_stage - 1), to_ps(t0 + t.step_time_s / 2), tag);
        }
      }
    }
  }

  const ClusterSpec& spec_;
  const SpecFabric& fabric_;
  const std::map<std::string, NodePools>& pools_;
  const SpecScheduleOptions& options_;
  std::int64_t window_ps_ = 0;
  Schedule schedule_;
  std::vector<sim::TrafficSpec> traffic_;
  std::map<TrafficClass, std::uint32_t> streams_, open_streams_;
  std::vector<SpecOp> ops_;
};

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
  // Per packet: SRD ~7 events (send, hops, ack); lossless IB ~18 (credits per hop).
  e.packet_events = std::ceil(bytes_per_s * e.window_s / mtu) * (options.infiniband ? 18.0 : 7.0);
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
  Builder b(spec, fabric, pools, options);
  SpecSchedule out = b.build(window);
  out.window_reason = reason;
  return out;
}

}  // namespace fabricplan
