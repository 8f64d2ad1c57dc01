#include "calib/nccl/nccl_bench.h"

#include <algorithm>
#include <cstdio>
#include <cuda_runtime.h>
#include <nccl.h>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "calib/nccl/busbw.h"

namespace fabricplan::calib {
namespace {

struct Unavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void cuda(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw Unavailable(std::string(what) + ": " + cudaGetErrorString(e));
}
void nccl(ncclResult_t r, const char* what) {
  if (r != ncclSuccess) throw Unavailable(std::string(what) + ": " + ncclGetErrorString(r));
}

struct Gpu {
  int device = 0;
  ncclComm_t comm = nullptr;
  cudaStream_t stream = nullptr;
  float* send = nullptr;
  float* recv = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
};

// Posts one collective of nccl-tests size `bytes` on every GPU (inside a group).
// in_place: all-reduce reads and writes one buffer (what torch.distributed does).
void post(CollectiveOp op, std::vector<Gpu>& g, unsigned long long bytes, bool in_place) {
  const int n = static_cast<int>(g.size());
  const size_t floats = bytes / sizeof(float);
  nccl(ncclGroupStart(), "ncclGroupStart");
  for (int r = 0; r < n; ++r) {
    Gpu& x = g[r];
    switch (op) {
      case CollectiveOp::kAllReduce:
        nccl(ncclAllReduce(in_place ? x.recv : x.send, x.recv, floats, ncclFloat, ncclSum, x.comm, x.stream), "ncclAllReduce");
        break;
      case CollectiveOp::kAllGather:
        nccl(ncclAllGather(x.send, x.recv, floats / n, ncclFloat, x.comm, x.stream), "ncclAllGather");
        break;
      case CollectiveOp::kReduceScatter:
        nccl(ncclReduceScatter(x.send, x.recv, floats / n, ncclFloat, ncclSum, x.comm, x.stream), "ncclReduceScatter");
        break;
      case CollectiveOp::kAllToAll:
        for (int p = 0; p < n; ++p) {
          size_t chunk = floats / n;
          nccl(ncclSend(x.send + p * chunk, chunk, ncclFloat, p, x.comm, x.stream), "ncclSend");
          nccl(ncclRecv(x.recv + p * chunk, chunk, ncclFloat, p, x.comm, x.stream), "ncclRecv");
        }
        break;
      case CollectiveOp::kSendRecv:
        nccl(ncclSend(x.send, floats, ncclFloat, (r + 1) % n, x.comm, x.stream), "ncclSend");
        nccl(ncclRecv(x.recv, floats, ncclFloat, (r - 1 + n) % n, x.comm, x.stream), "ncclRecv");
        break;
    }
  }
  nccl(ncclGroupEnd(), "ncclGroupEnd");
}

// Seconds per operation: the slowest GPU's event time over `iterations`.
double time_op(CollectiveOp op, std::vector<Gpu>& g, unsigned long long bytes, int warmup, int iterations,
               bool in_place = false) {
  for (int i = 0; i < warmup; ++i) post(op, g, bytes, in_place);
  for (auto& x : g) { cuda(cudaSetDevice(x.device), "cudaSetDevice"); cuda(cudaEventRecord(x.start, x.stream), "cudaEventRecord"); }
  for (int i = 0; i < iterations; ++i) post(op, g, bytes, in_place);
  float worst_ms = 0;
  for (auto& x : g) {
    cuda(cudaSetDevice(x.device), "cudaSetDevice");
    cuda(cudaEventRecord(x.stop, x.stream), "cudaEventRecord");
  }
  for (auto& x : g) {
    cuda(cudaEventSynchronize(x.stop), "cudaEventSynchronize");
    float ms = 0;
    cuda(cudaEventElapsedTime(&ms, x.start, x.stop), "cudaEventElapsedTime");
    worst_ms = std::max(worst_ms, ms);
  }
  return worst_ms * 1e-3 / iterations;
}

std::string p2p_json(std::vector<Gpu>& g, unsigned long long bytes) {
  std::ostringstream os;
  os << "[";
  bool first = true;
  for (auto& a : g)
    for (auto& b : g) {
      if (a.device == b.device) continue;
      int can = 0;
      cudaDeviceCanAccessPeer(&can, a.device, b.device);
      cuda(cudaSetDevice(a.device), "cudaSetDevice");
      if (can) {
        cudaError_t e = cudaDeviceEnablePeerAccess(b.device, 0);
        if (e == cudaErrorPeerAccessAlreadyEnabled) cudaGetLastError();
        else cuda(e, "cudaDeviceEnablePeerAccess");
      }
      for (int i = 0; i < 3; ++i) cuda(cudaMemcpyPeerAsync(b.recv, b.device, a.send, a.device, bytes, a.stream), "cudaMemcpyPeerAsync");
      const int iters = 10;
      cuda(cudaEventRecord(a.start, a.stream), "cudaEventRecord");
      for (int i = 0; i < iters; ++i) cuda(cudaMemcpyPeerAsync(b.recv, b.device, a.send, a.device, bytes, a.stream), "cudaMemcpyPeerAsync");
      cuda(cudaEventRecord(a.stop, a.stream), "cudaEventRecord");
      cuda(cudaEventSynchronize(a.stop), "cudaEventSynchronize");
      float ms = 0;
      cuda(cudaEventElapsedTime(&ms, a.start, a.stop), "cudaEventElapsedTime");
      char line[256];
      std::snprintf(line, sizeof line, "%s{\"src\": %d, \"dst\": %d, \"peer_access\": %s, \"bytes\": %llu, \"bytes_per_s\": %.6g}",
                    first ? "" : ", ", a.device, b.device, can ? "true" : "false", bytes, bytes * iters / (ms * 1e-3));
      os << line;
      first = false;
    }
  os << "]";
  return os.str();
}

std::string escape(const std::string& s) {
  std::string o;
  for (char c : s) { if (c == '"' || c == '\\') o += '\\'; o += c; }
  return o;
}

}  // namespace

std::string run_collectives_bench_json(const CollectivesBenchOptions& o) {
  std::vector<Gpu> g;
  try {
    int count = 0;
    cuda(cudaGetDeviceCount(&count), "no usable CUDA device");
    int n = o.gpus > 0 ? std::min(o.gpus, count) : count;
    if (n < 1) throw Unavailable("no CUDA device");
    g.resize(n);
    std::vector<int> devs(n);
    std::iota(devs.begin(), devs.end(), 0);
    std::vector<ncclComm_t> comms(n);
    nccl(ncclCommInitAll(comms.data(), n, devs.data()), "ncclCommInitAll");
    for (int i = 0; i < n; ++i) {
      g[i].device = i;
      g[i].comm = comms[i];
      cuda(cudaSetDevice(i), "cudaSetDevice");
      cuda(cudaStreamCreateWithFlags(&g[i].stream, cudaStreamNonBlocking), "cudaStreamCreate");
      cuda(cudaMalloc(&g[i].send, o.max_bytes), "cudaMalloc");
      cuda(cudaMalloc(&g[i].recv, o.max_bytes), "cudaMalloc");
      cuda(cudaMemset(g[i].send, 0, o.max_bytes), "cudaMemset");
      cuda(cudaEventCreate(&g[i].start), "cudaEventCreate");
      cuda(cudaEventCreate(&g[i].stop), "cudaEventCreate");
    }
    int version = 0;
    ncclGetVersion(&version);
    cudaDeviceProp prop{};
    cudaGetDeviceProperties(&prop, 0);
    std::ostringstream os;
    os << "{\"available\": true, \"gpus\": " << n << ", \"device\": \"" << escape(prop.name) << "\", \"nccl_version\": \""
       << version / 10000 << "." << (version / 100) % 100 << "." << version % 100 << "\", \"collectives\": [";
    const CollectiveOp ops[] = {CollectiveOp::kAllReduce, CollectiveOp::kAllGather, CollectiveOp::kReduceScatter,
                                CollectiveOp::kAllToAll, CollectiveOp::kSendRecv};
    for (std::size_t k = 0; k < 5; ++k) {
      CollectiveOp op = ops[k];
      os << (k ? ", " : "") << "{\"op\": \"" << collective_name(op) << "\", \"ranks\": " << n << ", \"sweep\": [";
      bool first = true;
      // Sizes divisible by n x 4 bytes (every rank's share a whole number of floats).
      for (unsigned long long b = o.min_bytes; b <= o.max_bytes; b *= 2) {
        unsigned long long size = b / (n * 4ull) * (n * 4ull);
        if (size == 0) continue;
        int iters = size >= (256ull << 20) ? std::max(5, o.iterations / 4) : o.iterations;
        double s = time_op(op, g, size, o.warmup, iters);
        char line[512];
        std::snprintf(line, sizeof line,
                      "%s{\"bytes\": %llu, \"time_us\": %.6g, \"algbw_bytes_per_s\": %.6g, \"busbw_bytes_per_s\": %.6g",
                      first ? "" : ", ", size, s * 1e6, algbw_bytes_per_s(size, s), busbw_bytes_per_s(op, n, size, s));
        os << line;
        if (op == CollectiveOp::kAllReduce) {  // nccl-tests' in-place columns
          double t = time_op(op, g, size, o.warmup, iters, true);
          std::snprintf(line, sizeof line, ", \"in_place_time_us\": %.6g, \"in_place_busbw_bytes_per_s\": %.6g", t * 1e6,
                        busbw_bytes_per_s(op, n, size, t));
          os << line;
        }
        os << "}";
        first = false;
      }
      os << "]}";
    }
    os << "], \"p2p\": " << (n > 1 ? p2p_json(g, std::min(o.max_bytes, 256ull << 20)) : std::string("[]")) << "}";
    for (auto& x : g) {
      cudaSetDevice(x.device);
      cudaFree(x.send);
      cudaFree(x.recv);
      ncclCommDestroy(x.comm);
    }
    return os.str();
  } catch (const Unavailable& e) {
    return std::string("{\"available\": false, \"unavailable_reason\": \"") + escape(e.what()) + "\"}";
  }
}

}  // namespace fabricplan::calib
