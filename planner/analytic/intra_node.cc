#include "planner/analytic/intra_node.h"

#include <algorithm>
#include <cstdio>

namespace fabricplan {

IntraNodeLoad intra_node_load(const ClusterSpec& spec, const std::string& group, const CalibrationProfile* profile,
                              double rate_scale) {
  IntraNodeLoad load;
  load.checked = true;
  for (const TpWorkloadSpec& tp : spec.tp) {
    if (tp.nodes_spanned != 1 || std::find(tp.groups.begin(), tp.groups.end(), group) == tp.groups.end()) continue;
    load.any = true;
    if (!load.why.empty()) load.why += "; ";
    const IntraNodeCollective* fit = profile && profile->intra_node ? profile->intra_node->find("all_reduce", tp.ranks) : nullptr;
    if (!fit) {
      load.checked = false;
      load.why += tp.name + ": NVLink time not checked (" +
                  (!profile ? std::string("no calibration profile")
                   : !profile->intra_node ? "the profile has no intra-node tier: run calibrate collectives on a 2+ GPU host"
                                          : "the profile has no all_reduce over " + std::to_string(tp.ranks) + " GPUs") +
                  ")";
      continue;
    }
    const double op_us = fit->time_us(tp.bytes_per_op);
    const double busy = tp.ops_per_s * rate_scale * op_us * 1e-6;
    load.busy_fraction += busy;
    char text[256];
    std::snprintf(text, sizeof text, "%s: %.0f ops/s x %.1f MB all-reduce over %d GPUs at %.1f us each (measured, busbw %.0f GB/s) = %.0f%% of NVLink time",
                  tp.name.c_str(), tp.ops_per_s * rate_scale, tp.bytes_per_op / 1e6, tp.ranks, op_us,
                  fit->large_message_busbw_bytes_per_s / 1e9, 100 * busy);
    load.why += text;
  }
  if (!load.any) load.checked = false;
  return load;
}

}  // namespace fabricplan
