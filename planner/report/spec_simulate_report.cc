#include "planner/report/spec_simulate_report.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "planner/format_text.h"
#include "planner/spec/kv_trace.h"
#include "planner/report/plan_table.h"

namespace fabricplan {
namespace {

std::string splits_text(const PlanResult& plan) {
  std::string out;
  for (const auto& g : plan.groups) {
    const SplitCandidate& c = g.split.chosen;
    out += (out.empty() ? "" : "; ") + g.spec->name + " " +
           (c.shared ? "all " + std::to_string(c.kv_interfaces) + " NICs shared"
                     : std::to_string(c.kv_interfaces) + " KV / " + std::to_string(c.collective_interfaces) + " collectives");
  }
  return out;
}

}  // namespace

std::string render_spec_simulation_text(const SpecSimulation& s) {
  std::ostringstream os;
  os << "fabricplan simulate: " << s.spec->name << " (" << s.spec->file << ")'s schedule on its fabric\n";
  os << "fabric: " << s.fabric_description << "\n";
  os << "engine: " << s.run.engine << ", " << s.run.window_reason << ", " << s.run.transfers << " transfers, seed " << s.seed
     << kv_trace_window_text(*s.spec, s.run.window_s) << "\n";
  os << "NIC splits (the analytic plan's): " << splits_text(*s.plan) << "\n\n";
  os << sim::render_simulation_text(s.run.sim);
  Table t;
  t.push_back({"group", "class", "operation", "done", "incomplete", "p50", "p99", "max"});
  for (const auto& g : s.plan->groups) {
    auto ops = s.run.op_times.find(g.spec->name);
    if (ops == s.run.op_times.end()) continue;
    for (const auto& c : g.classes) {
      auto it = ops->second.find(c.cls);
      if (it == ops->second.end()) continue;
      const OpTimes& o = it->second;
      const bool few = o.count < kMinSamplesForP99;
      t.push_back({g.spec->name, std::string(traffic_class_name(c.cls)), c.time.op.empty() ? "-" : c.time.op.substr(0, 60),
                   std::to_string(o.count), std::to_string(o.incomplete), o.count ? format_us(o.p50_us) : "-",
                   o.count == 0 ? "-" : few ? "(n<20)" : format_us(o.p99_us), o.count ? format_us(o.max_us) : "-"});
    }
  }
  os << "\nthe spec's operations, timed in this run:\n";
  if (t.size() == 1) {
    os << "  none completed in the window (MoE and training operations are timed per whole step; a longer --window-ms "
          "takes one)\n";
  } else {
    print_table(os, t);
  }
  return os.str();
}

std::string render_spec_simulation_json(const SpecSimulation& s) {
  using nlohmann::ordered_json;
  ordered_json j = ordered_json::parse(sim::render_simulation_json(s.run.sim));
  ordered_json spec_run = {{"spec", s.spec->name},
                           {"file", s.spec->file},
                           {"fabric", s.fabric_description},
                           {"engine", s.run.engine},
                           {"window_s", s.run.window_s},
                           {"window_reason", s.run.window_reason},
                           {"transfers", s.run.transfers},
                           {"seed", s.seed}};
  if (const std::string replay = kv_trace_window_text(*s.spec, s.run.window_s); !replay.empty()) {
    spec_run["trace_replay"] = replay.substr(2);  // without the leading "; "
  }
  spec_run["splits"] = ordered_json::array();
  for (const auto& g : s.plan->groups) {
    spec_run["splits"].push_back({{"group", g.spec->name},
                                  {"shared", g.split.chosen.shared},
                                  {"kv_nics", g.split.chosen.kv_nics},
                                  {"collective_nics", g.split.chosen.collective_nics}});
  }
  spec_run["operations"] = ordered_json::array();
  for (const auto& [group, classes] : s.run.op_times) {
    for (const auto& [cls, o] : classes) {
      ordered_json op = {{"group", group}, {"class", traffic_class_name(cls)}, {"count", o.count}, {"incomplete", o.incomplete}};
      op["p50_us"] = o.count ? ordered_json(o.p50_us) : ordered_json(nullptr);
      op["p99_us"] = o.count >= kMinSamplesForP99 ? ordered_json(o.p99_us) : ordered_json(nullptr);
      op["max_us"] = o.count ? ordered_json(o.max_us) : ordered_json(nullptr);
      spec_run["operations"].push_back(op);
    }
  }
  j["spec_run"] = spec_run;
  return j.dump(2) + "\n";
}

}  // namespace fabricplan
