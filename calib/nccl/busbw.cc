#include "calib/nccl/busbw.h"

namespace fabricplan::calib {

const char* collective_name(CollectiveOp op) {
  switch (op) {
    case CollectiveOp::kAllReduce: return "all_reduce";
    case CollectiveOp::kAllGather: return "all_gather";
    case CollectiveOp::kReduceScatter: return "reduce_scatter";
    case CollectiveOp::kAllToAll: return "alltoall";
    case CollectiveOp::kSendRecv: return "sendrecv";
  }
  return "?";
}

double bus_factor(CollectiveOp op, int ranks) {
  const double n = ranks;
  switch (op) {
    case CollectiveOp::kAllReduce: return 2 * (n - 1) / n;
    case CollectiveOp::kAllGather:
    case CollectiveOp::kReduceScatter:
    case CollectiveOp::kAllToAll: return (n - 1) / n;
    case CollectiveOp::kSendRecv: return 1;
  }
  return 0;
}

double algbw_bytes_per_s(double size_bytes, double seconds) { return seconds > 0 ? size_bytes / seconds : 0; }

double busbw_bytes_per_s(CollectiveOp op, int ranks, double size_bytes, double seconds) {
  return algbw_bytes_per_s(size_bytes, seconds) * bus_factor(op, ranks);
}

}  // namespace fabricplan::calib
