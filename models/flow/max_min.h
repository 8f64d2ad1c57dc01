// Max-min fair rates of flows over shared links, by progressive filling.
//
// The problem. Links l have capacities C_l (bytes/s, one direction of a full-duplex
// link). Flow f has rate x_f (payload bytes/s) and a route: coefficients a_fl >= 0, the
// wire bytes link l carries per payload byte of f. A single-path flow has a_fl = w (the
// wire factor, header bytes included) on each link of its path; a flow sprayed uniformly
// at every switch puts the share of its packets that cross l on l (1/k on each of k
// parallel links); a flow split over q QPs puts 1/q on each QP's path. A flow may also
// have a cap x_f <= m_f (an open-loop source's offered rate). Feasible rates satisfy
//     sum_f a_fl x_f <= C_l  for every l,      0 <= x_f <= m_f.
// The max-min fair allocation is the feasible x in which no x_f can rise without
// lowering some x_g <= x_f. With the coefficients fixed it is unique and progressive
// filling finds it (Bertsekas & Gallager, Data Networks, sec. 6.5.2; weighted form as in
// SimGrid's lmm solver): raise every unfrozen flow's rate together as a level t; link l
// saturates at t_l = (C_l - frozen load on l) / (sum of a_fl over its unfrozen flows);
// at the smallest t_l (or a cap) freeze the flows there and continue. Each freeze
// updates only the links of the frozen flow, and a link's new t_l goes into a heap, so a
// solve costs O(route entries x log links).
//
// Incremental use. Flows are added and removed as transfers start and end; solve()
// re-solves only the connected components (links joined by flows) that contain the links
// it is given, because rates elsewhere cannot change. It returns the flows it re-solved.
//
// Memory: 16 bytes per route entry (link, coefficient, flow, position in the link's
// list) + 8 bytes per entry in the link's flow list + 40 bytes per flow slot; route
// entries of removed flows are reclaimed at a solve when more than half the arena is dead.
// Not thread-safe; one solver per engine run.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace fabricplan::flow {

struct RouteCoefficient {
  std::uint32_t link;
  float coefficient;  // wire bytes on `link` per payload byte of the flow
};

class MaxMinSolver {
 public:
  explicit MaxMinSolver(std::vector<double> capacity_bytes_per_s);

  // Adds a flow on `route` (links distinct), at most `cap` (infinity: none). Its rate is 0
  // until the next solve() of a component containing one of its links.
  std::uint32_t add_flow(const std::vector<RouteCoefficient>& route,
                         double cap = std::numeric_limits<double>::infinity());
  void remove_flow(std::uint32_t flow);
  void set_capacity(std::uint32_t link, double bytes_per_s) { capacity_[link] = bytes_per_s; }

  // Re-solves, at time `now_ps`, the components containing `seed_links`; returns the
  // flows re-solved. Duplicate seeds are fine.
  const std::vector<std::uint32_t>& solve(const std::vector<std::uint32_t>& seed_links, std::int64_t now_ps);

  double rate(std::uint32_t flow) const { return flows_[flow].rate; }
  double capacity(std::uint32_t link) const { return capacity_[link]; }
  // Wire bytes/s on `link` at the last solve that touched it.
  double load(std::uint32_t link) const { return load_[link]; }
  // Wire bytes `link` carried from time 0 to `now_ps` (loads are constant between solves).
  double carried_bytes(std::uint32_t link, std::int64_t now_ps) const {
    return carried_[link] + load_[link] * static_cast<double>(now_ps - carried_until_ps_[link]) * 1e-12;
  }
  std::size_t link_count() const { return capacity_.size(); }
  std::size_t active_flows() const { return active_; }
  // Route links of a flow (for callers that account per link).
  template <typename F>
  void for_each_link(std::uint32_t flow, F&& f) const {
    const Flow& x = flows_[flow];
    for (std::uint32_t e = x.first; e < x.first + x.count; ++e) f(entries_[e].link, entries_[e].coefficient);
  }
  // Heap bytes held now (the figure the engine reports as its memory).
  std::size_t memory_bytes() const;
  // Components and flows re-solved so far (work counters for the report).
  std::uint64_t solves() const { return solves_; }
  std::uint64_t flows_resolved() const { return flows_resolved_; }

 private:
  struct Entry {
    std::uint32_t link;
    float coefficient;
    std::uint32_t flow;
    std::uint32_t position;  // index in link_flows_[link]
  };
  struct Flow {
    std::uint32_t first = 0, count = 0;  // entries_[first, first + count)
    double rate = 0;
    double cap = 0;
    std::uint32_t mark = 0;    // epoch of the last solve that collected it
    bool frozen = false;
    bool live = false;
  };
  void compact_entries();
  double level_of(std::uint32_t link, double floor) const;

  std::vector<double> capacity_, load_;
  std::vector<double> carried_;                    // wire bytes up to carried_until_ps_
  std::vector<std::int64_t> carried_until_ps_;
  struct LinkItem {
    std::uint32_t flow, entry;  // the flow (read without touching entries_) and its entry
  };
  std::vector<std::vector<LinkItem>> link_flows_;
  std::vector<Entry> entries_;
  std::size_t dead_entries_ = 0;
  std::vector<Flow> flows_;
  std::vector<std::uint32_t> free_flows_;
  std::size_t active_ = 0;
  // Per-solve scratch, kept to avoid reallocation.
  std::vector<std::uint32_t> link_mark_;
  std::vector<double> weight_;          // sum of coefficients of unfrozen flows
  std::vector<std::uint32_t> unfrozen_; // count of unfrozen flows
  std::vector<double> heap_level_;      // level last pushed for the link
  std::vector<std::uint32_t> comp_links_, comp_flows_, dirty_;
  std::vector<std::uint8_t> dirty_flag_;
  std::uint32_t epoch_ = 0;
  std::uint64_t solves_ = 0, flows_resolved_ = 0;
};

}  // namespace fabricplan::flow
