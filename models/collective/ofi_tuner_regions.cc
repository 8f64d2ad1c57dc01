#include "models/collective/ofi_tuner_regions.h"

#include <cmath>
#include <vector>

namespace fabricplan::collective {
namespace {

// The tuner's domain: above either bound it defers to NCCL.
constexpr double kMaxSizeBytes = 100.0 * 1024 * 1024 * 1024;
constexpr double kMaxRanks = 1024.0 * 1024;

struct Point {
  double x, y;  // log2(bytes), log2(ranks)
};

Point log2_point(double bytes, double ranks) {
  // A vertex at 0 bytes stands for "from the smallest message"; half a byte keeps it left
  // of every real size without an infinite coordinate.
  return {std::log2(bytes > 0 ? bytes : 0.5), std::log2(ranks > 0 ? ranks : 0.5)};
}

// A vertex as the source writes it: a literal (bytes, ranks); the point where the line
// through two literals leaves the domain towards its far corner (the source's
// extend_region); or one coordinate of such an extended point with the other given
// (0 bytes at its ranks, or its bytes at given ranks).
struct Vertex {
  enum Kind { kAt, kExtended, kZeroBytesAtItsRanks, kItsBytesAtRanks } kind = kAt;
  double bytes = 0, ranks = 0;
  double a_bytes = 0, a_ranks = 0, b_bytes = 0, b_ranks = 0;
};
Vertex at(double bytes, double ranks) { return {Vertex::kAt, bytes, ranks, 0, 0, 0, 0}; }
Vertex extended(double ab, double ar, double bb, double br) { return {Vertex::kExtended, 0, 0, ab, ar, bb, br}; }
Vertex zero_bytes_at_ranks_of(const Vertex& e) {
  Vertex v = e;
  v.kind = Vertex::kZeroBytesAtItsRanks;
  return v;
}
Vertex bytes_of_at_ranks(const Vertex& e, double ranks) {
  Vertex v = e;
  v.kind = Vertex::kItsBytesAtRanks;
  v.ranks = ranks;
  return v;
}

Point extend(Point a, Point b) {
  const Point z = log2_point(kMaxSizeBytes, kMaxRanks);
  if (a.x == b.x) return {a.x, z.y};
  if (a.y == b.y) return {z.x, a.y};
  const double m = (a.y - b.y) / (a.x - b.x), c = b.y - m * b.x;
  const double projected_y = m * z.x + c;
  if (projected_y < z.y) return {z.x, projected_y};
  return {(z.y - c) / m, z.y};
}

Point resolve(const Vertex& v) {
  if (v.kind == Vertex::kAt) return log2_point(v.bytes, v.ranks);
  const Point e = extend(log2_point(v.a_bytes, v.a_ranks), log2_point(v.b_bytes, v.b_ranks));
  if (v.kind == Vertex::kExtended) return e;
  if (v.kind == Vertex::kItsBytesAtRanks) return {e.x, std::log2(v.ranks)};
  return {log2_point(0, 1).x, e.y};
}

struct Region {
  TunerChoice choice;
  std::vector<Vertex> vertices;
};

bool on_segment(Point p, Point a, Point b) {
  const double eps = 1e-9;
  const double cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
  if (std::abs(cross) > eps * std::max(1.0, std::hypot(b.x - a.x, b.y - a.y))) return false;
  return p.x >= std::min(a.x, b.x) - eps && p.x <= std::max(a.x, b.x) + eps && p.y >= std::min(a.y, b.y) - eps &&
         p.y <= std::max(a.y, b.y) + eps;
}

// Even-odd ray casting; a point on an edge is inside (the source counts it so, and the
// p5 table's 2-node NVLS-tree region is a line).
bool inside(Point p, const std::vector<Point>& poly) {
  const std::size_t n = poly.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (on_segment(p, poly[i], poly[(i + 1) % n])) return true;
  }
  bool in = false;
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    const Point a = poly[i], b = poly[j];
    if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) in = !in;
  }
  return in;
}

