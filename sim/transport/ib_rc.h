// InfiniBand Reliable Connection (RC), as modelled here.
//
// Sources: InfiniBand Architecture Specification vol. 1 (IBTA), ch. 9.7 (RC: packet
// sequence numbers, in-order acceptance, coalesced cumulative ACKs, NAK on a sequence
// error and go-back-N retransmission from the NAKed PSN, local ACK timeout) and ch. 7.9
// (credit-based link-level flow control: the links are lossless, see fabric.h); OpenSM's
// fat-tree routing engine (D-mod-K: a destination LID fixes the up-going port at every
// level, so every flow to one destination shares one path); NCCL's
// NCCL_IB_QPS_PER_CONNECTION (a message striped over several QPs).
//
// Model and assumptions:
// - A connection (src, dst) has `qps_per_connection` QPs. A message is cut into that
//   many contiguous runs of packets, one per QP; it completes when every run has
//   arrived in order.
// - Paths: QP i to destination d uses LID d x 2^LMC + i (LMC just large enough for the
//   QPs), routed D-mod-K by the switches; with `ecmp` each QP instead hashes one fixed
//   entropy (RoCE's per-flow ECMP on the UDP source port).
// - A QP keeps at most `window_packets` unacknowledged; there is no end-to-end
//   congestion control (no DCQCN): on lossless links credit back-pressure paces it.
//   RDMA writes have no end-to-end packet window (IBTA bounds only outstanding reads,
//   atomics and posted WQEs): the HCA's send engine generates a posted message's
//   packets at line rate and, on a NAK or a timeout, rewinds its send pointer. Here a
//   NIC takes packets round robin over its QPs that can send while fewer than 512 wait
//   for its wire, so at most those stale copies wait at the host after a go-back-N (a
//   4096-packet host queue turned a reroute on p4d into 5.4 million retransmissions; 8
//   cost a fifth more simulation time for the same results); the default window,
//   65536 packets (256 MiB), is the model's state bound, not a protocol limit.
//   It matters after a link failure: a QP still sending when routes come back gets its
//   later packets through, the receiver NAKs the gap and the sender goes back N at
//   once (measured on p5's KV transfer with 1 ms self-healing: 12.6 ms, no timeout);
//   only a QP with nothing left to send waits for its timer.
// - The receiver accepts only the next expected PSN, ACKs cumulatively every
//   `ack_every` packets, at the end of each run and when the sender asks (AckReq on the
//   packet that fills its window), NAKs the first gap once, and
//   re-ACKs duplicates. The sender goes back N on a NAK, and to the oldest
//   unacknowledged PSN when nothing has been acknowledged for the local ACK timeout:
//   4.096 us x 2^timeout on real HCAs (IBTA 9.7.6.1.3), where NCCL sets timeout =
//   NCCL_IB_TIMEOUT, default 20: about 4.3 s. So a lossless fabric whose queues hold a
//   packet for milliseconds never resends spuriously; a packet lost on a failed link
//   is resent at once on a NAK (a later packet arrived) or after that timeout.
//   `ack_timeout_us` overrides the exponent. After `retry_count` retransmissions by
//   timeout without progress the next timeout puts the QP in the error state: it sends
//   nothing more and its messages never complete (counted in qp_errors).
// - A link failure stalls a QP whose path crosses it until routes are recomputed
//   without the link (the subnet manager's reroute, timed by the scenario) and the
//   next ACK timeout retransmits.
#pragma once

#include <deque>

#include "sim/transport/nic_line.h"
#include "sim/transport/transport.h"

namespace fabricplan::sim {

struct IbRcParams {
  PacketFormat format;
  std::uint32_t qps_per_connection = 1;
  std::uint32_t window_packets = 65536;
  std::uint32_t ack_every = 8;
  std::uint32_t timeout_exponent = 20;  // NCCL_IB_TIMEOUT
  std::uint32_t retry_count = 7;        // NCCL_IB_RETRY_CNT: timeouts without progress before the QP errors out
  double ack_timeout_us = 0;            // > 0: overrides 4.096 us x 2^timeout_exponent
  double local_ack_timeout_us() const {
    return ack_timeout_us > 0 ? ack_timeout_us : 4.096 * static_cast<double>(std::uint64_t{1} << timeout_exponent);
  }
  bool ecmp = false;
  // Adaptive routing (Quantum switches): each packet takes the least-loaded equal-cost
  // port, so a QP's packets arrive out of order; the responder places them as they come
  // and acknowledges in order (ConnectX-7's out-of-order RC), without NAKs: a loss is
  // resent at the timeout.
  bool adaptive = false;
};

class IbRcTransport : public Transport {
 public:
  IbRcTransport(Simulator& sim, Fabric& fabric, FlowStats& stats, const IbRcParams& params);

