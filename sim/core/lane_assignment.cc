#include "sim/core/lane_assignment.h"

#include <algorithm>

namespace fabricplan::sim {

LaneAssignment::LaneAssignment(std::uint32_t lanes, unsigned threads)
    : threads_(threads), owner_(lanes), owned_(threads), taken_(new Taken[lanes]) {
  for (std::uint32_t l = 0; l < lanes; ++l) {
    owner_[l] = l % threads;
    owned_[l % threads].push_back(l);
  }
}

void LaneAssignment::rebalance(const std::vector<std::uint64_t>& events_per_lane) {
  const std::vector<std::uint64_t>& ran = events_per_lane;
  const auto lanes = static_cast<std::uint32_t>(owner_.size());
  std::vector<std::uint64_t> load(threads_, 0);
  std::uint64_t total = 0;
  for (std::uint32_t l = 0; l < lanes; ++l) {
    load[owner_[l]] += ran[l];
    total += ran[l];
  }
  const double limit = kTolerance * static_cast<double>(total) / threads_;
  for (std::uint32_t step = 0; step < lanes; ++step) {
    const auto busiest = static_cast<unsigned>(std::max_element(load.begin(), load.end()) - load.begin());
    const auto idlest = static_cast<unsigned>(std::min_element(load.begin(), load.end()) - load.begin());
    if (static_cast<double>(load[busiest]) <= limit) break;
    // The lane whose move leaves the two most even; only one lighter than the gap
    // between them lowers the busier of the two.
    const std::uint64_t gap = load[busiest] - load[idlest];
    std::vector<std::uint32_t>& from = owned_[busiest];
    std::size_t pick = from.size();
    std::uint64_t best_spread = gap;
    for (std::size_t i = 0; i < from.size(); ++i) {
      const std::uint64_t x = ran[from[i]];
      if (x == 0 || x >= gap) continue;
      const std::uint64_t spread = 2 * x > gap ? 2 * x - gap : gap - 2 * x;
      if (spread < best_spread) best_spread = spread, pick = i;
    }
    if (pick == from.size()) break;  // nothing to move that helps
    const std::uint32_t lane = from[pick];
    from.erase(from.begin() + static_cast<std::ptrdiff_t>(pick));
    owned_[idlest].push_back(lane);
    owner_[lane] = idlest;
    load[busiest] -= ran[lane];
    load[idlest] += ran[lane];
    ++moves_;
  }
  for (auto& lanes : owned_) {
    std::stable_sort(lanes.begin(), lanes.end(), [&](std::uint32_t a, std::uint32_t b) { return ran[a] > ran[b]; });
  }
  for (std::uint32_t l = 0; l < lanes; ++l) taken_[l].flag.store(false, std::memory_order_relaxed);
}

}  // namespace fabricplan::sim
