// GPU copy and launch microbenchmarks (CUDA runtime only, no other dependency, so the
// same source builds into `fabricplan calibrate gpu` and into a standalone tool that
// bench/gpu/run_on_device.sh compiles with the device's own nvcc).
//
// Every figure is timed with CUDA events on one stream after warm-up: a copy of n bytes
// is repeated until ~20 ms have passed (at least 5 times), and the bandwidth is
// n x repetitions / elapsed, counting each byte once (as PyTorch's and nccl-tests'
// figures do; a device-to-device copy moves 2n bytes of memory traffic).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fabricplan::calib {

struct CopySample {
  std::uint64_t bytes;
  double seconds_per_copy;
  double bytes_per_s;
};

struct GpuBenchResult {
  bool available = false;
  std::string unavailable_reason;  // when !available
  std::string device_name;
  int cuda_runtime_version = 0, cuda_driver_version = 0;
  std::vector<CopySample> h2d_pinned, d2h_pinned, h2d_pageable, d2h_pageable, d2d;
  double launch_us = 0;        // back-to-back empty kernel launches, per launch
  double launch_sync_us = 0;   // one launch followed by a stream synchronize
};

// Sizes from min_bytes to max_bytes, x4 each step.
GpuBenchResult run_gpu_bench(std::uint64_t min_bytes, std::uint64_t max_bytes, int device = 0);

// The result as a JSON object (the profile's "gpu" member, with the sweeps).
std::string gpu_bench_json(const GpuBenchResult& r);

}  // namespace fabricplan::calib
