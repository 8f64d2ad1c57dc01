#include "gpu_bench.h"

#include <cuda_runtime.h>
#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace fabricplan::calib {
namespace {

__global__ void empty_kernel() {}

struct CudaError {
  std::string what;
};

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw CudaError{std::string(what) + ": " + cudaGetErrorString(e)};
}

// Times `copy` (one async copy on `stream`) with events: warm-up, then repetitions
// until ~20 ms have passed.
template <typename Copy>
CopySample time_copy(std::uint64_t bytes, cudaStream_t stream, Copy copy) {
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  for (int i = 0; i < 3; ++i) copy();
  check(cudaStreamSynchronize(stream), "warm-up");
  int reps = 5;
  float ms = 0;
  for (;;) {
    check(cudaEventRecord(start, stream), "cudaEventRecord");
    for (int i = 0; i < reps; ++i) copy();
    check(cudaEventRecord(stop, stream), "cudaEventRecord");
    check(cudaEventSynchronize(stop), "cudaEventSynchronize");
    check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
    if (ms >= 20 || reps >= 1 << 16) break;
    reps = std::min(1 << 16, std::max(reps * 2, static_cast<int>(reps * 25.0 / std::max(ms, 0.001f))));
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  double s = ms * 1e-3 / reps;
  return CopySample{bytes, s, bytes / s};
}

void write_sweep(std::ostringstream& os, const char* name, const std::vector<CopySample>& v) {
  os << "    \"" << name << "\": [";
  for (std::size_t i = 0; i < v.size(); ++i) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s{\"bytes\": %llu, \"seconds\": %.9e, \"bytes_per_s\": %.6e}", i ? ", " : "",
                  static_cast<unsigned long long>(v[i].bytes), v[i].seconds_per_copy, v[i].bytes_per_s);
    os << buf;
  }
  os << "]";
}

double largest(const std::vector<CopySample>& v) { return v.empty() ? 0 : v.back().bytes_per_s; }

}  // namespace

GpuBenchResult run_gpu_bench(std::uint64_t min_bytes, std::uint64_t max_bytes, int device) {
  GpuBenchResult r;
  // Without an NVIDIA driver the runtime answers "driver version is insufficient",
  // which sends people after driver versions on a host that has no GPU: look for the
  // driver library first and say what is really missing.
  if (void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL)) {
    dlclose(driver);
  } else {
    r.unavailable_reason = "no NVIDIA driver on this host (libcuda.so.1 not found): no GPU to measure";
    return r;
  }
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess || count == 0) {
    int driver_version = 0, runtime_version = 0;
    cudaDriverGetVersion(&driver_version);
    cudaRuntimeGetVersion(&runtime_version);
    r.unavailable_reason = e == cudaErrorInsufficientDriver
                               ? "the NVIDIA driver (CUDA " + std::to_string(driver_version / 1000) + "." +
                                     std::to_string(driver_version % 1000 / 10) + ") is older than this build's CUDA runtime (" +
                                     std::to_string(runtime_version / 1000) + "." + std::to_string(runtime_version % 1000 / 10) + ")"
                           : e != cudaSuccess ? std::string("no usable CUDA device: ") + cudaGetErrorString(e)
                                              : "the NVIDIA driver is loaded but lists no GPU";
    return r;
  }
  try {
    check(cudaSetDevice(device), "cudaSetDevice");
    cudaDeviceProp prop;
    check(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
    r.device_name = prop.name;
    cudaRuntimeGetVersion(&r.cuda_runtime_version);
    cudaDriverGetVersion(&r.cuda_driver_version);
    cudaStream_t stream;
    check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate");
    void *dev_a, *dev_b, *pinned;
    check(cudaMalloc(&dev_a, max_bytes), "cudaMalloc");
    check(cudaMalloc(&dev_b, max_bytes), "cudaMalloc");
    check(cudaMallocHost(&pinned, max_bytes), "cudaMallocHost");
    void* pageable = std::malloc(max_bytes);
    if (!pageable) throw CudaError{"malloc of the pageable buffer failed"};
    std::memset(pageable, 1, max_bytes);  // touch every page so faults are not timed
    std::memset(pinned, 1, max_bytes);
    check(cudaMemset(dev_a, 1, max_bytes), "cudaMemset");
    for (std::uint64_t n = min_bytes; n <= max_bytes; n *= 4) {
      r.h2d_pinned.push_back(time_copy(n, stream, [&] { cudaMemcpyAsync(dev_a, pinned, n, cudaMemcpyHostToDevice, stream); }));
      r.d2h_pinned.push_back(time_copy(n, stream, [&] { cudaMemcpyAsync(pinned, dev_a, n, cudaMemcpyDeviceToHost, stream); }));
      r.h2d_pageable.push_back(time_copy(n, stream, [&] { cudaMemcpyAsync(dev_a, pageable, n, cudaMemcpyHostToDevice, stream); }));
      r.d2h_pageable.push_back(time_copy(n, stream, [&] { cudaMemcpyAsync(pageable, dev_a, n, cudaMemcpyDeviceToHost, stream); }));
      r.d2d.push_back(time_copy(n, stream, [&] { cudaMemcpyAsync(dev_b, dev_a, n, cudaMemcpyDeviceToDevice, stream); }));
    }
    // Launch latency: back-to-back empty kernels (throughput), and launch + sync.
    CopySample burst = time_copy(0, stream, [&] { empty_kernel<<<1, 1, 0, stream>>>(); });
    r.launch_us = burst.seconds_per_copy * 1e6;
    for (int i = 0; i < 100; ++i) {
      empty_kernel<<<1, 1, 0, stream>>>();
      cudaStreamSynchronize(stream);
    }
    cudaEvent_t t0, t1;
    cudaEventCreate(&t0);
    cudaEventCreate(&t1);
    const int sync_reps = 1000;
    // Host-side wall time of launch + synchronize, which is what a step of a serving
    // loop pays; measured with the host clock via events recorded around the loop.
    cudaEventRecord(t0, stream);
    for (int i = 0; i < sync_reps; ++i) {
      empty_kernel<<<1, 1, 0, stream>>>();
      cudaStreamSynchronize(stream);
    }
    cudaEventRecord(t1, stream);
    cudaEventSynchronize(t1);
    float ms = 0;
    cudaEventElapsedTime(&ms, t0, t1);
    r.launch_sync_us = ms * 1e3 / sync_reps;
    check(cudaGetLastError(), "kernel launch");
    std::free(pageable);
    cudaFreeHost(pinned);
    cudaFree(dev_a);
    cudaFree(dev_b);
    cudaStreamDestroy(stream);
    r.available = true;
  } catch (const CudaError& err) {
    r.available = false;
    r.unavailable_reason = err.what;
  }
  return r;
}

