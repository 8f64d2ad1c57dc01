// Standalone driver of the GPU microbenchmarks: prints a calibration profile (JSON) to
// stdout with the "gpu" member filled. bench/gpu/run_on_device.sh builds it with nvcc.
#include <cstdio>
#include <cstdlib>

#include "gpu_bench.h"

int main(int argc, char** argv) {
  unsigned long long max_bytes = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 256ull << 20;
  auto r = fabricplan::calib::run_gpu_bench(4096, max_bytes);
  std::printf("{\n  \"profile_version\": 1,\n  \"provenance\": {\"tool\": \"fabricplan gpu_bench (standalone)\"},\n"
              "  \"gpu\": %s\n}\n", fabricplan::calib::gpu_bench_json(r).c_str());
  return r.available ? 0 : 3;
}
