#include "planner/engine_run/schedule_builder.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "models/workload/collective.h"
#include "models/workload/moe.h"
#include "models/workload/training.h"
#include "planner/analytic/demand.h"
#include "planner/engine_run/schedule_workloads.h"

namespace fabricplan {
SpecSchedule ScheduleBuilder::build(double window_s) {
  window_ps_ = to_ps(window_s);
  for (std::size_t i = 0; i < spec_.kv.size(); ++i) add_kv(*this, spec_.kv[i], i);
  if (options_.collectives_as_background) {
    add_background();
  } else {
    for (const auto& m : spec_.moe) add_moe(*this, m);
    for (const auto& t : spec_.tp) add_tp(*this, t);
    for (const auto& t : spec_.training) add_training(*this, t);
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


std::uint32_t ScheduleBuilder::stream(TrafficClass c, bool open_loop) {
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


std::uint32_t ScheduleBuilder::add(TrafficClass c, std::uint32_t src, std::uint32_t dst, double bytes, std::int64_t release_ps,
                                   const std::vector<std::uint32_t>& deps) {
  Transfer t;
  t.src = src;
  t.dst = dst;
  t.stream = stream(c);
  t.bytes = static_cast<std::uint64_t>(std::max(1.0, std::round(bytes)));
  t.release_ps = release_ps;
  t.route_key = static_cast<std::uint32_t>(schedule_.transfers.size());
  return schedule_.add(t, deps);
}


// Steady background: `rate` payload bytes/s from node a to node b on each NIC of
// `nics` (rail to rail) for the whole window, open loop (flow engine only).
void ScheduleBuilder::steady(TrafficClass c, int a, int b, const std::vector<int>& nics, double rate) {
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
void ScheduleBuilder::add_background() {
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


// One all-to-all phase among `nodes` (each node sends `bytes_per_node` to the others,
// rail to rail). `after[node][rail]`: transfers into (node, rail) it waits for; on
// return, the transfers this phase delivered there.
void ScheduleBuilder::all_to_all(TrafficClass c, const std::string& group, const std::string& workload, const std::vector<int>& nodes,
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


// NCCL's ring between nodes: `steps` steps, node i sending bytes_per_node / steps to
// node i+1 per step, striped over the pool's NICs; step s waits for step s-1 into the sender.
void ScheduleBuilder::ring(TrafficClass c, const std::string& group, const std::string& workload, const std::vector<int>& nodes,
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


}  // namespace fabricplan
