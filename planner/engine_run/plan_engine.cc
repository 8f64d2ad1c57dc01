#include "planner/engine_run/plan_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "planner/engine_run/plan_fabric.h"
#include "planner/engine_run/spec_run.h"
#include "planner/engine_run/spec_schedule.h"
#include "planner/format_text.h"
#include "planner/spec/kv_trace.h"
#include "sim/scenario/scenario_schedule.h"

namespace fabricplan {
namespace {

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
  if (options.engine == "packet") e.schedule->scenario.threads = options.threads;
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
  if (options.threads > 1) plan.engine_summary += "; " + sim::partition_text(run.sim);
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

void confirm_plan_on_engine(PlanResult& plan, const ClusterSpec& spec, const PlanOptions& options) {
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

}  // namespace fabricplan
