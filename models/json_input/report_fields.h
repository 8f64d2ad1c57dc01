#pragma once
// The three fields every fabricplan JSON report carries, so a script can tell which
// report it holds (report), which shape (report_version) and which build wrote it.
#include <nlohmann/json.hpp>

namespace fabricplan {

// Sets report, report_version and tool_version on j (first, when j is still empty).
inline void stamp_report_fields(nlohmann::ordered_json& j, const char* report, int report_version) {
  j["report"] = report;
  j["report_version"] = report_version;
  j["tool_version"] = FABRICPLAN_VERSION;
}

}  // namespace fabricplan
