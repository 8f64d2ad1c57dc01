// Fabric: the packet-level network. Every directed link is an output port with
// serialization at line rate (picoseconds per byte precomputed, so a packet costs one
// multiplication) and a propagation delay. Switches forward on the equal-cost next hops
// of models/topology; which one a packet takes is decided by its Route:
//   kFabricDefault - the fabric's RoutingPolicy (open-loop traffic):
//       spray    - a uniformly random next hop per packet at every switch;
//       flowhash - hash(flow, switch) picks one next hop per flow (ECMP on the 5-tuple);
//       dmodk    - D-mod-K on the destination, as below;
//   kEntropyHash   - hash(entropy, switch): the transport chooses the path by the entropy
//       it writes (SRD varies it per packet, as it varies the UDP source port; ECMP
//       keeps one per flow);
//   kDestModK      - static D-mod-K on the destination LID in `entropy` (OpenSM's
//       fat-tree engine): a leaf or edge switch goes up through choice LID mod n; an
//       aggregation switch of a k-ary fat-tree through (LID div k/2) mod n, so the
//       core a destination is reached through is fixed by its index (bench/SCENARIOS.md).
//
// Two port disciplines (FabricParams::lossless):
//   drop-tail (Ethernet, SRD): one event per packet per hop. A FIFO port with a fixed
//     rate is fully described by the time its last accepted packet finishes
//     serialization (busy_until): a packet accepted at `now` departs at
//     max(now, busy_until) + size x ps_per_byte and arrives a propagation delay later,
//     so the arrival is scheduled at once (htsim's pipes work the same way). The drop
//     test uses the backlog still to be serialized, (busy_until - now) / ps_per_byte.
//     Optionally a switch's ports share one buffer with Choudhury-Hahne dynamic
//     thresholds (a port may hold alpha x the free shared space).
//   lossless (IB credit-based link-level flow control, IBTA vol. 1 sec. 7.9): each
//     port holds a real FIFO and may start a packet only when the next node's input
//     buffer (queue_bytes per input port) has credit for it; the credit comes back one
//     propagation delay after the packet leaves that node. A blocked head blocks every
//     packet behind it, whatever its destination (head-of-line blocking), and a full
//     input buffer stalls the port feeding it (congestion spreading). Nothing is
//     dropped except at a failed link. Costs three events per hop (arrival, end of
//     transmission, credit return).
// Host NICs send ACKs/NAKs ahead of queued data (drop-tail mode): NICs generate them in
// hardware beside the send queues; their bytes are still charged to the link.
// ECN: a packet that finds more than ecn_threshold_bytes queued is marked kFlagEcn.
// Faults: a failed link's ports drop whatever they are asked to send (and, lossless,
// what they held); set_next_hops installs routes recomputed without it (the subnet
// manager's or routing protocol's reroute, timed by the caller).
// Delivered and dropped packets are reported to the PacketSink the packet's owner names.
// Partitioned runs (Simulator::partition): a port belongs to the lane of the node it
// leaves, except a port from an upper switch down to an edge switch (spine to leaf,
// aggregation to edge), which belongs to that edge switch's lane: only traffic for that
// edge's hosts crosses it. An arrival at a switch runs in the lane of the port it will
// leave by (every equal-cost choice of a switch lies in one lane, checked), so a packet
// from leaf A through spine S to leaf B changes lanes once, not twice, and what it
// touches at S belongs to B's lane. Counters are kept per lane and summed when read. A drop is told to its sink one lookahead later, in the lane of the
// sink's state_endpoint (the sink's sender state may live in another lane than the
// switch that dropped it); the sequential engine tells it at once.
#pragma once

#include <cstdint>
#include <vector>

#include "models/topology/topology.h"
#include "sim/core/rng.h"
#include "sim/core/simulator.h"
#include "sim/net/id_ring.h"
#include "sim/net/packet.h"
#include "sim/net/packet_pool.h"

namespace fabricplan::sim {

enum class RoutingPolicy { kSpray, kFlowHash, kDestModK };

class PacketSink {
 public:
  virtual void delivered(Simulator& sim, const Packet& p) = 0;
  virtual void dropped(Simulator& sim, const Packet& p, std::uint32_t port) = 0;
  // The endpoint whose state dropped(p) changes: a partitioned run tells that
  // endpoint's lane (the sender of data, the receiver of an ACK, which is the data's
  // sender).
  virtual std::uint32_t state_endpoint(const Packet& p) const {
    return (p.flags & (kFlagAck | kFlagNak)) ? p.dst : p.src;
  }

