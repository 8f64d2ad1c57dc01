#include "models/flow/flow_engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <limits>
#include <queue>
#include <tuple>

#include "models/flow/flow_routes.h"
#include "models/flow/max_min.h"

namespace fabricplan::flow {
namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t kOpenLoopEnd = kNone;  // version of an open-loop flow's fixed end
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

template <typename T>
using MinHeap = std::priority_queue<T, std::vector<T>, std::greater<T>>;

// Events keyed by time, the ones at one time kept in push order. Symmetric workloads put
// a million flows on a handful of distinct times: a vector per time is appended to and
// read in order (no heap sift per flow), and the map holds only the distinct times.
template <typename T>
class TimeBuckets {
 public:
  void push(std::int64_t t, const T& x) { buckets_[t].push_back(x); }
  bool empty() const { return buckets_.empty(); }
  std::int64_t earliest() const { return buckets_.begin()->first; }
  // Removes and returns every entry at the earliest time.
  std::vector<T> take_earliest() {
    std::vector<T> out = std::move(buckets_.begin()->second);
    buckets_.erase(buckets_.begin());
    return out;
  }
  std::size_t size() const {
    std::size_t n = 0;
    for (const auto& [t, v] : buckets_) n += v.size();
    return n;
  }

 private:
  std::map<std::int64_t, std::vector<T>> buckets_;
};

// The run's mutable state; one object per run_flow_engine call.
class Run {
 public:
  Run(const Topology& topo, const Schedule& s, const FlowEngineParams& p)
      : topo_(topo), s_(s), p_(p), capacity_(port_capacities(topo)), solver_(capacity_),
        port_up_(capacity_.size(), true), link_up_(topo.links.size(), true), hops_(compute_next_hops(topo)),
        deps_(dependents_of(s)) {
    const std::size_t n = s.transfers.size();
    r_.transfers.resize(n);
    r_.link_wire_bytes.assign(capacity_.size(), 0);
    r_.link_class_mask.assign(capacity_.size(), 0);
    slot_.assign(n, kNone);
    version_.assign(n, 0);
    waiting_.resize(n);
    remaining_.assign(n, 0);
    rate_.assign(n, 0);
    last_ps_.assign(n, 0);
    latency_ps_.assign(n, 0);
    active_pos_.assign(n, kNone);
    for (std::size_t i = 0; i < n; ++i) {
      const Transfer& t = s.transfers[i];
      waiting_[i] = t.deps_end - t.deps_begin;
      if (waiting_[i] == 0) initial_.push_back(static_cast<std::uint32_t>(i));
    }
    auto by_release = [&](std::uint32_t a, std::uint32_t b) { return s.transfers[a].release_ps < s.transfers[b].release_ps; };
    if (!std::is_sorted(initial_.begin(), initial_.end(), by_release)) {
      std::stable_sort(initial_.begin(), initial_.end(), by_release);
    }
    for (std::size_t f = 0; f < p.faults.size(); ++f) {
      faults_.emplace(p.faults[f].at_ps, 0, static_cast<std::uint32_t>(f));
      if (p.faults[f].reroute_after_ps >= 0) {
        faults_.emplace(p.faults[f].at_ps + p.faults[f].reroute_after_ps, 1, static_cast<std::uint32_t>(f));
      }
    }
  }

