// Transport: what carries messages (byte counts from one endpoint to another) over
// the Fabric as packets, with acknowledgements, loss recovery and a sending window.
// One small interface, two models: SRD (srd.h) and IB RC (ib_rc.h).
//
// Shared here: connections keyed by (src, dst), packetization into MTU-sized payloads,
// the per-message count of packets still to arrive, and the statistics hand-off (each
// message is one FlowStats flow; its FCT runs from post() until its last new payload
// byte reaches the receiver, when the MessageListener hears of it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/core/rng.h"
#include "sim/net/fabric.h"
#include "sim/stats/flow_stats.h"

namespace fabricplan::sim {

class MessageListener {
 public:
  virtual void message_done(Simulator& sim, std::uint32_t message) = 0;

 protected:
  ~MessageListener() = default;
};

struct TransportCounters {
  std::uint64_t data_packets_sent = 0;   // first transmissions and retransmissions
  std::uint64_t retransmissions = 0;
  std::uint64_t timeouts = 0;
  // Timeouts of a packet none of whose copies (nor their ACKs) had been dropped: the
  // timer fired on a packet still queued somewhere. A model fault until shown otherwise.
  std::uint64_t spurious_timeouts = 0;
  std::uint64_t drops = 0;                  // this transport's data packets and ACKs the fabric dropped
  std::uint64_t acks_sent = 0;
  std::uint64_t duplicates_received = 0;
  std::uint64_t out_of_order_received = 0;  // arrived ahead of a missing earlier packet
  std::uint64_t max_reorder_depth = 0;      // packets between the arrival and the first gap
  std::uint64_t path_changes = 0;           // SRD: path slots given a new entropy
  // IB RC: QPs whose retries ran out (IBTA 9.7.6.1.3: the QP enters the error state,
  // its messages never complete: the job using it fails), and when the first did.
  std::uint64_t qp_errors = 0;
  std::int64_t first_qp_error_ps = -1;
};

// Adds c into sum (maxima and first times taken, not added).
void add_counters(TransportCounters& sum, const TransportCounters& c);

struct PacketFormat {
  std::uint32_t mtu_payload_bytes = 4096;
  std::uint32_t header_bytes = 64;
  std::uint32_t ack_bytes = 64;
};

class Transport : public PacketSink, public EventHandler {
 public:
  Transport(Simulator& sim, Fabric& fabric, FlowStats& stats, const PacketFormat& format,
            std::string_view rng_stream);
  virtual ~Transport() = default;

  // Posts a message now: `bytes` from endpoint src to dst; `message` is its FlowStats id.
  virtual void post(std::uint32_t src, std::uint32_t dst, std::uint64_t bytes, std::uint32_t message) = 0;
  void set_listener(MessageListener* l) { listener_ = l; }
  // The traffic class its packets carry (one transport per scenario traffic entry).
  void set_traffic_class(std::uint32_t c) { traffic_class_ = static_cast<std::uint8_t>(c); }
  // Summed over the lanes of a partitioned run.
  TransportCounters counters() const;
  // Partitioned runs: connections are made before the run (in the schedule's order, so
  // the draws they make are the same whatever the threads do) and per-message state
  // is sized for `messages` FlowStats ids, so nothing is inserted while lanes run.
  void open_connection(std::uint32_t src, std::uint32_t dst) { connection(src, dst); }
  void reserve_messages(std::uint32_t messages);

  // Counts the drop and charges a lost data packet to its message; transports that
  // track losses per packet extend it.
  void dropped(Simulator& sim, const Packet& p, std::uint32_t port) override;

 protected:
  // Index of the connection src -> dst, made by add_connection() on first use.
  std::uint32_t connection(std::uint32_t src, std::uint32_t dst);
  virtual std::uint32_t add_connection(std::uint32_t src, std::uint32_t dst) = 0;

  std::uint32_t packets_for(std::uint64_t bytes) const;
  std::uint32_t payload_of(std::uint64_t message_bytes, std::uint32_t index_in_message) const;
  // A packet of this transport's, addressed and stamped now; the caller sets routing.
  std::uint32_t new_packet(std::uint32_t conn, std::uint32_t src, std::uint32_t dst, std::uint32_t seq,
                           std::uint32_t payload_bytes, std::uint8_t flags);
  // Receiver side: one more distinct packet of `message` arrived; completes it on the last.
  void message_packet_arrived(std::uint32_t message, std::uint32_t payload_bytes);
  void expect_packets(std::uint32_t message, std::uint32_t packets);
  void note_reorder(std::uint64_t depth);
  // The counters and random stream of the lane running now (lane 0's stream is the one
  // the sequential engine draws, so its results do not move).
  TransportCounters& lane_counters() { return lanes_[sim_.lane()].counters; }
  Rng& rng() { return lanes_[sim_.lane()].rng; }

  Simulator& sim_;
  Fabric& fabric_;
  FlowStats& stats_;
  PacketFormat format_;
  std::uint16_t owner_;
  MessageListener* listener_ = nullptr;
  std::uint8_t traffic_class_ = 0;

 private:
  struct alignas(64) LaneState {
    TransportCounters counters;
    Rng rng;
    explicit LaneState(Rng r) : rng(r) {}
  };
  std::vector<LaneState> lanes_;
  std::unordered_map<std::uint64_t, std::uint32_t> connections_;
  // Packets each message (FlowStats id) has: written once when posted, read by the
  // receiver, which compares it with FlowStats' count of distinct packets delivered
  // (a count of packets still missing here was written by every receiver, and shared
  // cache lines between lanes).
  std::vector<std::uint32_t> expected_packets_;
};

}  // namespace fabricplan::sim