 protected:
  ~PacketSink() = default;
};

struct PortStats {
  std::uint64_t tx_packets = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t drops = 0;
  std::uint64_t ecn_marks = 0;
  std::uint64_t max_queued_bytes = 0;  // 64-bit: host queues may hold more than 4 GiB
  std::uint64_t class_mask = 0;      // bit c: a packet of traffic class c crossed the port
  std::int64_t credit_stall_ps = 0;  // lossless: time a waiting head had no credit
};

struct FabricParams {
  std::uint32_t queue_bytes = 1 << 20;       // per switch output port (drop-tail) or input port (lossless)
  std::uint64_t host_queue_bytes = 1 << 20;  // host NIC output queue (drop-tail)
  std::uint64_t shared_buffer_bytes = 0;     // > 0: switch ports share this much (drop-tail)
  double shared_buffer_alpha = 1.0;          // dynamic threshold factor
  std::uint32_t ecn_threshold_bytes = 0;     // 0: no marking
  bool lossless = false;
  RoutingPolicy routing = RoutingPolicy::kSpray;
  std::uint64_t seed = 1;
};

class Fabric : public EventHandler {
 public:
  // `sink` is owner 0: it hears of packets whose owner is 0 (open-loop traffic).
  Fabric(Simulator& sim, const Topology& topo, const FabricParams& params, PacketSink& sink);

  // Registers another sink; packets with `owner` = the returned id are reported to it.
  std::uint16_t add_sink(PacketSink& sink);
  PacketPool& pool() { return pool_; }
  // Hands packet `id` (fields filled) to its source host's NIC at the current time.
  void inject(std::uint32_t id);

  // When the packets now queued at `host`'s NIC will have left it (ps): a sender's
  // retransmission timer starts there, not when it queued the packet.
  std::int64_t nic_drained_at_ps(std::uint32_t host) const;

  // The one-way time of a `wire_bytes` packet from host src to host dst through empty
  // queues: serialization plus propagation on each hop of the first equal-cost route
  // (equal-cost routes have the same hop count and per-tier speeds). -1 if unreachable.
  double nic_bytes_per_s(std::uint32_t host) const { return port_bytes_per_s(host_port_[host]); }
  std::int64_t unloaded_one_way_ps(std::uint32_t src, std::uint32_t dst, std::uint32_t wire_bytes) const;
  // The longest a `wire_bytes` packet that is not dropped can take from leaving src's
  // NIC to reaching dst (drop-tail): the unloaded time plus a full buffer to drain at
  // every switch port on the way (its queue_bytes, or the whole shared buffer). A
  // FIFO port admits nothing past its buffer, so no packet can be later than this.
  // -1 if unreachable or lossless (credit back-pressure has no such bound).
  std::int64_t max_one_way_ps(std::uint32_t src, std::uint32_t dst, std::uint32_t wire_bytes) const;
  // Link `link` (index into topology().links) goes down or comes back, now.
  void set_link_up(std::size_t link, bool up);
  bool link_up(std::size_t link) const { return ports_[2 * link].up; }
  // Installs new routes (e.g. recomputed without failed links).
  void set_next_hops(NextHops routes);

  void on_event(Simulator& sim, std::uint64_t arg) override;
  void prefetch(std::uint64_t arg) const override;
  std::uint32_t lane_of(std::uint64_t arg) const override;
  // Partitioned runs: the lane that owns port p (reads and writes its state).
  std::uint32_t port_lane(std::uint32_t p) const { return port_lane_[p]; }

