#include "calib/fit.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace fabricplan::calib {
namespace {

struct LineFit {
  double alpha_s = 0, per_byte_s = 0, weighted_sse = 0;
};

// Weighted least squares of t = a + b x over samples [lo, hi), with Huber IRLS on
// relative residuals.
LineFit fit_line(const std::vector<Sample>& s, std::size_t lo, std::size_t hi) {
  const std::size_t n = hi - lo;
  Eigen::MatrixXd A(n, 2);
  Eigen::VectorXd y(n), w = Eigen::VectorXd::Ones(n);
  for (std::size_t i = 0; i < n; ++i) {
    A(i, 0) = 1 / s[lo + i].seconds;  // rows scaled by 1/t: relative error
    A(i, 1) = s[lo + i].bytes / s[lo + i].seconds;
    y(i) = 1;
  }
  Eigen::Vector2d coef = Eigen::Vector2d::Zero();
  for (int iter = 0; iter < 10; ++iter) {
    Eigen::MatrixXd Aw = w.asDiagonal() * A;
    Eigen::VectorXd yw = w.asDiagonal() * y;
    coef = Aw.colPivHouseholderQr().solve(yw);
    // The model is physical: no negative latency, no negative time per byte. A
    // coefficient that comes out negative is held at 0 and the other refitted alone.
    if (coef(1) < 0 || coef(0) < 0) {
      int keep = coef(1) < 0 ? 0 : 1;
      Eigen::VectorXd col = Aw.col(keep);
      coef = Eigen::Vector2d::Zero();
      coef(keep) = std::max(0.0, col.dot(yw) / col.squaredNorm());
    }
    Eigen::VectorXd r = A * coef - y;
    std::vector<double> a(n);
    for (std::size_t i = 0; i < n; ++i) a[i] = std::abs(r(i));
    std::nth_element(a.begin(), a.begin() + n / 2, a.end());
    double scale = a[n / 2] / 0.6745;
    if (scale < 1e-9) break;
    const double k = 1.345 * scale;
    for (std::size_t i = 0; i < n; ++i) w(i) = std::abs(r(i)) <= k ? 1.0 : std::sqrt(k / std::abs(r(i)));
  }
  Eigen::VectorXd r = A * coef - y;
  return LineFit{coef(0), coef(1), r.squaredNorm()};
}

}  // namespace

namespace {

// The breakpoint search below is O(n^3) (each of O(n^2) cut pairs refits its segments):
// 800 rows took 25 s. Past kMaxFitPoints samples, each message size keeps its median
// time, and past that many sizes, neighbouring sizes are merged (log-spaced bins, the
// median of each), so a fit of any log costs at most a few milliseconds.
constexpr std::size_t kMaxFitPoints = 64;

std::vector<Sample> reduce_samples(std::vector<Sample> s) {
  if (s.size() <= kMaxFitPoints) return s;
  std::sort(s.begin(), s.end(), [](const Sample& a, const Sample& b) {
    return a.bytes != b.bytes ? a.bytes < b.bytes : a.seconds < b.seconds;
  });
  const double lo = std::log(std::max(1.0, s.front().bytes)), hi = std::log(std::max(1.0, s.back().bytes));
  const double width = (hi - lo) / kMaxFitPoints + 1e-12;
  std::vector<Sample> out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t bin = static_cast<std::size_t>((std::log(std::max(1.0, s[i].bytes)) - lo) / width);
    std::size_t j = i;
    while (j < s.size() && static_cast<std::size_t>((std::log(std::max(1.0, s[j].bytes)) - lo) / width) == bin) ++j;
    out.push_back(s[i + (j - i) / 2]);  // the median of the bin (sorted by size, then time)
    i = j;
  }
  return out;
}

}  // namespace

