// `calibrate collectives`: NCCL all-reduce, all-gather, reduce-scatter, all-to-all
// and send/recv across the GPUs of one host (one process, ncclCommInitAll, one
// stream per GPU, as nccl-tests' -g mode runs), over a size sweep, timed with CUDA
// events after warm-up; plus peer-to-peer copies between every GPU pair
// (cudaMemcpyPeerAsync, with peer access enabled where the devices allow it).
// Built only where CUDA and NCCL are found.
#pragma once

#include <string>

namespace fabricplan::calib {

struct CollectivesBenchOptions {
  unsigned long long min_bytes = 1024;
  unsigned long long max_bytes = 1ull << 30;
  int warmup = 5;
  int iterations = 20;
  int gpus = 0;  // 0: all visible GPUs
};

// JSON text of the "intra_node" tier: available, gpus, device, nccl_version,
// collectives [{op, ranks, sweep [{bytes, time_us, algbw_bytes_per_s, busbw_bytes_per_s}]}],
// p2p [{src, dst, peer_access, bytes, bytes_per_s}], or available=false with the reason.
std::string run_collectives_bench_json(const CollectivesBenchOptions& o);

}  // namespace fabricplan::calib
