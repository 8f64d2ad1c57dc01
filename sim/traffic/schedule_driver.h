// Runs a Schedule's message streams on the packet engine: posts each transfer on its
// stream's transport when it is released and every transfer it waits for has completed
// (the flow engine starts a fluid flow at the same moment, models/flow/flow_engine.h).
//
// Event order is what the per-pattern drivers it replaced had, so outputs did not move:
// add_stream() (called in traffic order) schedules one event per run of equal release
// times among the stream's ready transfers and posts them in list order; a transfer
// freed by a completion is posted inside that completion's callback (at once, or at its
// release time if that is later). A stream whose transfers wait for others gets its
// FlowStats flows when it posts them; other streams get theirs up front, in list order
// (the ids flow hashing sees). Open-loop streams are not driven here (OpenLoopTraffic).
// Partitioned runs (Simulator::partition): each run of equal release times is one event
// per lane that has a transfer in it, posting that lane's transfers, which add_stream
// keeps together (a transfer is posted in the lane of its source); a transfer that waits
// may wait only for messages to hosts in its own lane, where their completion is seen
// (partitionable() says why not; a ring's next step leaves the host the last one
// reached), every transfer's flow is made up front, and prepare_lanes() makes every
// connection and per-message record before the run, so the lanes insert nothing into
// shared tables.
// Lives as long as the Simulator run; keeps references to the schedule and transports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/schedule/schedule.h"
#include "sim/transport/transport.h"

namespace fabricplan::sim {

class ScheduleDriver : public EventHandler, public MessageListener {
 public:
  ScheduleDriver(Simulator& sim, FlowStats& stats, const Schedule& schedule);
  // Drives `stream` on `transport` (which must outlive the driver).
  void add_stream(std::uint32_t stream, Transport& transport);

  void on_event(Simulator& sim, std::uint64_t arg) override;
  std::uint32_t lane_of(std::uint64_t arg) const override;
  void message_done(Simulator& sim, std::uint32_t flow) override;

  // Empty if a partitioned run with these lanes (per topology node) can drive this
  // schedule, else why not.
  static std::string partitionable(const Schedule& schedule, const std::vector<std::uint32_t>& lane_of_node);
  // After every add_stream, before a partitioned run.
  void prepare_lanes();

  // FlowStats id of a transfer's flow (UINT32_MAX: not posted).
  std::uint32_t flow_of(std::uint32_t transfer) const { return flow_of_[transfer]; }

 private:
  void post(std::uint32_t transfer);
  // The lane a transfer is posted in: its source's (0 unpartitioned).
  std::uint32_t lane_of_transfer(std::uint32_t t) const {
    return sim_.lane_of_node(static_cast<int>(schedule_.transfers[t].src));
  }

  Simulator& sim_;
  FlowStats& stats_;
  const Schedule& schedule_;
  Dependents dependents_;
  std::vector<Transport*> transport_of_stream_;
  std::vector<bool> lazy_stream_;
  std::vector<std::vector<std::uint32_t>> ready_of_stream_;  // ready at the start, list order
  std::vector<std::uint32_t> waiting_, flow_of_, transfer_of_flow_;
};

}  // namespace fabricplan::sim
