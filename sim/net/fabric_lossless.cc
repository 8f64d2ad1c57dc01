// The lossless (credit-based) port discipline of Fabric; see fabric.h.
#include "sim/net/fabric.h"

namespace fabricplan::sim {

void Fabric::lossless_enqueue(std::uint32_t port, std::uint32_t id) {
  Port& q = ports_[port];
  PortRest& r = rest_[port];
  Packet& p = pool_[id];
  if (!q.up) {
    if (p.in_port != kNoPort) return_credit(p.in_port, p.wire_bytes, sim_.now().ps());
    return drop(port, id, true);
  }
  note_queue(q, r.queued_bytes, p);
  r.queue.push(id);
  r.queued_bytes += p.wire_bytes;
  lossless_try_send(port);
}

void Fabric::lossless_try_send(std::uint32_t port) {
  Port& q = ports_[port];
  PortRest& r = rest_[port];
  if (q.transmitting || r.queue.empty()) return;
  const std::int64_t now = sim_.now().ps();
  std::uint32_t id = r.queue.front();
  Packet& p = pool_[id];
  if (r.credit_bytes < p.wire_bytes) {
    if (r.stalled_since_ps < 0) r.stalled_since_ps = now;  // head-of-line blocked
    return;
  }
  if (r.stalled_since_ps >= 0) {
    r.credit_stall_ps += now - r.stalled_since_ps;
    r.stalled_since_ps = -1;
  }
  r.queue.pop();
  r.queued_bytes -= p.wire_bytes;
  if (!q.to_host) r.credit_bytes -= p.wire_bytes;
  q.transmitting = true;
  if (q.from_host) p.sent_ps = now;  // the NIC stamps the packet as it goes on the wire
  std::int64_t done = now + std::int64_t{q.ps_per_byte} * p.wire_bytes;
  q.busy_until_ps = done;
  count_transmission(q, p);
  // The packet leaves this node's input buffer as its last bit goes out.
  if (p.in_port != kNoPort) return_credit(p.in_port, p.wire_bytes, done);
  schedule(done, event_arg(kTxDone, port, 0));
  schedule(done + q.propagation_ps, event_arg(kArrive, port, id));
}

void Fabric::return_credit(std::uint32_t in_port, std::uint32_t bytes, std::int64_t at_ps) {
  const Port& upstream = ports_[in_port];
  if (upstream.to_host) return;  // ports into hosts never run short of credit
  // The credit travels back over the reverse direction of the same link.
  schedule(at_ps + upstream.propagation_ps, event_arg(kCredit, in_port, bytes));
}

void Fabric::lossless_credit(std::uint32_t port, std::uint32_t bytes) {
  rest_[port].credit_bytes += bytes;
  lossless_try_send(port);
}

void Fabric::lossless_flush(std::uint32_t port) {
  PortRest& r = rest_[port];
  while (!r.queue.empty()) {
    std::uint32_t id = r.queue.front();
    r.queue.pop();
    Packet& p = pool_[id];
    r.queued_bytes -= p.wire_bytes;
    if (p.in_port != kNoPort) return_credit(p.in_port, p.wire_bytes, sim_.now().ps());
    drop(port, id, true);
  }
}

}  // namespace fabricplan::sim
