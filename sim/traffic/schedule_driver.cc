#include "sim/traffic/schedule_driver.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace fabricplan::sim {
namespace {
constexpr std::uint32_t kNone = UINT32_MAX;
// Event argument: a run of ready transfers starting at list position `pos` of stream
// `stream` (kRun), or one freed transfer whose release time came later (kFreed).
// In a partitioned run, kRun events also name the lane whose transfers they post.
constexpr std::uint64_t kFreed = std::uint64_t{1} << 63;
constexpr int kLaneShift = 51;  // lanes in bits 51-62, the stream in 32-50
constexpr std::uint64_t kStreamMask = (std::uint64_t{1} << (kLaneShift - 32)) - 1;
std::uint64_t run_arg(std::uint32_t stream, std::uint32_t pos, std::uint32_t lane = 0) {
  return (std::uint64_t{lane} << kLaneShift) | (std::uint64_t{stream} << 32) | pos;
}
std::uint32_t lane_in(std::uint64_t arg) { return static_cast<std::uint32_t>((arg & ~kFreed) >> kLaneShift); }
}  // namespace

ScheduleDriver::ScheduleDriver(Simulator& sim, FlowStats& stats, const Schedule& schedule)
    : sim_(sim), stats_(stats), schedule_(schedule), dependents_(dependents_of(schedule)),
      transport_of_stream_(schedule.streams.size(), nullptr), lazy_stream_(schedule.streams.size(), false),
      ready_of_stream_(schedule.streams.size()), waiting_(schedule.transfers.size()),
      flow_of_(schedule.transfers.size(), kNone) {
  for (std::uint32_t i = 0; i < schedule.transfers.size(); ++i) {
    const Transfer& t = schedule.transfers[i];
    waiting_[i] = t.deps_end - t.deps_begin;
    if (waiting_[i]) {
      lazy_stream_[t.stream] = true;
    } else {
      ready_of_stream_[t.stream].push_back(i);
    }
  }
}

void ScheduleDriver::add_stream(std::uint32_t stream, Transport& transport) {
  transport_of_stream_[stream] = &transport;
  transport.set_listener(this);
  std::vector<std::uint32_t>& ready = ready_of_stream_[stream];
  std::stable_sort(ready.begin(), ready.end(), [&](std::uint32_t a, std::uint32_t b) {
    return schedule_.transfers[a].release_ps < schedule_.transfers[b].release_ps;
  });
  if (!lazy_stream_[stream] || sim_.partitioned()) {
    for (std::uint32_t t : ready) {
      const Transfer& x = schedule_.transfers[t];
      flow_of_[t] = stats_.add_flow(x.src, x.dst, schedule_.streams[stream].class_index);
    }
  }
  // Partitioned: lanes add no flows as they run, so the transfers that wait get theirs
  // now too, after the ready ones, in list order.
  if (lazy_stream_[stream] && sim_.partitioned()) {
    for (std::uint32_t t = 0; t < schedule_.transfers.size(); ++t) {
      const Transfer& x = schedule_.transfers[t];
      if (x.stream == stream && waiting_[t]) flow_of_[t] = stats_.add_flow(x.src, x.dst, schedule_.streams[stream].class_index);
    }
  }
  if (stream > kStreamMask) throw std::length_error("more traffic streams than the packet engine's events name");
  // Partitioned: each lane's transfers of a run together (list order kept within a
  // lane), so a run is one event per lane that has transfers in it. Unpartitioned every
  // transfer is in lane 0 and this changes nothing.
  if (sim_.partitioned()) {
    std::stable_sort(ready.begin(), ready.end(), [&](std::uint32_t a, std::uint32_t b) {
      const Transfer &x = schedule_.transfers[a], &y = schedule_.transfers[b];
      return x.release_ps != y.release_ps ? x.release_ps < y.release_ps : lane_of_transfer(a) < lane_of_transfer(b);
    });
  }
  for (std::size_t i = 0; i < ready.size(); ++i) {
    const std::int64_t at = schedule_.transfers[ready[i]].release_ps;
    const std::uint32_t lane = lane_of_transfer(ready[i]);
    if (i > 0 && at == schedule_.transfers[ready[i - 1]].release_ps && lane == lane_of_transfer(ready[i - 1])) continue;
    sim_.schedule_at(Time::from_ps(at), this, run_arg(stream, static_cast<std::uint32_t>(i), lane));
  }
}

