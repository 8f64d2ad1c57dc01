// Per-node, per-class network demand of each node group, derived from the workloads.
//
// Demand is per direction: the planner takes, for each class, the larger of a node's
// egress and ingress (prefill nodes send KV, decode nodes receive it, mixed nodes do
// both). Workload rates can be scaled (the report's "utilization as request rate
// grows" chart).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "models/workload/training.h"
#include "planner/spec/spec.h"
#include "planner/spec/traffic_class.h"

namespace fabricplan {

struct ClassDemand {
  double bytes_per_s = 0;       // mean, busier direction
  double peak_bytes_per_s = 0;  // p99-prompt burst for KV; = mean for the collectives
  std::vector<std::string> contributions;  // "llama70b-pd: 3.2 GB/s egress", for the report
};

struct GroupDemand {
  std::map<TrafficClass, ClassDemand> classes;  // only classes with demand on this group
};

// The formulas' view of a training workload (models/workload/training.h).
TrainingShape training_shape(const TrainingWorkloadSpec& t);

// Demand per group name. `rate_scale` multiplies every request/step/op rate.
std::map<std::string, GroupDemand> compute_demand(const ClusterSpec& spec, double rate_scale = 1.0);

}  // namespace fabricplan
