// The chosen NIC split as people set it: UCX_NET_DEVICES for the KV transfer engine,
// NCCL_IB_HCA-style selection for the collectives, and pod requests of the device
// plugin's resource (vpc.amazonaws.com/efa on EKS).
#pragma once

#include "models/catalog/instance_type.h"
#include "planner/plan.h"

namespace fabricplan {

Recommendation recommend(const InstanceType& instance, const SplitCandidate& split,
                         bool has_kv, bool has_collectives);

}  // namespace fabricplan
