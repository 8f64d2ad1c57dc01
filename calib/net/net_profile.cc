#include "calib/net/net_profile.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "calib/fit.h"
#include "calib/profile_json.h"

namespace fabricplan::calib {
namespace {

using ordered_json = nlohmann::ordered_json;

// Fits need two distinct sizes; fewer (a session cut short) leaves the raw points.
std::optional<AlphaBetaFit> try_fit(const std::vector<Sample>& samples) {
  if (samples.size() < 2) return std::nullopt;
  return fit_alpha_beta(samples);
}

ordered_json bandwidth_points(const std::vector<BandwidthPoint>& pts) {
  ordered_json a = ordered_json::array();
  for (const auto& p : pts)
    a.push_back({{"bytes", p.bytes}, {"messages", p.messages}, {"seconds", p.seconds}, {"bytes_per_s", p.bytes_per_s}});
  return a;
}

ordered_json nic_json(const RailResult& rail, ordered_json& unavailable, ordered_json& loggp) {
  ordered_json latency = ordered_json::array();
  std::vector<Sample> pingpong, stream;
  for (const auto& p : rail.latency) {
    latency.push_back({{"bytes", p.bytes}, {"iterations", p.iterations}, {"median_us", p.median_us},
                       {"p90_us", p.p90_us}, {"p99_us", p.p99_us}, {"min_us", p.min_us}});
    pingpong.push_back({static_cast<double>(p.bytes), p.median_us * 1e-6});
  }
  // Streaming: time per message at steady state; its slope is the asymptotic bandwidth
  // and its intercept the per-message gap (LogGP g, or o when the CPU is the limit).
  for (const auto& p : rail.stream)
    if (p.bytes_per_s > 0) stream.push_back({static_cast<double>(p.bytes), p.bytes / p.bytes_per_s});
  auto pp_fit = try_fit(pingpong);
  auto st_fit = try_fit(stream);

  ordered_json nic;
  nic["name"] = rail.choice.domain;
  nic["provider"] = rail.choice.provider;
  nic["address"] = rail.choice.address;
  nic["peer_domain"] = rail.peer_domain;
  nic["latency_us"] = pp_fit ? pp_fit->latency_us : (rail.latency.empty() ? 0.0 : rail.latency.front().median_us);
  double bw = 0;
  std::string bw_from;
  if (st_fit) { bw = st_fit->bandwidth_bytes_per_s; bw_from = "stream fit (large-message asymptote)"; }
  else if (!rail.stream.empty()) {
    for (const auto& p : rail.stream) bw = std::max(bw, p.bytes_per_s);
    bw_from = "largest measured stream point (too few sizes to fit)";
  } else if (pp_fit) { bw = pp_fit->bandwidth_bytes_per_s; bw_from = "ping-pong fit (no stream run)"; }
  nic["bandwidth_bytes_per_s"] = bw;
  nic["bandwidth_from"] = bw_from;
  nic["segments"] = pp_fit ? segments_json(*pp_fit) : ordered_json::array();
  nic["fit"] = pp_fit ? fit_json(*pp_fit) : ordered_json();
  nic["stream_segments"] = st_fit ? segments_json(*st_fit) : ordered_json::array();
  nic["stream_fit"] = st_fit ? fit_json(*st_fit) : ordered_json();
  nic["sweep"] = {{"latency", latency}, {"stream", bandwidth_points(rail.stream)}, {"bidir", bandwidth_points(rail.bidir)}};
  if (!pp_fit) unavailable.push_back({{"what", "nics/" + rail.choice.domain + "/segments"}, {"why", "fewer than 2 ping-pong sizes measured"}});
  if (bw <= 0) unavailable.push_back({{"what", "nics/" + rail.choice.domain + "/bandwidth_bytes_per_s"}, {"why", "no bandwidth measured"}});
  ordered_json g{{"nic", rail.choice.domain}};
  g["L_plus_2o_us"] = pp_fit ? pp_fit->loggp_L_plus_2o_us : 0.0;
  g["g_us"] = st_fit ? std::max(0.0, st_fit->segments.front().alpha_us) : 0.0;
  g["G_ps_per_byte"] = st_fit ? st_fit->loggp_G_ps_per_byte : 0.0;
  loggp.push_back(g);
  return nic;
}

}  // namespace

std::string net_profile_json(const NetResults& r) {
  ordered_json j;
  j["$schema"] = kProfileSchemaId;
  j["profile_version"] = 1;
  ordered_json prov = provenance("calibrate client");
  prov["provider"] = r.provider;
  prov["libfabric_version"] = r.libfabric_version;
  prov["peer"] = r.peer;
  prov["peer_host"] = r.peer_host;
  prov["peer_libfabric_version"] = r.peer_libfabric_version;
  prov["cuda_version"] = nullptr;  // the network benchmarks do not touch CUDA
  j["provenance"] = prov;
  j["complete"] = r.complete();
  j["error"] = r.complete() ? ordered_json() : ordered_json(r.error);
  ordered_json unavailable = ordered_json::array(), loggp = ordered_json::array();
  j["nics"] = ordered_json::array();
  for (const auto& rail : r.rails) j["nics"].push_back(nic_json(rail, unavailable, loggp));
  j["loggp"] = loggp;
  if (r.multirail) {
    double sum_single = 0;
    for (const auto& n : j["nics"]) sum_single += n["bandwidth_bytes_per_s"].get<double>();
    j["aggregate_bandwidth_bytes_per_s"] = r.multirail->aggregate_bytes_per_s;
    j["multi_rail"] = {{"bytes", r.multirail->bytes},
                       {"per_rail_bytes_per_s", r.multirail->per_rail_bytes_per_s},
                       {"aggregate_bytes_per_s", r.multirail->aggregate_bytes_per_s},
                       {"sum_of_single_rail_bytes_per_s", sum_single},
                       {"efficiency", sum_single > 0 ? r.multirail->aggregate_bytes_per_s / sum_single : 0.0}};
  } else {
    j["aggregate_bandwidth_bytes_per_s"] = 0;
    unavailable.push_back({{"what", "aggregate_bandwidth_bytes_per_s"},
                           {"why", r.rails.size() < 2 ? "one rail measured" : "the multi-rail step did not run"}});
  }
  j["gpu"] = nullptr;
  // FI_HMEM alone does not promise CUDA (Debian's shm reports it without CUDA support),
  // and this client moves host buffers only: GPUDirect is recorded as not measured.
  std::string gd_why = r.hmem ? r.hmem_why + ", but this client registers host memory only (FI_HMEM_CUDA registration "
                                             "of device buffers is not implemented): the figures are the host-memory path"
                              : r.hmem_why;
  j["gpudirect"] = {{"available", false}, {"provider_reports_hmem", r.hmem}, {"why", gd_why}};
  unavailable.push_back({{"what", "gpu"}, {"why", "not measured by calibrate client: run calibrate gpu"}});
  unavailable.push_back({{"what", "gpudirect"}, {"why", gd_why}});
  j["unavailable"] = unavailable;
  return j.dump(2) + "\n";
}

}  // namespace fabricplan::calib
