// Fitting measured (message size, time) samples into the profile's figures.
//
// Piecewise alpha-beta: time = alpha_k + bytes / beta_k on segment k, with the
// breakpoints chosen from the data as SimGrid's SMPI calibration does (protocol
// switches such as eager -> rendezvous show up as a change of slope or intercept):
// every split of the sorted sizes into 1..3 contiguous segments of >= 3 sizes is
// fitted by weighted least squares (Eigen), weights 1/t^2 so that every size counts by
// its relative error, and the split with the smallest BIC wins. Outliers are handled
// with Huber weights (iteratively reweighted least squares, threshold 1.345 x the
// median absolute relative residual / 0.6745), so one disturbed size cannot bend a
// segment. LogGP-style figures come from the same fit: L + 2o is the small-message
// intercept, G the large-message time per byte.
#pragma once

#include <cstdint>
#include <vector>

#include "calib/profile.h"

namespace fabricplan::calib {

struct Sample {
  double bytes;
  double seconds;
};

struct AlphaBetaFit {
  std::vector<FitSegment> segments;
  double r2 = 0;                   // of time, over all samples
  double max_abs_rel_residual = 0;
  std::vector<double> rel_residuals;  // (fit - measured) / measured, in sample order (sorted by size)
  double latency_us = 0;              // predicted time of the smallest size
  double bandwidth_bytes_per_s = 0;   // last segment's beta (the large-message asymptote)
  double loggp_L_plus_2o_us = 0;
  double loggp_G_ps_per_byte = 0;
};

// Throws std::invalid_argument with fewer than 2 distinct sizes.
AlphaBetaFit fit_alpha_beta(std::vector<Sample> samples, int max_segments = 3);

}  // namespace fabricplan::calib
