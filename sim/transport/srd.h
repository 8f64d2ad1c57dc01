// SRD (Scalable Reliable Datagram), the transport of AWS EFA, as modelled here.
//
// Sources: L. Shalev et al., "A Cloud-Optimized Transport Protocol for Elastic and
// Scalable HPC", IEEE Micro 40(6), 2020 (SRD: per-packet multipath spraying over a set
// of paths chosen by varying the encapsulation's entropy, out-of-order delivery to the
// layer above, retransmission after a short RTT-based timeout, path avoidance on loss,
// per-connection delay-based congestion control); the libfabric efa provider man page
// (fi_efa(7): RDM endpoints over SRD, reordering handled above the NIC); and for the
// delay-based window, G. Kumar et al., "Swift", SIGCOMM 2020.
//
// Model and assumptions:
// - Each connection (src, dst) keeps `paths` path slots, each a fixed entropy. Packets
//   go round-robin over the slots; a switch hashes (entropy, switch) to choose among
//   its equal-cost next hops (Route::kEntropyHash), so a slot is one path.
// - The receiver acknowledges every data packet at once (selective ACK, 64 bytes) and
//   hands it up whatever its order; duplicates are counted and ignored. An ACK's
//   entropy is a function of its data packet's, so a slot is a round-trip path.
// - The sender retransmits a packet whose ACK has not come within the RTO
//   (srtt + 4 rttvar, RFC 6298, clamped to [rto_min, rto_max]) on a different slot.
//   A slot whose packets time out `path_fail_threshold` times in a row gets a fresh
//   random entropy: that is how SRD stops using a path through a failed link.
// - Window: cwnd packets in flight. Each ACK's RTT is compared with a target of the
//   path's unloaded RTT (serialization and propagation of a full packet out and its ACK
//   back, which the NIC knows as Swift's base delay; not the smallest RTT seen, which
//   an incast that queues from its first packet would learn as the base) plus
//   `target_queue_delay_us`. A connection starts in slow start:
//   below the target cwnd grows by one packet per ACK (doubling per RTT) up to the
//   path's bandwidth-delay product (unloaded RTT x NIC rate), so a lone message on a
//   400 Gbit/s path gets there in two RTTs instead of the ~90 additive increase from 32
//   packets takes. Slow start stops at the BDP because a larger window on an idle
//   path only queues at the sender's own NIC, which the RTT (stamped as the packet
//   goes on the wire) does not see. The first RTT above the target, or the first
//   congestion cut, also ends it (TCP Vegas's delay-
//   limited slow start: Brakmo and Peterson, IEEE JSAC 13(8), 1995). After it, below the
//   target cwnd grows by ai/cwnd (about `ai` packets per RTT); above it cwnd shrinks by
//   beta x (rtt - target) / rtt (at most max_decrease), at most once per RTT (Swift).
// - cwnd may fall below one packet (down to min_window_packets): then one packet is in
//   flight and the next leaves srtt / cwnd after the previous one (Swift's pacing), so
//   hundreds of senders into one port can share it without overflowing its buffer.
// - Spraying over many paths, the window reacts to the median of the latest 8 RTT
//   samples, not to the latest one: a sample reflects one path, and a few congested
//   paths among many must not cut the whole connection's window (Gerstein, Silberstein
//   and Keslassy, "Congestion Control for Spraying with Congested Paths", 2025: MSwift).
//   A hop every path shares (the receiver's downlink under incast) raises every sample,
//   and the median with them.
// - Path avoidance (Shalev et al.: SRD sends over as many paths as it can "while
//   avoiding overloaded paths"): a slot whose latest round trip came back above the
//   window's target is passed over by new packets for one srtt, then probed again;
//   when every slot is, the round robin goes on as if none were.
// - Timeouts: the packet moves to another path. Whether the window shrinks depends on
//   where the loss is. A failed link loses the packets of the few path slots through
//   it; congestion at a hop every path shares (the receiver's downlink under incast)
//   loses packets on most slots. Each slot remembers whether its latest packet was
//   acknowledged or timed out; cwnd is cut by max_decrease (once per RTT, as Swift does
//   on a retransmission timeout) when a timeout leaves at least
//   `congestion_loss_slot_fraction` of the slots with an outcome at "timed out". (Cutting on every timeout made a single failed link collapse
//   windows to 1 and cost ~1 ms; never cutting let an incast keep dropping half its
//   packets.)
// - RTT samples run from the moment the source NIC puts the packet on the wire (the
//   NIC's own timestamp), so a sender's queue at its own NIC is not read as congestion.
// - The NIC arbitrates among its connections round robin, one packet at a time, and
//   takes the next packet only when the wire is free (a NIC's send queues live in host
//   memory; it fetches a WQE when it can send, as EFA and ConnectX schedulers do). So
//   a connection's window waits in the transport, not in a FIFO at the NIC: one peer's
//   32-packet burst does not hold back the packets for every other peer, and the NIC
//   never drops its own packets. (A FIFO NIC turned every all-to-all into a rotating
//   incast: each sender served its peers one window at a time, in the same order.)
//   There is no receiver-side reorder buffer limit and no host processing time.
#pragma once

