// Message traffic for the transports: who sends how many bytes to whom, and when.
//
// The make_* functions build the message lists of the open patterns (the whole list is
// known up front); sim/scenario/scenario_schedule turns them, and the ring all-reduce's
// steps, into a Schedule that either engine runs. Endpoints are fabric hosts, i.e. NICs: a server
// with N NICs is endpoints s x N .. s x N + N-1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/rng.h"

namespace fabricplan::sim {

struct MessageSpec {
  std::uint32_t src, dst;
  std::uint64_t bytes;
  std::int64_t at_ps;
};

// One message per (src, dst) pair, all at `at_ps`.
std::vector<MessageSpec> make_pair_messages(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs,
                                            std::uint64_t bytes, std::int64_t at_ps);
// Every sender to one receiver at once.
std::vector<MessageSpec> make_incast(const std::vector<std::uint32_t>& senders, std::uint32_t receiver,
                                     std::uint64_t bytes, std::int64_t at_ps);

// MoE dispatch/combine: every GPU sends `bytes_per_pair` to every GPU of every other
// server (same-server pairs ride NVLink and are not on the fabric). GPUs map to NICs as
// NCCL maps them by PCIe locality: with N NICs and G GPUs per server, GPU g owns NICs
// g*N/G .. (g+1)*N/G - 1 when N >= G (its bytes split evenly over them, NIC j of the
// source GPU to NIC j of the destination GPU), else it shares NIC g*N/G. With
// `rail_aligned` (NCCL's PXN) the data first crosses NVLink to the source-server GPU
// on the destination GPU's rail, so it leaves by the NIC with the destination's index.
struct All2AllSpec {
  std::vector<std::uint32_t> servers;
  std::uint32_t gpus_per_server = 8;
  std::uint32_t nics_per_server = 1;
  std::uint64_t bytes_per_pair = 0;
  bool rail_aligned = false;
  std::int64_t at_ps = 0;
};
std::vector<MessageSpec> make_all2all(const All2AllSpec& spec);

// KV-cache transfers from prefill to decode endpoints: each prefill endpoint starts
// transfers as a Poisson process of `rate_per_s`, to a uniformly drawn decode endpoint,
// sizes fixed or lognormal (given its mean and the sigma of the underlying normal).
struct KvPoissonSpec {
  std::vector<std::uint32_t> prefill, decode;
  double rate_per_s = 0;
  double mean_bytes = 0;
  double lognormal_sigma = 0;  // 0: every transfer is mean_bytes
  std::int64_t start_ps = 0, duration_ps = 0;
};
std::vector<MessageSpec> make_kv_poisson(const KvPoissonSpec& spec, Rng& rng);

}  // namespace fabricplan::sim
