#include "sim/scenario/scenario_schedule.h"

#include <algorithm>
#include <cmath>

#include "sim/traffic/messages.h"

namespace fabricplan::sim {
namespace {

ScheduleStream stream_of(const Scenario& s, const TrafficSpec& t, std::size_t index) {
  ScheduleStream st;
  st.traffic_class = t.traffic_class;
  st.source = "/traffic/" + std::to_string(index);
  if (t.kind == "open_loop") {
    st.transport = "open_loop";
    st.open_loop = true;
    st.mtu_payload_bytes = t.payload_bytes;
    st.header_bytes = t.header_bytes;
    st.path = s.fabric.routing == RoutingPolicy::kSpray      ? PathPolicy::kSpray
              : s.fabric.routing == RoutingPolicy::kFlowHash ? PathPolicy::kFlowHash
                                                             : PathPolicy::kDestModK;
    return st;
  }
  st.transport = t.transport.name;
  if (t.transport.name == "srd") {
    st.path = PathPolicy::kSpray;
    st.mtu_payload_bytes = t.transport.srd.format.mtu_payload_bytes;
    st.header_bytes = t.transport.srd.format.header_bytes;
  } else {
    const IbRcParams& ib = t.transport.ib;
    // Adaptive routing spreads a QP's packets over the equal-cost ports as they drain:
    // in the fluid engine, an even split over the paths.
    st.path = ib.adaptive ? PathPolicy::kSpray : ib.ecmp ? PathPolicy::kEntropyHash : PathPolicy::kDestModK;
    st.qps = ib.qps_per_connection;
    while (st.lid_stride < st.qps) st.lid_stride *= 2;  // 2^LMC, as IbRcTransport
    st.mtu_payload_bytes = ib.format.mtu_payload_bytes;
    st.header_bytes = ib.format.header_bytes;
  }
  return st;
}

std::vector<MessageSpec> open_messages(const TrafficSpec& t, std::uint64_t seed, std::size_t index) {
  if (t.pattern == "pairs" || t.pattern == "permutation_file") return make_pair_messages(t.flows, t.bytes, t.start_ps);
  if (t.pattern == "incast") return make_incast(t.senders, t.receiver, t.bytes, t.start_ps);
  if (t.pattern == "all2all") return make_all2all(t.all2all);
  Rng rng(seed, "traffic." + std::to_string(index) + "." + t.traffic_class);
  return make_kv_poisson(t.kv, rng);
}

}  // namespace

Schedule scenario_schedule(const Scenario& s) {
  if (s.prebuilt_schedule) return *s.prebuilt_schedule;
  Schedule out;
  std::uint32_t eager_flows = 0;  // FlowStats ids the packet engine hands out up front
  for (std::size_t i = 0; i < s.traffic.size(); ++i) {
    const TrafficSpec& t = s.traffic[i];
    ScheduleStream st = stream_of(s, t, i);
    st.class_index = out.class_index(t.traffic_class);
    const auto stream = static_cast<std::uint32_t>(out.streams.size());
    out.streams.push_back(st);
    if (t.kind == "open_loop") {
      const double rate = static_cast<double>(t.payload_bytes) / (static_cast<double>(t.interval_ps) * 1e-12);
      for (auto [src, dst] : t.flows) {
        Transfer x;
        x.src = src;
        x.dst = dst;
        x.stream = stream;
        x.bytes = t.packets_per_flow * t.payload_bytes;
        x.max_rate_bytes_per_s = rate;
        x.route_key = eager_flows++;
        out.add(x);
      }
    } else if (t.pattern == "ring_allreduce") {
      const auto n = static_cast<std::uint32_t>(t.ranks.size());
      ScheduleCollective c;
      c.traffic_class = t.traffic_class;
      c.ranks = n;
      c.bytes = t.bytes;
      c.start_ps = t.start_ps;
      c.first_transfer = static_cast<std::uint32_t>(out.transfers.size());
      for (std::uint32_t step = 0; step < 2 * (n - 1); ++step) {
        for (std::uint32_t r = 0; r < n; ++r) {
          Transfer x;
          x.src = t.ranks[r];
          x.dst = t.ranks[(r + 1) % n];
          x.stream = stream;
          x.bytes = std::max<std::uint64_t>(1, t.bytes / n);
          x.release_ps = t.start_ps;
          if (step == 0) {
            out.add(x);
          } else {  // rank r forwards what rank r-1 sent it in the step before
            out.add(x, {c.first_transfer + (step - 1) * n + (r + n - 1) % n});
          }
        }
      }
      c.end_transfer = static_cast<std::uint32_t>(out.transfers.size());
      out.collectives.push_back(c);
    } else {
      for (const MessageSpec& m : open_messages(t, s.seed, i)) {
        Transfer x;
        x.src = m.src;
        x.dst = m.dst;
        x.stream = stream;
        x.bytes = m.bytes;
        x.release_ps = m.at_ps;
        x.route_key = eager_flows++;
        out.add(x);
      }
    }
  }
  return out;
}

double expected_transfers(const TrafficSpec& t) {
  if (t.kind == "open_loop" || t.pattern == "pairs" || t.pattern == "permutation_file") return static_cast<double>(t.flows.size());
  if (t.pattern == "incast") return static_cast<double>(t.senders.size());
  if (t.pattern == "ring_allreduce") {
    const double n = static_cast<double>(t.ranks.size());
    return 2 * (n - 1) * n;
  }
  if (t.pattern == "all2all") {
    const All2AllSpec& a = t.all2all;
    const double servers = static_cast<double>(a.servers.size());
    const double per_pair = a.nics_per_server >= a.gpus_per_server ? static_cast<double>(a.nics_per_server / a.gpus_per_server) : 1;
    return servers * (servers - 1) * a.gpus_per_server * a.gpus_per_server * std::max(1.0, per_pair);
  }
  const KvPoissonSpec& k = t.kv;  // kv_poisson: its mean count
  return static_cast<double>(k.prefill.size()) * k.rate_per_s * static_cast<double>(k.duration_ps) * 1e-12;
}

double expected_payload_bytes(const TrafficSpec& t) {
  const double n = expected_transfers(t);
  if (t.kind == "open_loop") return n * static_cast<double>(t.packets_per_flow) * t.payload_bytes;
  if (t.pattern == "all2all") return n * static_cast<double>(t.all2all.bytes_per_pair);
  if (t.pattern == "kv_poisson") return n * t.kv.mean_bytes;
  if (t.pattern == "ring_allreduce") return n * static_cast<double>(t.bytes) / std::max<std::size_t>(1, t.ranks.size());
  return n * static_cast<double>(t.bytes);
}

std::vector<double> expected_stream_transfers(const Scenario& s) {
  std::vector<double> n(s.traffic.size(), 0);
  if (s.prebuilt_schedule) {
    for (const Transfer& t : s.prebuilt_schedule->transfers) n[t.stream] += 1;
  } else {
    for (std::size_t i = 0; i < s.traffic.size(); ++i) n[i] = expected_transfers(s.traffic[i]);
  }
  return n;
}

double expected_packet_events(const Scenario& s) {
  double events = 0;
  std::vector<double> prebuilt_bytes(s.traffic.size(), 0);
  if (s.prebuilt_schedule) {
    for (const Transfer& t : s.prebuilt_schedule->transfers) prebuilt_bytes[t.stream] += static_cast<double>(t.bytes);
  }
  for (std::size_t i = 0; i < s.traffic.size(); ++i) {
    const TrafficSpec& t = s.traffic[i];
    const double mtu = t.kind == "open_loop"       ? t.payload_bytes
                       : t.transport.name == "srd" ? t.transport.srd.format.mtu_payload_bytes
                                                   : t.transport.ib.format.mtu_payload_bytes;
    const double bytes = s.prebuilt_schedule ? prebuilt_bytes[i] : expected_payload_bytes(t);
    const double packets = std::ceil(bytes / std::max(1.0, mtu));
    events += packets * packet_events_per_packet(s.fabric.lossless);
  }
  return events;
}

double expected_packet_memory_bytes(const Scenario& s) {
  const std::vector<double> per_stream = expected_stream_transfers(s);
  double bytes = 16.0 * (1 << 20);
  for (std::size_t i = 0; i < s.traffic.size(); ++i) {
    bytes += s.traffic[i].kind == "open_loop" ? 1024.0 * static_cast<double>(s.traffic[i].flows.size())
                                              : 20480.0 * per_stream[i];
  }
  return bytes;
}

}  // namespace fabricplan::sim
