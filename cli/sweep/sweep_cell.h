// One cell of a sweep: its document written beside the base (so relative paths in it
// still resolve), its command run in this process with a JSON report, and the figures
// read from that report. A cell that fails records its command's error message.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/sweep/sweep_file.h"

namespace fabricplan::cli {

struct SweepRow {
  std::size_t index = 0;
  std::vector<nlohmann::json> axis_values;  // as the table shows them
  std::vector<nlohmann::json> figures;      // null where the report has no such value
  std::string status = "ok";                // ok | error
  std::string error;
};

SweepRow run_cell(const SweepFile& f, std::size_t index);
// What the table shows for an axis step (several pointers: their values joined by "/").
nlohmann::json axis_label(const SweepAxis& a, std::size_t step);

nlohmann::json row_to_json(const SweepRow& r);
SweepRow row_from_json(const nlohmann::json& j);  // throws nlohmann::json::exception

}  // namespace fabricplan::cli
