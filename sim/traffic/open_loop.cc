#include "sim/traffic/open_loop.h"

namespace fabricplan::sim {

OpenLoopTraffic::OpenLoopTraffic(Simulator& sim, Fabric& fabric, FlowStats& stats,
                                 std::vector<OpenLoopFlow> flows, const OpenLoopParams& params)
    : sim_(sim), fabric_(fabric), stats_(stats), flows_(std::move(flows)), next_seq_(flows_.size(), 0),
      params_(params) {
  if (params_.packets_per_flow == 0) return;
  for (std::size_t i = 0; i < flows_.size(); ++i) sim.schedule_at(params_.start, this, i);
}

std::uint32_t OpenLoopTraffic::lane_of(std::uint64_t i) const {
  return sim_.lane_of_node(static_cast<int>(flows_[i].src));
}

void OpenLoopTraffic::on_event(Simulator& sim, std::uint64_t i) {
  const OpenLoopFlow& f = flows_[i];
  std::uint32_t id = fabric_.pool().allocate(sim.lane());
  Packet& p = fabric_.pool()[id];
  p.flow = f.stats_flow;
  p.src = f.src;
  p.dst = f.dst;
  p.payload_bytes = params_.payload_bytes;
  p.wire_bytes = params_.payload_bytes + params_.header_bytes;
  p.seq = next_seq_[i]++;
  p.entropy = 0;
  p.aux = 0;
  p.owner = 0;
  p.route = Route::kFabricDefault;
  p.flags = 0;
  p.traffic_class = static_cast<std::uint8_t>(stats_.traffic_class(f.stats_flow));
  p.sent_ps = sim.now().ps();
  stats_.sent(f.stats_flow, p.sent_ps);
  fabric_.inject(id);
  if (next_seq_[i] < params_.packets_per_flow) {
    // Absolute times (start + k x interval) so rounding never accumulates.
    sim.schedule_at(params_.start + params_.interval * next_seq_[i], this, i);
  }
}

}  // namespace fabricplan::sim
