// The packets of one Fabric, addressed by 32-bit ids that travel in event arguments, so
// neither sending nor queueing allocates.
//
// Packets live in one address range reserved up front and backed by memory only where
// touched (mmap, MAP_NORESERVE), so a packet never moves while others are allocated:
// in a partitioned run (Simulator::partition) one lane reads a packet another lane
// allocated while that lane allocates more, and the hot path is one indexed load, as
// with a vector. Each lane has its own free list and takes fresh ids a block at a time,
// so lanes never share a list; a packet released by another lane than its allocator
// joins the releasing lane's list. With one lane, ids come out exactly as from one
// growing vector (0, 1, 2, ... and the most recently released first).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/net/packet.h"

namespace fabricplan::sim {

class PacketPool {
 public:
  static constexpr std::uint32_t kBlock = 4096;  // fresh ids a lane takes at once

  explicit PacketPool(std::uint32_t lanes = 1);
  ~PacketPool();
  PacketPool(const PacketPool&) = delete;
  PacketPool& operator=(const PacketPool&) = delete;

  std::uint32_t allocate(std::uint32_t lane = 0) {
    LaneState& l = lanes_[lane];
    if (!l.free.empty()) {
      const std::uint32_t id = l.free.back();
      l.free.pop_back();
      return id;
    }
    if (l.fresh_left == 0) take_block(l);
    --l.fresh_left;
    ++l.fresh_used;
    return l.fresh_next++;
  }
  void release(std::uint32_t id, std::uint32_t lane = 0) { lanes_[lane].free.push_back(id); }
  Packet& operator[](std::uint32_t id) { return packets_[id]; }
  const Packet& operator[](std::uint32_t id) const { return packets_[id]; }
  // Packets ever made (the most in flight at once, summed over lanes).
  std::size_t capacity() const;
  std::size_t in_use() const;
  // How many packets the reserved range holds (more in flight is an error).
  std::size_t limit() const { return limit_; }

 private:
  struct alignas(64) LaneState {
    std::vector<std::uint32_t> free;
    std::uint32_t fresh_next = 0;  // next id of its newest block never handed out
    std::uint32_t fresh_left = 0;
    std::size_t fresh_used = 0;
  };
  void take_block(LaneState& l);

  Packet* packets_ = nullptr;  // limit_ packets reserved, zero until written
  std::size_t limit_ = 0;
  std::size_t reserved_bytes_ = 0;
  std::vector<LaneState> lanes_;
  std::atomic<std::uint32_t> next_block_{0};
};

}  // namespace fabricplan::sim
