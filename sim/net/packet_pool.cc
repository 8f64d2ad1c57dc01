#include "sim/net/packet_pool.h"

#include <sys/mman.h>

#include <new>
#include <stdexcept>
#include <string>

namespace fabricplan::sim {

PacketPool::PacketPool(std::uint32_t lanes) : lanes_(lanes) {
  // As many packets as 32-bit ids name, or fewer where the system will not reserve that
  // much address space (a strict overcommit policy counts even untouched pages): halve
  // until it does. Pages are zero and cost memory only once written.
  for (std::size_t packets = std::size_t{1} << 32; packets >= (std::size_t{1} << 16); packets /= 2) {
    const std::size_t bytes = packets * sizeof(Packet);
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) continue;
    packets_ = static_cast<Packet*>(p);
    limit_ = packets;
    reserved_bytes_ = bytes;
    return;
  }
  throw std::bad_alloc();
}

PacketPool::~PacketPool() {
  if (packets_ != nullptr) munmap(packets_, reserved_bytes_);
}

void PacketPool::take_block(LaneState& l) {
  const std::uint64_t first = std::uint64_t{next_block_.fetch_add(1, std::memory_order_relaxed)} * kBlock;
  if (first + kBlock > limit_) {
    throw std::length_error("more than " + std::to_string(limit_) + " packets in flight at once (the packet pool's reserved range)");
  }
  l.fresh_next = static_cast<std::uint32_t>(first);
  l.fresh_left = kBlock;
}

std::size_t PacketPool::capacity() const {
  std::size_t n = 0;
  for (const LaneState& l : lanes_) n += l.fresh_used;
  return n;
}

std::size_t PacketPool::in_use() const {
  std::size_t n = capacity();
  for (const LaneState& l : lanes_) n -= l.free.size();
  return n;
}

}  // namespace fabricplan::sim
