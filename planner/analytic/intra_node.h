// NVLink time of TP all-reduce groups that stay inside one node.
//
// Such a group puts nothing on the network (demand.cc), but it is not free: each
// operation holds the node's NVLink for the all-reduce's time. With a calibration
// profile's intra_node tier (calibrate collectives over the node's GPUs), that time is
// the fitted all-reduce time at the workload's size over its rank count, and the share
// of each second NVLink spends on it is judged like a network utilization. Without
// one, the plan says the check was not made, and why.
#pragma once

#include <string>

#include "calib/profile.h"
#include "planner/spec/spec.h"

namespace fabricplan {

struct IntraNodeLoad {
  bool checked = false;      // every intra-node TP workload of the group had a measured fit
  bool any = false;          // the group has intra-node TP workloads at all
  double busy_fraction = 0;  // sum of ops/s x fitted time per op
  std::string why;           // per workload: the figures, or why it was not checked
};

IntraNodeLoad intra_node_load(const ClusterSpec& spec, const std::string& group, const CalibrationProfile* profile,
                              double rate_scale = 1.0);

}  // namespace fabricplan