std::string gpu_bench_json(const GpuBenchResult& r) {
  std::ostringstream os;
  if (!r.available) {
    os << "{\n    \"available\": false,\n    \"unavailable_reason\": \"" << r.unavailable_reason << "\"\n  }";
    return os.str();
  }
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\n    \"available\": true,\n    \"device\": \"%s\",\n    \"cuda_runtime_version\": %d,\n"
                "    \"cuda_driver_version\": %d,\n    \"h2d_bytes_per_s\": %.6e,\n    \"d2h_bytes_per_s\": %.6e,\n"
                "    \"h2d_pageable_bytes_per_s\": %.6e,\n    \"d2h_pageable_bytes_per_s\": %.6e,\n"
                "    \"d2d_bytes_per_s\": %.6e,\n    \"launch_us\": %.4f,\n    \"launch_sync_us\": %.4f,\n",
                r.device_name.c_str(), r.cuda_runtime_version, r.cuda_driver_version, largest(r.h2d_pinned),
                largest(r.d2h_pinned), largest(r.h2d_pageable), largest(r.d2h_pageable), largest(r.d2d), r.launch_us,
                r.launch_sync_us);
  os << buf;
  os << "    \"gpudirect\": false,\n"
     << "    \"gpudirect_reason\": \"not measured by calibrate gpu: it needs a libfabric provider reporting FI_HMEM "
        "CUDA support (calibrate client checks)\",\n"
     << "    \"sweeps\": {\n";
  write_sweep(os, "h2d_pinned", r.h2d_pinned);
  os << ",\n";
  write_sweep(os, "d2h_pinned", r.d2h_pinned);
  os << ",\n";
  write_sweep(os, "h2d_pageable", r.h2d_pageable);
  os << ",\n";
  write_sweep(os, "d2h_pageable", r.d2h_pageable);
  os << ",\n";
  write_sweep(os, "d2d", r.d2d);
  os << "\n    }\n  }";
  return os.str();
}

}  // namespace fabricplan::calib
