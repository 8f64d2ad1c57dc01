#include "sim/net/fabric.h"

#include <stdexcept>
#include <string>

#include "models/topology/routing.h"

namespace fabricplan::sim {

Fabric::Fabric(Simulator& sim, const Topology& topo, const FabricParams& params, PacketSink& sink)
    : sim_(sim), topo_(topo), params_(params), sinks_{&sink}, next_hops_(compute_next_hops(topo)),
      host_port_(topo.hosts, kNoPort), shared_used_bytes_(topo.nodes.size(), 0), pool_(sim.lane_count()) {
  // Lane 0 draws the stream the sequential engine draws; the others their own.
  for (std::uint32_t l = 0; l < sim.lane_count(); ++l) {
    lanes_.emplace_back(Rng(params.seed, l == 0 ? std::string("fabric.spray") : "fabric.spray.lane" + std::to_string(l)));
  }
  partitioned_ = sim.partitioned();
  drop_notices_.fabric = this;
  ports_.reserve(2 * topo.links.size());
  rest_.reserve(2 * topo.links.size());
  auto add = [&](int from, int to, const TopoLink& l) {
    // Every reader of a rate refuses one outside this range with its field; this is the
    // backstop for a caller that did not (a zero ps_per_byte would divide by zero).
    if (!(l.gbit_per_s >= kMinLinkGbitPerS && l.gbit_per_s <= kMaxLinkGbitPerS)) {
      throw std::invalid_argument("link " + std::to_string(l.a) + "-" + std::to_string(l.b) + " at " +
                                  std::to_string(l.gbit_per_s) + " Gbit/s: the packet engine represents " +
                                  std::to_string(kMinLinkGbitPerS) + " to " + std::to_string(kMaxLinkGbitPerS) +
                                  " Gbit/s");
    }
    Port q{};
    q.to = to;
    q.ps_per_byte = static_cast<std::uint32_t>(ps_per_byte(l.gbit_per_s * 1e9));
    q.propagation_ps = Time::from_us(l.propagation_us).ps();
    q.from_host = from < topo.hosts;
    q.to_host = to < topo.hosts;
    q.capacity_bytes = q.from_host ? params.host_queue_bytes : params.queue_bytes;
    PortRest r{};
    r.from = from;
    // A host drains what it receives at line rate, so a port into a host never waits
    // for credit; every other port starts with the next switch's whole input buffer.
    r.credit_bytes = q.to_host ? INT64_MAX / 2 : params.queue_bytes;
    ports_.push_back(q);
    rest_.push_back(std::move(r));
  };
  for (const auto& l : topo.links) {
    add(l.a, l.b, l);
    add(l.b, l.a, l);
  }
  for (std::uint32_t p = 0; p < ports_.size(); ++p) {
    int from = rest_[p].from;
    if (from < topo.hosts && host_port_[from] == kNoPort) host_port_[from] = p;
    port_to_.push_back(ports_[p].to);
  }
  if (partitioned_) {
    assign_port_lanes();
    assign_arrival_lanes();
  }
}

void Fabric::assign_port_lanes() {
  port_lane_.resize(ports_.size());
  for (std::uint32_t p = 0; p < ports_.size(); ++p) port_lane_[p] = sim_.lane_of_node(rest_[p].from);
  // A shared buffer is one per switch: its ports stay in its lane.
  if (params_.shared_buffer_bytes > 0) return;
  const int hosts = topo_.hosts;
  std::vector<bool> edge(topo_.nodes.size(), false);
  for (const TopoLink& l : topo_.links) {
    if (l.a < hosts && l.b >= hosts) edge[static_cast<std::size_t>(l.b)] = true;
    if (l.b < hosts && l.a >= hosts) edge[static_cast<std::size_t>(l.a)] = true;
  }
  std::vector<std::uint32_t> lanes = port_lane_;
  for (std::uint32_t p = 0; p < ports_.size(); ++p) {
    const int from = rest_[p].from, to = ports_[p].to;
    if (from >= hosts && !edge[static_cast<std::size_t>(from)] && to >= hosts && edge[static_cast<std::size_t>(to)]) {
      lanes[p] = sim_.lane_of_node(to);
    }
  }
  const NextHops& h = next_hops_;
  for (std::size_t row = 0; row < h.count.size(); ++row) {
    const std::uint32_t* first = h.ports.data() + h.offset[row];
    for (int k = 1; k < h.count[row]; ++k) {
      if (lanes[first[k]] != lanes[first[0]]) return;  // choices in two lanes: keep the nodes' lanes
    }
  }
  port_lane_ = std::move(lanes);
}

void Fabric::assign_arrival_lanes() {
  const NextHops& h = next_hops_;
  const int switches = static_cast<int>(topo_.nodes.size()) - topo_.hosts;
  arrival_lane_.assign(static_cast<std::size_t>(switches) * h.groups, 0);
  for (int sw = 0; sw < switches; ++sw) {
    const int node = topo_.hosts + sw;
    for (int g = 0; g < h.groups; ++g) {
      const std::size_t i = static_cast<std::size_t>(sw) * h.groups + g;
      // Down to one of its own hosts, or nowhere: the switch's lane; else its choices'.
      const bool own = h.group_switch[g] == node || h.count[i] == 0;
      arrival_lane_[i] = static_cast<std::uint16_t>(own ? sim_.lane_of_node(node) : port_lane_[h.ports[h.offset[i]]]);
    }
  }
}

PortStats Fabric::port_stats(std::size_t p) const {
  const Port& q = ports_[p];
  const PortRest& r = rest_[p];
  PortStats s;
  s.tx_packets = (static_cast<std::uint64_t>(r.tx_packets_high) << 32) | q.tx_packets_low;
  s.tx_bytes = q.tx_bytes;
  s.drops = r.drops;
  s.ecn_marks = r.ecn_marks;
  s.max_queued_bytes = q.max_queued_bytes;
  s.class_mask = q.class_mask;
  s.credit_stall_ps = r.credit_stall_ps;
  return s;
}

std::uint16_t Fabric::add_sink(PacketSink& sink) {
  sinks_.push_back(&sink);
  return static_cast<std::uint16_t>(sinks_.size() - 1);
}

std::uint32_t Fabric::flow_hash(std::uint32_t flow, int node) { return route_hash(flow, node); }

std::uint32_t Fabric::choose_port(int node, const Packet& p) {
  const NextHops::Choices choices = next_hops_.choices(node, static_cast<int>(p.dst));
  const std::uint32_t* hops = choices.ports;
  const int n = choices.count;  // (not structured bindings: lambdas below capture them)
  if (n == 1) return hops[0];
  if (n == 0) return kNoPort;  // unreachable (every route to dst has failed)
  auto dmodk = [&](std::uint32_t lid) { return hops[dmodk_index(topo_, node, lid, n)]; };
  switch (p.route) {
    case Route::kEntropyHash: return hops[flow_hash(p.entropy, node) % n];
    case Route::kDestModK: return dmodk(p.entropy);
    case Route::kAdaptive: {
      // The port whose queue drains soonest among those whose link is up: its
      // serialization backlog plus what waits for credits; equal ones in an order
      // rotated by the packet's entropy.
      const std::int64_t now = sim_.now().ps();
      const int first = static_cast<int>(flow_hash(p.entropy, node) % n);
      std::uint32_t best = hops[first];
      std::int64_t best_at = INT64_MAX;
      for (int k = 0; k < n; ++k) {
        const std::uint32_t port = hops[(first + k) % n];
        const Port& q = ports_[port];
        if (!q.up) continue;  // a switch does not choose a port whose link is down
        const std::int64_t at = std::max(q.busy_until_ps, now) + rest_[port].queued_bytes * q.ps_per_byte;
        if (at < best_at) best_at = at, best = port;
      }
      return best;
    }
    case Route::kFabricDefault: break;
  }
  switch (params_.routing) {
    case RoutingPolicy::kSpray: return hops[counters().spray_rng.below(n)];
    case RoutingPolicy::kFlowHash: return hops[flow_hash(p.flow, node) % n];
    case RoutingPolicy::kDestModK: return dmodk(p.dst);
  }
  return hops[0];
}

void Fabric::inject(std::uint32_t id) {
  pool_[id].in_port = kNoPort;
  if (params_.lossless) {
    lossless_enqueue(host_port_[pool_[id].src], id);
  } else {
    enqueue(host_port_[pool_[id].src], id);
  }
}

std::int64_t Fabric::unloaded_one_way_ps(std::uint32_t src, std::uint32_t dst, std::uint32_t wire_bytes) const {
  std::int64_t t = 0;
  std::uint32_t port = host_port_[src];
  for (int hops = 0; hops <= static_cast<int>(topo_.nodes.size()); ++hops) {
    const Port& q = ports_[port];
    t += q.propagation_ps + static_cast<std::int64_t>(wire_bytes) * q.ps_per_byte;
    if (q.to == static_cast<int>(dst)) return t;
    auto [next, n] = next_hops_.choices(q.to, static_cast<int>(dst));
    if (n == 0) return -1;
    port = next[0];
  }
  return -1;  // a routing loop: not a shortest-path table
}

std::int64_t Fabric::max_one_way_ps(std::uint32_t src, std::uint32_t dst, std::uint32_t wire_bytes) const {
  if (params_.lossless) return -1;
  const std::int64_t unloaded = unloaded_one_way_ps(src, dst, wire_bytes);
  if (unloaded < 0) return -1;
  std::int64_t queueing = 0;
  std::uint32_t port = host_port_[src];
  for (int hops = 0; hops <= static_cast<int>(topo_.nodes.size()); ++hops) {
    const Port& q = ports_[port];
    if (q.to == static_cast<int>(dst)) return unloaded + queueing;
    auto [next, n] = next_hops_.choices(q.to, static_cast<int>(dst));
    if (n == 0) return -1;
    port = next[0];
    const Port& out = ports_[port];
    const std::uint64_t buffer = params_.shared_buffer_bytes > 0 ? params_.shared_buffer_bytes : out.capacity_bytes;
    queueing += static_cast<std::int64_t>(buffer) * out.ps_per_byte;
  }
  return -1;
}

std::int64_t Fabric::nic_drained_at_ps(std::uint32_t host) const {
  const Port& q = ports_[host_port_[host]];
  const std::int64_t now = sim_.now().ps();
  std::int64_t busy = q.busy_until_ps > now ? q.busy_until_ps : now;
  if (!params_.lossless) return busy;  // a drop-tail port's backlog is all in busy_until
  return busy + rest_[host_port_[host]].queued_bytes * q.ps_per_byte;
}

void Fabric::drop(std::uint32_t port, std::uint32_t id, bool fault) {
  ++rest_[port].drops;
  LaneCounters& c = counters();
  ++c.drops;
  c.fault_drops += fault;
  const Packet& p = pool_[id];
  ++c.class_ports[p.traffic_class & 63].drops;
  if (partitioned_) return tell_dropped(port, id);
  sinks_[p.owner]->dropped(sim_, p, port);
  pool_.release(id);
}

void Fabric::tell_dropped(std::uint32_t port, std::uint32_t id) {
  sim_.schedule_at(sim_.now() + sim_.partition_used().lookahead, &drop_notices_, (std::uint64_t{port} << 32) | id);
}

void Fabric::DropNotices::on_event(Simulator& sim, std::uint64_t arg) {
  const auto id = static_cast<std::uint32_t>(arg);
  const Packet& p = fabric->pool_[id];
  fabric->sinks_[p.owner]->dropped(sim, p, static_cast<std::uint32_t>(arg >> 32));
  fabric->pool_.release(id, sim.lane());
}

std::uint32_t Fabric::DropNotices::lane_of(std::uint64_t arg) const {
  const Packet& p = fabric->pool_[static_cast<std::uint32_t>(arg)];
  return fabric->sim_.lane_of_node(static_cast<int>(fabric->sinks_[p.owner]->state_endpoint(p)));
}

std::uint32_t Fabric::lane_of(std::uint64_t arg) const {
  const auto port = static_cast<std::uint32_t>((arg >> 32) & 0x3fffffff);
  if (static_cast<EventKind>(arg >> 62) != kArrive) return port_lane_[port];
  // An arrival runs where the port it leaves by is (all of a switch's choices towards
  // one destination share a lane, so the choice itself can wait for the arrival).
  const int node = port_to_[port];
  if (node < topo_.hosts) return sim_.lane_of_node(node);  // a host: the packet's end
  const std::uint32_t dst = pool_[static_cast<std::uint32_t>(arg)].dst;
  return arrival_lane_[static_cast<std::size_t>(node - topo_.hosts) * next_hops_.groups + next_hops_.host_group[dst]];
}

void Fabric::set_next_hops(NextHops routes) {
  if (partitioned_) throw std::logic_error("new routes in a partitioned run (its lanes follow the routes it began with)");
  next_hops_ = std::move(routes);
}

Fabric::ClassPortStats Fabric::class_port_stats(std::uint32_t c) const {
  ClassPortStats all;
  for (const LaneCounters& l : lanes_) {
    const ClassPortStats& x = l.class_ports[c & 63];
    all.drops += x.drops;
    if (x.max_queue_port != UINT32_MAX && (all.max_queue_port == UINT32_MAX || x.max_queue_bytes > all.max_queue_bytes)) {
      all.max_queue_bytes = x.max_queue_bytes;
      all.max_queue_port = x.max_queue_port;
    }
  }
  return all;
}

bool Fabric::shared_buffer_admits(const Port& q, std::int64_t backlog, std::uint32_t bytes) const {
  std::int64_t used = shared_used_bytes_[rest_[index_of(q)].from];
  std::int64_t free_bytes = static_cast<std::int64_t>(params_.shared_buffer_bytes) - used;
  return free_bytes >= bytes && backlog + bytes <= params_.shared_buffer_alpha * free_bytes;
}

void Fabric::enqueue(std::uint32_t port, std::uint32_t id) {
  Port& q = ports_[port];
  Packet& p = pool_[id];
  if (!q.up) return drop(port, id, true);
  const std::int64_t now = sim_.now().ps();
  if (q.from_host && (p.flags & (kFlagAck | kFlagNak))) return send_control(port, id);
  std::int64_t start = q.busy_until_ps > now ? q.busy_until_ps : now;
  std::int64_t backlog_bytes = (start - now) / q.ps_per_byte;
  bool shared = params_.shared_buffer_bytes > 0 && !q.from_host;
  bool admit = shared ? shared_buffer_admits(q, backlog_bytes, p.wire_bytes)
                      : backlog_bytes + p.wire_bytes <= static_cast<std::int64_t>(q.capacity_bytes);
  if (!admit) return drop(port, id, false);
  note_queue(q, backlog_bytes, p);
  if (q.from_host) p.sent_ps = start;  // the NIC stamps the packet as it goes on the wire
  q.busy_until_ps = start + std::int64_t{q.ps_per_byte} * p.wire_bytes;
  count_transmission(q, p);
  if (shared) {
    // The shared space is held until the packet has left; that needs its own event.
    shared_used_bytes_[rest_[port].from] += p.wire_bytes;
    schedule(q.busy_until_ps, event_arg(kDepart, port, p.wire_bytes));
  }
  schedule(q.busy_until_ps + q.propagation_ps, event_arg(kArrive, port, id));
}

void Fabric::send_control(std::uint32_t port, std::uint32_t id) {
  // NICs generate ACKs in hardware beside the send queues: an ACK leaves at once
  // instead of waiting behind the host's data. Its bytes still count on the link (the
  // data behind it is pushed back by its serialization), so link capacity is kept.
  Port& q = ports_[port];
  const Packet& p = pool_[id];
  const std::int64_t now = sim_.now().ps();
  const std::int64_t serialization = std::int64_t{q.ps_per_byte} * p.wire_bytes;
  q.busy_until_ps = (q.busy_until_ps > now ? q.busy_until_ps : now) + serialization;
  count_transmission(q, p);
  schedule(now + serialization + q.propagation_ps, event_arg(kArrive, port, id));
}

void Fabric::on_event(Simulator&, std::uint64_t arg) {
  auto kind = static_cast<EventKind>(arg >> 62);
  auto port = static_cast<std::uint32_t>((arg >> 32) & 0x3fffffff);
  auto value = static_cast<std::uint32_t>(arg);
  switch (kind) {
    case kArrive: return arrive(port, value);
    case kTxDone:
      ports_[port].transmitting = false;
      return lossless_try_send(port);
    case kCredit: return lossless_credit(port, value);
    case kDepart: shared_used_bytes_[rest_[port].from] -= value; return;
  }
}

void Fabric::prefetch(std::uint64_t arg) const {
  const auto port = static_cast<std::uint32_t>((arg >> 32) & 0x3fffffff);
  if (static_cast<EventKind>(arg >> 62) != kArrive) {
    __builtin_prefetch(&ports_[port]);
    if (params_.lossless) __builtin_prefetch(&rest_[port]);  // end of transmission, credit
    return;
  }
  __builtin_prefetch(&port_to_[port]);
  const Packet* p = &pool_[static_cast<std::uint32_t>(arg)];
  __builtin_prefetch(p);
  __builtin_prefetch(reinterpret_cast<const char*>(p) + sizeof(Packet) - 1);
}

void Fabric::arrive(std::uint32_t port, std::uint32_t id) {
  int node = port_to_[port];  // (the port itself may belong to another lane)
  Packet& p = pool_[id];
  // Only credit return reads it. Drop-tail leaves the packet unwritten here: in a
  // partitioned run its line then stays shared with the lane that sent it.
  if (params_.lossless) p.in_port = port;
  if (node == static_cast<int>(p.dst)) {
    sinks_[p.owner]->delivered(sim_, p);
    pool_.release(id, sim_.lane());
    return;
  }
  std::uint32_t out = choose_port(node, p);
  if (params_.lossless) {
    if (out == kNoPort) {
      return_credit(port, p.wire_bytes, sim_.now().ps());
      return drop(port, id, true);
    }
    return lossless_enqueue(out, id);
  }
  if (out == kNoPort) return drop(port, id, true);
  enqueue(out, id);
}

void Fabric::set_link_up(std::size_t link, bool up) {
  for (std::uint32_t port : {static_cast<std::uint32_t>(2 * link), static_cast<std::uint32_t>(2 * link + 1)}) {
    ports_[port].up = up;
    if (!up && params_.lossless) lossless_flush(port);
  }
}

}  // namespace fabricplan::sim
