// NodeTiers for the collective model from the instance catalog, with the constants
// fitted to the training set (tests/data/training/TRAINING.md); a calibration profile's
// measured figures replace them at the CLI (cli/collective_tiers.cc).
#pragma once

#include <string>

#include "models/catalog/instance_type.h"
#include "models/collective/nccl_model.h"

namespace fabricplan::collective {

// Throws std::invalid_argument naming what is missing (e.g. an accelerator that does not
// run NCCL, or an intra-node link without a bandwidth in the catalog).
NodeTiers tiers_from_catalog(const InstanceType& t, bool nvls_enabled = true);

// The per-GPU NVLink figure the catalog states ("900 GB/s per GPU" counts both
// directions), in bytes/s each way; 0 when the catalog gives none.
double nvlink_line_bytes_per_s(const InstanceType& t);

}  // namespace fabricplan::collective
