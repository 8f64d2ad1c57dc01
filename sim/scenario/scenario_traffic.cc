#include "sim/scenario/scenario_traffic.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace fabricplan::sim {
namespace {

// Times a scenario may give (1000 s): sums and products of a few stay far from the
// int64 picosecond limit (9.2e6 s).
constexpr double kMaxTimeUs = 1e9;

// Endpoints as a list of integers or {"first": a, "count": n, "stride": s}.
std::vector<std::uint32_t> read_endpoints(const JsonNode& n, int hosts, std::size_t min_items = 1) {
  std::vector<std::uint32_t> out;
  if (n.has("first") || n.has("count")) {
    n.expect_object({"first", "count", "stride"});
    auto first = n.at("first").integer(0, hosts - 1);
    auto count = n.at("count").integer(static_cast<std::int64_t>(min_items), hosts);
    auto stride = n.integer_or("stride", 1, hosts, 1);
    if (first + (count - 1) * stride >= hosts) {
      n.fail("endpoints inside [0, " + std::to_string(hosts) + ")",
             "a range ending at " + std::to_string(first + (count - 1) * stride));
    }
    for (std::int64_t i = 0; i < count; ++i) out.push_back(static_cast<std::uint32_t>(first + i * stride));
    return out;
  }
  for (std::size_t i = 0, m = n.array_size(min_items); i < m; ++i) {
    out.push_back(static_cast<std::uint32_t>(n.at(i).integer(0, hosts - 1)));
  }
  return out;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> read_pairs(const JsonNode& n, const std::string& dir,
                                                                  const std::string& pattern, int hosts) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> flows;
  if (pattern == "pairs") {
    JsonNode list = n.at("pairs");
    for (std::size_t i = 0, m = list.array_size(1); i < m; ++i) {
      JsonNode pr = list.at(i);
      if (pr.array_size() != 2) pr.fail("a [src, dst] pair");
      flows.emplace_back(static_cast<std::uint32_t>(pr.at(std::size_t{0}).integer(0, hosts - 1)),
                         static_cast<std::uint32_t>(pr.at(std::size_t{1}).integer(0, hosts - 1)));
    }
  } else {
    std::filesystem::path p = n.at("permutation_file").string();
    if (p.is_relative()) p = std::filesystem::path(dir) / p;
    flows = read_pairs_file(p.string(), static_cast<std::uint32_t>(hosts));
  }
  for (const auto& [s, d] : flows) {
    if (s == d) n.fail("flows between distinct hosts", "host " + std::to_string(s) + " sending to itself");
  }
  return flows;
}

void read_open_loop(const JsonNode& n, TrafficSpec& t) {
  t.payload_bytes = static_cast<std::uint32_t>(n.integer_or("payload_bytes", 1, 1 << 20, 1500));
  t.header_bytes = static_cast<std::uint32_t>(n.integer_or("header_bytes", 0, 4096, 30));
  t.interval_ps = n.at("interval_ps").integer(1, INT64_C(1'000'000'000'000));  // at most 1 s
  if (n.has("packets_per_flow")) {
    t.packets_per_flow = static_cast<std::uint64_t>(n.at("packets_per_flow").integer(1, INT64_C(1) << 40));
  } else {
    double duration_ps = n.at("duration_us").in_range(1e-6, kMaxTimeUs) * 1e6;
    t.packets_per_flow = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(duration_ps / t.interval_ps)));
  }
  if (static_cast<double>(t.packets_per_flow) * static_cast<double>(t.interval_ps) > kMaxTimeUs * 1e6) {
    n.fail("packets_per_flow x interval_ps of at most 1000 s", std::to_string(t.packets_per_flow) + " packets every " +
                                                                   std::to_string(t.interval_ps) + " ps");
  }
}

