#include "sim/net/fabric.h"

namespace fabricplan::sim {

Fabric::Fabric(Simulator& sim, const Topology& topo, const FabricParams& params, PacketSink& sink)
    : sim_(sim), topo_(topo), params_(params), sink_(sink), next_hops_(compute_next_hops(topo)),
      host_port_(topo.hosts, kNoPort), spray_rng_(params.seed, "fabric.spray") {
  ports_.reserve(2 * topo.links.size());
  for (const auto& l : topo.links) {
    std::int64_t ppb = ps_per_byte(l.gbit_per_s * 1e9);
    std::int64_t prop = Time::from_us(l.propagation_us).ps();
    ports_.push_back(Port{l.a, l.b, ppb, prop});
    ports_.push_back(Port{l.b, l.a, ppb, prop});
  }
  for (std::uint32_t p = 0; p < ports_.size(); ++p) {
    int from = ports_[p].from;
    if (from < topo.hosts && host_port_[from] == kNoPort) host_port_[from] = p;
  }
}

std::uint32_t Fabric::flow_hash(std::uint32_t flow, int node) {
  // A 5-tuple hash stand-in: mix flow and switch so switches decide independently.
  std::uint64_t x = (static_cast<std::uint64_t>(flow) << 32) ^ static_cast<std::uint32_t>(node);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return static_cast<std::uint32_t>(x);
}

std::uint32_t Fabric::choose_port(int node, const Packet& p) {
  int n = next_hops_.size(node, static_cast<int>(p.dst));
  const std::uint32_t* hops = next_hops_.begin(node, static_cast<int>(p.dst));
  if (n == 1) return hops[0];
  switch (params_.routing) {
    case RoutingPolicy::kSpray: return hops[spray_rng_.below(n)];
    case RoutingPolicy::kFlowHash: return hops[flow_hash(p.flow, node) % n];
    case RoutingPolicy::kDestModK:
      // Destination index mod the number of equal-cost choices, at every switch. For a
      // leaf-spine this is OpenSM's D-mod-K (uplink d mod S); a fat-tree's core level
      // would need (d div k/2) mod k/2, which this does not do yet.
      return hops[p.dst % n];
  }
  return hops[0];
}

void Fabric::inject(std::uint32_t id) { enqueue(host_port_[pool_[id].src], id); }

void Fabric::enqueue(std::uint32_t port, std::uint32_t id) {
  Port& q = ports_[port];
  const Packet& p = pool_[id];
  const std::int64_t now = sim_.now().ps();
  std::int64_t start = q.busy_until_ps > now ? q.busy_until_ps : now;
  std::int64_t backlog_bytes = (start - now) / q.ps_per_byte;
  if (backlog_bytes + p.wire_bytes > params_.queue_bytes) {
    ++q.stats.drops;
    ++drops_;
    sink_.dropped(sim_, p, port);
    pool_.release(id);
    return;
  }
  if (backlog_bytes > q.stats.max_queued_bytes) q.stats.max_queued_bytes = static_cast<std::uint32_t>(backlog_bytes);
  q.busy_until_ps = start + q.ps_per_byte * p.wire_bytes;
  ++q.stats.tx_packets;
  q.stats.tx_bytes += p.wire_bytes;
  ++link_transmissions_;
  sim_.schedule_at(Time::from_ps(q.busy_until_ps + q.propagation_ps), this,
                   (static_cast<std::uint64_t>(port) << 32) | id);
}

void Fabric::on_event(Simulator&, std::uint64_t arg) {
  arrive(static_cast<std::uint32_t>(arg >> 32), static_cast<std::uint32_t>(arg));
}

void Fabric::arrive(std::uint32_t port, std::uint32_t id) {
  int node = ports_[port].to;
  Packet& p = pool_[id];
  if (node == static_cast<int>(p.dst)) {
    sink_.delivered(sim_, p);
    pool_.release(id);
    return;
  }
  enqueue(choose_port(node, p), id);
}

}  // namespace fabricplan::sim