std::string ScheduleDriver::partitionable(const Schedule& schedule, const std::vector<std::uint32_t>& lane_of_node) {
  // A message completes where its last packet arrives (its receiver's lane) and frees
  // what waits for it there and then: only a transfer sent from that lane can be.
  for (std::uint32_t d = 0; d < schedule.transfers.size(); ++d) {
    const Transfer& t = schedule.transfers[d];
    for (std::uint32_t k = t.deps_begin; k < t.deps_end; ++k) {
      const Transfer& before = schedule.transfers[schedule.deps[k]];
      if (lane_of_node[before.dst] != lane_of_node[t.src]) {
        return "transfer " + std::to_string(d) + " (host " + std::to_string(t.src) + ") waits for transfer " +
               std::to_string(schedule.deps[k]) + " to host " + std::to_string(before.dst) +
               ", under another edge switch: a completion in one lane would post at once in another";
      }
    }
  }
  return "";
}

void ScheduleDriver::prepare_lanes() {
  transfer_of_flow_.resize(stats_.flow_count(), kNone);
  for (std::uint32_t stream = 0; stream < ready_of_stream_.size(); ++stream) {
    Transport* transport = transport_of_stream_[stream];
    if (transport == nullptr) continue;
    transport->reserve_messages(static_cast<std::uint32_t>(stats_.flow_count()));
    // In the stream's flow ids' order, not the lanes' order of posting: the connections
    // draw their random path entropies as they are made. Every transfer of the stream,
    // those that wait included (they are posted from lanes too).
    std::vector<std::uint32_t> by_flow;
    for (std::uint32_t t = 0; t < schedule_.transfers.size(); ++t) {
      if (schedule_.transfers[t].stream == stream && flow_of_[t] != kNone) by_flow.push_back(t);
    }
    std::sort(by_flow.begin(), by_flow.end(), [&](std::uint32_t a, std::uint32_t b) { return flow_of_[a] < flow_of_[b]; });
    for (std::uint32_t t : by_flow) transport->open_connection(schedule_.transfers[t].src, schedule_.transfers[t].dst);
  }
}

std::uint32_t ScheduleDriver::lane_of(std::uint64_t arg) const {
  return arg & kFreed ? lane_of_transfer(static_cast<std::uint32_t>(arg & ~kFreed)) : lane_in(arg);
}

void ScheduleDriver::on_event(Simulator&, std::uint64_t arg) {
  if (arg & kFreed) return post(static_cast<std::uint32_t>(arg & ~kFreed));
  const auto stream = static_cast<std::uint32_t>((arg >> 32) & kStreamMask);
  const std::vector<std::uint32_t>& ready = ready_of_stream_[stream];
  const std::int64_t at = schedule_.transfers[ready[arg & 0xffffffffu]].release_ps;
  const std::uint32_t lane = lane_in(arg);
  for (std::size_t i = arg & 0xffffffffu;
       i < ready.size() && schedule_.transfers[ready[i]].release_ps == at && lane_of_transfer(ready[i]) == lane; ++i) {
    post(ready[i]);
  }
}

void ScheduleDriver::post(std::uint32_t t) {
  const Transfer& x = schedule_.transfers[t];
  if (flow_of_[t] == kNone) flow_of_[t] = stats_.add_flow(x.src, x.dst, schedule_.streams[x.stream].class_index);
  const std::uint32_t flow = flow_of_[t];
  if (flow >= transfer_of_flow_.size()) transfer_of_flow_.resize(flow + 1, kNone);
  transfer_of_flow_[flow] = t;
  transport_of_stream_[x.stream]->post(x.src, x.dst, x.bytes, flow);
}

void ScheduleDriver::message_done(Simulator& sim, std::uint32_t flow) {
  const std::uint32_t t = flow < transfer_of_flow_.size() ? transfer_of_flow_[flow] : kNone;
  if (t == kNone) return;
  for (std::uint32_t k = dependents_.begin[t]; k < dependents_.begin[t + 1]; ++k) {
    const std::uint32_t d = dependents_.list[k];
    if (--waiting_[d]) continue;
    const std::int64_t release = schedule_.transfers[d].release_ps;
    if (release <= sim.now().ps()) {
      post(d);
    } else {
      sim.schedule_at(Time::from_ps(release), this, kFreed | d);
    }
  }
}

}  // namespace fabricplan::sim
