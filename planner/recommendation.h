// The chosen NIC split as people set it, right for each stack:
//   EFA: libfabric's FI_EFA_IFACE in each process's environment selects the EFA devices
//     that process's libfabric opens (aws-ofi-nccl for NCCL, NIXL's libfabric backend or
//     Mooncake for KV); NCCL_IB_HCA is read only by NCCL's own IB transport, not by
//     aws-ofi-nccl, so on EFA it is advisory; UCX_NET_DEVICES selects for a UCX-based KV
//     engine where UCX drives EFA.
//   InfiniBand: NCCL_IB_HCA (=exact names) for NCCL, UCX_NET_DEVICES=mlx5_N:1 for UCX.
//   Trainium: collectives run in the Neuron runtime (over libfabric), not NCCL:
//     FI_EFA_IFACE selects, NCCL variables do not apply.
// Plus a Kubernetes pod-resources snippet per pod of the role (the device plugin's
// resource, the accelerator resource, 2 MiB huge pages with their volume) and the
// placement-group note.
#pragma once

#include "models/catalog/instance_type.h"
#include "planner/plan.h"

namespace fabricplan {

Recommendation recommend(const InstanceType& instance, const SplitCandidate& split,
                         bool has_kv, bool has_collectives, NodeRole role = NodeRole::kMixed);

}  // namespace fabricplan