AlphaBetaFit fit_alpha_beta(std::vector<Sample> s, int max_segments) {
  s = reduce_samples(std::move(s));
  std::sort(s.begin(), s.end(), [](const Sample& a, const Sample& b) { return a.bytes < b.bytes; });
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < s.size(); ++i) distinct += i == 0 || s[i].bytes != s[i - 1].bytes;
  if (distinct < 2) throw std::invalid_argument("fitting needs samples at two or more message sizes");
  const std::size_t n = s.size();
  const std::size_t min_len = n >= 6 ? 3 : 2;
  // Candidate splits: cut points c1 < c2 (segments [0,c1), [c1,c2), [c2,n)).
  double best_bic = std::numeric_limits<double>::infinity();
  std::vector<std::size_t> best_cuts;
  auto consider = [&](const std::vector<std::size_t>& cuts) {
    double sse = 0;
    std::size_t lo = 0;
    for (std::size_t k = 0; k <= cuts.size(); ++k) {
      std::size_t hi = k < cuts.size() ? cuts[k] : n;
      sse += fit_line(s, lo, hi).weighted_sse;
      lo = hi;
    }
    const double params = 3.0 * (cuts.size() + 1) - 1;  // alpha, beta per segment + breakpoints
    double bic = n * std::log(std::max(sse / n, 1e-12)) + params * std::log(static_cast<double>(n));
    if (bic < best_bic - 1e-9) {
      best_bic = bic;
      best_cuts = cuts;
    }
  };
  consider({});
  if (max_segments >= 2) {
    for (std::size_t c1 = min_len; c1 + min_len <= n; ++c1) consider({c1});
  }
  if (max_segments >= 3) {
    for (std::size_t c1 = min_len; c1 + 2 * min_len <= n; ++c1) {
      for (std::size_t c2 = c1 + min_len; c2 + min_len <= n; ++c2) consider({c1, c2});
    }
  }
  AlphaBetaFit f;
  std::size_t lo = 0;
  std::vector<LineFit> lines;
  for (std::size_t k = 0; k <= best_cuts.size(); ++k) {
    std::size_t hi = k < best_cuts.size() ? best_cuts[k] : n;
    LineFit l = fit_line(s, lo, hi);
    lines.push_back(l);
    FitSegment seg;
    seg.min_bytes = lo == 0 ? 0 : s[lo].bytes;
    seg.max_bytes = hi == n ? std::numeric_limits<double>::infinity() : s[hi].bytes;
    seg.alpha_us = l.alpha_s * 1e6;
    // A flat segment (time independent of size) has no bandwidth limit: 1e18 B/s.
    seg.beta_bytes_per_s = l.per_byte_s > 1e-18 ? 1 / l.per_byte_s : 1e18;
    f.segments.push_back(seg);
    double ss_res = 0;
    for (std::size_t i = lo; i < hi; ++i) {
      double pred = l.alpha_s + l.per_byte_s * s[i].bytes;
      double rel = (pred - s[i].seconds) / s[i].seconds;
      f.rel_residuals.push_back(rel);
      f.max_abs_rel_residual = std::max(f.max_abs_rel_residual, std::abs(rel));
      ss_res += (pred - s[i].seconds) * (pred - s[i].seconds);
    }
    f.r2 += ss_res;  // summed here, turned into R^2 below
    lo = hi;
  }
  double mean = 0;
  for (const auto& x : s) mean += x.seconds / n;
  double ss_tot = 0;
  for (const auto& x : s) ss_tot += (x.seconds - mean) * (x.seconds - mean);
  f.r2 = ss_tot > 0 ? 1 - f.r2 / ss_tot : 1;
  f.latency_us = (lines.front().alpha_s + lines.front().per_byte_s * s.front().bytes) * 1e6;
  f.bandwidth_bytes_per_s = f.segments.back().beta_bytes_per_s;
  f.loggp_L_plus_2o_us = f.segments.front().alpha_us;
  f.loggp_G_ps_per_byte = lines.back().per_byte_s * 1e12;
  return f;
}

}  // namespace fabricplan::calib
