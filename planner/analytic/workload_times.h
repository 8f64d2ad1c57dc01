// Each workload's operation time on one group's NIC split (the analytic engine,
// op_time.h), over the shared machinery of group_timer.h: one file per workload.
#pragma once

#include "planner/analytic/group_timer.h"

namespace fabricplan {

// One request's KV cache, prefill to decode: alpha + bytes / B with an M/G/1 wait, what
// it adds to TTFT (kv_timing.h). kv_time.cc
ClassTime kv_time(const GroupTimer& g, const KvWorkloadSpec& kv);
// A decode step's MoE dispatch + combine over all MoE layers (DeepEP). moe_time.cc
ClassTime moe_time(const GroupTimer& g, const MoeWorkloadSpec& m);
// A training step's MoE dispatch + combine. moe_time.cc
ClassTime training_moe_time(const GroupTimer& g, const TrainingWorkloadSpec& w);
// One TP all-reduce across nodes (or inside one). tp_time.cc
ClassTime tp_time(const GroupTimer& g, const TpWorkloadSpec& tp);
// A training step's DP gradient collectives (DDP all-reduce, FSDP reduce-scatter +
// all-gathers) and pipeline sends. training_time.cc
ClassTime dp_time(const GroupTimer& g, const TrainingWorkloadSpec& w);
ClassTime pp_time(const GroupTimer& g, const TrainingWorkloadSpec& w);

}  // namespace fabricplan
