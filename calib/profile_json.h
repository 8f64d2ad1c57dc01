// Pieces every calibration profile writer shares: provenance, fitted segments and
// the goodness of fit, as JSON (schema configs/schema/calibration.schema.json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "calib/fit.h"

namespace fabricplan::calib {

inline constexpr const char* kProfileSchemaId = "https://fabricplan.dev/schema/calibration.schema.json";

// tool, tool_version, how (the command), host, date (UTC), and instance_type when
// the machine says (EC2 Nitro instances name their type in the DMI product name).
nlohmann::ordered_json provenance(const std::string& how);
// The fields every fabricplan JSON report carries: report ("fabricplan.calibration"),
// report_version and tool_version, set on a profile being written.
void stamp_report(nlohmann::ordered_json& profile);
nlohmann::ordered_json segments_json(const AlphaBetaFit& f);
nlohmann::ordered_json fit_json(const AlphaBetaFit& f);

}  // namespace fabricplan::calib
