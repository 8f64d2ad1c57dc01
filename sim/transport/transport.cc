#include "sim/transport/transport.h"

namespace fabricplan::sim {

Transport::Transport(Simulator& sim, Fabric& fabric, FlowStats& stats, const PacketFormat& format,
                     std::string_view rng_stream)
    : sim_(sim), fabric_(fabric), stats_(stats), format_(format), owner_(fabric.add_sink(*this)) {
  for (std::uint32_t l = 0; l < sim.lane_count(); ++l) {
    const std::string name = l == 0 ? std::string(rng_stream) : std::string(rng_stream) + ".lane" + std::to_string(l);
    lanes_.emplace_back(Rng(fabric.params().seed, name));
  }
}

void add_counters(TransportCounters& sum, const TransportCounters& c) {
  sum.data_packets_sent += c.data_packets_sent;
  sum.retransmissions += c.retransmissions;
  sum.timeouts += c.timeouts;
  sum.spurious_timeouts += c.spurious_timeouts;
  sum.drops += c.drops;
  sum.acks_sent += c.acks_sent;
  sum.duplicates_received += c.duplicates_received;
  sum.out_of_order_received += c.out_of_order_received;
  sum.max_reorder_depth = std::max(sum.max_reorder_depth, c.max_reorder_depth);
  sum.path_changes += c.path_changes;
  sum.qp_errors += c.qp_errors;
  if (c.first_qp_error_ps >= 0 && (sum.first_qp_error_ps < 0 || c.first_qp_error_ps < sum.first_qp_error_ps)) {
    sum.first_qp_error_ps = c.first_qp_error_ps;
  }
}

TransportCounters Transport::counters() const {
  TransportCounters sum;
  for (const LaneState& l : lanes_) add_counters(sum, l.counters);
  return sum;
}

void Transport::reserve_messages(std::uint32_t messages) {
  if (expected_packets_.size() < messages) expected_packets_.resize(messages, 0);
}

std::uint32_t Transport::connection(std::uint32_t src, std::uint32_t dst) {
  std::uint64_t key = (static_cast<std::uint64_t>(src) << 32) | dst;
  auto it = connections_.find(key);
  if (it != connections_.end()) return it->second;
  std::uint32_t c = add_connection(src, dst);
  connections_.emplace(key, c);
  return c;
}

std::uint32_t Transport::packets_for(std::uint64_t bytes) const {
  std::uint64_t n = (bytes + format_.mtu_payload_bytes - 1) / format_.mtu_payload_bytes;
  return static_cast<std::uint32_t>(n > 0 ? n : 1);
}

std::uint32_t Transport::payload_of(std::uint64_t message_bytes, std::uint32_t index) const {
  std::uint64_t before = static_cast<std::uint64_t>(index) * format_.mtu_payload_bytes;
  std::uint64_t left = message_bytes > before ? message_bytes - before : 0;
  return static_cast<std::uint32_t>(left < format_.mtu_payload_bytes ? left : format_.mtu_payload_bytes);
}

std::uint32_t Transport::new_packet(std::uint32_t conn, std::uint32_t src, std::uint32_t dst, std::uint32_t seq,
                                    std::uint32_t payload_bytes, std::uint8_t flags) {
  std::uint32_t id = fabric_.pool().allocate(sim_.lane());
  Packet& p = fabric_.pool()[id];
  p.flow = conn;
  p.src = src;
  p.dst = dst;
  p.payload_bytes = payload_bytes;
  p.wire_bytes = (flags & (kFlagAck | kFlagNak)) ? format_.ack_bytes : payload_bytes + format_.header_bytes;
  p.seq = seq;
  p.entropy = 0;
  p.aux = 0;
  p.owner = owner_;
  p.route = Route::kEntropyHash;
  p.flags = flags;
  p.traffic_class = traffic_class_;
  p.sent_ps = sim_.now().ps();
  return id;
}

void Transport::expect_packets(std::uint32_t message, std::uint32_t packets) {
  if (message >= expected_packets_.size()) expected_packets_.resize(message + 1, 0);
  expected_packets_[message] += packets;
}

void Transport::message_packet_arrived(std::uint32_t message, std::uint32_t payload_bytes) {
  stats_.received(message, payload_bytes, sim_.now().ps(), sim_.lane());
  if (stats_.packets_delivered(message) == expected_packets_[message] && listener_) listener_->message_done(sim_, message);
}

void Transport::note_reorder(std::uint64_t depth) {
  ++lane_counters().out_of_order_received;
  if (depth > lane_counters().max_reorder_depth) lane_counters().max_reorder_depth = depth;
}

void Transport::dropped(Simulator&, const Packet& p, std::uint32_t) {
  ++lane_counters().drops;
  // Data packets carry their message id in aux; lost ACKs belong to no message.
  if (!(p.flags & (kFlagAck | kFlagNak))) stats_.lost(p.aux);
}

}  // namespace fabricplan::sim