  std::size_t port_count() const { return ports_.size(); }
  PortStats port_stats(std::size_t p) const;
  int port_from(std::size_t p) const { return rest_[p].from; }
  int port_to(std::size_t p) const { return ports_[p].to; }
  double port_bytes_per_s(std::size_t p) const { return 1e12 / ports_[p].ps_per_byte; }
  std::uint64_t link_transmissions() const { return sum(&LaneCounters::link_transmissions); }
  std::uint64_t drops() const { return sum(&LaneCounters::drops); }
  std::uint64_t fault_drops() const { return sum(&LaneCounters::fault_drops); }
  std::uint64_t ecn_marks() const { return sum(&LaneCounters::ecn_marks); }
  // The longest queue a packet of traffic class c found on arrival at any port, and
  // that port (UINT32_MAX if none queued), and the class's packets dropped: what a
  // report names as the mechanism behind a slow class.
  struct ClassPortStats {
    std::uint64_t max_queue_bytes = 0;
    std::uint32_t max_queue_port = UINT32_MAX;
    std::uint64_t drops = 0;
  };
  // Over all lanes: the longest queue (the lowest lane's port on a tie), drops summed.
  ClassPortStats class_port_stats(std::uint32_t c) const;
  const Topology& topology() const { return topo_; }
  const FabricParams& params() const { return params_; }
  // The next hop a flow-hashed packet of `flow` takes among `n` choices (exposed so
  // tests can predict collisions from the hash alone).
  static std::uint32_t flow_hash(std::uint32_t flow, int node);

 private:
  // What a packet's hop reads and writes, in one 64-byte line: the engine's time goes
  // to cache misses on ports and packets, so everything else a port has lives in
  // PortRest. Exact counters: tx_packets is kept as 32 low bits here and the carries
  // in PortRest (port_stats() joins them).
  struct alignas(64) Port {
    std::int64_t busy_until_ps = 0;  // end of serialization of the last accepted packet
    std::int64_t propagation_ps;
    std::uint64_t capacity_bytes;    // drop-tail limit
    std::uint64_t max_queued_bytes = 0;
    std::uint64_t tx_bytes = 0;
    std::uint64_t class_mask = 0;    // bit c: a packet of traffic class c crossed the port
    std::uint32_t ps_per_byte;       // 1 (8 Tbit/s) to 8e6 (1 Mbit/s): see kMin/kMaxLinkGbitPerS
    int to;
    std::uint32_t tx_packets_low = 0;
    bool up = true;
    bool from_host = false;
    bool to_host = false;
    bool transmitting = false;  // lossless: a packet is being serialized
  };
  static_assert(sizeof(Port) == 64);
  // Lossless ports read their queue and credit on every event: those fill the first
  // line; the rarely touched counters follow.
  struct alignas(64) PortRest {
    IdRing queue;                     // lossless: packets waiting for the wire or credit
    std::int64_t queued_bytes = 0;
    std::int64_t credit_bytes = 0;    // free space in the next node's input buffer
    std::int64_t stalled_since_ps = -1;
    int from;
    std::uint32_t tx_packets_high = 0;  // carries out of Port::tx_packets_low
    std::uint64_t drops = 0;
    std::uint64_t ecn_marks = 0;
    std::int64_t credit_stall_ps = 0;
  };
  enum EventKind : std::uint64_t { kArrive = 0, kTxDone = 1, kCredit = 2, kDepart = 3 };
  static std::uint64_t event_arg(EventKind k, std::uint32_t port, std::uint32_t value) {
    return (static_cast<std::uint64_t>(k) << 62) | (static_cast<std::uint64_t>(port) << 32) | value;
  }

