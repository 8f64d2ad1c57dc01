// Message traffic for the transports: who sends how many bytes to whom, and when.
//
// Open patterns (the whole list is known up front) are built by the make_* functions
// and posted at their times by MessageSchedule; the ring all-reduce is closed (a step
// starts when the previous step's chunk has arrived) and drives itself from the
// transport's completion callbacks. Endpoints are fabric hosts, i.e. NICs: a server
// with N NICs is endpoints s x N .. s x N + N-1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/rng.h"
#include "sim/transport/transport.h"

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

// Posts a list of messages on a transport at their times, one FlowStats flow each.
class MessageSchedule : public EventHandler {
 public:
  MessageSchedule(Simulator& sim, Transport& transport, FlowStats& stats, std::uint32_t traffic_class,
                  std::vector<MessageSpec> messages);
  void on_event(Simulator& sim, std::uint64_t index) override;

 private:
  Transport& transport_;
  std::vector<MessageSpec> messages_;
  std::vector<std::uint32_t> flow_ids_;
};

// Ring all-reduce (NCCL's ring algorithm): n ranks, `bytes` each; 2(n-1) steps in which
// rank i sends a chunk of bytes/n to rank i+1 (reduce-scatter, then all-gather); rank i
// starts step s+1 when step s's chunk from rank i-1 has arrived. Reports the time from
// the start to the last chunk, and the algorithm and bus bandwidth as nccl-tests
// defines them (algbw = bytes / time, busbw = algbw x 2(n-1)/n).
class RingAllReduce : public EventHandler, public MessageListener {
 public:
  RingAllReduce(Simulator& sim, Transport& transport, FlowStats& stats, std::uint32_t traffic_class,
                std::vector<std::uint32_t> ranks, std::uint64_t bytes, std::int64_t at_ps);
  void on_event(Simulator& sim, std::uint64_t) override;           // start
  void message_done(Simulator& sim, std::uint32_t message) override;

  bool finished() const { return steps_done_ == total_messages(); }
  std::size_t ranks() const { return ranks_.size(); }
  std::uint64_t bytes() const { return bytes_; }
  double duration_us() const { return finished() ? (end_ps_ - start_ps_) * 1e-6 : 0; }
  double algbw_bytes_per_s() const;
  double busbw_bytes_per_s() const;

 private:
  void send_step(std::uint32_t rank, std::uint32_t step);
  std::uint64_t total_messages() const { return 2ull * (ranks_.size() - 1) * ranks_.size(); }

  Simulator& sim_;
  Transport& transport_;
  FlowStats& stats_;
  std::uint32_t class_;
  std::vector<std::uint32_t> ranks_;
  std::uint64_t bytes_;
  std::int64_t start_ps_, end_ps_ = 0;
  std::uint64_t steps_done_ = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> message_step_;  // flow id -> (sender rank, step)
  std::uint32_t first_flow_ = 0;
};

}  // namespace fabricplan::sim
