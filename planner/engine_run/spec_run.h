// A spec's schedule through an engine (flow or packet), and what users judge it by: per
// group and class the time of one operation (p50, p99 over the window) and the busiest
// links near the group's nodes, with the classes that crossed them.
//
// Operation time: from its first transfer's start to its last transfer's end. Where
// operations belong to steps (MoE dispatch + combine per layer, PP per micro-batch), the
// step's operations are summed: "MoE dispatch + combine per decode step".
#pragma once

#include <map>
#include <string>
#include <vector>

#include "planner/engine_run/spec_schedule.h"
#include "sim/scenario/run.h"

namespace fabricplan {

struct OpTimes {
  std::size_t count = 0;       // operations (or steps) that completed in the run
  std::size_t incomplete = 0;  // released but never completed
  double p50_us = 0, p99_us = 0, mean_us = 0, max_us = 0;
  std::vector<double> samples_us;  // sorted, for CDFs
};

struct SpecRunResult {
  std::string engine;          // flow | packet
  double window_s = 0;
  std::string window_reason;
  std::uint64_t transfers = 0;
  sim::SimulationResult sim;
  std::map<std::string, std::map<TrafficClass, OpTimes>> op_times;       // group -> class
  std::map<std::string, std::vector<sim::BusyLink>> busiest_links;       // group -> links
  std::vector<std::string> notes;
};

// Percentiles (nearest rank) of a sample; sorts it.
OpTimes summarize_op_times(std::vector<double> samples_us, std::size_t incomplete);

// Runs `schedule` on `engine` ("flow" or "packet"); throws InputError naming the spec
// when the run is refused (too large for the engine).
// `each_op`: time every operation on its own (a short slice: per MoE layer dispatch or
// combine), never summed per step.
SpecRunResult run_spec_schedule(const ClusterSpec& spec, const SpecFabric& fabric, SpecSchedule schedule,
                                const std::string& engine, std::size_t busiest_per_group = 5, bool each_op = false,
                                bool progress = false);

}  // namespace fabricplan