  FlowRunResult go() {
    auto wall_start = std::chrono::steady_clock::now();
    std::int64_t now = 0;
    while (true) {
      const std::int64_t t = next_event_time();
      if (t == kNever) break;
      if (p_.stop_ps >= 0 && t > p_.stop_ps) {
        now = p_.stop_ps;
        r_.stopped_at_limit = true;
        break;
      }
      now = t;
      ++r_.events;
      process_at(now);
      if (!seeds_.empty()) resolve(now);
      r_.peak_active_flows = std::max(r_.peak_active_flows, solver_.active_flows());
      if ((r_.events & 1023) == 1) r_.peak_memory_bytes = std::max(r_.peak_memory_bytes, memory_bytes());
    }
    r_.peak_memory_bytes = std::max(r_.peak_memory_bytes, memory_bytes());
    for (std::uint32_t t : active_) {
      account(t, now);
      if (rate_[t] <= 0) ++r_.stalled_transfers;
    }
    for (std::uint32_t l = 0; l < capacity_.size(); ++l) r_.link_wire_bytes[l] = solver_.carried_bytes(l, now);
    r_.end_ps = now;
    r_.link_capacity_bytes_per_s = capacity_;
    r_.solves = solver_.solves();
    r_.flows_resolved = solver_.flows_resolved();
    r_.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return std::move(r_);
  }

 private:
  std::int64_t next_event_time() {
    std::int64_t t = kNever;
    if (next_initial_ < initial_.size()) t = std::min(t, s_.transfers[initial_[next_initial_]].release_ps);
    if (!ready_.empty()) t = std::min(t, ready_.earliest());
    if (!finish_.empty()) t = std::min(t, finish_.earliest());
    if (!done_.empty()) t = std::min(t, done_.earliest());
    if (!faults_.empty()) t = std::min(t, std::get<0>(faults_.top()));
    return t;
  }

  bool finish_valid(const std::pair<std::uint32_t, std::uint32_t>& e) const {
    auto [t, version] = e;
    return slot_[t] != kNone && (version == kOpenLoopEnd ? stream(t).open_loop : version == version_[t]);
  }

  const ScheduleStream& stream(std::uint32_t t) const { return s_.streams[s_.transfers[t].stream]; }

  // Everything due at `now`, until nothing more is: completions release dependents, and
  // zero-latency chains can release more work at the same instant.
  void process_at(std::int64_t now) {
    bool any = true;
    while (any) {
      any = false;
      while (!faults_.empty() && std::get<0>(faults_.top()) == now) {
        auto [when, kind, f] = faults_.top();
        faults_.pop();
        kind == 0 ? fail_link(p_.faults[f].link, now) : reroute(now);
        any = true;
      }
      if (!finish_.empty() && finish_.earliest() == now) {
        for (const auto& e : finish_.take_earliest()) {
          if (finish_valid(e)) finish(e.first, now);
        }
        any = true;
      }
      if (!done_.empty() && done_.earliest() == now) {
        for (std::uint32_t t : done_.take_earliest()) complete(t, now);
        any = true;
      }
      while (next_initial_ < initial_.size() && s_.transfers[initial_[next_initial_]].release_ps <= now) {
        start(initial_[next_initial_++], now);
        any = true;
      }
      if (!ready_.empty() && ready_.earliest() <= now) {
        for (std::uint32_t t : ready_.take_earliest()) start(t, now);
        any = true;
      }
    }
  }

  void start(std::uint32_t t, std::int64_t now) {
    const Transfer& x = s_.transfers[t];
    const ScheduleStream& st = stream(t);
    TransferOutcome& o = r_.transfers[t];
    o.start_ps = now;
    RouteContext ctx{&topo_, &hops_, &port_up_, p_.seed};
    if (!compute_route(ctx, st, x.stream, x, route_)) {
      o.unreachable = true;
      return;
    }
    latency_ps_[t] = unloaded_latency_ps(ctx, st, x, capacity_);
    bind(t, now);
    remaining_[t] = static_cast<double>(x.bytes);
    if (st.open_loop && x.max_rate_bytes_per_s > 0) {
      const double duration_ps = std::ceil(static_cast<double>(x.bytes) / x.max_rate_bytes_per_s * 1e12);
      finish_.push(now + static_cast<std::int64_t>(duration_ps), {t, kOpenLoopEnd});
    }
    active_pos_[t] = static_cast<std::uint32_t>(active_.size());
    active_.push_back(t);
  }

