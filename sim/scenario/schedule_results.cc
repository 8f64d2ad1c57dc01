#include "sim/scenario/schedule_results.h"

#include <algorithm>
#include <numeric>

#include "models/topology/routing.h"

namespace fabricplan::sim {

std::vector<BusyLink> busiest_links(const Topology& topo, const std::vector<double>& bytes,
                                    const std::vector<double>& capacity, const std::vector<std::uint64_t>& mask,
                                    const std::vector<std::string>& names, double simulated_s, std::size_t count) {
  std::vector<double> util(bytes.size(), 0);
  for (std::size_t p = 0; p < bytes.size(); ++p) {
    if (simulated_s > 0 && capacity[p] > 0) util[p] = bytes[p] / (capacity[p] * simulated_s);
  }
  std::vector<std::uint32_t> order(bytes.size());
  std::iota(order.begin(), order.end(), 0);
  const std::size_t n = std::min(count, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(),
                    [&](std::uint32_t a, std::uint32_t b) { return util[a] != util[b] ? util[a] > util[b] : a < b; });
  std::vector<BusyLink> out;
  for (std::size_t i = 0; i < n && bytes[order[i]] > 0; ++i) {
    const std::uint32_t p = order[i];
    BusyLink b;
    b.link = node_name(topo, port_from(topo, p)) + "->" + node_name(topo, port_to(topo, p));
    b.utilization = util[p];
    b.wire_bytes = bytes[p];
    for (std::size_t c = 0; c < names.size() && c < 64; ++c) {
      if (mask[p] >> c & 1) b.classes.push_back(names[c]);
    }
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<CollectiveSummary> collective_summaries(const Schedule& s,
                                                    const std::function<const FlowRecord*(std::uint32_t)>& record) {
  std::vector<CollectiveSummary> out;
  for (const ScheduleCollective& c : s.collectives) {
    CollectiveSummary x;
    x.name = c.traffic_class;
    x.ranks = c.ranks;
    x.bytes = c.bytes;
    x.finished = true;
    std::int64_t end = 0;
    for (std::uint32_t t = c.first_transfer; t < c.end_transfer; ++t) {
      const FlowRecord* r = record(t);
      if (r == nullptr || !r->complete()) {
        x.finished = false;
        continue;
      }
      end = std::max(end, r->last_delivery_ps);
    }
    if (x.finished && end > c.start_ps) {
      x.duration_us = (end - c.start_ps) * 1e-6;
      x.algbw_bytes_per_s = static_cast<double>(c.bytes) / ((end - c.start_ps) * 1e-12);
      x.busbw_bytes_per_s = x.algbw_bytes_per_s * 2 * (c.ranks - 1.0) / c.ranks;
    }
    out.push_back(x);
  }
  return out;
}

}  // namespace fabricplan::sim