#include <array>
#include <deque>

#include "sim/transport/nic_line.h"
#include "sim/transport/transport.h"

namespace fabricplan::sim {

struct SrdParams {
  PacketFormat format;
  std::uint32_t paths = 64;
  std::uint32_t path_fail_threshold = 1;
  double init_window_packets = 32;
  bool slow_start = true;
  double min_window_packets = 0.25;
  double max_window_packets = 256;
  double target_queue_delay_us = 10;
  double ai_packets = 1;
  double beta = 0.8;
  double max_decrease = 0.5;
  double rto_min_us = 50;
  double rto_max_us = 5000;
  double congestion_loss_slot_fraction = 0.5;
};

class SrdTransport : public Transport {
 public:
  static constexpr std::size_t kRttSamples = 8;  // the window's delay signal: their median
  static constexpr std::int64_t kSlowTickPs = 64'000;  // PathSlot::slow_since's unit
  SrdTransport(Simulator& sim, Fabric& fabric, FlowStats& stats, const SrdParams& params);

  void post(std::uint32_t src, std::uint32_t dst, std::uint64_t bytes, std::uint32_t message) override;
  void delivered(Simulator& sim, const Packet& p) override;
  // Notes which packet was lost, so a timeout can tell a loss from a late packet.
  void dropped(Simulator& sim, const Packet& p, std::uint32_t port) override;
  // Retransmission timer (arg = conn) or pacing release (arg = conn | kPaceEvent).
  void on_event(Simulator& sim, std::uint64_t arg) override;
  std::uint32_t lane_of(std::uint64_t arg) const override;  // the sending host's

