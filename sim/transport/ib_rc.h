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
//   Real RDMA writes have no end-to-end packet window (IBTA bounds only outstanding
//   reads, atomics and posted WQEs): an HCA generates a posted message's packets at line
//   rate from the WQE and, on a NAK, rewinds its send pointer. Here a QP pushes up to
//   `window_packets` into its host port's queue instead, so a larger window leaves
//   stale copies queued behind a go-back-N (measured: a 4096-packet window turned a
//   reroute on p4d into 5.4 million retransmissions). Until the send engine is modelled
//   the window stays 512, and a QP whose window is full of packets lost on a dead link
//   waits for its timeout even after routes are back.
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

#include "sim/transport/transport.h"

namespace fabricplan::sim {

struct IbRcParams {
  PacketFormat format;
  std::uint32_t qps_per_connection = 1;
  std::uint32_t window_packets = 512;
  std::uint32_t ack_every = 8;
  std::uint32_t timeout_exponent = 20;  // NCCL_IB_TIMEOUT
  std::uint32_t retry_count = 7;        // NCCL_IB_RETRY_CNT: timeouts without progress before the QP errors out
  double ack_timeout_us = 0;            // > 0: overrides 4.096 us x 2^timeout_exponent
  double local_ack_timeout_us() const {
    return ack_timeout_us > 0 ? ack_timeout_us : 4.096 * static_cast<double>(std::uint64_t{1} << timeout_exponent);
  }
  bool ecmp = false;
};

class IbRcTransport : public Transport {
 public:
  IbRcTransport(Simulator& sim, Fabric& fabric, FlowStats& stats, const IbRcParams& params);

  void post(std::uint32_t src, std::uint32_t dst, std::uint64_t bytes, std::uint32_t message) override;
  void delivered(Simulator& sim, const Packet& p) override;
  void on_event(Simulator& sim, std::uint64_t qp) override;  // ACK timeout
  void dropped(Simulator& sim, const Packet& p, std::uint32_t port) override;

 private:
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
    // Receiver.
    std::deque<Run> expecting;     // runs not yet fully received
    std::uint32_t expected_psn = 0;
    std::uint32_t since_ack = 0;
    bool nak_sent = false;
  };

  std::uint32_t add_connection(std::uint32_t src, std::uint32_t dst) override;
  void pump(std::uint32_t qp);
  void on_data(const Packet& p);
  void on_ack(const Packet& p);
  void send_ack(std::uint32_t qp, std::uint8_t flags);
  const Run& run_of(const Qp& q, std::uint32_t psn) const;

  IbRcParams params_;
  std::uint32_t lid_stride_ = 1;   // 2^LMC
  std::vector<Qp> qps_;            // connection c owns qps_[c*n .. c*n + n-1]
};

}  // namespace fabricplan::sim
