// Standalone driver of `calibrate collectives` for machines where only nvcc and NCCL
// are at hand (bench/gpu/run_collectives_on_device.sh builds it): prints the
// intra-node JSON object. Usage: nccl_bench [MAX_BYTES] [GPUS]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "calib/nccl/nccl_bench.h"

int main(int argc, char** argv) {
  fabricplan::calib::CollectivesBenchOptions o;
  if (argc > 1) o.max_bytes = std::strtoull(argv[1], nullptr, 10);
  if (argc > 2) o.gpus = std::atoi(argv[2]);
  std::string j = fabricplan::calib::run_collectives_bench_json(o);
  std::printf("%s\n", j.c_str());
  return j.find("\"available\": true") != std::string::npos ? 0 : 3;
}
