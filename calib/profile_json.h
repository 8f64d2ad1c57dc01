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

// Every number of a profile is finite and no field is null except those the schema lets
// be (instance_type, cuda_version, nccl_version, error, gpu, intra_node, fit, stream_fit): checked on
// every profile written (a NaN would be written as null) and every profile merged.
// Throws InputError(file, pointer, ...).
void check_profile_values(const nlohmann::ordered_json& profile, const std::string& file);
// The profile's text once check_profile_values passes; `source` names what it came from.
std::string finished_profile_text(const nlohmann::ordered_json& profile, const std::string& source);
nlohmann::ordered_json fit_json(const AlphaBetaFit& f);

}  // namespace fabricplan::calib
