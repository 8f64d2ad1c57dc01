// `calibrate client` and `calibrate server`: a whole calibration session.
//
// The client drives: it opens one endpoint per rail, sends the hello, then one step
// at a time (per rail: latency sweep, stream sweep, bidir sweep; then all rails at
// once), each step bracketed by the server's "ready" and "done" on the bootstrap
// channel. Whatever goes wrong (unreachable peer, a peer that dies or stops
// answering, a refused message) ends the session with the error recorded in
// NetResults next to everything measured until then; the caller writes both and
// exits non-zero.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "calib/net/fabric_bench.h"

namespace fabricplan::calib {

struct ClientOptions {
  std::string host;
  int port = 47592;
  std::string provider = "tcp";
  std::vector<std::string> rails;  // domains or addresses; empty: one default rail
  std::size_t min_bytes = 8;
  std::size_t max_bytes = std::size_t{16} << 20;
  std::size_t bytes_per_point = std::size_t{256} << 20;  // data moved per size, before the caps below
  std::size_t latency_iterations = 1000;                 // cap per size
  std::size_t stream_rounds = 1000;                      // cap per size (rounds of `window`)
  std::size_t window = 64;
  std::size_t warmup = 10;
  // Wall time one size point may take, as fabtests and osu bound their iterations: each
  // point's iterations are sized from the rate the previous point measured on that rail.
  double step_budget_s = 2;
  double timeout_s = 30;
  bool latency = true, stream = true, bidir = true, multirail = true;
  BufferKind buffers = BufferKind::kHost;  // both ends use this kind (the hello says so); kCuda
                                           // falls back to kCudaStaged where GPUDirect is not possible
};

struct RailResult {
  RailChoice choice;
  std::string peer_domain;
  std::vector<LatencyPoint> latency;
  std::vector<BandwidthPoint> stream;
  std::vector<BandwidthPoint> bidir;
};

struct MultiRailResult {
  std::size_t bytes = 0;
  std::vector<double> per_rail_bytes_per_s;
  double aggregate_bytes_per_s = 0;  // all bytes / (last end - first start)
};

struct NetResults {
  std::string provider;       // as requested
  std::string peer;           // host:port
  std::string peer_host;
  std::string libfabric_version, peer_libfabric_version;
  std::vector<RailResult> rails;
  std::optional<MultiRailResult> multirail;
  bool hmem = false;
  std::string hmem_why;
  BufferKind buffers = BufferKind::kHost;
  std::string gpu_name;       // GPU 0's name when buffers are in GPU memory
  std::string gpudirect_why;  // what the GPU-memory capability check found
  std::string error;          // empty when the session completed
  bool complete() const { return error.empty(); }
  bool measured_anything() const;
};

using ProgressLog = std::function<void(const std::string&)>;

// Never throws for session failures: they end up in NetResults::error. Throws
// FabricError only when the local provider or a --rails token is unusable.
NetResults run_client(const ClientOptions& opts, const ProgressLog& log);

struct ServerOptions {
  std::string bind = "0.0.0.0";
  int port = 47592;
  std::string provider = "tcp";
  std::vector<std::string> rails;
  double accept_timeout_s = 300;
  double idle_timeout_s = 120;  // longest wait for the client's next message
  // Longest wait for the hello after accepting. A real client opens its rails before it
  // connects and sends the hello at once, so this only bounds how long a silent peer
  // (a port scan that stays open) holds a server that serves one connection at a time.
  double hello_timeout_s = 5;
  std::size_t sessions = 1;     // sessions to serve before returning; 0: until killed
  std::size_t max_bytes = std::size_t{256} << 20;  // largest message a client may ask for
};

// Asks a running client to stop before its next step (from a SIGTERM/SIGINT handler:
// async-signal-safe); it then returns what it measured, incomplete.
void request_client_stop();

// Serves client sessions. A connection that never sends a valid hello (a port scan, a
// silent or garbage-sending peer, a client asking for more than max_bytes) is refused
// with the reason and does not count: the server goes back to accepting. Returns when
// `sessions` clients said bye; throws BootstrapError / FabricError (with the reason) when
// a session that began fails.
void run_server(const ServerOptions& opts, const ProgressLog& log);

// Message sizes of a sweep: powers of two from min_bytes to max_bytes (inclusive).
std::vector<std::size_t> sweep_sizes(std::size_t min_bytes, std::size_t max_bytes);

}  // namespace fabricplan::calib
