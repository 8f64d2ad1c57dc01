// Packets: small PODs addressed by 32-bit ids (their pool: packet_pool.h).
#pragma once

#include <cstdint>

namespace fabricplan::sim {

// How switches pick among equal-cost next hops for this packet.
enum class Route : std::uint8_t {
  kFabricDefault,  // the fabric's RoutingPolicy (open-loop traffic)
  kEntropyHash,    // hash(entropy, switch): the transport picks the path by the entropy
                   // it writes (SRD changes it per packet; ECMP keeps one per flow)
  kDestModK,       // static D-mod-K on `entropy` read as the destination LID (IB)
  kAdaptive,       // per packet, the equal-cost port that drains soonest (IB adaptive
                   // routing on Quantum switches); ties broken by `entropy`
};

enum PacketFlag : std::uint8_t {
  kFlagAck = 1,      // acknowledgement (SRD: selective; IB: cumulative)
  kFlagNak = 2,      // IB negative acknowledgement: go back to `seq`
  kFlagEcn = 4,      // congestion experienced (set by a port above its ECN threshold)
  kFlagAckReq = 8,   // IB: the requester asks for an ACK now (BTH AckReq bit)
  kFlagLast = 16,    // IB: the last packet of a message (opcode SEND/WRITE Last or Only)
};

struct Packet {
  std::uint32_t flow;        // owner's flow or connection id
  std::uint32_t src;         // endpoint (host NIC)
  std::uint32_t dst;         // endpoint (host NIC)
  std::uint32_t wire_bytes;  // payload + headers, what serialization costs
  std::uint32_t payload_bytes;
  std::uint32_t seq;         // per-flow sequence number (PSN for IB)
  std::uint32_t entropy;     // path key, see Route
  std::uint32_t in_port;     // port it arrived on (lossless only: credit return)
  std::uint32_t aux;         // transport-defined (SRD: path slot)
  std::uint16_t owner;       // which PacketSink hears of it (Fabric::add_sink)
  Route route;
  std::uint8_t flags;
  std::uint8_t traffic_class;  // the sender's class (ports record which classes crossed them)
  std::int64_t sent_ps;      // when the source NIC put it on the wire (echoed in ACKs:
                             // RTT samples exclude the sender's own NIC queue)
};


}  // namespace fabricplan::sim