TransportSpec read_transport(const JsonNode& n) {
  TransportSpec t;
  t.name = n.at("transport").one_of({"srd", "ib_rc"});
  PacketFormat f;
  f.mtu_payload_bytes = static_cast<std::uint32_t>(n.integer_or("mtu_payload_bytes", 64, 1 << 16, 4096));
  f.header_bytes = static_cast<std::uint32_t>(n.integer_or("header_bytes", 0, 4096, 64));
  f.ack_bytes = static_cast<std::uint32_t>(n.integer_or("ack_bytes", 1, 4096, 64));
  t.srd.format = t.ib.format = f;
  if (!n.has("transport_params")) return t;
  JsonNode p = n.at("transport_params");
  if (t.name == "srd") {
    p.expect_object({"paths", "path_fail_threshold", "init_window_packets", "slow_start", "min_window_packets",
                     "max_window_packets", "ai_packets", "target_queue_delay_us", "rto_min_us", "rto_max_us",
                     "congestion_loss_slot_fraction"});
    SrdParams& s = t.srd;
    s.paths = static_cast<std::uint32_t>(p.integer_or("paths", 1, 65535, s.paths));
    s.path_fail_threshold = static_cast<std::uint32_t>(p.integer_or("path_fail_threshold", 1, 1000, s.path_fail_threshold));
    auto window = [&](const char* key, double fallback) { return p.has(key) ? p.at(key).in_range(1e-6, 1e9) : fallback; };
    auto time_us = [&](const char* key, double lo, double fallback) { return p.has(key) ? p.at(key).in_range(lo, kMaxTimeUs) : fallback; };
    s.init_window_packets = window("init_window_packets", s.init_window_packets);
    s.slow_start = p.boolean_or("slow_start", s.slow_start);
    s.min_window_packets = window("min_window_packets", s.min_window_packets);
    s.max_window_packets = window("max_window_packets", s.max_window_packets);
    if (s.max_window_packets < s.min_window_packets) p.at("max_window_packets").fail("max_window_packets >= min_window_packets");
    s.ai_packets = window("ai_packets", s.ai_packets);
    if (p.has("congestion_loss_slot_fraction")) {
      s.congestion_loss_slot_fraction = p.at("congestion_loss_slot_fraction").in_range(0, 1);
    }
    s.target_queue_delay_us = time_us("target_queue_delay_us", 0, s.target_queue_delay_us);
    s.rto_min_us = time_us("rto_min_us", 1e-3, s.rto_min_us);
    s.rto_max_us = time_us("rto_max_us", 1e-3, s.rto_max_us);
    if (s.rto_max_us < s.rto_min_us) p.at("rto_max_us").fail("rto_max_us >= rto_min_us");
  } else {
    p.expect_object({"qps_per_connection", "window_packets", "ack_every", "timeout", "retry_count", "ack_timeout_us", "path"});
    IbRcParams& b = t.ib;
    b.qps_per_connection = static_cast<std::uint32_t>(p.integer_or("qps_per_connection", 1, 64, b.qps_per_connection));
    b.window_packets = static_cast<std::uint32_t>(p.integer_or("window_packets", 1, 1 << 20, b.window_packets));
    b.ack_every = static_cast<std::uint32_t>(p.integer_or("ack_every", 1, 1 << 16, b.ack_every));
    b.timeout_exponent = static_cast<std::uint32_t>(p.integer_or("timeout", 1, 31, b.timeout_exponent));
    b.retry_count = static_cast<std::uint32_t>(p.integer_or("retry_count", 0, 7, b.retry_count));
    if (p.has("ack_timeout_us")) b.ack_timeout_us = p.at("ack_timeout_us").in_range(1e-3, kMaxTimeUs);
    if (p.has("path")) {
      const std::string path = p.at("path").one_of({"dmodk", "ecmp", "adaptive"});
      b.ecmp = path == "ecmp";
      b.adaptive = path == "adaptive";
    }
  }
  return t;
}

