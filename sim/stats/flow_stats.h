// Per-flow records and the per-class summaries the simulate report prints: flow
// completion time percentiles (nearest rank), goodput, throughput, drops.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/net/fabric.h"

namespace fabricplan::sim {

struct FlowRecord {
  std::uint32_t src = 0, dst = 0;
  std::uint32_t traffic_class = 0;
  std::uint64_t packets_sent = 0, packets_delivered = 0, packets_dropped = 0;
  std::uint64_t payload_delivered = 0;
  std::uint64_t retransmissions = 0;
  std::uint64_t message_bytes = 0;  // transport messages: complete when all arrived; 0 = open loop
  std::int64_t first_send_ps = -1;  // posted (messages) or first packet sent (open loop)
  std::int64_t last_delivery_ps = -1;
  bool complete() const { return message_bytes ? payload_delivered >= message_bytes : last_delivery_ps >= 0; }
};

struct ClassSummary {
  std::string name;
  std::size_t flows = 0;
  double fct_p50_us = 0, fct_p99_us = 0, fct_p999_us = 0, fct_max_us = 0, fct_mean_us = 0;
  double mean_goodput_fraction = 0;  // payload bits / FCT / line rate, averaged over flows
  double throughput_bytes_per_s = 0; // payload delivered / (last delivery - first send)
  std::uint64_t packets_sent = 0, packets_delivered = 0, packets_dropped = 0;
  std::uint64_t retransmissions = 0;
  std::size_t incomplete_flows = 0;  // messages not fully delivered when the run ended
  // Packet engine: what the class's transports and the fabric saw (why a class is slow).
  std::uint64_t timeouts = 0, spurious_timeouts = 0;
  std::uint64_t qp_errors = 0;          // IB RC QPs whose retries ran out (the job fails)
  std::int64_t first_qp_error_ps = -1;  // when the first did; -1: none
  std::uint64_t drops = 0;             // its data packets and ACKs dropped anywhere
  std::uint64_t max_queue_bytes = 0;   // the longest queue one of its packets found
  std::string max_queue_link;          // where ("leaf0->spine2"); empty if none
  double max_queue_us = 0;             // that queue's drain time at the port's rate
};

// Nearest-rank percentile of sorted values (q in [0, 1]).
double percentile_sorted(const std::vector<double>& sorted, double q);

// Per-class summary of flow records (either engine's).
ClassSummary summarize_flows(const std::vector<FlowRecord>& flows, std::uint32_t traffic_class,
                             const std::string& name, double line_rate_bytes_per_s);

class FlowStats : public PacketSink {
 public:
  std::uint32_t add_flow(std::uint32_t src, std::uint32_t dst, std::uint32_t traffic_class);
  void sent(std::uint32_t flow, std::int64_t now_ps);
  // Transport messages: posted at `now_ps`, `bytes` long; their FCT ends when the last
  // new payload byte reaches the receiver.
  void posted(std::uint32_t flow, std::uint64_t bytes, std::int64_t now_ps);
  // `lane`: the partitioned run's lane it arrived in (its totals are kept apart).
  void received(std::uint32_t flow, std::uint32_t payload_bytes, std::int64_t now_ps, std::uint32_t lane = 0);
  // A partitioned run's lanes each count their deliveries (set before the run).
  void set_lanes(std::uint32_t lanes) { totals_.resize(lanes); }
  void retransmitted(std::uint32_t flow) { ++flows_[flow].retransmissions; }
  void lost(std::uint32_t flow) { ++flows_[flow].packets_dropped; }

  void delivered(Simulator& sim, const Packet& p) override;
  void dropped(Simulator& sim, const Packet& p, std::uint32_t port) override;

  // The records with what arrived folded in (not while a partitioned run goes on).
  const std::vector<FlowRecord>& flows() const;
  std::size_t flow_count() const { return flows_.size(); }
  std::uint32_t traffic_class(std::uint32_t flow) const { return flows_[flow].traffic_class; }
  // Distinct packets of `flow` delivered so far (safe in the receiver's lane).
  std::uint64_t packets_delivered(std::uint32_t flow) const { return receipts_[flow].packets; }
  ClassSummary summarize(std::uint32_t traffic_class, const std::string& name,
                         double line_rate_bytes_per_s) const;
  std::uint64_t delivered_packets() const;
  std::uint64_t delivered_payload_bytes() const;

 private:
  // What arrived of each flow, written by its receiver, apart from the sender's half
  // in flows_: in a partitioned run the two are written by different threads on every
  // packet, and one record for both bounced its cache line between them.
  struct alignas(64) Receipt {  // a line each: neighbours are other receivers
    std::uint64_t packets = 0;
    std::uint64_t payload_bytes = 0;
    std::int64_t last_ps = -1;
  };
  mutable std::vector<FlowRecord> flows_;  // receipts_ folded in by flows()
  std::vector<Receipt> receipts_;
  struct alignas(64) Totals {
    std::uint64_t packets = 0;
    std::uint64_t payload_bytes = 0;
  };
  std::vector<Totals> totals_{1};  // per lane
};

}  // namespace fabricplan::sim
