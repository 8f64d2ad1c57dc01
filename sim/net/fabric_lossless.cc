// The lossless (credit-based) port discipline of Fabric; see fabric.h.
#include "sim/net/fabric.h"

namespace fabricplan::sim {

void Fabric::lossless_enqueue(std::uint32_t port, std::uint32_t id) {
  Port& q = ports_[port];
  Packet& p = pool_[id];
  if (!q.up) {
    if (p.in_port != kNoPort) return_credit(p.in_port, p.wire_bytes, sim_.now().ps());
    return drop(port, id, true);
  }
  note_queue(q, q.queued_bytes, p);
  q.queue.push(id);
  q.queued_bytes += p.wire_bytes;
  lossless_try_send(port);
}

void Fabric::lossless_try_send(std::uint32_t port) {
  Port& q = ports_[port];
  if (q.transmitting || q.queue.empty()) return;
  const std::int64_t now = sim_.now().ps();
  std::uint32_t id = q.queue.front();
  Packet& p = pool_[id];
  if (q.credit_bytes < p.wire_bytes) {
    if (q.stalled_since_ps < 0) q.stalled_since_ps = now;  // head-of-line blocked
    return;
  }
  if (q.stalled_since_ps >= 0) {
    q.stats.credit_stall_ps += now - q.stalled_since_ps;
    q.stalled_since_ps = -1;
  }
  q.queue.pop();
  q.queued_bytes -= p.wire_bytes;
  if (!q.to_host) q.credit_bytes -= p.wire_bytes;
  q.transmitting = true;
  if (q.from_host) p.sent_ps = now;  // the NIC stamps the packet as it goes on the wire
  std::int64_t done = now + q.ps_per_byte * p.wire_bytes;
  q.busy_until_ps = done;
  ++q.stats.tx_packets;
  q.stats.tx_bytes += p.wire_bytes;
  q.stats.class_mask |= std::uint64_t{1} << (p.traffic_class & 63);
  ++link_transmissions_;
  // The packet leaves this node's input buffer as its last bit goes out.
  if (p.in_port != kNoPort) return_credit(p.in_port, p.wire_bytes, done);
  sim_.schedule_at(Time::from_ps(done), this, event_arg(kTxDone, port, 0));
  sim_.schedule_at(Time::from_ps(done + q.propagation_ps), this, event_arg(kArrive, port, id));
}

void Fabric::return_credit(std::uint32_t in_port, std::uint32_t bytes, std::int64_t at_ps) {
  const Port& upstream = ports_[in_port];
  if (upstream.to_host) return;  // ports into hosts never run short of credit
  // The credit travels back over the reverse direction of the same link.
  sim_.schedule_at(Time::from_ps(at_ps + upstream.propagation_ps), this, event_arg(kCredit, in_port, bytes));
}

void Fabric::lossless_credit(std::uint32_t port, std::uint32_t bytes) {
  ports_[port].credit_bytes += bytes;
  lossless_try_send(port);
}

void Fabric::lossless_flush(std::uint32_t port) {
  Port& q = ports_[port];
  while (!q.queue.empty()) {
    std::uint32_t id = q.queue.front();
    q.queue.pop();
    Packet& p = pool_[id];
    q.queued_bytes -= p.wire_bytes;
    if (p.in_port != kNoPort) return_credit(p.in_port, p.wire_bytes, sim_.now().ps());
    drop(port, id, true);
  }
}

}  // namespace fabricplan::sim