  void enqueue(std::uint32_t port, std::uint32_t id);
  void send_control(std::uint32_t port, std::uint32_t id);
  void arrive(std::uint32_t port, std::uint32_t id);
  std::uint32_t choose_port(int node, const Packet& p);
  void drop(std::uint32_t port, std::uint32_t id, bool fault);
  bool shared_buffer_admits(const Port& q, std::int64_t backlog_bytes, std::uint32_t bytes) const;
  // Lossless discipline (fabric_lossless.cc).
  void lossless_enqueue(std::uint32_t port, std::uint32_t id);
  void lossless_try_send(std::uint32_t port);
  void lossless_credit(std::uint32_t port, std::uint32_t bytes);
  void return_credit(std::uint32_t in_port, std::uint32_t bytes, std::int64_t at_ps);
  void lossless_flush(std::uint32_t port);
  // (Inlined: it runs on every hop, and out of line it cost bench-p-128-spray 2%.)
  [[gnu::always_inline]] void note_queue(Port& q, std::int64_t queued_bytes, Packet& p);
  // The index of port q (q is an element of ports_), and the rest of it.
  std::uint32_t index_of(const Port& q) const { return static_cast<std::uint32_t>(&q - ports_.data()); }
  PortRest& rest_of(const Port& q) { return rest_[index_of(q)]; }
  // Counts a packet put on port q's wire.
  void count_transmission(Port& q, const Packet& p) {
    if (++q.tx_packets_low == 0) ++rest_of(q).tx_packets_high;
    q.tx_bytes += p.wire_bytes;
    q.class_mask |= std::uint64_t{1} << (p.traffic_class & 63);
    ++counters().link_transmissions;
  }
  // What a hop counts, one per lane (a partitioned run's lanes write their own).
  struct alignas(64) LaneCounters {
    std::uint64_t link_transmissions = 0;
    std::uint64_t drops = 0;
    std::uint64_t fault_drops = 0;
    std::uint64_t ecn_marks = 0;
    ClassPortStats class_ports[64];
    Rng spray_rng;
    explicit LaneCounters(Rng rng) : spray_rng(rng) {}
  };
  LaneCounters& counters() { return partitioned_ ? lanes_[sim_.lane()] : lanes_.front(); }
  std::uint64_t sum(std::uint64_t LaneCounters::*field) const {
    std::uint64_t n = 0;
    for (const LaneCounters& l : lanes_) n += l.*field;
    return n;
  }
  // Partitioned runs: tells a dropped packet's sink, one lookahead after the drop.
  struct DropNotices final : EventHandler {
    Fabric* fabric = nullptr;
    void on_event(Simulator& sim, std::uint64_t arg) override;
    std::uint32_t lane_of(std::uint64_t arg) const override;
  };
  void tell_dropped(std::uint32_t port, std::uint32_t id);

  Simulator& sim_;
  const Topology& topo_;
  FabricParams params_;
  std::vector<PacketSink*> sinks_;
  NextHops next_hops_;
  std::vector<Port> ports_;
  std::vector<PortRest> rest_;  // parallel to ports_
  static constexpr std::uint32_t kNoPort = UINT32_MAX;
  std::vector<std::uint32_t> host_port_;  // uplink port of each host
  std::vector<std::int64_t> shared_used_bytes_;  // per node, shared-buffer mode
  PacketPool pool_;
  std::vector<LaneCounters> lanes_;
  bool partitioned_;  // the simulator's, read on every hop
  std::vector<std::uint32_t> port_lane_;  // partitioned: each port's owner
  // Partitioned: the lane an arrival at a switch runs in, per (switch - hosts, destination
  // group): the lane of the ports it may leave by.
  std::vector<std::uint16_t> arrival_lane_;
  // Schedules a fabric event in its lane (the lane is worked out here, not asked for).
  void schedule(std::int64_t at_ps, std::uint64_t arg) {
    if (partitioned_) {
      sim_.schedule_in_lane(Time::from_ps(at_ps), this, arg, Fabric::lane_of(arg));
    } else {
      sim_.schedule_at(Time::from_ps(at_ps), this, arg);
    }
  }
  std::vector<int> port_to_;              // ports_[p].to, never written: read by other lanes
  // Gives ports from upper switches down to edge switches to the edge's lane where every
  // switch's equal-cost choices then still lie in one lane (else each port stays in the
  // lane of the node it leaves).
  void assign_port_lanes();
  void assign_arrival_lanes();
  DropNotices drop_notices_;
};

// Records the queue a packet found on arrival at port q, and marks it past the ECN threshold.
inline void Fabric::note_queue(Port& q, std::int64_t queued_bytes, Packet& p) {
  const auto queued = static_cast<std::uint64_t>(queued_bytes);
  if (queued > q.max_queued_bytes) q.max_queued_bytes = queued;
  ClassPortStats& c = counters().class_ports[p.traffic_class & 63];
  if (queued > c.max_queue_bytes) {
    c.max_queue_bytes = queued;
    c.max_queue_port = index_of(q);
  }
  if (params_.ecn_threshold_bytes && queued_bytes > params_.ecn_threshold_bytes && !(p.flags & kFlagEcn)) {
    p.flags |= kFlagEcn;
    ++rest_of(q).ecn_marks;
    ++counters().ecn_marks;
  }
}

}  // namespace fabricplan::sim
