#include "models/flow/flow_routes.h"

#include <algorithm>
#include <cmath>

#include "models/topology/routing.h"

namespace fabricplan::flow {
namespace {

void add_share(std::vector<RouteCoefficient>& out, std::uint32_t port, double share) {
  for (auto& r : out) {
    if (r.link == port) {
      r.coefficient += static_cast<float>(share);
      return;
    }
  }
  out.push_back({port, static_cast<float>(share)});
}

bool port_is_up(const RouteContext& ctx, std::uint32_t port) {
  return ctx.port_up == nullptr || ctx.port_up->empty() || (*ctx.port_up)[port];
}

// One path from src to dst; `pick(node, n)` chooses among n equal-cost next hops.
template <typename Pick>
bool walk(const RouteContext& ctx, std::uint32_t src, std::uint32_t dst, double share, Pick pick,
          std::vector<RouteCoefficient>& out) {
  int node = static_cast<int>(src);
  for (std::size_t hop = 0; hop <= ctx.topo->nodes.size(); ++hop) {
    if (node == static_cast<int>(dst)) return true;
    auto [ports, n] = ctx.hops->choices(node, static_cast<int>(dst));
    if (n == 0) return false;
    const std::uint32_t port = ports[n == 1 ? 0 : pick(node, n)];
    add_share(out, port, share);
    node = port_to(*ctx.topo, port);
  }
  return false;
}

// Whether dst can be reached from `node` over up ports along equal-cost next hops
// (memoized per call in `reach`: 0 unknown, 1 yes, 2 no).
bool reaches(const RouteContext& ctx, int node, std::uint32_t dst, std::vector<std::pair<int, std::uint8_t>>& reach) {
  if (node == static_cast<int>(dst)) return true;
  for (const auto& [n, v] : reach) {
    if (n == node) return v == 1;
  }
  bool ok = false;
  auto [ports, n] = ctx.hops->choices(node, static_cast<int>(dst));
  for (int i = 0; i < n && !ok; ++i) {
    ok = port_is_up(ctx, ports[i]) && reaches(ctx, port_to(*ctx.topo, ports[i]), dst, reach);
  }
  reach.emplace_back(node, ok ? 1 : 2);
  return ok;
}

// Uniform per-hop split over the next hops from which dst is still reachable: SRD moves
// the path slots that time out to new entropies, so it ends up spraying over exactly
// those (instantly here; the packet engine shows the RTOs this takes).
bool spray(const RouteContext& ctx, std::uint32_t src, std::uint32_t dst, double share,
           std::vector<RouteCoefficient>& out) {
  const bool all_up = ctx.port_up == nullptr || ctx.port_up->empty();
  std::vector<std::pair<int, std::uint8_t>> reach;
  auto usable = [&](std::uint32_t port) {
    return all_up || (port_is_up(ctx, port) && reaches(ctx, port_to(*ctx.topo, port), dst, reach));
  };
  if (!all_up && !reaches(ctx, static_cast<int>(src), dst, reach)) return false;
  std::vector<std::pair<int, double>> frontier{{static_cast<int>(src), share}}, next;
  for (std::size_t hop = 0; hop <= ctx.topo->nodes.size() && !frontier.empty(); ++hop) {
    next.clear();
    for (auto [node, w] : frontier) {
      if (node == static_cast<int>(dst)) continue;
      auto [ports, n] = ctx.hops->choices(node, static_cast<int>(dst));
      int up = 0;
      for (int i = 0; i < n; ++i) up += usable(ports[i]);
      if (up == 0) return false;
      for (int i = 0; i < n; ++i) {
        if (!usable(ports[i])) continue;
        add_share(out, ports[i], w / up);
        const int to = port_to(*ctx.topo, ports[i]);
        auto it = std::find_if(next.begin(), next.end(), [&](const auto& p) { return p.first == to; });
        if (it == next.end()) {
          next.emplace_back(to, w / up);
        } else {
          it->second += w / up;
        }
      }
    }
    std::swap(frontier, next);
  }
  return frontier.empty();
}

std::uint32_t qp_entropy(std::uint64_t seed, std::uint32_t stream, std::uint32_t src, std::uint32_t dst,
                         std::uint32_t qp) {
  std::uint64_t x = seed ^ (static_cast<std::uint64_t>(stream) << 48) ^ (static_cast<std::uint64_t>(src) << 24) ^
                    (static_cast<std::uint64_t>(dst) << 4) ^ qp;
  x += 0x9e3779b97f4a7c15ull;  // splitmix64 finalizer
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return static_cast<std::uint32_t>(x ^ (x >> 31));
}

}  // namespace

bool compute_route(const RouteContext& ctx, const ScheduleStream& s, std::uint32_t stream_index, const Transfer& t,
                   std::vector<RouteCoefficient>& out) {
  out.clear();
  bool ok = true;
  switch (s.path) {
    case PathPolicy::kSpray: ok = spray(ctx, t.src, t.dst, 1.0, out); break;
    case PathPolicy::kFlowHash:
      ok = walk(ctx, t.src, t.dst, 1.0, [&](int node, int n) { return route_hash(t.route_key, node) % n; }, out);
      break;
    case PathPolicy::kEntropyHash:
    case PathPolicy::kDestModK:
      for (std::uint32_t qp = 0; qp < s.qps && ok; ++qp) {
        const std::uint32_t key = s.path == PathPolicy::kDestModK ? t.dst * s.lid_stride + qp
                                                                  : qp_entropy(ctx.seed, stream_index, t.src, t.dst, qp);
        auto pick = [&](int node, int n) {
          return s.path == PathPolicy::kDestModK ? dmodk_index(*ctx.topo, node, key, n)
                                                 : static_cast<int>(route_hash(key, node) % n);
        };
        ok = walk(ctx, t.src, t.dst, 1.0 / s.qps, pick, out);
      }
      break;
  }
  const float wire = static_cast<float>(s.wire_factor());
  for (auto& r : out) r.coefficient *= wire;
  return ok && !out.empty();
}

std::int64_t unloaded_latency_ps(const RouteContext& ctx, const ScheduleStream& s, const Transfer& t,
                                 const std::vector<double>& capacity) {
  const double packet_wire = static_cast<double>(std::min<std::uint64_t>(t.bytes, s.mtu_payload_bytes) + s.header_bytes);
  double ps = 0;
  int node = static_cast<int>(t.src);
  for (std::size_t hop = 0; hop <= ctx.topo->nodes.size() && node != static_cast<int>(t.dst); ++hop) {
    auto [ports, n] = ctx.hops->choices(node, static_cast<int>(t.dst));
    if (n == 0) break;
    const std::uint32_t port = ports[0];
    ps += ctx.topo->links[port / 2].propagation_us * 1e6;
    if (hop > 0 && capacity[port] > 0) ps += packet_wire / capacity[port] * 1e12;
    node = port_to(*ctx.topo, port);
  }
  return static_cast<std::int64_t>(std::llround(ps));
}

}  // namespace fabricplan::flow
