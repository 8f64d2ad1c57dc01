#include "planner/expect/expect_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "models/flow/flow_engine.h"
#include "models/units/units.h"
#include "planner/spec/ib_stack.h"
#include "sim/scenario/run.h"
#include "sim/scenario/scenario_schedule.h"
#include "sim/scenario/schedule_results.h"

namespace fabricplan {
namespace {

// A row's schedule past this many transfers is refused (the flow engine's state and the
// schedule: ~100 bytes each, and minutes of solving).
constexpr double kMaxExpectTransfers = 5e6;
// What the packet engine gets through of this estimate per second on one core here:
// bench/expect_budget.sh, p5 x 32 alltoall 256 MiB, 5.7e7 estimated events in 18.9 s.
constexpr double kEstimatedEventsPerS = 3e6;

// The packet formats of each fabric, as the collective model counts their headers
// (nccl_model.cc): EFA's 8 KiB jumbo frames behind Ethernet, IPv4, UDP and SRD's header
// (82 bytes); InfiniBand's 4 KiB MTU behind LRH, BTH, ICRC and VCRC (26 bytes).
// `twin`: the zero-load twin's packets carry one payload byte behind the rest of a full
// packet's bytes as header, so each hop's store-and-forward is a full packet's, as in the
// real run, while the payload's own transmission is nil.
sim::PacketFormat packet_format(bool infiniband, bool twin = false) {
  sim::PacketFormat f;
  f.mtu_payload_bytes = infiniband ? 4096 : 8192;
  f.header_bytes = infiniband ? 26 : 82;
  f.ack_bytes = infiniband ? 26 : 82;
  if (twin) f.header_bytes += f.mtu_payload_bytes - 1;
  return f;
}

ScheduleStream stream_of(const ExpectFabric& f, bool twin) {
  ScheduleStream st;
  st.traffic_class = "collective";
  st.transport = f.infiniband ? "ib_rc" : "srd";
  st.path = f.infiniband ? PathPolicy::kDestModK : PathPolicy::kSpray;
  const sim::PacketFormat fmt = packet_format(f.infiniband, twin);
  st.mtu_payload_bytes = fmt.mtu_payload_bytes;
  st.header_bytes = fmt.header_bytes;
  st.source = "/expect";
  return st;
}

sim::Scenario scenario_of(const ExpectFabric& f, const ExpectEngineOptions& o, Schedule schedule, bool twin) {
  sim::Scenario s;
  s.name = "expect";
  s.file = "expect";
  s.seed = o.seed;
  s.engine = o.engine;
  s.topology = f.fabric.topology;
  s.fabric.seed = o.seed;
  s.fabric.lossless = f.infiniband;
  s.fabric.routing = f.infiniband ? sim::RoutingPolicy::kDestModK : sim::RoutingPolicy::kSpray;
  s.routing_name = f.infiniband ? "dmodk" : "spray";
  sim::TrafficSpec t;
  t.traffic_class = "collective";
  t.kind = "message";
  t.transport.name = f.infiniband ? "ib_rc" : "srd";
  t.transport.srd.format = packet_format(false, twin);
  // SRD's window figures (srd.h) are argued for the engines' 4 KiB packets; jumbo frames
  // keep them in bytes, not in packets (twice the bytes per packet, half the packets).
  const double per_4k = 4096.0 / t.transport.srd.format.mtu_payload_bytes;
  t.transport.srd.init_window_packets *= per_4k;
  t.transport.srd.min_window_packets *= per_4k;
  t.transport.srd.max_window_packets *= per_4k;
  t.transport.ib.format = packet_format(true, twin);
  const IbStackTimeouts ib = nccl_ib_defaults();
  t.transport.ib.timeout_exponent = ib.timeout_exponent;
  t.transport.ib.retry_count = ib.retry_count;
  s.traffic = {t};
  s.limits = sim::default_run_limits();
  s.limits.max_transfers = std::max<std::uint64_t>(s.limits.max_transfers, schedule.transfers.size());
  // expect_engine_refusal has judged the run; the engine's own check is a backstop.
  s.limits.max_events = static_cast<std::uint64_t>(std::max(o.max_packet_events, 1.0) * 2);
  s.prebuilt_schedule = std::make_shared<const Schedule>(std::move(schedule));
  return s;
}

struct Span {
  double us = 0;
  bool complete = true;
};

Span span_of(const sim::SimulationResult& r) {
  Span s;
  std::int64_t first = INT64_MAX, last = 0;
  for (std::uint32_t t = 0; t < r.transfer_flow.size(); ++t) {
    if (!sim::transfer_completed(r, t)) {
      s.complete = false;
      continue;
    }
    const std::uint32_t f = r.transfer_flow[t];
    first = std::min<std::int64_t>(first, r.flows[f].first_send_ps);
    last = std::max<std::int64_t>(last, r.flows[f].last_delivery_ps);
  }
  s.us = last > first ? static_cast<double>(last - first) * 1e-6 : 0;
  return s;
}

// Node names in the fabric's link labels ("host3->leaf0", "leaf0->spine2").
bool is_host(const std::string& node) { return node.rfind("host", 0) == 0; }

std::string mechanism_of(const ExpectEngineRow& r) {
  if (r.model_network_us <= 0 || r.network_us <= 1.5 * r.model_network_us) return "";
  char buf[320];
  std::snprintf(buf, sizeof buf, "the network term is %.2fx the model's: ", r.network_us / r.model_network_us);
  std::string out = buf;
  const std::size_t arrow = r.busiest_link.find("->");
  if (arrow != std::string::npos) {
    const std::string from = r.busiest_link.substr(0, arrow), to = r.busiest_link.substr(arrow + 2);
    std::snprintf(buf, sizeof buf, "busiest link %s at %.0f%%, ", r.busiest_link.c_str(), 100 * r.max_link_utilization);
    out += buf;
    out += is_host(from) ? "a sender's NIC: its NICs carry more than the model's even share"
           : is_host(to) ? "a receiving NIC: flows meet there (incast)"
                         : "a switch-to-switch link: the fabric limits, not the NICs (oversubscription or path collisions)";
  }
  if (r.counters.drops > 0 || r.counters.timeouts > 0) {
    std::snprintf(buf, sizeof buf, "; %llu drops, %llu timeouts (%llu spurious), %llu retransmissions",
                  static_cast<unsigned long long>(r.counters.drops), static_cast<unsigned long long>(r.counters.timeouts),
                  static_cast<unsigned long long>(r.counters.spurious_timeouts),
                  static_cast<unsigned long long>(r.counters.retransmissions));
    out += buf;
  } else {
    out += "; no loss";
  }
  return out;
}

}  // namespace

ExpectFabric expect_fabric(const InstanceType& instance, const collective::NodeTiers& tiers, int nodes,
                           const ExpectEngineOptions& options) {
  const double endpoints = static_cast<double>(nodes) * instance.interfaces;
  if (endpoints > kMaxExpectEndpoints) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "%d nodes x %d NICs = %.0f NIC endpoints; the engines hold at most %.0f", nodes,
                  instance.interfaces, endpoints, kMaxExpectEndpoints);
    throw std::invalid_argument(buf);
  }
  ExpectFabric out;
  out.infiniband = tiers.infiniband;
  ClusterSpec spec;
  spec.name = "expect";
  NodeGroupSpec g;
  g.name = "nodes";
  g.instance_type = instance.name;
  g.count = nodes;
  spec.groups.push_back(g);
  spec.fabric = options.fabric;
  spec.fabric.kind = tiers.infiniband ? FabricKind::kInfiniband : FabricKind::kEfa;
  if (!options.topology_given) spec.fabric.topology = tiers.infiniband ? TopologyKind::kRailOptimized : TopologyKind::kLeafSpine;
  out.fabric = build_spec_fabric(spec, {&instance}, tiers.nic_bytes_per_s);
  // The NIC links carry the fitted payload rate in this fabric's own packet format.
  const sim::PacketFormat fmt = packet_format(tiers.infiniband);
  out.fabric.topology.host_link_gbit_per_s = units::bytes_per_s_to_gbit_per_s(tiers.nic_bytes_per_s) *
                                             (fmt.mtu_payload_bytes + fmt.header_bytes) / fmt.mtu_payload_bytes;
  out.layout.nodes = nodes;
  out.layout.gpus = tiers.gpus;
  out.layout.nics_per_node = out.fabric.nics_per_node;
  out.layout.gpu_nics = tiers.local_nics;
  out.layout.infiniband = tiers.infiniband;
  out.transport = tiers.infiniband ? "RC, one path per QP (D-mod-K), lossless links, NCCL's QP timeouts"
                                   : "SRD, per-packet spraying over 64 paths, 8 KiB jumbo frames";
  const Topology topo = sim::build_topology(out.fabric.topology);
  const NextHops hops = compute_next_hops(topo);
  out.route_entries = sim::route_entries_of_sample(topo, hops, tiers.infiniband ? PathPolicy::kDestModK : PathPolicy::kSpray,
                                                   1, options.seed);
  out.directed_links = 2 * topo.links.size();
  return out;
}

