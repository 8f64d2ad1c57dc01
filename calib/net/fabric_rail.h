// One libfabric RDM endpoint on one NIC ("rail"), as the calibration benchmarks use it.
//
// A rail owns its fabric, domain, completion queue, address vector, endpoint and two
// registered buffers (send, receive) of the largest message size. Operations post
// FI_MSG sends and receives; completions are counted, not matched, because every
// benchmark step knows how many of each it waits for. Every wait has a deadline: a
// peer that stops answering becomes a PeerTimeout, a failed operation a FabricError
// with the provider's own text. The rest of the project never includes <rdma/...>.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace fabricplan::calib {

class FabricError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
class PeerTimeout : public FabricError {
 public:
  using FabricError::FabricError;
};

// One candidate NIC as libfabric lists it for a provider (FI_EP_RDM, FI_MSG).
struct RailChoice {
  std::string provider;  // e.g. "tcp;ofi_rxm", "shm", "efa"
  std::string domain;    // e.g. "eth0", "shm", "rdmap16s27-rdm"
  std::string fabric;    // e.g. "10.0.0.0/24"
  std::string address;   // numeric source address where the provider gives one
  std::size_t max_msg_bytes = 0;
  std::size_t tx_depth = 0, rx_depth = 0;
  bool loopback = false;
};

// Lists the RDM/FI_MSG domains of `provider` (one per domain, IPv4 first).
// Throws FabricError when the provider is absent.
std::vector<RailChoice> list_rails(const std::string& provider);

// Picks one rail per token: a token names a domain ("eth0", "shm") or a numeric
// address owned by one. With no tokens: `count` non-loopback domains in name order
// (loopback when there is nothing else). Throws FabricError naming the bad token.
std::vector<RailChoice> choose_rails(const std::string& provider, const std::vector<std::string>& tokens,
                                     std::size_t count);

// Whether the provider reports FI_HMEM (device memory registration, e.g. CUDA
// GPUDirect); `why` says what was found either way.
bool provider_supports_hmem(const std::string& provider, std::string* why);

// Where a rail's send and receive buffers live.
//   kHost        host memory.
//   kCuda        device memory of GPU 0, registered with FI_HMEM_CUDA, so the provider
//                moves GPU memory itself (GPUDirect RDMA on efa or verbs; its own CUDA
//                copy path on shm or tcp).
//   kCudaStaged  device memory of GPU 0 moved through pinned host bounce buffers: each
//                send copies device-to-host first, each receive host-to-device after,
//                synchronously and unpipelined, which is what GPU data costs where the
//                provider cannot register GPU memory.
enum class BufferKind { kHost, kCuda, kCudaStaged };
const char* buffer_kind_name(BufferKind k);  // "host", "cuda", "cuda-staged"

// Whether rails of `provider` can use `kind` buffers here. kCuda needs a CUDA driver
// with a GPU and a provider that registers CUDA memory: a trial registration decides,
// since a provider may list FI_HMEM without CUDA support compiled in (seen: Ubuntu
// 24.04's libfabric 1.20 shm, fi_mr_regattr -> "Function not implemented"). kCudaStaged
// needs the driver and a GPU. `why` says what was found either way.
bool buffers_usable(const std::string& provider, BufferKind kind, std::string* why);

// libfabric's runtime version, e.g. "1.17.0".
std::string libfabric_version();

class FabricRail {
 public:
  using Clock = std::chrono::steady_clock;

  // Throws FabricError when the endpoint cannot be made or its buffers registered
  // (e.g. a provider that lists FI_HMEM but refuses CUDA memory).
  FabricRail(const RailChoice& choice, std::size_t max_bytes, std::size_t depth, BufferKind buffers = BufferKind::kHost);
  ~FabricRail();
  FabricRail(const FabricRail&) = delete;
  FabricRail& operator=(const FabricRail&) = delete;

  const RailChoice& choice() const { return choice_; }
  BufferKind buffers() const { return buffers_; }
  // A thread other than the constructing one calls this before driving the rail
  // (GPU buffers need the GPU's context current there); a no-op for host buffers.
  void enter_thread() const;
  std::size_t depth() const { return depth_; }
  // This endpoint's address, as bytes, for the peer's address vector.
  std::vector<std::uint8_t> name() const;
  void set_peer(const std::vector<std::uint8_t>& peer_name);

  // Posting retries on FI_EAGAIN while driving progress; both count toward the
  // completions wait_for() sees.
  void post_send(std::size_t bytes, Clock::time_point deadline);
  void post_recv(std::size_t bytes, Clock::time_point deadline);
  // Waits until `sends` more send and `recvs` more receive completions have arrived
  // (counted since the last call). Throws PeerTimeout at the deadline.
  void wait_for(std::size_t sends, std::size_t recvs, Clock::time_point deadline);

 private:
  struct Impl;
  void progress();
  RailChoice choice_;
  BufferKind buffers_;
  std::size_t depth_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fabricplan::calib
