// Renderers of a SpecComparison (`fabricplan compare SPEC`): terminal text, Markdown,
// JSON (versioned, schema in configs/schema/compare-spec-report.schema.json: `fabrics`
// holds two entries whose `groups` are shaped like plan's) and one self-contained HTML
// page (html_page.h).
#pragma once

#include <string>

#include "planner/compare/spec_compare.h"

namespace fabricplan {

inline constexpr int kCompareSpecReportVersion = 1;

std::string render_compare_text(const SpecComparison& c);
std::string render_compare_markdown(const SpecComparison& c);
std::string render_compare_json(const SpecComparison& c);
std::string render_compare_html(const SpecComparison& c);

}  // namespace fabricplan
