// A NIC's line of connections (SRD) or QPs (IB RC) that can send, served round robin:
// a FIFO threaded through the connections themselves (their `next_ready` and
// `at_nic`), so a NIC costs a few bytes and joining or leaving the line allocates
// nothing. The transport's send arbiter takes from the front while the wire is free.
#pragma once

#include <cstdint>
#include <vector>

namespace fabricplan::sim {

struct NicLine {
  static constexpr std::uint32_t kNone = UINT32_MAX;
  std::uint32_t head = kNone, tail = kNone;
  bool armed = false;  // a serve event is pending

  template <class Conn>
  void join(std::vector<Conn>& conns, std::uint32_t c) {
    conns[c].at_nic = true;
    conns[c].next_ready = kNone;
    if (tail == kNone) {
      head = c;
    } else {
      conns[tail].next_ready = c;
    }
    tail = c;
  }

  // The connection at the front, taken out of the line.
  template <class Conn>
  std::uint32_t leave(std::vector<Conn>& conns) {
    const std::uint32_t c = head;
    head = conns[c].next_ready;
    if (head == kNone) tail = kNone;
    conns[c].at_nic = false;
    return c;
  }
};

}  // namespace fabricplan::sim
