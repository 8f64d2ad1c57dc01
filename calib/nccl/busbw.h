// Algorithm and bus bandwidth of NCCL collectives, as nccl-tests defines them
// (nccl-tests doc/PERFORMANCE.md). "size" is nccl-tests' size column:
//   all_reduce      size = the buffer reduced (send = recv = size)
//   all_gather      size = the gathered buffer (each rank sends size / n)
//   reduce_scatter  size = the buffer each rank sends (each receives size / n)
//   alltoall        size = what each rank sends in all (size / n to each peer)
//   sendrecv        size = what each rank sends to its neighbour
// algbw = size / time; busbw = algbw x factor, the factor making busbw comparable
// with the hardware's bus speed whatever the rank count:
//   all_reduce 2(n-1)/n, all_gather / reduce_scatter / alltoall (n-1)/n, sendrecv 1.
// Standard library only: the arithmetic is unit-tested without a GPU.
#pragma once

#include <string>

namespace fabricplan::calib {

enum class CollectiveOp { kAllReduce, kAllGather, kReduceScatter, kAllToAll, kSendRecv };

const char* collective_name(CollectiveOp op);  // nccl-tests' names: all_reduce, alltoall, ...
double bus_factor(CollectiveOp op, int ranks);
double algbw_bytes_per_s(double size_bytes, double seconds);
double busbw_bytes_per_s(CollectiveOp op, int ranks, double size_bytes, double seconds);

}  // namespace fabricplan::calib