constexpr TunerChoice kTreeLL{"tree", "LL"}, kTreeLL128{"tree", "LL128"}, kRingLL128{"ring", "LL128"},
    kRingSimple{"ring", "Simple"}, kNvlsTreeSimple{"nvls_tree", "Simple"};
constexpr double M = kMaxSizeBytes;

// aws-ofi-nccl region_init_internal_p5_p5e, all_reduce, nRanks == 8 x nNodes.
std::vector<Region> p5_all_reduce() {
  const Vertex tree_ll128_end = extended(402653184, 2048, 402653184, 4096);
  const Vertex nvls_tree_end = extended(8053063680, 160, 9663676416, 192);
  return {
      {kTreeLL128,
       {at(0, 16), at(31457280, 16), at(37748736, 32), at(117440512, 64), at(301989888, 128), at(301989888, 256),
        at(335544320, 512), at(536870912, 1024), at(402653184, 2048), at(402653184, 4096), tree_ll128_end,
        zero_bytes_at_ranks_of(tree_ll128_end)}},
      {kNvlsTreeSimple, {at(31457281, 16), at(M, 16), at(31457281, 16)}},
      {kRingLL128,
       {at(31457280, 17), at(1073741824, 17), at(2147483648, 64), at(2147483648, 128), at(1342177280, 160),
        at(2147483648, 256), at(1074790400, 256), at(444596224, 160), at(301989888, 128), at(117440512, 64),
        at(37748736, 32)}},
      {kNvlsTreeSimple,
       {at(2147483648, 128), at(6442450944, 128), at(8053063680, 160), at(9663676416, 192), nvls_tree_end,
        tree_ll128_end, at(402653184, 4096), at(402653184, 2048), at(536870912, 1024), at(335544320, 512),
        at(301989888, 256), at(310378496, 160), at(444596224, 160), at(1074790400, 256), at(2684354560, 256),
        at(2147483648, 224), at(1342177280, 160)}},
      {kRingSimple,
       {at(1073741824, 17), bytes_of_at_ranks(nvls_tree_end, 17), nvls_tree_end, at(9663676416, 192), at(8053063680, 160),
        at(2684354560, 64), at(1610612736, 32)}},
  };
}

// region_init_internal_p5en, all_reduce, nRanks == 8 x nNodes.
std::vector<Region> p5en_all_reduce() {
  const Vertex tree_ll_end = extended(196608, 192, 196608, 1024);
  const Vertex tree_ll128_end = extended(129499136, 127, 218103808, 1024);
  const Vertex nvls_tree_end = extended(7516192768, 256, 17179869184, 448);
  return {
      {kTreeLL, {at(0, 16), at(196608, 16), at(196608, 1024), tree_ll_end, at(0, kMaxRanks)}},
      {kTreeLL128,
       {tree_ll_end, at(196608, 1024), at(196608, 16), at(13107200, 16), at(129499136, 127), at(218103808, 1024),
        tree_ll128_end}},
      {kRingLL128,
       {at(129499136, 127), at(13107200, 16), at(29884416, 16), at(293601280, 32), at(589299712, 64),
        at(549453824, 128)}},
      {kNvlsTreeSimple,
       {tree_ll128_end, at(218103808, 1024), at(129499136, 127), at(549453824, 128), at(589299712, 64),
        at(293601280, 32), at(29884416, 16), at(M, 16), at(509607936, 32), at(7516192768, 256),
        at(17179869184, 448), nvls_tree_end}},
      {kRingSimple, {nvls_tree_end, at(17179869184, 448), at(7516192768, 256), at(509607936, 32), at(M, 16)}},
  };
}

