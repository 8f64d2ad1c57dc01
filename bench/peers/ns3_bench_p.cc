// BENCH-P in ns-3 (Debian's ns-3 3.37), the peer fabricplan is timed against.
//
// Builds bench/SCENARIOS.md's leaf-spine (every leaf linked once to every spine, 100 Gbit/s,
// 1 us links, one 685-frame = 1 MiB drop-tail FIFO per output port, host NICs
// included; the traffic-control layer's queue disc is removed so that the device
// queue is the only queue, as in fabricplan), and has every host send 1500-byte UDP
// payloads (1530 bytes on the wire with IP, UDP and PPP headers) to perm[i] every
// 133,333 ps for T; spray = ns-3's per-packet random ECMP in global routing
// (Ipv4GlobalRouting::RandomEcmpRouting). Prints one JSON line: wall seconds of the
// run, simulated seconds, packets sent/received, drops, events and peak RSS.
//   ns3_bench_p LEAVES HOSTS_PER_LEAF SPINES T_US PERM_FILE [spray|flowhash]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sys/resource.h>
#include <vector>

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

using namespace ns3;

namespace {

constexpr std::int64_t kIntervalPs = 133333;
constexpr std::uint32_t kPayloadBytes = 1500;
std::uint64_t g_received = 0, g_sent = 0;
Time g_last_rx;  // the run's simulated length: ns-3 keeps timers going long after (to 30 s)

void on_receive(Ptr<Socket> socket) {
  while (Ptr<Packet> p = socket->Recv()) ++g_received;
  g_last_rx = Simulator::Now();
}

void send_next(Ptr<Socket> socket, std::uint64_t k, std::uint64_t count) {
  socket->Send(Create<Packet>(kPayloadBytes));
  ++g_sent;
  if (k + 1 < count) Simulator::Schedule(PicoSeconds(kIntervalPs), &send_next, socket, k + 1, count);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s LEAVES HOSTS_PER_LEAF SPINES T_US PERM_FILE [spray|flowhash]\n", argv[0]);
    return 2;
  }
  auto process_start = std::chrono::steady_clock::now();
  const int leaves = std::atoi(argv[1]), per_leaf = std::atoi(argv[2]), spines = std::atoi(argv[3]);
  const double t_us = std::atof(argv[4]);
  const std::string routing = argc > 6 ? argv[6] : "spray";
  const int hosts = leaves * per_leaf;
  std::vector<int> perm(hosts, -1);
  std::ifstream in(argv[5]);
  for (int s, d; in >> s >> d;) if (s >= 0 && s < hosts) perm[s] = d;

  Time::SetResolution(Time::PS);
  // spray: every router with several equal-cost routes picks one at random per packet.
  // flowhash: ns-3 3.37's global routing has no per-flow ECMP hash; it then always
  // takes the first equal-cost route (all flows of a leaf on one uplink), so only
  // spray is a like-for-like peer run.
  Config::SetDefault("ns3::Ipv4GlobalRouting::RandomEcmpRouting", BooleanValue(routing == "spray"));
  RngSeedManager::SetSeed(1);

  NodeContainer host_nodes, leaf_nodes, spine_nodes;
  host_nodes.Create(hosts);
  leaf_nodes.Create(leaves);
  spine_nodes.Create(spines);
  InternetStackHelper stack;
  stack.Install(host_nodes);
  stack.Install(leaf_nodes);
  stack.Install(spine_nodes);

  PointToPointHelper p2p;
  p2p.SetDeviceAttribute("DataRate", StringValue("100Gbps"));
  p2p.SetChannelAttribute("Delay", StringValue("1us"));
  p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("685p")));
  TrafficControlHelper tch;
  Ipv4AddressHelper addr;
  addr.SetBase("10.0.0.0", "255.255.255.252");
  std::vector<Ipv4Address> host_addr(hosts);
  auto connect = [&](Ptr<Node> a, Ptr<Node> b) {
    NetDeviceContainer d = p2p.Install(a, b);
    Ipv4InterfaceContainer i = addr.Assign(d);  // installs the default queue disc...
    tch.Uninstall(d);                            // ...which goes again: one FIFO per port
    addr.NewNetwork();
    return i;
  };
  for (int h = 0; h < hosts; ++h) host_addr[h] = connect(host_nodes.Get(h), leaf_nodes.Get(h / per_leaf)).GetAddress(0);
  for (int l = 0; l < leaves; ++l)
    for (int s = 0; s < spines; ++s) connect(leaf_nodes.Get(l), spine_nodes.Get(s));
  Ipv4GlobalRoutingHelper::PopulateRoutingTables();

  const std::uint64_t count = static_cast<std::uint64_t>(std::llround(t_us * 1e6 / kIntervalPs));
  TypeId udp = UdpSocketFactory::GetTypeId();
  for (int h = 0; h < hosts; ++h) {
    Ptr<Socket> rx = Socket::CreateSocket(host_nodes.Get(h), udp);
    rx->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
    rx->SetRecvCallback(MakeCallback(&on_receive));
  }
  for (int h = 0; h < hosts; ++h) {
    if (perm[h] < 0) continue;
    Ptr<Socket> tx = Socket::CreateSocket(host_nodes.Get(h), udp);
    tx->Bind();
    tx->Connect(InetSocketAddress(host_addr[perm[h]], 9));
    Simulator::Schedule(PicoSeconds(0), &send_next, tx, 0, count);
  }

  auto run_start = std::chrono::steady_clock::now();
  Simulator::Run();
  auto run_end = std::chrono::steady_clock::now();
  double sim_s = g_last_rx.GetSeconds();
  std::uint64_t events = Simulator::GetEventCount();
  Simulator::Destroy();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("{\"peer\": \"ns-3 %s\", \"routing\": \"%s\", \"hosts\": %d, \"wall_s\": %.3f, \"process_wall_s\": %.3f, "
              "\"simulated_s\": %.9f, \"packets_sent\": %llu, \"packets_received\": %llu, \"drops\": %llu, "
              "\"events\": %llu, \"peak_rss_mb\": %.1f}\n",
              "3.37", routing.c_str(), hosts, std::chrono::duration<double>(run_end - run_start).count(),
              std::chrono::duration<double>(run_end - process_start).count(), sim_s,
              static_cast<unsigned long long>(g_sent), static_cast<unsigned long long>(g_received),
              static_cast<unsigned long long>(g_sent - g_received), static_cast<unsigned long long>(events),
              ru.ru_maxrss / 1024.0);
  return 0;
}
