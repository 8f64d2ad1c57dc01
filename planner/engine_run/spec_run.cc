#include "planner/engine_run/spec_run.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "sim/scenario/schedule_results.h"

namespace fabricplan {

OpTimes summarize_op_times(std::vector<double> samples_us, std::size_t incomplete) {
  OpTimes t;
  t.incomplete = incomplete;
  t.count = samples_us.size();
  if (samples_us.empty()) return t;
  std::sort(samples_us.begin(), samples_us.end());
  auto rank = [&](double q) {
    const std::size_t i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples_us.size())));
    return samples_us[std::min(samples_us.size() - 1, i == 0 ? 0 : i - 1)];
  };
  t.p50_us = rank(0.5);
  t.p99_us = rank(0.99);
  t.max_us = samples_us.back();
  double sum = 0;
  for (double x : samples_us) sum += x;
  t.mean_us = sum / static_cast<double>(samples_us.size());
  t.samples_us = std::move(samples_us);
  return t;
}

SpecRunResult run_spec_schedule(const ClusterSpec& spec, const SpecFabric& fabric, SpecSchedule schedule,
                                const std::string& engine, std::size_t busiest_per_group, bool each_op, bool progress) {
  SpecRunResult out;
  out.engine = engine;
  out.window_s = schedule.window_s;
  out.window_reason = schedule.window_reason;
  out.transfers = schedule.transfers;
  out.sim = engine == "packet" ? sim::run_scenario(schedule.scenario, progress) : sim::run_scenario_flow(schedule.scenario);
  const sim::SimulationResult& r = out.sim;

  // Per operation; per (group, class, workload, step) where ops belong to steps.
  std::map<std::tuple<std::string, TrafficClass, std::string, int>, double> step_sums;
  std::map<std::pair<std::string, TrafficClass>, std::vector<double>> samples;
  std::map<std::pair<std::string, TrafficClass>, std::size_t> incomplete;
  std::map<std::tuple<std::string, TrafficClass, std::string, int>, bool> step_broken;
  for (const SpecOp& op : schedule.ops) {
    if (op.step == kPartialStep && !each_op) continue;
    std::int64_t start = INT64_MAX, end = 0;
    bool done = true;
    for (std::uint32_t t = op.first; t < op.end; ++t) {
      if (!sim::transfer_completed(r, t)) {
        done = false;
        break;
      }
      const std::uint32_t f = r.transfer_flow[t];
      start = std::min<std::int64_t>(start, r.flows[f].first_send_ps);
      end = std::max<std::int64_t>(end, r.flows[f].last_delivery_ps);
    }
    const auto key = std::make_pair(op.group, op.cls);
    if (!done) {
      ++incomplete[key];
      if (op.step >= 0 && !each_op) step_broken[{op.group, op.cls, op.workload, op.step}] = true;
      continue;
    }
    const double us = static_cast<double>(end - (op.timed_from_ps >= 0 ? std::min(op.timed_from_ps, end) : start)) * 1e-6;
    if (op.step >= 0 && !each_op) {
      step_sums[{op.group, op.cls, op.workload, op.step}] += us;
    } else {
      samples[key].push_back(us);
    }
  }
  for (const auto& [k, us] : step_sums) {
    if (step_broken.count(k)) continue;
    samples[{std::get<0>(k), std::get<1>(k)}].push_back(us);
  }
  for (auto& [k, v] : samples) out.op_times[k.first][k.second] = summarize_op_times(std::move(v), incomplete[k]);
  for (const auto& [k, n] : incomplete) {
    if (!samples.count(k)) out.op_times[k.first][k.second] = summarize_op_times({}, n);
  }

  // Busiest links near each group: its NIC links and its switches' links.
  const Topology topo = sim::build_topology(schedule.scenario.topology);
  const Schedule& sched = *schedule.scenario.prebuilt_schedule;
  for (const auto& g : spec.groups) {
    const int first = fabric.first_node.at(g.name) * fabric.nics_per_node;
    const int last = first + g.count * fabric.nics_per_node;  // endpoints [first, last)
    std::vector<bool> near(topo.nodes.size(), false);
    for (const TopoLink& l : topo.links) {
      if (l.a >= first && l.a < last) near[static_cast<std::size_t>(l.b)] = true;
      if (l.b >= first && l.b < last) near[static_cast<std::size_t>(l.a)] = true;
    }
    std::vector<double> bytes = r.port_wire_bytes;
    for (std::size_t l = 0; l < topo.links.size(); ++l) {
      const TopoLink& link = topo.links[l];
      const bool host_of_group = (link.a >= first && link.a < last) || (link.b >= first && link.b < last);
      const bool other_host = (link.a < topo.hosts && !(link.a >= first && link.a < last)) ||
                              (link.b < topo.hosts && !(link.b >= first && link.b < last));
      const bool switch_of_group = near[static_cast<std::size_t>(link.a)] || near[static_cast<std::size_t>(link.b)];
      if (!(host_of_group || (switch_of_group && !other_host))) bytes[2 * l] = bytes[2 * l + 1] = 0;
    }
    out.busiest_links[g.name] =
        sim::busiest_links(topo, bytes, r.port_capacity_bytes_per_s, r.port_class_mask, sched.classes, r.simulated_s,
                           busiest_per_group);
  }
  return out;
}

}  // namespace fabricplan
