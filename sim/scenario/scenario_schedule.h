// A scenario's traffic as a Schedule (models/schedule): one stream per traffic entry, in
// file order, with the entry's transport, packet format and path policy. Both engines
// run this one schedule: the packet engine posts its transfers on transports
// (sim/traffic/schedule_driver.h), the flow engine solves them (models/flow).
//   open-loop entries: one transfer per flow, packets_per_flow x payload bytes offered at
//     payload / interval, from t = 0; paths by the scenario's routing;
//   pairs, permutation_file, incast, all2all, kv_poisson: one transfer per message, at its
//     time (KV arrivals drawn from the stream "traffic.<i>.<class>" of the seed);
//   ring_allreduce: 2(n-1) steps of n transfers of bytes/n, step s of rank r+1 waiting for
//     step s-1 of rank r (NCCL's ring: reduce-scatter then all-gather).
// route_key is the FlowStats id the packet engine gives the transfer's flow where it is
// known up front (open-loop and open message patterns), so flow hashing agrees.
#pragma once

#include <cstdint>
#include <vector>

#include "models/schedule/schedule.h"
#include "sim/scenario/scenario.h"

namespace fabricplan::sim {

Schedule scenario_schedule(const Scenario& s);

// Transfers an entry will produce (expected count for kv_poisson), computed without
// producing them: what the engines' size limits are checked against.
double expected_transfers(const TrafficSpec& t);
// Payload bytes an entry will offer (expected, for kv_poisson), and the packet engine's
// events for it: every packet is about one event per hop (4-6 hops here) and an ACK.
double expected_payload_bytes(const TrafficSpec& t);
double expected_packet_events(const Scenario& s);
// The packet engine's events per data packet: one per hop (4-6 here) and its ACK; on
// lossless links three per hop (credits).
inline double packet_events_per_packet(bool lossless) { return lossless ? 3 * 6 : 6 + 1; }
// The packet engine's memory with every connection at its peak window: per message
// transfer ~20 KB (measured 17.3 KB on bench-t-128-srd's permutation repeated 200
// times: the window's sent-packet records, 64 path slots and two queues per
// connection), per open-loop flow ~1 KB, plus the fabric's ports.
double expected_packet_memory_bytes(const Scenario& s);
// Transfers per traffic entry (stream): counted in a prebuilt schedule, else expected.
std::vector<double> expected_stream_transfers(const Scenario& s);

}  // namespace fabricplan::sim
