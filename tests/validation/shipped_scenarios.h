// The shipped scenario files the validation tests run, and variants several tests share.
#pragma once

#include <cstdint>
#include <string>

#include "sim/scenario/scenario.h"

namespace fabricplan::sim::validation {

inline std::string scenario_path(const std::string& name) {
  return std::string(FABRICPLAN_SOURCE_DIR) + "/configs/scenarios/" + name;
}

// bench-t-128-srd with every other host sending its 2,000,000 bytes into host 0: the
// receiver's 100 Gbit/s downlink is the bottleneck, 127 x (488 x 332.8 + 97.28) ns =
// 20.64 ms at line rate (kIncastLineRateMs).
inline constexpr double kIncastLineRateMs = 127 * (488 * 332.8 + 97.28) * 1e-6;
inline Scenario bench_t_128_incast() {
  Scenario s = parse_scenario(scenario_path("bench-t-128-srd.json"));
  TrafficSpec& t = s.traffic[0];
  t.pattern = "incast";
  t.flows.clear();
  t.receiver = 0;
  t.senders.clear();
  for (std::uint32_t h = 1; h < 128; ++h) t.senders.push_back(h);
  return s;
}

}  // namespace fabricplan::sim::validation
