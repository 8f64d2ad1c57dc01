// The plan as one self-contained HTML page: the prose of the text report around the
// charts html_page.h draws with Chart.js (inlined, so the page works offline).
#include <string>

#include "planner/report/html_page.h"
#include "planner/report/plan_table.h"
#include "planner/report/report.h"

namespace fabricplan {

std::string render_plan_html(const PlanResult& plan) {
  std::string pre;
  pre += "<p>" + html_escape(plan.spec->description) + "</p>\n";
  pre += "<p>Overall verdict: <b class=\"" + std::string(verdict_name(plan.verdict)) + "\">" + verdict_name(plan.verdict) +
         "</b>. Tight at utilization &ge; " + format_percent(plan.thresholds.tight_utilization) +
         " or a p99 burst over budget, or at &ge; " + format_percent(plan.thresholds.tight_time_share) +
         " of a time budget; insufficient at &ge; " + format_percent(plan.thresholds.insufficient_utilization) +
         " utilization or &ge; " + format_percent(plan.thresholds.insufficient_time_share) + " of a budget.</p>\n";
  pre += "<p class=\"why\">Fabric: " + html_escape(plan.fabric_description) + ". " +
         (plan.engine_summary.empty() ? std::string() : "Engine run: " + html_escape(plan.engine_summary) + ".") + "</p>\n";
  if (!plan.engine_transport.empty()) {
    pre += "<table id=\"engine-transport\"><caption>What the packet engine's transports saw, per class</caption>\n"
           "<tr><th>class</th><th>packets sent</th><th>drops</th><th>timeouts</th><th>spurious timeouts</th>"
           "<th>retransmissions</th><th>longest queue</th><th>at</th></tr>\n";
    for (const auto& t : plan.engine_transport) {
      pre += "<tr><td>" + html_escape(t.cls) + "</td><td>" + std::to_string(t.packets_sent) + "</td><td>" +
             std::to_string(t.drops) + "</td><td>" + std::to_string(t.timeouts) + "</td><td>" +
             std::to_string(t.spurious_timeouts) + "</td><td>" + std::to_string(t.retransmissions) + "</td><td>" +
             format_us(t.max_queue_us) + "</td><td>" + html_escape(t.max_queue_link.empty() ? "-" : t.max_queue_link) +
             "</td></tr>\n";
    }
    pre += "</table>\n";
  }
  std::string app;
  for (const auto& g : plan.groups) {
    app += "<h2>" + html_escape(g.spec->name) + ": " + std::to_string(g.spec->count) + " &times; " +
           html_escape(g.instance->name) + " &mdash; <span class=\"" + verdict_name(g.verdict) + "\">" +
           verdict_name(g.verdict) + "</span></h2>\n<p class=\"why\">" + html_escape(g.why) + "</p>\n<ul>\n";
    for (const auto& c : g.classes) {
      app += "<li><code>" + std::string(traffic_class_name(c.cls)) + "</code> <span class=\"" + verdict_name(c.verdict) +
             "\">" + verdict_name(c.verdict) + "</span>: " + html_escape(c.why) +
             (c.time.why.empty() ? "" : "<br><span class=\"why\">" + html_escape(c.time.why) + "</span>") +
             (c.engine_mechanism.empty() ? "" : "<br><span class=\"why\">engine: " + html_escape(c.engine_mechanism) + "</span>") +
             "</li>\n";
    }
    app += "</ul>\n<pre>";
    for (const auto& st : g.recommendation.settings) {
      app += "# " + html_escape(st.process) + (st.selects ? "" : " (advisory)") + ": " + html_escape(st.note) + "\nexport " +
             html_escape(st.variable) + "=" + html_escape(st.value) + "\n";
    }
    app += "\n" + html_escape(g.recommendation.pod_yaml);
    for (const auto& [who, n] : g.recommendation.pod_resources) {
      app += "# " + html_escape(who) + ": " + g.recommendation.resource_name + ": " + std::to_string(n) + "\n";
    }
    app += "</pre>\n";
  }
  if (!plan.warnings.empty()) {
    app += "<h2>Warnings</h2><ul>\n";
    for (const auto& w : plan.warnings) app += "<li>" + html_escape(w) + "</li>\n";
    app += "</ul>\n";
  }
  app += "<h2>Assumptions</h2><ul>\n";
  for (const auto& a : plan.assumptions) app += "<li>" + html_escape(a) + "</li>\n";
  app += "</ul>\n";
  return render_fabrics_html("fabricplan plan: " + plan.spec->name, render_plan_json(plan), pre, app);
}

}  // namespace fabricplan