 private:
  struct Sent {
    std::int64_t sent_ps = 0;
    std::uint32_t message = 0;
    std::uint32_t payload = 0;
    std::uint16_t slot = 0;
    bool in_flight = false;
    bool acked = false;
    bool lost = false;  // a copy sent since the last timeout, or its ACK, was dropped
  };
  struct PathSlot {
    std::uint32_t entropy;
    std::uint16_t consecutive_timeouts = 0;
    enum Outcome : std::uint8_t { kNone, kAcked, kTimedOut } last = kNone;  // of its latest packet
    // When its latest round trip came back above the window's target, in kSlowTick
    // units (0: it did not): new packets pass over the slot for one srtt from then.
    // 32 bits keep a slot at 12 bytes (64 per connection); they last 274 s of run.
    std::uint32_t slow_since = 0;
  };
  struct Chunk {  // a posted message's packets [first, end) on this connection
    std::uint32_t message, first, end;
    std::uint64_t bytes;
  };
  struct Conn {
    std::uint32_t src, dst;
    // Sender.
    std::deque<Chunk> queued;        // messages not yet fully sent once
    std::uint32_t posted_end = 0;    // sequence numbers [0, posted_end) are posted
    std::uint32_t next_new = 0;      // next never-sent sequence number
    std::uint32_t una = 0;           // lowest unacknowledged
    std::uint32_t in_flight = 0;
    std::vector<Sent> sent;          // sequence numbers from sent_base
    std::uint32_t sent_base = 0;
    std::deque<std::uint32_t> retransmit;
    std::vector<PathSlot> slots;
    std::uint32_t next_slot = 0;
    double cwnd;
    std::int64_t srtt_ps = 0, rttvar_ps = 0, min_rtt_ps = INT64_MAX, last_decrease_ps = INT64_MIN / 2;
    std::int64_t base_rtt_ps = 0;  // unloaded round trip of a full data packet and its ACK
    // The latest RTT samples over whichever paths they took; the window reacts to their
    // median (see the header comment).
    std::array<std::int64_t, kRttSamples> recent_rtt_ps{};  // in arrival order (a ring)
    std::array<std::int64_t, kRttSamples> sorted_rtt_ps{};  // the same samples, sorted
    std::uint32_t rtt_samples = 0;
    std::int64_t max_rtt_ps = 0;   // the longest round trip of a packet not dropped (0: unbounded)
    std::uint32_t backoff = 0;     // RTO doublings since the last RTT sample (RFC 6298 5.5)
    double bdp_packets = 0;        // base_rtt at the NIC's rate: where slow start ends
    bool timer_armed = false;
    bool in_slow_start = true;
    std::int64_t next_send_ps = 0;  // pacing while cwnd < 1
    bool pace_armed = false;
    bool at_nic = false;            // in its NIC's round-robin line
    std::uint32_t next_ready = 0;   // the connection behind it in that line (when at_nic)
  };
  // A connection's receiver, apart from its sender: the two run in different lanes of a
  // partitioned run and write their halves on every packet.
  struct alignas(64) Receiver {
    std::vector<bool> got;           // from got_base
    std::uint32_t got_base = 0;
    std::uint32_t rcv_next = 0;      // lowest sequence number not yet received
  };

  std::uint32_t add_connection(std::uint32_t src, std::uint32_t dst) override;
  // The connection has something its window lets it send now (and is not paced).
  bool can_send(std::uint32_t c);
  void send_one(std::uint32_t c);
  // Puts a connection that can send in its NIC's line.
  void pump(std::uint32_t c);
  // The NIC's send arbiter: while the wire is free, one packet from the connection at
  // the front of the line, which then goes to the back if it can send more.
  void serve_nic(std::uint32_t host);
  void transmit(std::uint32_t c, std::uint32_t seq, bool retransmission);
  void on_data(const Packet& p);
  void on_ack(const Packet& p);
  void on_rtt(Conn& k, std::int64_t rtt_ps, std::int64_t target_ps);
  std::int64_t rto_ps(const Conn& k) const;
  // The RTT the window aims at: the unloaded round trip plus target_queue_delay_us.
  std::int64_t target_rtt_ps(const Conn& k) const;
  void arm_timer(std::uint32_t c, std::int64_t at_ps);
  void on_timeout(std::uint32_t c);
  // Multiplies cwnd by (1 - fraction) unless it was cut less than an RTT ago.
  void decrease(Conn& k, double fraction);
  static constexpr std::uint64_t kPaceEvent = std::uint64_t{1} << 63;
  static constexpr std::uint64_t kNicEvent = std::uint64_t{1} << 62;
  // A NIC's line of connections that can send, in round-robin order (nic_line.h).
  using Nic = NicLine;
  Sent& sent(Conn& k, std::uint32_t seq) { return k.sent[seq - k.sent_base]; }

  SrdParams params_;
  std::vector<Conn> conns_;
  std::vector<Receiver> receivers_;  // parallel to conns_
  std::vector<Nic> nics_;  // per sending endpoint
};

}  // namespace fabricplan::sim