  // Puts transfer t on the solver along route_.
  void bind(std::uint32_t t, std::int64_t now) {
    const Transfer& x = s_.transfers[t];
    const double cap = stream(t).open_loop && x.max_rate_bytes_per_s > 0 ? x.max_rate_bytes_per_s
                                                                        : std::numeric_limits<double>::infinity();
    const std::uint32_t f = solver_.add_flow(route_, cap);
    if (f >= flow_transfer_.size()) flow_transfer_.resize(f + 1, kNone);
    flow_transfer_[f] = t;
    slot_[t] = f;
    rate_[t] = 0;
    ++version_[t];  // a finish computed on the old route no longer holds
    last_ps_[t] = now;
    const std::uint64_t bit = std::uint64_t{1} << std::min<std::uint32_t>(stream(t).class_index, 63);
    for (const auto& r : route_) {
      r_.link_class_mask[r.link] |= bit;
      seed(r.link);
    }
  }

  void unbind(std::uint32_t t) {
    solver_.for_each_link(slot_[t], [&](std::uint32_t l, float) { seed(l); });
    solver_.remove_flow(slot_[t]);
    flow_transfer_[slot_[t]] = kNone;
    slot_[t] = kNone;
  }

  // A link whose flows changed: its component is re-solved before time moves on.
  void seed(std::uint32_t link) {
    if (seeded_[link]) return;
    seeded_[link] = 1;
    seeds_.push_back(link);
  }

  // Payload carried at the current rate since the last account (links account for
  // themselves in the solver).
  void account(std::uint32_t t, std::int64_t now) {
    const std::int64_t dt = now - last_ps_[t];
    last_ps_[t] = now;
    if (dt <= 0 || rate_[t] <= 0) return;
    const double bytes = rate_[t] * static_cast<double>(dt) * 1e-12;
    remaining_[t] -= bytes;
    r_.transfers[t].delivered_bytes += bytes;
  }

  void finish(std::uint32_t t, std::int64_t now) {
    account(t, now);
    const Transfer& x = s_.transfers[t];
    TransferOutcome& o = r_.transfers[t];
    if (!stream(t).open_loop) o.delivered_bytes = static_cast<double>(x.bytes);
    unbind(t);
    const std::uint32_t pos = active_pos_[t];
    active_[pos] = active_.back();
    active_pos_[active_[pos]] = pos;
    active_.pop_back();
    active_pos_[t] = kNone;
    done_.push(now + latency_ps_[t], t);
  }

  void complete(std::uint32_t t, std::int64_t now) {
    r_.transfers[t].done_ps = now;
    for (std::uint32_t k = deps_.begin[t]; k < deps_.begin[t + 1]; ++k) {
      const std::uint32_t d = deps_.list[k];
      if (--waiting_[d] == 0) ready_.push(std::max(now, s_.transfers[d].release_ps), d);
    }
  }

  // New route for an active transfer; where there is none it stays on its old links,
  // which are down, and waits at rate 0 (a reroute may still find it a path).
  void rebind_route(std::uint32_t t, std::int64_t now) {
    const Transfer& x = s_.transfers[t];
    RouteContext ctx{&topo_, &hops_, &port_up_, p_.seed};
    if (!compute_route(ctx, stream(t), x.stream, x, route_)) return;
    account(t, now);
    unbind(t);
    bind(t, now);
  }

  void fail_link(std::uint32_t link, std::int64_t now) {
    link_up_[link] = false;
    for (std::uint32_t port : {2 * link, 2 * link + 1}) {
      port_up_[port] = false;
      solver_.set_capacity(port, 0);
      seed(port);
    }
    // Sprayed flows move off the failed link (SRD steers its path slots around it).
    std::vector<std::uint32_t> moving;
    for (std::uint32_t t : active_) {
      if (stream(t).path != PathPolicy::kSpray) continue;
      bool crosses = false;
      solver_.for_each_link(slot_[t], [&](std::uint32_t l, float) { crosses |= l / 2 == link; });
      if (crosses) moving.push_back(t);
    }
    for (std::uint32_t t : moving) rebind_route(t, now);
  }

