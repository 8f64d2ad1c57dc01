// The per-class matrix of `compare SPEC` (compare_matrix.h) in each report format: two
// tables (steady state; one link failure), a JSON object, and an HTML section whose
// charts the page's script draws from the JSON (html_page.cc).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "planner/compare/compare_matrix.h"

namespace fabricplan {

std::string matrix_text(const CompareMatrix& m, double slice_us);
std::string matrix_markdown(const CompareMatrix& m, double slice_us);
nlohmann::ordered_json matrix_json(const CompareMatrix& m);
std::string matrix_html(const CompareMatrix& m, double slice_us);

}  // namespace fabricplan
