// Packets and the pool they come from. A packet is a small POD addressed by a 32-bit
// id that travels in event arguments, so neither sending nor queueing allocates. The
// pool grows only when more packets are in flight than ever before.
#pragma once

#include <cstdint>
#include <vector>

namespace fabricplan::sim {

struct Packet {
  std::uint32_t flow;
  std::uint32_t src;         // host
  std::uint32_t dst;         // host
  std::uint32_t wire_bytes;  // payload + headers, what serialization costs
  std::uint32_t payload_bytes;
  std::uint32_t seq;         // per-flow sequence number
  std::int64_t sent_ps;      // when handed to the source NIC
};

class PacketPool {
 public:
  std::uint32_t allocate() {
    if (!free_.empty()) {
      std::uint32_t id = free_.back();
      free_.pop_back();
      return id;
    }
    packets_.emplace_back();
    return static_cast<std::uint32_t>(packets_.size() - 1);
  }
  void release(std::uint32_t id) { free_.push_back(id); }
  Packet& operator[](std::uint32_t id) { return packets_[id]; }
  const Packet& operator[](std::uint32_t id) const { return packets_[id]; }
  std::size_t capacity() const { return packets_.size(); }
  std::size_t in_use() const { return packets_.size() - free_.size(); }
  void reserve(std::size_t n) { packets_.reserve(n); free_.reserve(n); }

 private:
  std::vector<Packet> packets_;
  std::vector<std::uint32_t> free_;
};

}  // namespace fabricplan::sim