ExpectEngineEstimate estimate_expect_engine(collective::Op op, double size_bytes, const collective::Prediction& p,
                                            const ExpectFabric& f) {
  ExpectEngineEstimate e;
  e.shape = collective_schedule_shape(op, size_bytes, p, f.layout);
  const sim::PacketFormat fmt = packet_format(f.infiniband);
  // The real run and its one-byte twin (one packet per transfer).
  e.packet_events = (std::ceil(e.shape.wire_bytes / fmt.mtu_payload_bytes) + e.shape.transfers) * sim::packet_events_per_packet(f.infiniband);
  // Past the transfer limit the memory figure is moot (and its size_t could overflow).
  if (e.shape.transfers > kMaxExpectTransfers) return e;
  e.flow_memory_bytes = static_cast<double>(flow::estimate_flow_memory_bytes(static_cast<std::size_t>(e.shape.transfers),
                                                                             f.route_entries, f.directed_links));
  return e;
}

std::string expect_engine_refusal(const ExpectEngineEstimate& e, const ExpectEngineOptions& options) {
  char buf[400];
  const double memory_limit = sim::default_run_limits().max_memory_bytes;
  if (e.shape.transfers > kMaxExpectTransfers) {
    std::snprintf(buf, sizeof buf, "%.3g transfers (at most %.0g: fewer nodes)", e.shape.transfers, kMaxExpectTransfers);
    return buf;
  }
  if (e.flow_memory_bytes > memory_limit) {
    std::snprintf(buf, sizeof buf, "an estimated %.2f GiB of engine state (this machine allows %.2f GiB)",
                  e.flow_memory_bytes / (1 << 30), memory_limit / (1 << 30));
    return buf;
  }
  if (options.engine == "packet" && e.packet_events > options.max_packet_events) {
    std::snprintf(buf, sizeof buf,
                  "about %.3g packet events for %.3g GB on the wire (at most %.3g, --max-events: ~%.0f s at the engine's "
                  "~3 M estimated events a second; --engine flow runs it in seconds)",
                  e.packet_events, e.shape.wire_bytes / 1e9, options.max_packet_events, e.packet_events / kEstimatedEventsPerS);
    return buf;
  }
  return "";
}

