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

namespace fabricplan::calib {

// `calibrate merge`: one profile from several (e.g. calibrate client's NICs and
// calibrate gpu's copies): every profile's NICs (each with its source_file; the same
// NIC measured differently in two files is an InputError naming both; the
// identical measurement twice is kept once), the all-rails figures from the first
// profile that has NICs, the GPU
// from the first with an available GPU, collectives and intra-node tiers from all;
// each input's provenance is kept; an "unavailable" entry stays only if no input
// supplies that figure. Throws InputError naming a file that is not a profile, and one
// whose NICs were measured over another libfabric provider than the files before it
// (tcp loopback beside EFA rails) unless `allow_mixed`; a mixed profile then names
// every provider, and a plan reading it warns.
std::string merged_profile_json(const std::vector<std::string>& paths, bool allow_mixed = false);

}  // namespace fabricplan::calib

namespace fabricplan::calib {

// The profile of `calibrate collectives`: `intra_node_object` is the benchmark's JSON
// (nccl_bench.h); each collective gets an alpha-beta fit of time over size and its
// large-message bus bandwidth.
std::string intra_node_profile_json(const std::string& intra_node_object);

}  // namespace fabricplan::calib

namespace fabricplan::calib {

// Every sweep of a profile as one CSV table for spreadsheets, units in the headers:
// kind (nic | collective), name, test (latency, stream, bidir, pingpong, or the
// collective's op), bytes, time_us, bytes_per_s, Gbit_per_s, busbw_bytes_per_s.
std::string profile_sweeps_csv(const std::string& profile_json);

}  // namespace fabricplan::calib
