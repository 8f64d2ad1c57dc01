// What each workload adds to a spec's schedule (schedule_builder.h), one file each.
#pragma once

#include <cstddef>

#include "planner/engine_run/schedule_builder.h"

namespace fabricplan {

// KV requests: Poisson arrivals with lognormal prompts, or a replayed trace; after
// prefill or layer by layer (kv_timing.h). schedule_kv.cc
void add_kv(ScheduleBuilder& sb, const KvWorkloadSpec& kv, std::size_t index);
// MoE dispatch + combine per layer of every decode step, inside each EP set. schedule_moe.cc
void add_moe(ScheduleBuilder& sb, const MoeWorkloadSpec& m);
// TP all-reduce rings across nodes. schedule_tp.cc
void add_tp(ScheduleBuilder& sb, const TpWorkloadSpec& tp);
// A training step: pipeline sends, MoE all-to-alls, DP rings. schedule_training.cc
void add_training(ScheduleBuilder& sb, const TrainingWorkloadSpec& t);

}  // namespace fabricplan
