// The sweep's table, one row per cell in cell order, as CSV, JSON or an offline HTML page
// (Chart.js from Debian's libjs-chart.js inlined: every numeric figure against the last
// axis, one line per combination of the other axes). Nothing in it depends on how many
// processes ran the cells, so 1 process and N ranks give the same bytes.
#pragma once

#include <string>
#include <vector>

#include "cli/sweep/sweep_cell.h"
#include "cli/sweep/sweep_file.h"

namespace fabricplan::cli {

std::string sweep_csv(const SweepFile& f, const std::vector<SweepRow>& rows);
std::string sweep_json(const SweepFile& f, const std::vector<SweepRow>& rows);
// Throws std::runtime_error when Chart.js is not installed (apt-get install libjs-chart.js).
std::string sweep_html(const SweepFile& f, const std::vector<SweepRow>& rows);

}  // namespace fabricplan::cli
