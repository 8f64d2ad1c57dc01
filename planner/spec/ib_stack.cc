#include "planner/spec/ib_stack.h"

#include <cstdio>

namespace fabricplan {

double IbStackTimeouts::ack_timeout_s() const {
  return 4.096e-6 * static_cast<double>(std::uint64_t{1} << timeout_exponent);
}

double IbStackTimeouts::fails_after_s() const { return (retry_count + 1.0) * ack_timeout_s(); }

std::string IbStackTimeouts::describe() const {
  char buf[200];
  const double t = ack_timeout_s();
  std::snprintf(buf, sizeof buf, "%s: timeout %u (%.3g %s), retry %u (a QP without progress fails after %.3g s)",
                stack.c_str(), timeout_exponent, t >= 1 ? t : t * 1e3, t >= 1 ? "s" : "ms", retry_count, fails_after_s());
  return buf;
}

IbStackTimeouts nccl_ib_defaults() {
  return {"nccl", 20, 7, "NCCL defaults (NCCL_IB_TIMEOUT=20, NCCL_IB_RETRY_CNT=7)"};
}

std::optional<IbStackTimeouts> kv_engine_ib_defaults(const std::string& engine) {
  if (engine == "ucx") return IbStackTimeouts{"ucx", 18, 7, "UCX defaults (UCX_RC_TIMEOUT=1.0s -> 18, UCX_RC_RETRY_COUNT=7)"};
  if (engine == "nixl") return IbStackTimeouts{"nixl", 18, 7, "NIXL over UCX: UCX's defaults (UCX_RC_TIMEOUT=1.0s -> 18, UCX_RC_RETRY_COUNT=7)"};
  if (engine == "mooncake") return IbStackTimeouts{"mooncake", 14, 7, "Mooncake transfer engine (rdma_endpoint.cpp: TIMEOUT 14, RETRY_CNT 7)"};
  return std::nullopt;
}

}  // namespace fabricplan
