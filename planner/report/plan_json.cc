#include <nlohmann/json.hpp>

#include <algorithm>

#include "planner/report/report.h"
#include "models/json_input/report_fields.h"

namespace fabricplan {

std::string render_plan_json(const PlanResult& plan) {
  using nlohmann::ordered_json;
  ordered_json j;
  stamp_report_fields(j, "fabricplan.plan", kPlanReportVersion);
  j["spec"] = {{"name", plan.spec->name}, {"file", plan.spec->file},
               {"description", plan.spec->description}};
  j["catalog"] = plan.catalog_path;
  j["calibration"] = plan.calibration_path.empty() ? ordered_json(nullptr)
                                                   : ordered_json(plan.calibration_path);
  j["thresholds"] = {{"tight_utilization", plan.thresholds.tight_utilization},
                     {"insufficient_utilization", plan.thresholds.insufficient_utilization},
                     {"tight_time_share", plan.thresholds.tight_time_share},
                     {"insufficient_time_share", plan.thresholds.insufficient_time_share}};
  j["fabric"] = {{"description", plan.fabric_description}, {"notes", plan.fabric_notes}};
  j["engine"] = {{"kind", plan.engine}, {"summary", plan.engine_summary}, {"window_s", plan.engine_window_s},
                 {"transfers", plan.engine_transfers}};
  if (plan.engine == "packet") {
    nlohmann::ordered_json transport = nlohmann::ordered_json::array();
    for (const auto& t : plan.engine_transport) {
      transport.push_back({{"class", t.cls},
                           {"packets_sent", t.packets_sent},
                           {"drops", t.drops},
                           {"timeouts", t.timeouts},
                           {"spurious_timeouts", t.spurious_timeouts},
                           {"retransmissions", t.retransmissions},
                           {"max_queue_bytes", t.max_queue_bytes},
                           {"max_queue_us", t.max_queue_us},
                           {"max_queue_link", t.max_queue_link}});
    }
    j["engine"]["transport"] = transport;
  }
  j["verdict"] = verdict_name(plan.verdict);
  j["groups"] = ordered_json::array();
  for (const auto& g : plan.groups) {
    ordered_json gj;
    gj["name"] = g.spec->name;
    gj["instance_type"] = g.instance->name;
    gj["role"] = node_role_name(g.spec->role);
    gj["count"] = g.spec->count;
    gj["fabric"] = fabric_kind_name(g.instance->fabric);
    gj["interfaces"] = g.instance->interfaces;
    gj["per_interface_bytes_per_s"] = g.per_interface_bytes_per_s;
    gj["bandwidth_source"] = g.bandwidth_source;
    gj["verdict"] = verdict_name(g.verdict);
    gj["why"] = g.why;
    gj["classes"] = ordered_json::array();
    for (const auto& c : g.classes) {
      ordered_json cj = {{"class", std::string(traffic_class_name(c.cls))},
                               {"demand_bytes_per_s", c.demand_bytes_per_s},
                               {"peak_demand_bytes_per_s", c.peak_demand_bytes_per_s},
                               {"budget_bytes_per_s", c.budget_bytes_per_s},
                               {"interfaces", c.interfaces},
                               {"shared", c.shared},
                               {"utilization", c.utilization},
                               {"peak_utilization", c.peak_utilization},
                               {"headroom_bytes_per_s", c.headroom_bytes_per_s},
                               {"verdict", verdict_name(c.verdict)},
                               {"why", c.why},
                               {"contributions", c.contributions}};
      cj["utilization_verdict"] = verdict_name(c.utilization_verdict);
      cj["op"] = c.time.op;
      // An unbounded p99 is null, never a finite figure (p99_unbounded says why).
      cj["op_time_us"] = !c.time.known      ? ordered_json(nullptr)
                         : c.time.unbounded ? ordered_json{{"p50", c.time.p50_us}, {"p99", nullptr}}
                                            : ordered_json{{"p50", c.time.p50_us}, {"p99", c.time.p99_us}};
      if (c.time.unbounded) cj["p99_unbounded"] = c.time.why;
      cj["op_time_model"] = c.time.why;
      if (c.time.step_share > 0) cj["step_share"] = c.time.step_share;
      if (c.time.budget_us > 0) {
        cj["time_budget_us"] = c.time.budget_us;
        cj["time_budget"] = c.time.budget_name;
        cj["time_share"] = c.time.share;
      }
      if (c.time.known) cj["time_verdict"] = verdict_name(c.time.verdict);
      if (c.engine_count > 0 || c.engine_incomplete > 0) {
        // The CDF at up to 100 points (every sample when fewer), for charts.
        ordered_json cdf = ordered_json::array();
        const std::size_t n = c.engine_samples_us.size();
        const std::size_t points = std::min<std::size_t>(n, 100);
        for (std::size_t k = 1; k <= points; ++k) {
          const std::size_t i = (k * n + points - 1) / points - 1;
          cdf.push_back({c.engine_samples_us[i], static_cast<double>(i + 1) / static_cast<double>(n)});
        }
        // Fewer samples than a 99th percentile needs: no p99, the max and why.
        const bool few = c.engine_p99_is_max();
        cj["engine_op_time_us"] = {{"p50", c.engine_p50_us}, {"p99", few ? ordered_json(nullptr) : ordered_json(c.engine_p99_us)},
                                   {"max", n > 0 ? c.engine_samples_us.back() : c.engine_p99_us},
                                   {"count", c.engine_count}, {"incomplete", c.engine_incomplete}, {"cdf", cdf}};
        if (few) {
          cj["engine_op_time_us"]["p99_note"] = "n=" + std::to_string(c.engine_count) + " < " +
                                                std::to_string(kMinSamplesForP99) + ": too few for a 99th percentile; max given";
        }
        if (c.engine_time_share > 0) cj["engine_time_share"] = c.engine_time_share;
        if (c.engine_analytic_ratio > 0) {
          cj["engine_analytic_ratio"] = c.engine_analytic_ratio;
          cj["verdict_from"] = c.verdict_from_engine ? "engine" : "analytic";
        }
        if (!c.engine_mechanism.empty()) cj["engine_mechanism"] = c.engine_mechanism;
      }
      gj["classes"].push_back(cj);
    }
    gj["fabric_factor"] = g.fabric_factor;
    gj["accelerator"] = g.instance->accelerator;
    gj["accelerator_nics"] = g.instance->accelerator_nics;
    gj["busiest_links"] = ordered_json::array();
    for (const auto& l : g.busiest_links) {
      gj["busiest_links"].push_back({{"link", l.link}, {"utilization", l.utilization}, {"classes", l.classes}});
    }
    const SplitCandidate& s = g.split.chosen;
    gj["nic_split"] = {{"policy", g.split_explicit ? "explicit" : "auto"},
                       {"shared", s.shared},
                       {"kv_interfaces", s.kv_interfaces},
                       {"collective_interfaces", s.collective_interfaces},
                       {"kv_nics", s.kv_nics},
                       {"collective_nics", s.collective_nics},
                       {"locality_preserved", s.locality_preserved},
                       {"worst_utilization", s.worst_utilization},
                       {"worst_time_share", s.worst_time_share},
                       {"candidates_considered", g.split.considered.size()}};
    ordered_json env = ordered_json::object();
    for (const auto& [k, v] : g.recommendation.env) env[k] = v;
    ordered_json pods = ordered_json::array();
    for (const auto& [who, n] : g.recommendation.pod_resources) {
      pods.push_back({{"pod", who}, {"resource", g.recommendation.resource_name}, {"count", n}});
    }
    ordered_json settings = ordered_json::array();
    for (const auto& st : g.recommendation.settings) {
      settings.push_back({{"process", st.process}, {"variable", st.variable}, {"value", st.value},
                          {"selects", st.selects}, {"note", st.note}});
    }
    gj["recommended"] = {{"env", env},
                         {"settings", settings},
                         {"pod_resources", pods},
                         {"pod_yaml", g.recommendation.pod_yaml},
                         {"notes", g.recommendation.notes}};
    j["groups"].push_back(gj);
  }
  j["sweep"] = ordered_json::array();
  for (const auto& p : plan.sweep) {
    ordered_json pj = {{"rate_scale", p.rate_scale}};
    ordered_json groups = ordered_json::object();
    for (const auto& [g, classes] : p.utilization) {
      ordered_json cj = ordered_json::object();
      for (const auto& [cls, u] : classes) cj[std::string(traffic_class_name(cls))] = u;
      groups[g] = cj;
    }
    pj["utilization"] = groups;
    j["sweep"].push_back(pj);
  }
  for (const auto& kv : plan.spec->kv) {
    if (!kv.trace) continue;
    if (!j.contains("kv_traces")) j["kv_traces"] = ordered_json::array();
    j["kv_traces"].push_back({{"workload", kv.name}, {"file", kv.trace->file}, {"format", kv.trace->format},
                              {"requests", kv.trace->requests.size()}, {"span_s", kv.trace->span_s()},
                              {"trace_rate_per_s", kv.trace->rate_per_s()}, {"rate_scale", kv.trace_rate_scale},
                              {"requests_per_s", kv.requests_per_s}, {"skip_cached_prefix", kv.skip_cached_prefix},
                              {"prompt_tokens_mean", kv.prompt_tokens_mean}, {"prompt_tokens_p50", kv.prompt_tokens_p50},
                              {"prompt_tokens_p99", kv.prompt_tokens_p99}, {"note", kv.trace_note}});
  }
  j["assumptions"] = plan.assumptions;
  j["warnings"] = plan.warnings;
  return j.dump(2) + "\n";
}

}  // namespace fabricplan
