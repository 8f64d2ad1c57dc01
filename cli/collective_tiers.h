// The collective model's tiers for an instance type: the catalog's (with the constants
// fitted to the training set), and where a calibration profile is given its measured
// figures instead: the NIC rate from calibrate client / import, the NVLink tier from
// calibrate collectives (all_reduce large-message busbw over the profile's GPU count).
#pragma once

#include <optional>
#include <string>

#include "models/collective/nccl_model.h"

namespace fabricplan::cli {

collective::NodeTiers collective_tiers(const std::string& instance_type, const std::optional<std::string>& profile_path,
                                       bool nvls);

}  // namespace fabricplan::cli
