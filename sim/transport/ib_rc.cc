#include "sim/transport/ib_rc.h"

#include <algorithm>

namespace fabricplan::sim {

IbRcTransport::IbRcTransport(Simulator& sim, Fabric& fabric, FlowStats& stats, const IbRcParams& params)
    : Transport(sim, fabric, stats, params.format, "transport.ib_rc"), params_(params) {
  while (lid_stride_ < params_.qps_per_connection) lid_stride_ *= 2;
}

std::uint32_t IbRcTransport::add_connection(std::uint32_t src, std::uint32_t dst) {
  const std::uint32_t n = params_.qps_per_connection;
  const auto c = static_cast<std::uint32_t>(qps_.size() / n);
  for (std::uint32_t i = 0; i < n; ++i) {
    Qp q;
    q.src = src;
    q.dst = dst;
    q.entropy = params_.ecmp ? static_cast<std::uint32_t>(rng().next_u64()) : dst * lid_stride_ + i;
    Responder r;
    r.src = q.src;
    r.dst = q.dst;
    r.entropy = q.entropy;
    qps_.push_back(std::move(q));
    responders_.push_back(std::move(r));
  }
  if (nics_.size() <= src) nics_.resize(src + 1);
  return c;
}

void IbRcTransport::post(std::uint32_t src, std::uint32_t dst, std::uint64_t bytes, std::uint32_t message) {
  const std::uint32_t c = connection(src, dst);
  const std::uint32_t n = params_.qps_per_connection;
  const std::uint32_t packets = packets_for(bytes);
  expect_packets(message, packets);
  stats_.posted(message, bytes, sim_.now().ps());
  // Contiguous runs, the first `packets % n` one packet longer.
  std::uint32_t index = 0;
  for (std::uint32_t i = 0; i < n && index < packets; ++i) {
    std::uint32_t len = packets / n + (i < packets % n ? 1 : 0);
    if (len == 0) continue;
    const std::uint32_t qi = c * n + i;
    Qp& q = qps_[qi];
    Run r{message, q.posted_end, q.posted_end + len, bytes, index};
    q.runs.push_back(r);
    q.posted_end += len;
    index += len;
    if (q.una == q.next_psn) q.last_progress_ps = sim_.now().ps();
    pump(qi);
  }
}

const IbRcTransport::Run& IbRcTransport::run_of(const Qp& q, std::uint32_t psn) const {
  // Runs are few and in PSN order; the one holding `psn` is found from the front.
  for (const Run& r : q.runs) {
    if (psn < r.end) return r;
  }
  return q.runs.back();
}

void IbRcTransport::pump(std::uint32_t qi) {
  Qp& q = qps_[qi];
  if (can_send(q)) {  // (a QP in the error state sends nothing)
    if (!q.at_nic) nics_[q.src].join(qps_, qi);
    if (!nics_[q.src].armed) serve_nic(q.src);
  }
  arm_timer(qi);
}

void IbRcTransport::arm_timer(std::uint32_t qi) {
  Qp& q = qps_[qi];
  if (q.failed || q.timer_armed || q.una >= q.next_psn) return;
  q.timer_armed = true;
  q.timer = sim_.schedule_cancellable(Time::from_ps(q.last_progress_ps) + Time::from_us(params_.local_ack_timeout_us()), this, qi);
}

void IbRcTransport::serve_nic(std::uint32_t host) {
  Nic& nic = nics_[host];
  nic.armed = false;
  // The send engine keeps up to kAheadPackets ahead of the wire, so it runs once per
  // many packets rather than once per packet; a go-back-N leaves at most those stale
  // copies queued at the host.
  if (nic.packet_ps < 0) {
    nic.packet_ps = static_cast<std::int64_t>((params_.format.mtu_payload_bytes + params_.format.header_bytes) /
                                              fabric_.nic_bytes_per_s(host) * 1e12);
  }
  const std::int64_t packet_ps = nic.packet_ps, ahead_ps = packet_ps * (kAheadPackets - 1);
  while (nic.head != Nic::kNone) {
    const std::int64_t free_at = fabric_.nic_drained_at_ps(host);
    if (free_at - sim_.now().ps() > ahead_ps) {  // enough queued: come back when one packet is left
      nic.armed = true;
      sim_.schedule_at(Time::from_ps(free_at - packet_ps), this, host | kNicEvent);
      return;
    }
    const std::uint32_t qi = nic.head;
    Qp& q = qps_[qi];
    if (can_send(q)) send_one(qi);
    // Round robin: the QP goes to the back of the line if it can send more and others
    // wait (alone, it simply stays at the front), and leaves the line otherwise.
    const bool more = can_send(q);
    if (more && nic.head == nic.tail) continue;
    nic.leave(qps_);
    if (more) nic.join(qps_, qi);
  }
}

void IbRcTransport::send_one(std::uint32_t qi) {
  Qp& q = qps_[qi];
  const std::uint32_t psn = q.next_psn++;
  const Run& r = run_of(q, psn);
  const std::uint32_t payload = payload_of(r.message_bytes, r.index_offset + (psn - r.first));
  // AckReq on the packet that fills the window (IBTA 9.7.5.1.1: a requester that must
  // wait for an ACK asks for it), or a window smaller than ack_every stalls until the
  // ACK timeout.
  // The last packet of a run carries the Last opcode: the responder acknowledges a
  // finished message at once (it knows message ends from opcodes, not from the sender).
  const std::uint8_t flags = (q.next_psn - q.una >= params_.window_packets ? kFlagAckReq : 0) |
                             (psn + 1 == r.end ? kFlagLast : 0);
  std::uint32_t id = new_packet(qi, q.src, q.dst, psn, payload, flags);
  Packet& p = fabric_.pool()[id];
  p.entropy = q.entropy;
  p.route = params_.adaptive ? Route::kAdaptive : params_.ecmp ? Route::kEntropyHash : Route::kDestModK;
  p.aux = r.message;
  stats_.sent(r.message, sim_.now().ps());
  ++lane_counters().data_packets_sent;
  if (psn < q.max_sent) {
    ++lane_counters().retransmissions;
    stats_.retransmitted(r.message);
  } else {
    q.max_sent = psn + 1;
  }
  fabric_.inject(id);
  arm_timer(qi);
}

std::uint32_t IbRcTransport::lane_of(std::uint64_t arg) const {
  if (arg & kNicEvent) return sim_.lane_of_node(static_cast<int>(arg & ~kNicEvent));
  return sim_.lane_of_node(static_cast<int>(qps_[static_cast<std::uint32_t>(arg)].src));
}

void IbRcTransport::delivered(Simulator&, const Packet& arrived) {
  const Packet p = arrived;  // an ACK may grow the pool under `arrived`
  if (p.flags & (kFlagAck | kFlagNak)) {
    on_ack(p);
  } else {
    on_data(p);
  }
}

void IbRcTransport::send_ack(std::uint32_t qi, std::uint8_t flags) {
  Responder& q = responders_[qi];
  std::uint32_t id = new_packet(qi, q.dst, q.src, q.expected_psn, 0, flags);
  Packet& a = fabric_.pool()[id];
  // ACKs follow the reverse QP's path: D-mod-K on the sender's LID, or its ECMP hash.
  a.entropy = params_.ecmp ? q.entropy ^ 0x9e3779b9u : q.src * lid_stride_ + (qi % params_.qps_per_connection);
  a.route = params_.ecmp ? Route::kEntropyHash : Route::kDestModK;
  ++lane_counters().acks_sent;
  q.since_ack = 0;
  fabric_.inject(id);
}

void IbRcTransport::on_data(const Packet& p) {
  const std::uint32_t qi = p.flow;
  Responder& q = responders_[qi];
  if (p.seq < q.expected_psn) {  // duplicate: our ACK may have been lost
    ++lane_counters().duplicates_received;
    send_ack(qi, kFlagAck);
    return;
  }
  if (p.seq > q.expected_psn) {
    if (params_.adaptive) {  // ahead of a gap: placed now, acknowledged in order later
      const std::size_t i = p.seq - q.expected_psn - 1;
      if (q.ahead.size() <= i) q.ahead.resize(i + 1, kAheadMissing);
      if (q.ahead[i] != kAheadMissing) {
        ++lane_counters().duplicates_received;
        return;
      }
      q.ahead[i] = (p.flags & kFlagLast) ? kAheadLast : kAheadArrived;
      note_reorder(p.seq - q.expected_psn);
      message_packet_arrived(p.aux, p.payload_bytes);
      return;
    }
    note_reorder(p.seq - q.expected_psn);  // sequence error: drop, NAK the gap once
    if (!q.nak_sent) {
      q.nak_sent = true;
      send_ack(qi, kFlagNak);
    }
    return;
  }
  ++q.expected_psn;
  q.nak_sent = false;
  message_packet_arrived(p.aux, p.payload_bytes);
  bool run_done = (p.flags & kFlagLast) != 0;
  // Adaptive routing: the gap filled, so what was placed behind it is in order too
  // (`ahead` stays empty without it).
  while (!q.ahead.empty() && q.ahead.front() != kAheadMissing) {
    run_done |= q.ahead.front() == kAheadLast;
    q.ahead.pop_front();
    ++q.expected_psn;
  }
  if (!q.ahead.empty()) q.ahead.pop_front();  // the slot of the packet just placed
  if (++q.since_ack >= params_.ack_every || run_done || (p.flags & kFlagAckReq)) send_ack(qi, kFlagAck);
}

void IbRcTransport::on_ack(const Packet& p) {
  const std::uint32_t qi = p.flow;
  Qp& q = qps_[qi];
  if (q.failed) return;
  if (p.seq > q.una) {
    q.una = p.seq;
    // After a go-back-N the resent copies may still be behind what the receiver already
    // holds: its cumulative ACK moves the send pointer past them.
    q.next_psn = std::max(q.next_psn, q.una);
    q.retries = 0;
    q.last_progress_ps = sim_.now().ps();
    while (!q.runs.empty() && q.runs.front().end <= q.una) q.runs.pop_front();
  }
  if ((p.flags & kFlagNak) && q.next_psn > p.seq) q.next_psn = p.seq;  // go back N
  pump(qi);
  if (q.una == q.next_psn && q.timer_armed) {
    sim_.cancel(q.timer);
    q.timer_armed = false;
  }
}

void IbRcTransport::dropped(Simulator& sim, const Packet& p, std::uint32_t port) {
  Transport::dropped(sim, p, port);
  qps_[p.flow].lost_since_progress = true;
}

void IbRcTransport::on_event(Simulator&, std::uint64_t arg) {
  if (arg & kNicEvent) {
    serve_nic(static_cast<std::uint32_t>(arg & ~kNicEvent));
    return;
  }
  const auto qi = static_cast<std::uint32_t>(arg);
  Qp& q = qps_[qi];
  q.timer_armed = false;
  if (q.una == q.next_psn || q.failed) return;  // everything sent is acknowledged
  const std::int64_t now = sim_.now().ps();
  if (now - q.last_progress_ps >= Time::from_us(params_.local_ack_timeout_us()).ps()) {
    if (q.retries >= params_.retry_count) {  // retries exhausted: the QP errors out
      q.failed = true;
      ++lane_counters().qp_errors;
      if (lane_counters().first_qp_error_ps < 0) lane_counters().first_qp_error_ps = now;
      return;
    }
    ++q.retries;
    ++lane_counters().timeouts;
    if (!q.lost_since_progress) ++lane_counters().spurious_timeouts;
    q.lost_since_progress = false;
    q.next_psn = q.una;  // go back to the oldest unacknowledged PSN
    q.last_progress_ps = now;
  }
  pump(qi);
}

}  // namespace fabricplan::sim
