#include <nlohmann/json.hpp>

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
                     {"insufficient_utilization", plan.thresholds.insufficient_utilization}};
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
      gj["classes"].push_back({{"class", std::string(traffic_class_name(c.cls))},
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
                               {"contributions", c.contributions}});
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
                       {"candidates_considered", g.split.considered.size()}};
    ordered_json env = ordered_json::object();
    for (const auto& [k, v] : g.recommendation.env) env[k] = v;
    ordered_json pods = ordered_json::array();
    for (const auto& [who, n] : g.recommendation.pod_resources) {
      pods.push_back({{"pod", who}, {"resource", g.recommendation.resource_name}, {"count", n}});
    }
    gj["recommended"] = {{"env", env}, {"pod_resources", pods}, {"notes", g.recommendation.notes}};
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
  j["assumptions"] = plan.assumptions;
  j["warnings"] = plan.warnings;
  return j.dump(2) + "\n";
}

}  // namespace fabricplan
