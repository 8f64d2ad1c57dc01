// Fabric: the packet-level network. Every directed link is an output port with a FIFO
// drop-tail queue, serialization at line rate (picoseconds per byte precomputed, so a
// packet costs one multiplication) and a propagation delay. Switches forward on the
// equal-cost next hops of models/topology, choosing among them by the routing policy:
//   spray    - a uniformly random next hop per packet (SRD-style packet spraying);
//   flowhash - hash(flow) picks one next hop per flow (ECMP on the 5-tuple);
//   dmodk    - destination d takes next hop d mod n (static D-mod-K, as OpenSM's
//              fat-tree engine routes a leaf-spine).
// Host NICs are ports too (the host's uplink), with the same queue discipline.
//
// One event per packet per hop. A FIFO port with a fixed rate is fully described by
// the time its last accepted packet finishes serialization (busy_until): a packet
// accepted at `now` departs at max(now, busy_until) + size x ps_per_byte and arrives at
// the next node a propagation delay later, so the arrival is scheduled at once and no
// "transmission done" event is needed (htsim's pipes work the same way). The drop-tail
// test uses the backlog still to be serialized, (busy_until - now) / ps_per_byte bytes,
// which counts the unsent part of the packet on the wire as queued.
// Delivered and dropped packets are reported to a PacketSink.
#pragma once

#include <cstdint>
#include <vector>

#include "models/topology/topology.h"
#include "sim/core/rng.h"
#include "sim/core/simulator.h"
#include "sim/net/packet.h"

namespace fabricplan::sim {

enum class RoutingPolicy { kSpray, kFlowHash, kDestModK };

class PacketSink {
 public:
  virtual void delivered(Simulator& sim, const Packet& p) = 0;
  virtual void dropped(Simulator& sim, const Packet& p, std::uint32_t port) = 0;

 protected:
  ~PacketSink() = default;
};

struct PortStats {
  std::uint64_t tx_packets = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t drops = 0;
  std::uint32_t max_queued_bytes = 0;
};

struct FabricParams {
  std::uint32_t queue_bytes = 1 << 20;  // drop-tail capacity per output port
  RoutingPolicy routing = RoutingPolicy::kSpray;
  std::uint64_t seed = 1;
};

class Fabric : public EventHandler {
 public:
  Fabric(Simulator& sim, const Topology& topo, const FabricParams& params, PacketSink& sink);

  PacketPool& pool() { return pool_; }
  // Hands packet `id` (fields filled) to its source host's NIC at the current time.
  void inject(std::uint32_t id);

  void on_event(Simulator& sim, std::uint64_t arg) override;

  std::size_t port_count() const { return ports_.size(); }
  const PortStats& port_stats(std::size_t p) const { return ports_[p].stats; }
  int port_from(std::size_t p) const { return ports_[p].from; }
  int port_to(std::size_t p) const { return ports_[p].to; }
  std::uint64_t link_transmissions() const { return link_transmissions_; }
  std::uint64_t drops() const { return drops_; }
  const Topology& topology() const { return topo_; }
  // The next hop a flow-hashed packet of `flow` takes among `n` choices (exposed so
  // tests can predict collisions from the hash alone).
  static std::uint32_t flow_hash(std::uint32_t flow, int node);

 private:
  struct Port {
    int from, to;
    std::int64_t ps_per_byte;
    std::int64_t propagation_ps;
    std::int64_t busy_until_ps = 0;  // end of serialization of the last accepted packet
    PortStats stats;
  };

  void enqueue(std::uint32_t port, std::uint32_t id);
  void arrive(std::uint32_t port, std::uint32_t id);
  std::uint32_t choose_port(int node, const Packet& p);

  Simulator& sim_;
  const Topology& topo_;
  FabricParams params_;
  PacketSink& sink_;
  NextHops next_hops_;
  std::vector<Port> ports_;
  static constexpr std::uint32_t kNoPort = UINT32_MAX;
  std::vector<std::uint32_t> host_port_;  // uplink port of each host
  PacketPool pool_;
  Rng spray_rng_;
  std::uint64_t link_transmissions_ = 0;
  std::uint64_t drops_ = 0;
};

}  // namespace fabricplan::sim
