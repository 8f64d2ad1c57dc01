// IdRing: a FIFO of packet ids in a power-of-two ring that only grows, so a lossless
// port's queue allocates only when it is deeper than it has ever been.
#pragma once

#include <cstdint>
#include <vector>

namespace fabricplan::sim {

class IdRing {
 public:
  bool empty() const { return head_ == tail_; }
  std::uint32_t size() const { return tail_ - head_; }
  std::uint32_t front() const { return slots_[head_ & mask_]; }
  void pop() { ++head_; }
  void push(std::uint32_t id) {
    if (size() == slots_.size()) grow();
    slots_[tail_++ & mask_] = id;
  }

 private:
  void grow() {
    std::vector<std::uint32_t> bigger(slots_.empty() ? 16 : 2 * slots_.size());
    for (std::uint32_t i = 0, n = size(); i < n; ++i) bigger[i] = slots_[(head_ + i) & mask_];
    tail_ = size();
    head_ = 0;
    slots_.swap(bigger);
    mask_ = static_cast<std::uint32_t>(slots_.size() - 1);
  }
  std::vector<std::uint32_t> slots_;
  std::uint32_t head_ = 0, tail_ = 0, mask_ = 0;  // head_/tail_ wrap; only differences matter
};

}  // namespace fabricplan::sim