  void post(std::uint32_t src, std::uint32_t dst, std::uint64_t bytes, std::uint32_t message) override;
  void delivered(Simulator& sim, const Packet& p) override;
  void on_event(Simulator& sim, std::uint64_t qp) override;  // ACK timeout
  std::uint32_t lane_of(std::uint64_t arg) const override;  // the sending host's
  void dropped(Simulator& sim, const Packet& p, std::uint32_t port) override;

 private:
  enum : std::uint8_t { kAheadMissing = 0, kAheadArrived = 1, kAheadLast = 2 };
  struct Run {  // one message's packets [first, end) on a QP
    std::uint32_t message, first, end;
    std::uint64_t message_bytes;
    std::uint32_t index_offset;  // index in the message of the run's first packet
  };
  struct Qp {
    std::uint32_t src, dst;
    std::uint32_t entropy;         // LID (D-mod-K) or flow entropy (ECMP)
    // Sender.
    std::deque<Run> runs;          // runs not yet fully acknowledged
    std::uint32_t posted_end = 0;
    std::uint32_t next_psn = 0;
    std::uint32_t una = 0;
    std::uint32_t max_sent = 0;    // highest PSN ever sent + 1 (to count retransmissions)
    std::int64_t last_progress_ps = 0;
    bool timer_armed = false;
    bool lost_since_progress = false;  // a packet or ACK of this QP's was dropped
    std::uint32_t retries = 0;         // timeouts since the last progress
    bool failed = false;               // retries exhausted: the QP is in the error state
    EventHandle timer;  // cancelled once everything sent is acknowledged, so an idle
                        // QP leaves nothing in the queue to stretch the simulated time
    bool at_nic = false;             // in its NIC's line of QPs that can send
    std::uint32_t next_ready = 0;    // the QP behind it in that line (when at_nic)
  };
  // A QP's responder, apart from its requester: the two run in different lanes of a
  // partitioned run and write their halves on every packet (the route fields are
  // copies, so the responder never reads the requester's cache lines).
  struct alignas(64) Responder {
    std::uint32_t src, dst;
    std::uint32_t entropy;
    std::uint32_t expected_psn = 0;
    std::uint32_t since_ack = 0;
    bool nak_sent = false;
    // Adaptive: what arrived of PSN expected_psn + 1 + i (kAheadMissing, kAheadArrived,
    // kAheadLast: arrived, the last of its message).
    std::deque<std::uint8_t> ahead;
  };

  // The HCA's send engine: a NIC's QPs that can send wait in a round-robin line and
  // the NIC takes packets from the front while fewer than kAheadPackets wait for its
  // wire, so packets are generated from the posted work as the wire drains and a
  // go-back-N rewinds a QP leaving at most those copies queued at the host (the line is
  // threaded through the QPs).
  struct Nic : NicLine {
    std::int64_t packet_ps = -1;  // one full packet's time on its wire (-1: not yet known)
  };
  static constexpr std::uint64_t kNicEvent = std::uint64_t{1} << 62;
  static constexpr int kAheadPackets = 512;  // packets the send engine keeps queued ahead of the wire
  bool can_send(const Qp& q) const {
    return !q.failed && q.next_psn < q.posted_end && q.next_psn - q.una < params_.window_packets;
  }
  void serve_nic(std::uint32_t host);
  void send_one(std::uint32_t qp);
  void arm_timer(std::uint32_t qp);  // the local ACK timer, while anything sent is unacknowledged

  std::uint32_t add_connection(std::uint32_t src, std::uint32_t dst) override;
  void pump(std::uint32_t qp);
  void on_data(const Packet& p);
  void on_ack(const Packet& p);
  void send_ack(std::uint32_t qp, std::uint8_t flags);
  const Run& run_of(const Qp& q, std::uint32_t psn) const;

  IbRcParams params_;
  std::uint32_t lid_stride_ = 1;   // 2^LMC
  std::vector<Qp> qps_;
  std::vector<Responder> responders_;  // parallel to qps_            // connection c owns qps_[c*n .. c*n + n-1]
  std::vector<Nic> nics_;          // per sending endpoint
};

}  // namespace fabricplan::sim
