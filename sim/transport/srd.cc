#include "sim/transport/srd.h"

#include <algorithm>
#include <cmath>

namespace fabricplan::sim {
namespace {
// Receiver and sender state is kept from the lowest open sequence number; the consumed
// prefix is cut off in steps of this many entries so trimming stays amortized O(1).
constexpr std::uint32_t kTrimStep = 4096;
}  // namespace

SrdTransport::SrdTransport(Simulator& sim, Fabric& fabric, FlowStats& stats, const SrdParams& params)
    : Transport(sim, fabric, stats, params.format, "transport.srd"), params_(params) {}

std::uint32_t SrdTransport::add_connection(std::uint32_t src, std::uint32_t dst) {
  Conn k;
  k.src = src;
  k.dst = dst;
  k.cwnd = params_.init_window_packets;
  k.in_slow_start = params_.slow_start;
  const std::int64_t there = fabric_.unloaded_one_way_ps(src, dst, format_.mtu_payload_bytes + format_.header_bytes);
  const std::int64_t back = fabric_.unloaded_one_way_ps(dst, src, format_.ack_bytes);
  if (there > 0 && back > 0) k.base_rtt_ps = there + back;
  const std::int64_t there_max = fabric_.max_one_way_ps(src, dst, format_.mtu_payload_bytes + format_.header_bytes);
  const std::int64_t back_max = fabric_.max_one_way_ps(dst, src, format_.ack_bytes);
  if (there_max > 0 && back_max > 0) k.max_rtt_ps = there_max + back_max;
  const double wire_bytes = format_.mtu_payload_bytes + format_.header_bytes;
  k.bdp_packets = static_cast<double>(k.base_rtt_ps) * 1e-12 * fabric_.nic_bytes_per_s(src) / wire_bytes;
  if (k.cwnd >= k.bdp_packets) k.in_slow_start = false;
  k.slots.resize(params_.paths);
  for (auto& s : k.slots) s.entropy = static_cast<std::uint32_t>(rng().next_u64());
  conns_.push_back(std::move(k));
  receivers_.emplace_back();
  if (nics_.size() <= src) nics_.resize(src + 1);
  return static_cast<std::uint32_t>(conns_.size() - 1);
}

void SrdTransport::post(std::uint32_t src, std::uint32_t dst, std::uint64_t bytes, std::uint32_t message) {
  std::uint32_t c = connection(src, dst);
  Conn& k = conns_[c];
  std::uint32_t n = packets_for(bytes);
  k.queued.push_back({message, k.posted_end, k.posted_end + n, bytes});
  k.posted_end += n;
  expect_packets(message, n);
  stats_.posted(message, bytes, sim_.now().ps());
  pump(c);
}

bool SrdTransport::can_send(std::uint32_t c) {
  Conn& k = conns_[c];
  const auto window = static_cast<std::uint32_t>(std::max(1.0, std::floor(k.cwnd)));
  if (k.in_flight >= window) return false;
  while (!k.retransmit.empty()) {  // entries acknowledged or resent since they were queued
    const Sent& s = sent(k, k.retransmit.front());
    if (!s.acked && !s.in_flight) break;
    k.retransmit.pop_front();
  }
  if (k.retransmit.empty() && k.next_new == k.posted_end) return false;
  if (k.cwnd < 1) {  // below one packet: one in flight, the next no sooner than next_send_ps
    if (sim_.now().ps() < k.next_send_ps) {
      if (!k.pace_armed) {
        k.pace_armed = true;
        sim_.schedule_at(Time::from_ps(k.next_send_ps), this, c | kPaceEvent);
      }
      return false;
    }
  }
  return true;
}

void SrdTransport::send_one(std::uint32_t c) {
  Conn& k = conns_[c];
  if (!k.retransmit.empty()) {
    const std::uint32_t seq = k.retransmit.front();
    k.retransmit.pop_front();
    transmit(c, seq, true);
    return;
  }
  const std::uint32_t seq = k.next_new++;
  while (seq >= k.queued.front().end) k.queued.pop_front();
  const Chunk& m = k.queued.front();
  Sent s;
  s.message = m.message;
  s.payload = payload_of(m.bytes, seq - m.first);
  k.sent.push_back(s);
  transmit(c, seq, false);
}

void SrdTransport::pump(std::uint32_t c) {
  Conn& k = conns_[c];
  if (k.at_nic || !can_send(c)) return;
  nics_[k.src].join(conns_, c);
  if (!nics_[k.src].armed) serve_nic(k.src);
}

void SrdTransport::serve_nic(std::uint32_t host) {
  Nic& nic = nics_[host];
  nic.armed = false;
  while (nic.head != Nic::kNone) {
    const std::int64_t free_at = fabric_.nic_drained_at_ps(host);
    if (free_at > sim_.now().ps()) {  // the wire is busy: come back when it is free
      nic.armed = true;
      sim_.schedule_at(Time::from_ps(free_at), this, host | kNicEvent);
      return;
    }
    const std::uint32_t c = nic.leave(conns_);
    if (!can_send(c)) continue;
    send_one(c);
    if (can_send(c)) nic.join(conns_, c);  // round robin: back of the line
  }
}

void SrdTransport::transmit(std::uint32_t c, std::uint32_t seq, bool retransmission) {
  Conn& k = conns_[c];
  Sent& s = sent(k, seq);
  const std::uint32_t n = params_.paths;
  // A retransmission goes along another path than the one that lost it.
  const std::int64_t now = sim_.now().ps();
  if (retransmission && n > 1) {
    s.slot = static_cast<std::uint16_t>((s.slot + 1 + rng().below(n - 1)) % n);
  } else {
    // Round robin, passing over slots found slow less than an srtt ago (the clock is
    // read only when the first slot tried was found slow).
    std::uint32_t slot = k.next_slot++ % n;
    if (k.slots[slot].slow_since != 0) {
      const std::int64_t fresh = (k.srtt_ps > 0 ? k.srtt_ps : k.base_rtt_ps) / kSlowTickPs;
      const std::int64_t tick = now / kSlowTickPs;
      for (std::uint32_t tries = 1; tries < n; ++tries) {
        const std::uint32_t since = k.slots[slot].slow_since;
        if (since == 0 || tick - since >= fresh) break;
        slot = k.next_slot++ % n;
      }
    }
    s.slot = static_cast<std::uint16_t>(slot);
  }
  s.in_flight = true;
  ++k.in_flight;
  if (k.cwnd < 1) {  // paced: the next packet may leave one srtt / cwnd from now (Swift)
    const double rtt_ps = static_cast<double>(k.srtt_ps > 0 ? k.srtt_ps : k.base_rtt_ps);
    k.next_send_ps = now + static_cast<std::int64_t>(rtt_ps / k.cwnd);
  }
  std::uint32_t id = new_packet(c, k.src, k.dst, seq, s.payload, 0);
  Packet& p = fabric_.pool()[id];
  p.entropy = k.slots[s.slot].entropy;
  p.aux = s.message;
  stats_.sent(s.message, now);
  ++lane_counters().data_packets_sent;
  if (retransmission) {
    ++lane_counters().retransmissions;
    stats_.retransmitted(s.message);
  }
  fabric_.inject(id);
  // The timeout runs from when the packet has left the NIC, as the NIC stamps it.
  s.sent_ps = fabric_.nic_drained_at_ps(k.src);
  if (!k.timer_armed) arm_timer(c, s.sent_ps + rto_ps(k));
}

void SrdTransport::delivered(Simulator&, const Packet& arrived) {
  const Packet p = arrived;  // sending an ACK may grow the pool under `arrived`
  if (p.flags & kFlagAck) {
    on_ack(p);
  } else {
    on_data(p);
  }
}

void SrdTransport::dropped(Simulator& sim, const Packet& p, std::uint32_t port) {
  Transport::dropped(sim, p, port);
  Conn& k = conns_[p.flow];
  if (p.seq >= k.sent_base && p.seq < k.next_new) sent(k, p.seq).lost = true;
}

void SrdTransport::on_data(const Packet& p) {
  Receiver& k = receivers_[p.flow];
  std::uint32_t idx = p.seq - k.got_base;
  if (p.seq < k.got_base || (idx < k.got.size() && k.got[idx])) {
    ++lane_counters().duplicates_received;
  } else {
    if (idx >= k.got.size()) k.got.resize(idx + 1, false);
    k.got[idx] = true;
    if (p.seq > k.rcv_next) note_reorder(p.seq - k.rcv_next);
    while (k.rcv_next - k.got_base < k.got.size() && k.got[k.rcv_next - k.got_base]) ++k.rcv_next;
    if (k.rcv_next - k.got_base >= kTrimStep) {
      k.got.erase(k.got.begin(), k.got.begin() + (k.rcv_next - k.got_base));
      k.got_base = k.rcv_next;
    }
    message_packet_arrived(p.aux, p.payload_bytes);
  }
  // Selective ACK of this packet, echoing its send time (for an exact RTT sample) and
  // any congestion mark. Its entropy is derived from the data packet's, so a path slot
  // names a round trip: a slot whose data or ACK path is dead times out and is replaced.
  std::uint32_t id = new_packet(p.flow, p.dst, p.src, p.seq, 0, kFlagAck | (p.flags & kFlagEcn));
  Packet& ack = fabric_.pool()[id];
  ack.sent_ps = p.sent_ps;
  ack.entropy = Fabric::flow_hash(p.entropy, 0x5eed);
  ++lane_counters().acks_sent;
  fabric_.inject(id);
}

void SrdTransport::on_ack(const Packet& p) {
  const std::uint32_t c = p.flow;
  Conn& k = conns_[c];
  if (p.seq < k.sent_base) return;
  Sent& s = sent(k, p.seq);
  if (s.acked) return;
  s.acked = true;
  if (s.in_flight) {
    s.in_flight = false;
    --k.in_flight;
  }
  PathSlot& slot = k.slots[s.slot];
  slot.consecutive_timeouts = 0;
  slot.last = PathSlot::kAcked;
  const std::int64_t now = sim_.now().ps(), rtt = now - p.sent_ps;
  k.min_rtt_ps = std::min(k.min_rtt_ps, rtt);  // before the target, which falls back on it
  const std::int64_t target = target_rtt_ps(k);
  slot.slow_since = rtt > target ? static_cast<std::uint32_t>(std::clamp<std::int64_t>(now / kSlowTickPs, 1, UINT32_MAX)) : 0;
  on_rtt(k, rtt, target);
  while (k.una < k.next_new && sent(k, k.una).acked) ++k.una;
  if (k.una - k.sent_base >= kTrimStep) {
    k.sent.erase(k.sent.begin(), k.sent.begin() + (k.una - k.sent_base));
    k.sent_base = k.una;
  }
  pump(c);
}

void SrdTransport::on_rtt(Conn& k, std::int64_t rtt, std::int64_t target_ps) {
  k.backoff = 0;  // the ACK echoes its own copy's send time: a valid sample (no Karn ambiguity)
  if (k.srtt_ps == 0) {
    k.srtt_ps = rtt;
    k.rttvar_ps = rtt / 2;
  } else {
    k.rttvar_ps += (std::llabs(k.srtt_ps - rtt) - k.rttvar_ps) / 4;
    k.srtt_ps += (rtt - k.srtt_ps) / 8;
  }
  // The window's delay signal: the median of the latest samples (MSwift).
  // The sorted copy is kept by taking out the sample the new one replaces and sliding
  // the new one into place: a few compares per ACK, no sort.
  const std::size_t have = std::min<std::size_t>(k.rtt_samples, kRttSamples);
  std::size_t at = have;  // where the replaced sample was (a new slot at the end while filling)
  if (k.rtt_samples >= kRttSamples) {
    const std::int64_t old = k.recent_rtt_ps[k.rtt_samples % kRttSamples];
    at = static_cast<std::size_t>(std::lower_bound(k.sorted_rtt_ps.begin(), k.sorted_rtt_ps.begin() + have, old) -
                                  k.sorted_rtt_ps.begin());
  }
  k.recent_rtt_ps[k.rtt_samples++ % kRttSamples] = rtt;
  const std::size_t count = std::min<std::size_t>(k.rtt_samples, kRttSamples);
  while (at > 0 && k.sorted_rtt_ps[at - 1] > rtt) { k.sorted_rtt_ps[at] = k.sorted_rtt_ps[at - 1]; --at; }
  while (at + 1 < count && k.sorted_rtt_ps[at + 1] < rtt) { k.sorted_rtt_ps[at] = k.sorted_rtt_ps[at + 1]; ++at; }
  k.sorted_rtt_ps[at] = rtt;
  rtt = k.sorted_rtt_ps[count / 2];
  const double target = static_cast<double>(target_ps);
  if (rtt <= target) {
    // Grow only while the window is what limits the sender (RFC 7661): an idle or
    // application-limited connection must not bank a window it has not used. The
    // sender can put floor(cwnd) packets in flight, so that is what "full" means; a
    // comparison with the fractional cwnd itself could never hold at 5.2 packets and
    // ratcheted the window down after every cut (one packet per RTT within a few
    // hundred MoE layers). Data waiting behind the window also says it is the limit.
    const double usable = std::max(1.0, std::floor(k.cwnd));
    const bool waiting = k.next_new < k.posted_end || !k.retransmit.empty();
    if (waiting || k.in_flight + 1 >= usable) {
      // Above one packet about ai per RTT; below it ai per ACK, as Swift does, since
      // the paced sender then gets only one ACK every srtt / cwnd.
      k.cwnd += k.in_slow_start ? 1.0 : k.cwnd >= 1 ? params_.ai_packets / k.cwnd : params_.ai_packets;
      if (k.in_slow_start && k.cwnd >= k.bdp_packets) k.in_slow_start = false;
    }
  } else {
    k.in_slow_start = false;
    decrease(k, std::min(params_.beta * (rtt - target) / rtt, params_.max_decrease));
  }
  k.cwnd = std::clamp(k.cwnd, params_.min_window_packets, params_.max_window_packets);
}

std::int64_t SrdTransport::target_rtt_ps(const Conn& k) const {
  // Measured against the path's unloaded RTT: a minimum learned from samples would
  // learn the standing queue of a fabric that is congested from the first packet.
  const std::int64_t base = k.base_rtt_ps > 0 ? k.base_rtt_ps : k.min_rtt_ps;
  return base + static_cast<std::int64_t>(params_.target_queue_delay_us * 1e6);
}

void SrdTransport::decrease(Conn& k, double fraction) {
  const std::int64_t now = sim_.now().ps();
  // At most once per RTT (the unloaded one until a sample has come back).
  if (now - k.last_decrease_ps < (k.srtt_ps > 0 ? k.srtt_ps : k.base_rtt_ps)) return;
  k.in_slow_start = false;
  k.cwnd = std::max(k.cwnd * (1 - fraction), params_.min_window_packets);
  k.last_decrease_ps = now;
}

std::int64_t SrdTransport::rto_ps(const Conn& k) const {
  // Longer than the worst round trip only delays the recovery of a packet that is
  // certainly lost; shorter than it before any sample risks a spurious timeout.
  const double ceiling = k.max_rtt_ps > 0 ? std::min(params_.rto_max_us * 1e6, static_cast<double>(k.max_rtt_ps))
                                          : params_.rto_max_us * 1e6;
  if (k.srtt_ps == 0) return static_cast<std::int64_t>(std::max(ceiling, params_.rto_min_us * 1e6));
  const double rto = static_cast<double>(k.srtt_ps + 4 * k.rttvar_ps) * static_cast<double>(std::uint64_t{1} << k.backoff);
  return static_cast<std::int64_t>(std::max(std::min(rto, ceiling), params_.rto_min_us * 1e6));
}

void SrdTransport::arm_timer(std::uint32_t c, std::int64_t at_ps) {
  conns_[c].timer_armed = true;
  sim_.schedule_at(Time::from_ps(at_ps), this, c);
}

std::uint32_t SrdTransport::lane_of(std::uint64_t arg) const {
  if (arg & kNicEvent) return sim_.lane_of_node(static_cast<int>(arg & ~kNicEvent));
  return sim_.lane_of_node(static_cast<int>(conns_[static_cast<std::uint32_t>(arg)].src));
}

void SrdTransport::on_event(Simulator&, std::uint64_t arg) {
  const auto c = static_cast<std::uint32_t>(arg);
  if (arg & kNicEvent) return serve_nic(static_cast<std::uint32_t>(arg & ~kNicEvent));
  if (arg & kPaceEvent) {
    conns_[c].pace_armed = false;
    pump(c);
    return;
  }
  on_timeout(c);
}

void SrdTransport::on_timeout(std::uint32_t c) {
  Conn& k = conns_[c];
  k.timer_armed = false;
  const std::int64_t now = sim_.now().ps();
  const std::int64_t rto = rto_ps(k);
  std::int64_t next_deadline = INT64_MAX;
  bool lost_any = false;
  for (std::uint32_t seq = k.una; seq < k.next_new; ++seq) {
    Sent& s = sent(k, seq);
    if (!s.in_flight) continue;
    if (s.sent_ps + rto > now) {
      next_deadline = std::min(next_deadline, s.sent_ps + rto);
      continue;
    }
    s.in_flight = false;
    --k.in_flight;
    k.retransmit.push_back(seq);
    ++lane_counters().timeouts;
    if (!s.lost) ++lane_counters().spurious_timeouts;
    s.lost = false;
    PathSlot& slot = k.slots[s.slot];
    slot.last = PathSlot::kTimedOut;
    lost_any = true;
    if (++slot.consecutive_timeouts >= params_.path_fail_threshold) {
      slot.entropy = static_cast<std::uint32_t>(rng().next_u64());  // try another path
      slot.consecutive_timeouts = 0;
      ++lane_counters().path_changes;
    }
  }
  const auto slots_with = [&](auto pred) { return std::count_if(k.slots.begin(), k.slots.end(), pred); };
  const auto timed_out = slots_with([](const PathSlot& p) { return p.last == PathSlot::kTimedOut; });
  const auto with_outcome = slots_with([](const PathSlot& p) { return p.last != PathSlot::kNone; });
  if (lost_any && static_cast<double>(timed_out) >= params_.congestion_loss_slot_fraction * static_cast<double>(with_outcome)) {
    decrease(k, params_.max_decrease);  // loss on most paths: a shared hop is congested
  }
  if (lost_any && k.backoff < 16) ++k.backoff;
  if (next_deadline != INT64_MAX) arm_timer(c, next_deadline);
  pump(c);
}

}  // namespace fabricplan::sim
