// The traffic classes that compete for a node's NICs, and the pools they draw from.
//
// KV-cache transfer runs through its own transfer engine (UCX/NIXL-style); MoE all2all
// and TP all-reduce both run through NCCL and therefore share the collective pool.
#pragma once

#include <array>
#include <string_view>

namespace fabricplan {

// Training adds the data-parallel gradient collectives (all-reduce, or FSDP's
// reduce-scatter + all-gathers) and pipeline-parallel activations; both run through NCCL.
enum class TrafficClass { kKvTransfer, kMoeAll2all, kTpAllreduce, kDpGradients, kPpActivations };

inline constexpr std::array<TrafficClass, 5> kAllTrafficClasses = {
    TrafficClass::kKvTransfer, TrafficClass::kMoeAll2all, TrafficClass::kTpAllreduce,
    TrafficClass::kDpGradients, TrafficClass::kPpActivations};

constexpr std::string_view traffic_class_name(TrafficClass c) {
  switch (c) {
    case TrafficClass::kKvTransfer: return "kv_transfer";
    case TrafficClass::kMoeAll2all: return "moe_all2all";
    case TrafficClass::kTpAllreduce: return "tp_allreduce";
    case TrafficClass::kDpGradients: return "dp_gradients";
    case TrafficClass::kPpActivations: return "pp_activations";
  }
  return "?";
}

constexpr std::string_view traffic_class_title(TrafficClass c) {
  switch (c) {
    case TrafficClass::kKvTransfer: return "KV-cache transfer";
    case TrafficClass::kMoeAll2all: return "MoE all2all";
    case TrafficClass::kTpAllreduce: return "TP all-reduce";
    case TrafficClass::kDpGradients: return "DP gradients";
    case TrafficClass::kPpActivations: return "PP activations";
  }
  return "?";
}

enum class NicPool { kKv, kCollective };

constexpr NicPool pool_of(TrafficClass c) {
  return c == TrafficClass::kKvTransfer ? NicPool::kKv : NicPool::kCollective;
}

}  // namespace fabricplan
