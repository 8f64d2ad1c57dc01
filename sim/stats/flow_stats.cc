#include "sim/stats/flow_stats.h"

#include <algorithm>
#include <cmath>

namespace fabricplan::sim {

double percentile_sorted(const std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::size_t rank = static_cast<std::size_t>(std::ceil(q * v.size()));
  if (rank < 1) rank = 1;
  return v[std::min(rank, v.size()) - 1];
}

std::uint32_t FlowStats::add_flow(std::uint32_t src, std::uint32_t dst, std::uint32_t cls) {
  FlowRecord r;
  r.src = src;
  r.dst = dst;
  r.traffic_class = cls;
  flows_.push_back(r);
  receipts_.emplace_back();
  return static_cast<std::uint32_t>(flows_.size() - 1);
}

void FlowStats::sent(std::uint32_t flow, std::int64_t now_ps) {
  FlowRecord& r = flows_[flow];
  if (r.first_send_ps < 0) r.first_send_ps = now_ps;
  ++r.packets_sent;
}

void FlowStats::posted(std::uint32_t flow, std::uint64_t bytes, std::int64_t now_ps) {
  flows_[flow].message_bytes = bytes;
  flows_[flow].first_send_ps = now_ps;
}

void FlowStats::received(std::uint32_t flow, std::uint32_t payload_bytes, std::int64_t now_ps, std::uint32_t lane) {
  Receipt& r = receipts_[flow];
  ++r.packets;
  r.payload_bytes += payload_bytes;
  r.last_ps = now_ps;
  ++totals_[lane].packets;
  totals_[lane].payload_bytes += payload_bytes;
}

std::uint64_t FlowStats::delivered_packets() const {
  std::uint64_t n = 0;
  for (const Totals& t : totals_) n += t.packets;
  return n;
}

std::uint64_t FlowStats::delivered_payload_bytes() const {
  std::uint64_t n = 0;
  for (const Totals& t : totals_) n += t.payload_bytes;
  return n;
}

void FlowStats::delivered(Simulator& sim, const Packet& p) {
  received(p.flow, p.payload_bytes, sim.now().ps(), sim.lane());
}

void FlowStats::dropped(Simulator&, const Packet& p, std::uint32_t) { ++flows_[p.flow].packets_dropped; }

const std::vector<FlowRecord>& FlowStats::flows() const {
  for (std::size_t i = 0; i < flows_.size(); ++i) {
    flows_[i].packets_delivered = receipts_[i].packets;
    flows_[i].payload_delivered = receipts_[i].payload_bytes;
    flows_[i].last_delivery_ps = receipts_[i].last_ps;
  }
  return flows_;
}

ClassSummary FlowStats::summarize(std::uint32_t cls, const std::string& name, double line_rate) const {
  return summarize_flows(flows(), cls, name, line_rate);
}

ClassSummary summarize_flows(const std::vector<FlowRecord>& flows, std::uint32_t cls, const std::string& name,
                             double line_rate) {
  ClassSummary s;
  s.name = name;
  std::vector<double> fct;
  double goodput_sum = 0;
  std::int64_t first = -1, last = -1;
  std::uint64_t payload = 0;
  for (const auto& r : flows) {
    if (r.traffic_class != cls) continue;
    ++s.flows;
    s.packets_sent += r.packets_sent;
    s.packets_delivered += r.packets_delivered;
    s.packets_dropped += r.packets_dropped;
    s.retransmissions += r.retransmissions;
    payload += r.payload_delivered;
    if (r.first_send_ps >= 0 && (first < 0 || r.first_send_ps < first)) first = r.first_send_ps;
    if (r.last_delivery_ps > last) last = r.last_delivery_ps;
    if (!r.complete()) {  // no completion time: counted, not averaged in
      ++s.incomplete_flows;
      continue;
    }
    double us = (r.last_delivery_ps - r.first_send_ps) * 1e-6;
    fct.push_back(us);
    if (us > 0) goodput_sum += r.payload_delivered / (us * 1e-6) / line_rate;
  }
  std::sort(fct.begin(), fct.end());
  s.fct_p50_us = percentile_sorted(fct, 0.50);
  s.fct_p99_us = percentile_sorted(fct, 0.99);
  s.fct_p999_us = percentile_sorted(fct, 0.999);
  s.fct_max_us = fct.empty() ? 0 : fct.back();
  double sum = 0;
  for (double f : fct) sum += f;
  s.fct_mean_us = fct.empty() ? 0 : sum / fct.size();
  s.mean_goodput_fraction = s.flows ? goodput_sum / s.flows : 0;
  if (last > first && first >= 0) s.throughput_bytes_per_s = payload / ((last - first) * 1e-12);
  return s;
}

}  // namespace fabricplan::sim