void read_message(const JsonNode& n, const std::string& dir, const TopologySpec& topo, TrafficSpec& t) {
  const int hosts = host_count(topo);
  t.transport = read_transport(n);
  // Transports number a message's packets in 32 bits: bound every size by that.
  const std::uint32_t mtu = t.transport.name == "srd" ? t.transport.srd.format.mtu_payload_bytes : t.transport.ib.format.mtu_payload_bytes;
  const double max_message = 4294967295.0 * mtu;
  for (const char* key : {"bytes", "bytes_per_pair", "mean_bytes"}) {
    if (n.has(key) && n.at(key).number() > max_message) {
      n.at(key).fail("at most 2^32-1 packets of " + std::to_string(mtu) + " bytes per message (" + std::to_string(max_message) + " bytes)");
    }
  }
  t.start_ps = static_cast<std::int64_t>(std::llround((n.has("start_us") ? n.at("start_us").in_range(0, kMaxTimeUs) : 0) * 1e6));
  auto bytes = [&] { return static_cast<std::uint64_t>(n.at("bytes").integer(1, INT64_C(1) << 46)); };
  if (t.pattern == "pairs" || t.pattern == "permutation_file") {
    t.flows = read_pairs(n, dir, t.pattern, hosts);
    t.bytes = bytes();
  } else if (t.pattern == "incast") {
    t.senders = read_endpoints(n.at("senders"), hosts);
    t.receiver = static_cast<std::uint32_t>(n.at("receiver").integer(0, hosts - 1));
    for (auto s : t.senders) {
      if (s == t.receiver) n.at("senders").fail("senders other than the receiver", "the receiver " + std::to_string(s));
    }
    t.bytes = bytes();
  } else if (t.pattern == "ring_allreduce") {
    t.ranks = read_endpoints(n.at("ranks"), hosts, 2);
    t.bytes = bytes();
  } else if (t.pattern == "all2all") {
    All2AllSpec& a = t.all2all;
    a.nics_per_server = static_cast<std::uint32_t>(topo.nics_per_server);
    const int servers = hosts / topo.nics_per_server;
    a.servers = read_endpoints(n.at("servers"), servers, 2);
    a.gpus_per_server = static_cast<std::uint32_t>(n.integer_or("gpus_per_server", 1, 64, 8));
    a.bytes_per_pair = static_cast<std::uint64_t>(n.at("bytes_per_pair").integer(1, INT64_C(1) << 40));
    a.rail_aligned = n.boolean_or("rail_aligned", false);
    a.at_ps = t.start_ps;
  } else {  // kv_poisson
    KvPoissonSpec& k = t.kv;
    k.prefill = read_endpoints(n.at("prefill"), hosts);
    k.decode = read_endpoints(n.at("decode"), hosts);
    k.rate_per_s = n.at("rate_per_s").in_range(1e-9, 1e9);
    k.mean_bytes = n.at("mean_bytes").in_range(1, 1e13);
    k.lognormal_sigma = n.has("lognormal_sigma") ? n.at("lognormal_sigma").in_range(0, 10) : 0;
    k.start_ps = t.start_ps;
    k.duration_ps = static_cast<std::int64_t>(std::llround(n.at("duration_us").in_range(1e-6, kMaxTimeUs) * 1e6));
  }
}

}  // namespace

TrafficSpec read_traffic(const JsonNode& n, const std::string& dir, const TopologySpec& topo) {
  n.expect_object({"class", "kind", "pattern", "pairs", "permutation_file", "payload_bytes", "header_bytes",
                   "interval_ps", "duration_us", "packets_per_flow", "transport", "transport_params",
                   "mtu_payload_bytes", "ack_bytes", "bytes", "start_us", "senders", "receiver", "ranks",
                   "servers", "gpus_per_server", "bytes_per_pair", "rail_aligned", "prefill", "decode",
                   "rate_per_s", "mean_bytes", "lognormal_sigma"});
  TrafficSpec t;
  t.kind = n.at("kind").one_of({"open_loop", "message"});
  t.traffic_class = n.string_or("class", t.kind == "open_loop" ? "udp" : "messages");
  if (t.kind == "open_loop") {
    t.pattern = n.at("pattern").one_of({"pairs", "permutation_file"});
    t.flows = read_pairs(n, dir, t.pattern, host_count(topo));
    read_open_loop(n, t);
  } else {
    t.pattern = n.at("pattern").one_of(
        {"pairs", "permutation_file", "incast", "all2all", "ring_allreduce", "kv_poisson"});
    read_message(n, dir, topo, t);
  }
  return t;
}

}  // namespace fabricplan::sim
