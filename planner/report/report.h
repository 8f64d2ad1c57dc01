// Renderers of a PlanResult: terminal text, Markdown, JSON (versioned, schema in
// configs/schema/plan-report.schema.json) and one self-contained HTML page.
#pragma once

#include <string>

#include "planner/plan.h"

namespace fabricplan {

inline constexpr int kPlanReportVersion = 1;

std::string render_plan_text(const PlanResult& plan);
std::string render_plan_markdown(const PlanResult& plan);
std::string render_plan_json(const PlanResult& plan);
std::string render_plan_html(const PlanResult& plan);

}  // namespace fabricplan
