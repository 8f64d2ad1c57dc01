// CalibrationProfile: measured figures that replace catalog defaults.
//
// Written by `fabricplan calibrate ...` and read by plan/simulate/compare
// (schema: configs/schema/calibration.schema.json). Bandwidths are bytes per second
// of payload, per direction, for large messages (the fitted asymptote).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fabricplan {

struct FitSegment {
  double min_bytes = 0;
  double max_bytes = 0;        // exclusive upper bound of this segment
  double alpha_us = 0;         // latency intercept
  double beta_bytes_per_s = 0; // bandwidth slope: time = alpha + size / beta
};

struct NicCalibration {
  std::string name;
  double latency_us = 0;  // -1: not measured (e.g. an imported ib_write_bw log)
  double bandwidth_bytes_per_s = 0;
  std::vector<FitSegment> segments;
  std::string provider;  // libfabric provider it was measured over ("" where not recorded)
};

struct GpuCalibration {
  double h2d_bytes_per_s = 0;
  double d2h_bytes_per_s = 0;
  double d2d_bytes_per_s = 0;
  double launch_us = 0;
  bool gpudirect = false;
};

// One collective of the intra-node tier (calibrate collectives): time per operation
// over `ranks` GPUs of one host, fitted as alpha-beta segments over nccl-tests' size.
struct IntraNodeCollective {
  std::string op;  // nccl-tests' names: all_reduce, all_gather, alltoall, ...
  int ranks = 0;
  std::vector<FitSegment> segments;
  double large_message_busbw_bytes_per_s = 0;
  // Fitted time of one operation of `bytes` (the segment holding it; the last one past
  // the sweep, which the caller should say is an extrapolation).
  double time_us(double bytes) const;
};

struct IntraNodeCalibration {
  int gpus = 0;
  std::string device;
  std::vector<IntraNodeCollective> collectives;
  // The fit of `op` over exactly `ranks` GPUs, or nullptr.
  const IntraNodeCollective* find(const std::string& op, int ranks) const;
};

struct CalibrationProfile {
  std::string file;
  std::string provider;  // the session's; a merged profile's NICs' when they agree, else "mixed (a, b)"
  std::string host;
  std::string instance_type;  // empty when unknown
  std::vector<NicCalibration> nics;
  double aggregate_bandwidth_bytes_per_s = 0;  // all NICs at once; 0 when not measured
  std::optional<GpuCalibration> gpu;
  // Only where 2+ GPUs were measured (one GPU's collectives never leave it).
  std::optional<IntraNodeCalibration> intra_node;
  bool complete = true;  // false: a calibration session ended early (its figures are partial)

  // Median large-message bandwidth of one NIC; 0 when no NIC was measured.
  double per_nic_bandwidth_bytes_per_s() const;
  // aggregate / (nics x per-NIC): how close N rails get to N x one; 1 when unknown.
  double multi_rail_efficiency() const;
  // The figure a plan takes from it, in words: "median of 4 NICs (provider efa) 11.2 GB/s
  // x multi-rail 0.97".
  std::string nic_figure_text() const;
};

// Reads a profile; throws InputError naming the bad field.
CalibrationProfile load_calibration_profile(const std::string& path);

}  // namespace fabricplan
