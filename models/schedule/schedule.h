// Schedule: the engine-neutral description of a workload (DESIGN.md, "One workload,
// three engines"). A schedule is a list of transfers between fabric endpoints (host
// NICs), each with its bytes, its stream (a traffic class on one transport, with the
// way its packets choose among equal-cost paths), a release time and the transfers it
// waits for. A ring all-reduce is its 2(n-1)n steps, each waiting for the step before
// it on the ring, not one flow; a Poisson KV stream is its requests.
//
// The packet engine posts a transfer on its stream's transport when it is released and
// every transfer it waits for has completed; the flow engine starts a fluid flow at the
// same moment. Both report per transfer when it started and completed, so the two can be
// held against each other on the same schedule.
//
// Ownership: a Schedule is a plain value; engines read it and never keep pointers into
// it past their run. std only: no JSON, no Boost (producers live with their inputs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fabricplan {

// How a stream's packets pick among equal-cost next hops (models/topology/routing.h).
enum class PathPolicy : std::uint8_t {
  kSpray,        // per packet, uniformly at every switch (SRD, open-loop spray)
  kFlowHash,     // one path per transfer: route_hash(route_key, switch) (ECMP on the 5-tuple)
  kEntropyHash,  // one path per QP: route_hash(entropy of the QP, switch) (RoCE-style ECMP)
  kDestModK,     // one path per QP: D-mod-K on LID = dst x lid_stride + qp (InfiniBand)
};

const char* path_policy_name(PathPolicy p);

struct ScheduleStream {
  std::string traffic_class;        // name; several streams may share one class
  std::uint32_t class_index = 0;    // into Schedule::classes
  std::string transport;            // "srd", "ib_rc" or "open_loop"
  PathPolicy path = PathPolicy::kSpray;
  std::uint32_t qps = 1;            // QPs per connection: a transfer is split evenly over them
  std::uint32_t lid_stride = 1;     // kDestModK: LIDs per endpoint (power of two >= qps)
  std::uint32_t mtu_payload_bytes = 4096;
  std::uint32_t header_bytes = 64;  // per packet: wire bytes = payload + packets x header
  bool open_loop = false;           // offered load at max_rate, no recovery: what the
                                    // fabric cannot carry is lost, the stream ends on time
  std::string source;               // where it came from, e.g. "/traffic/2" (for errors)

  // Wire bytes per payload byte for full packets.
  double wire_factor() const { return 1.0 + static_cast<double>(header_bytes) / mtu_payload_bytes; }
};

struct Transfer {
  std::uint32_t src = 0, dst = 0;   // endpoints (NICs)
  std::uint32_t stream = 0;
  std::uint64_t bytes = 0;          // payload
  std::int64_t release_ps = 0;      // earliest start
  std::uint32_t deps_begin = 0, deps_end = 0;  // into Schedule::deps
  std::uint32_t route_key = 0;      // kFlowHash: the flow id the packet fabric hashes
  double max_rate_bytes_per_s = 0;  // open loop: offered payload rate; 0: unlimited
};

// A collective the schedule expands (reported as nccl-tests reports it).
struct ScheduleCollective {
  std::string traffic_class;
  std::string op = "all_reduce";
  std::string algorithm = "ring";
  std::uint32_t ranks = 0;
  std::uint64_t bytes = 0;                // per rank, as nccl-tests' size
  std::int64_t start_ps = 0;
  std::uint32_t first_transfer = 0, end_transfer = 0;  // its transfers [first, end)
};

struct Schedule {
  std::vector<std::string> classes;
  std::vector<ScheduleStream> streams;
  std::vector<Transfer> transfers;
  std::vector<std::uint32_t> deps;        // transfer indices
  std::vector<ScheduleCollective> collectives;

  std::uint32_t class_index(const std::string& name);  // adds the class if new
  // Appends a transfer; `waits_for` are earlier transfers' indices. Returns its index.
  std::uint32_t add(const Transfer& t, const std::vector<std::uint32_t>& waits_for = {});
};

// Why a schedule cannot run: which stream (its `source`) and what is wrong.
struct ScheduleProblem {
  std::uint32_t stream = 0;
  std::string expected, found;
};

// Checks what every engine relies on: endpoints in [0, endpoints) and distinct, bytes > 0,
// dependencies on existing transfers and free of cycles (Kahn's algorithm). Returns the
// first problem, or an empty `expected` when there is none.
ScheduleProblem check_schedule(const Schedule& s, std::uint32_t endpoints);

// For each transfer, the transfers that wait for it (CSR: begin[i] .. begin[i+1] in list).
struct Dependents {
  std::vector<std::uint32_t> begin, list;
};
Dependents dependents_of(const Schedule& s);

}  // namespace fabricplan