// region_init_internal_p6, all_reduce, nRanks == 8 x nNodes.
std::vector<Region> p6_all_reduce() {
  const Vertex tree_ll_end = extended(393216, 16, 393216, 1024);
  const Vertex tree_ll128_end = extended(96993280, 1024, 106430464, 2048);
  const Vertex nvls_tree_end = extended(10737418240, 512, 34359738368, 1500);
  return {
      {kTreeLL, {at(0, 16), at(393216, 16), tree_ll_end, at(0, kMaxRanks)}},
      {kTreeLL128,
       {tree_ll_end, at(393216, 16), at(4718592, 16), at(18350080, 32), at(40370176, 64), at(57147392, 128),
        at(72876032, 256), at(96993280, 1024), at(106430464, 2048), tree_ll128_end}},
      {kRingLL128, {at(90701824, 128), at(50855936, 64), at(18350080, 32), at(133693440, 32), at(120061952, 64)}},
      {kNvlsTreeSimple,
       {tree_ll128_end, at(106430464, 2048), at(96993280, 1024), at(72876032, 256), at(57147392, 128),
        at(40370176, 64), at(18350080, 32), at(50855936, 64), at(90701824, 128), at(120061952, 64),
        at(133693440, 32), at(18350080, 32), at(4718592, 16), at(M, 16), at(435159040, 32), at(1072693248, 64),
        at(10737418240, 512), at(34359738368, 1500), nvls_tree_end}},
      {kRingSimple, {nvls_tree_end, at(10737418240, 512), at(1072693248, 64), at(435159040, 32), at(M, 16)}},
  };
}

struct ResolvedRegion {
  TunerChoice choice;
  std::vector<Point> polygon;
};

std::vector<ResolvedRegion> resolve_all(const std::vector<Region>& regions) {
  std::vector<ResolvedRegion> out;
  for (const Region& r : regions) {
    ResolvedRegion rr{r.choice, {}};
    for (const Vertex& v : r.vertices) rr.polygon.push_back(resolve(v));
    out.push_back(std::move(rr));
  }
  return out;
}

const std::vector<ResolvedRegion>& regions_of(TunerPlatform p) {
  static const std::vector<ResolvedRegion> p5 = resolve_all(p5_all_reduce());
  static const std::vector<ResolvedRegion> p5en = resolve_all(p5en_all_reduce());
  static const std::vector<ResolvedRegion> p6 = resolve_all(p6_all_reduce());
  static const std::vector<ResolvedRegion> none;
  switch (p) {
    case TunerPlatform::kP5: return p5;
    case TunerPlatform::kP5en: return p5en;
    case TunerPlatform::kP6: return p6;
    case TunerPlatform::kNone: break;
  }
  return none;
}

}  // namespace

TunerPlatform tuner_platform_of(const std::string& instance_type) {
  if (instance_type == "p5.48xlarge" || instance_type == "p5e.48xlarge") return TunerPlatform::kP5;
  if (instance_type == "p5en.48xlarge") return TunerPlatform::kP5en;
  if (instance_type == "p6-b200.48xlarge") return TunerPlatform::kP6;
  return TunerPlatform::kNone;
}

const char* tuner_platform_name(TunerPlatform p) {
  switch (p) {
    case TunerPlatform::kP5: return "p5/p5e";
    case TunerPlatform::kP5en: return "p5en";
    case TunerPlatform::kP6: return "p6";
    case TunerPlatform::kNone: break;
  }
  return "none";
}

std::optional<TunerChoice> ofi_region_all_reduce(TunerPlatform p, double bytes, int nodes, int ranks_per_node) {
  if (p == TunerPlatform::kNone || ranks_per_node != 8 || nodes < 2) return std::nullopt;
  const double ranks = 8.0 * nodes;
  if (bytes > kMaxSizeBytes || ranks > kMaxRanks) return std::nullopt;
  const Point q = log2_point(bytes, ranks);
  for (const ResolvedRegion& r : regions_of(p)) {
    if (inside(q, r.polygon)) return r.choice;
  }
  return std::nullopt;
}

}  // namespace fabricplan::collective
