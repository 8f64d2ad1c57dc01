// Builds calibration profiles (JSON text, schema configs/schema/calibration.schema.json)
// from imported logs and GPU runs.
#pragma once

#include <string>
#include <vector>

#include "calib/importers.h"

namespace fabricplan::calib {

struct ImportedLogs {
  std::vector<PointToPointRun> point_to_point;
  std::vector<CollectiveRun> collectives;
};

// The profile for `calibrate import`: one NIC per point-to-point log (fitted), one
// collectives entry per nccl-tests log, provenance naming the files.
std::string imported_profile_json(const ImportedLogs& logs);

// The profile for `calibrate gpu`: `gpu_object` is gpu_bench_json()'s text.
std::string gpu_profile_json(const std::string& gpu_object, bool available);

}  // namespace fabricplan::calib
