#include "models/flow/max_min.h"

#include <algorithm>
#include <functional>
#include <utility>

namespace fabricplan::flow {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

MaxMinSolver::MaxMinSolver(std::vector<double> capacity)
    : capacity_(std::move(capacity)), load_(capacity_.size(), 0), carried_(capacity_.size(), 0),
      carried_until_ps_(capacity_.size(), 0), link_flows_(capacity_.size()),
      link_mark_(capacity_.size(), 0), weight_(capacity_.size(), 0), unfrozen_(capacity_.size(), 0),
      heap_level_(capacity_.size(), kInf), dirty_flag_(capacity_.size(), 0) {}

std::uint32_t MaxMinSolver::add_flow(const std::vector<RouteCoefficient>& route, double cap) {
  std::uint32_t f;
  if (!free_flows_.empty()) {
    f = free_flows_.back();
    free_flows_.pop_back();
  } else {
    f = static_cast<std::uint32_t>(flows_.size());
    flows_.emplace_back();
  }
  Flow& x = flows_[f];
  x = Flow{};
  x.first = static_cast<std::uint32_t>(entries_.size());
  x.count = static_cast<std::uint32_t>(route.size());
  x.cap = cap;
  x.live = true;
  for (const RouteCoefficient& r : route) {
    auto& list = link_flows_[r.link];
    entries_.push_back({r.link, r.coefficient, f, static_cast<std::uint32_t>(list.size())});
    list.push_back({f, static_cast<std::uint32_t>(entries_.size() - 1)});
  }
  ++active_;
  return f;
}

void MaxMinSolver::remove_flow(std::uint32_t f) {
  Flow& x = flows_[f];
  for (std::uint32_t e = x.first; e < x.first + x.count; ++e) {
    const Entry& en = entries_[e];
    auto& list = link_flows_[en.link];
    const LinkItem moved = list.back();
    list[en.position] = moved;
    entries_[moved.entry].position = en.position;
    list.pop_back();
    // The link keeps this flow's share in load_ until the next solve of its component;
    // callers always solve the links of removed flows.
  }
  dead_entries_ += x.count;
  x.live = false;
  x.rate = 0;
  free_flows_.push_back(f);
  --active_;
}

void MaxMinSolver::compact_entries() {
  std::vector<Entry> kept;
  kept.reserve(entries_.size() - dead_entries_);
  for (std::uint32_t f = 0; f < flows_.size(); ++f) {
    Flow& x = flows_[f];
    if (!x.live) continue;
    const std::uint32_t first = static_cast<std::uint32_t>(kept.size());
    for (std::uint32_t e = x.first; e < x.first + x.count; ++e) {
      kept.push_back(entries_[e]);
      link_flows_[entries_[e].link][entries_[e].position].entry = static_cast<std::uint32_t>(kept.size() - 1);
    }
    x.first = first;
  }
  entries_ = std::move(kept);
  dead_entries_ = 0;
}

double MaxMinSolver::level_of(std::uint32_t l, double floor) const {
  if (unfrozen_[l] == 0 || weight_[l] <= 0) return kInf;
  double t = (capacity_[l] - load_[l]) / weight_[l];
  return t < floor ? floor : t;
}

const std::vector<std::uint32_t>& MaxMinSolver::solve(const std::vector<std::uint32_t>& seeds, std::int64_t now_ps) {
  ++epoch_;
  ++solves_;
  if (dead_entries_ > 4096 && dead_entries_ * 2 > entries_.size()) compact_entries();
  comp_links_.clear();
  comp_flows_.clear();
  // Collect the components: links -> their flows -> those flows' links.
  for (std::uint32_t l : seeds) {
    if (link_mark_[l] != epoch_) {
      link_mark_[l] = epoch_;
      comp_links_.push_back(l);
    }
  }
  for (std::size_t i = 0; i < comp_links_.size(); ++i) {
    for (const LinkItem& item : link_flows_[comp_links_[i]]) {
      Flow& x = flows_[item.flow];
      if (x.mark == epoch_) continue;
      x.mark = epoch_;
      comp_flows_.push_back(item.flow);
      for (std::uint32_t k = x.first; k < x.first + x.count; ++k) {
        const std::uint32_t l2 = entries_[k].link;
        if (link_mark_[l2] != epoch_) {
          link_mark_[l2] = epoch_;
          comp_links_.push_back(l2);
        }
      }
    }
  }
  flows_resolved_ += comp_flows_.size();
  for (std::uint32_t l : comp_links_) {
    carried_[l] = carried_bytes(l, now_ps);  // the old load ran until now
    carried_until_ps_[l] = now_ps;
    load_[l] = 0;
    weight_[l] = 0;
    unfrozen_[l] = 0;
  }
  for (std::uint32_t f : comp_flows_) {
    Flow& x = flows_[f];
    x.frozen = false;
    x.rate = 0;
    for (std::uint32_t k = x.first; k < x.first + x.count; ++k) {
      weight_[entries_[k].link] += entries_[k].coefficient;
      ++unfrozen_[entries_[k].link];
    }
  }
  // Min-heap of (level, id): id < links is a link saturating, else a flow reaching its cap.
  const std::uint32_t links = static_cast<std::uint32_t>(capacity_.size());
  using Item = std::pair<double, std::uint32_t>;
  std::vector<Item> heap;
  heap.reserve(comp_links_.size() + 16);
  for (std::uint32_t l : comp_links_) {
    heap_level_[l] = level_of(l, 0);
    if (heap_level_[l] < kInf) heap.emplace_back(heap_level_[l], l);
  }
  for (std::uint32_t f : comp_flows_) {
    if (flows_[f].cap < kInf) heap.emplace_back(flows_[f].cap, links + f);
  }
  std::make_heap(heap.begin(), heap.end(), std::greater<>());
  auto freeze = [&](std::uint32_t f, double t) {
    Flow& x = flows_[f];
    x.frozen = true;
    x.rate = t;
    for (std::uint32_t k = x.first; k < x.first + x.count; ++k) {
      const Entry& en = entries_[k];
      load_[en.link] += en.coefficient * t;
      weight_[en.link] -= en.coefficient;
      --unfrozen_[en.link];
      if (!dirty_flag_[en.link]) {
        dirty_flag_[en.link] = 1;
        dirty_.push_back(en.link);
      }
    }
  };
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>());
    auto [t, id] = heap.back();
    heap.pop_back();
    if (id >= links) {
      const std::uint32_t f = id - links;
      if (!flows_[f].frozen) freeze(f, t);
    } else {
      if (t != heap_level_[id] || unfrozen_[id] == 0) continue;  // stale entry
      for (const LinkItem& item : link_flows_[id]) {
        if (!flows_[item.flow].frozen) freeze(item.flow, t);
      }
    }
    for (std::uint32_t l : dirty_) {
      dirty_flag_[l] = 0;
      const double level = level_of(l, t);
      if (level != heap_level_[l]) {
        heap_level_[l] = level;
        if (level < kInf) {
          heap.emplace_back(level, l);
          std::push_heap(heap.begin(), heap.end(), std::greater<>());
        }
      }
    }
    dirty_.clear();
  }
  return comp_flows_;
}

std::size_t MaxMinSolver::memory_bytes() const {
  std::size_t b = entries_.capacity() * sizeof(Entry) + flows_.capacity() * sizeof(Flow) +
                  free_flows_.capacity() * 4 + comp_flows_.capacity() * 4 + comp_links_.capacity() * 4;
  for (const auto& l : link_flows_) b += l.capacity() * sizeof(LinkItem) + sizeof(l);
  b += capacity_.size() * (6 * sizeof(double) + 2 * 4 + 1);
  return b;
}

}  // namespace fabricplan::flow
