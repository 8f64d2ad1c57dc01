// The InfiniBand RC parameters each software stack sets on its QPs, and so what a lost
// packet costs it on IB when no NAK brings it back: the local ACK timeout (4.096 us x
// 2^timeout, IBTA 9.7.6.1.3) and how many retries before the QP goes to the error state
// and the job fails. NCCL's classes (MoE all-to-all, TP and training collectives) run
// NCCL's values; a KV transfer runs its transfer engine's:
//   NCCL      NCCL_IB_TIMEOUT=20 (4.29 s), NCCL_IB_RETRY_CNT=7 (NCCL's defaults,
//             src/transport/net_ib.cc)
//   UCX       UCX_RC_TIMEOUT=1.0s, which UCX encodes as the next exponent, 18 (1.07 s);
//             UCX_RC_RETRY_COUNT=7 (openucx/ucx src/uct/ib/rc/base/rc_iface.c)
//   NIXL      runs over UCX by default (vLLM's NIXL connector, Dynamo): UCX's values
//   Mooncake  TIMEOUT = 14 (67 ms), RETRY_CNT = 7 (kvcache-ai/Mooncake
//             mooncake-transfer-engine/src/transport/rdma_transport/rdma_endpoint.cpp)
// A spec overrides them (`nccl.ib_timeout`, a KV workload's `ib_timeout`), and the CLI
// over that (--nccl-ib-timeout, --kv-ib-timeout, ... in spec_input.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace fabricplan {

struct IbStackTimeouts {
  std::string stack = "nccl";          // nccl | ucx | nixl | mooncake
  std::uint32_t timeout_exponent = 20;  // the QP's local ACK timeout, 4.096 us x 2^this
  std::uint32_t retry_count = 7;        // retries before the QP errors out
  std::string source;                   // where the values come from (defaults, spec, CLI)

  double ack_timeout_s() const;
  // No progress for (retries + 1) timeouts: the QP errors out and the job fails.
  double fails_after_s() const;
  // "NCCL: timeout 20 (4.29 s), retry 7 (fails after 34.4 s)".
  std::string describe() const;
};

IbStackTimeouts nccl_ib_defaults();
// A KV transfer engine's defaults; nullopt for a name it does not know.
std::optional<IbStackTimeouts> kv_engine_ib_defaults(const std::string& engine);
inline constexpr const char* kKvEngineNames = "ucx, nixl or mooncake";

}  // namespace fabricplan
