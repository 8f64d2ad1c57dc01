// Open-loop traffic: every flow hands fixed-size packets to its source NIC at a fixed
// interval, whatever the network does (UDP-style, as BENCH-P specifies: packet k of
// every flow at k x interval, all flows in phase). No transport: what a queue drops
// is gone.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/net/fabric.h"
#include "sim/stats/flow_stats.h"

namespace fabricplan::sim {

struct OpenLoopFlow {
  std::uint32_t src, dst;
  std::uint32_t stats_flow;  // id in FlowStats
};

struct OpenLoopParams {
  std::uint32_t payload_bytes = 1500;
  std::uint32_t header_bytes = 30;
  Time interval;
  std::uint64_t packets_per_flow = 0;
  Time start;
};

class OpenLoopTraffic : public EventHandler {
 public:
  OpenLoopTraffic(Simulator& sim, Fabric& fabric, FlowStats& stats, std::vector<OpenLoopFlow> flows,
                  const OpenLoopParams& params);
  void on_event(Simulator& sim, std::uint64_t flow_index) override;
  std::uint32_t lane_of(std::uint64_t flow_index) const override;  // its source's

 private:
  Simulator& sim_;
  Fabric& fabric_;
  FlowStats& stats_;
  std::vector<OpenLoopFlow> flows_;
  std::vector<std::uint32_t> next_seq_;
  OpenLoopParams params_;
};

}  // namespace fabricplan::sim