  void reroute(std::int64_t now) {
    hops_ = compute_next_hops(topo_, link_up_);
    std::vector<std::uint32_t> all = active_;
    for (std::uint32_t t : all) rebind_route(t, now);
  }

  void resolve(std::int64_t now) {
    const std::vector<std::uint32_t>& comp = solver_.solve(seeds_, now);
    for (std::uint32_t l : seeds_) seeded_[l] = 0;
    seeds_.clear();
    for (std::uint32_t f : comp) {
      const std::uint32_t t = flow_transfer_[f];
      const double rate = solver_.rate(f);
      if (rate == rate_[t]) continue;
      account(t, now);
      rate_[t] = rate;
      if (stream(t).open_loop) continue;
      ++version_[t];
      if (rate > 0) {
        const double left_ps = std::max(0.0, remaining_[t]) / rate * 1e12;
        finish_.push(now + static_cast<std::int64_t>(std::ceil(left_ps)), {t, version_[t]});
      }
    }
  }

  std::size_t memory_bytes() const {
    const std::size_t n = s_.transfers.size();
    return solver_.memory_bytes() + n * (sizeof(TransferOutcome) + 4 * 4 + 4 * 8) +
           active_.capacity() * 4 + active_pos_.capacity() * 4 + flow_transfer_.capacity() * 4 +
           (ready_.size() + done_.size()) * 4 + finish_.size() * 8 + initial_.capacity() * 4 + deps_.list.capacity() * 4 +
           deps_.begin.capacity() * 4;
  }

  const Topology& topo_;
  const Schedule& s_;
  const FlowEngineParams& p_;
  std::vector<double> capacity_;
  MaxMinSolver solver_;
  std::vector<bool> port_up_, link_up_;
  std::vector<std::uint8_t> seeded_ = std::vector<std::uint8_t>(capacity_.size(), 0);
  NextHops hops_;
  Dependents deps_;
  FlowRunResult r_;
  std::vector<std::uint32_t> slot_, version_, waiting_, flow_transfer_, active_, active_pos_, seeds_;
  std::vector<double> remaining_, rate_;
  std::vector<std::int64_t> last_ps_, latency_ps_;
  std::vector<RouteCoefficient> route_;
  std::vector<std::uint32_t> initial_;  // transfers waiting for nothing, by release time
  std::size_t next_initial_ = 0;
  TimeBuckets<std::uint32_t> ready_, done_;  // freed by a completion; completing at the receiver
  TimeBuckets<std::pair<std::uint32_t, std::uint32_t>> finish_;  // (transfer, version) last byte sent
  MinHeap<std::tuple<std::int64_t, int, std::uint32_t>> faults_;           // (time, 0 fail / 1 reroute, fault)
};

}  // namespace

std::vector<double> port_capacities(const Topology& topo) {
  std::vector<double> c;
  c.reserve(2 * topo.links.size());
  for (const TopoLink& l : topo.links) {
    c.push_back(l.gbit_per_s * 1e9 / 8);
    c.push_back(l.gbit_per_s * 1e9 / 8);
  }
  return c;
}

FlowRunResult run_flow_engine(const Topology& topo, const Schedule& schedule, const FlowEngineParams& params) {
  Run run(topo, schedule, params);
  return run.go();
}

std::size_t estimate_flow_memory_bytes(std::size_t transfers, std::size_t route_entries, std::size_t ports) {
  // Schedule (56 B) + engine state (~100 B) per transfer; solver 40 B per flow and 20 B
  // per route entry, as if every transfer were active at once (the all-at-t=0 case).
  return transfers * (56 + 100 + 40 + 20 * route_entries) + ports * 128 + (std::size_t{16} << 20);
}

}  // namespace fabricplan::flow