ExpectEngineRow run_expect_engine(collective::Op op, double size_bytes, const collective::Prediction& p,
                                  const ExpectFabric& f, const ExpectEngineOptions& options) {
  ExpectEngineRow row;
  row.size_bytes = size_bytes;
  const collective::TimeParts& parts = p.parts;
  row.fixed_us = parts.fixed_us;
  row.local_us = parts.local_us;
  row.model_network_us = parts.network_us;
  row.shape = collective_schedule_shape(op, size_bytes, p, f.layout);
  if (row.shape.transfers <= 0) {  // nothing crosses nodes: the model's figure stands
    row.time_us = p.time_us;
    return row;
  }
  const sim::Scenario full =
      scenario_of(f, options, build_collective_schedule(op, size_bytes, p, f.layout, stream_of(f, false)), false);
  const sim::SimulationResult r = sim::run_scenario_with(full, options.engine);
  const Span span = span_of(r);
  if (!span.complete) {
    throw std::runtime_error("the " + options.engine + " engine did not complete the " + p.algorithm + " schedule of " +
                             std::to_string(static_cast<long long>(size_bytes)) + " bytes" +
                             (r.stop_reason.empty() ? "" : ": " + r.stop_reason));
  }
  const sim::SimulationResult r0 = sim::run_scenario_with(
      scenario_of(f, options, build_collective_schedule(op, size_bytes, p, f.layout, stream_of(f, true), true), true),
      options.engine);
  row.span_us = span.us;
  row.zero_load_span_us = span_of(r0).us;
  if (row.shape.steady_state_pipeline) {  // the model's fill on the engine's rate
    const double k = std::max(1.0, parts.chunks);
    row.pipeline_factor = (std::max(1, parts.pipeline_depth) + k - 1) / k;
  }
  row.network_us = std::max(0.0, row.span_us - row.zero_load_span_us) * row.pipeline_factor * parts.network_cost_factor;
  row.network_bound = row.network_us > row.local_us;
  row.time_us = row.fixed_us + std::max(row.network_us, row.local_us);
  row.counters = r.transport;
  if (!r.busiest_links.empty()) {
    row.max_link_utilization = r.busiest_links.front().utilization;
    row.busiest_link = r.busiest_links.front().link;
  }
  row.mechanism = mechanism_of(row);
  return row;
}

}  // namespace fabricplan
