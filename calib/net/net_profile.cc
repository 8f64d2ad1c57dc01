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

ordered_json nic_json(const RailResult& rail, BufferKind buffers, ordered_json& unavailable, ordered_json& loggp) {
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
  nic["memory"] = buffer_kind_name(buffers);  // where both ends' buffers were
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
  stamp_report(j);
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
  for (const auto& rail : r.rails) j["nics"].push_back(nic_json(rail, r.buffers, unavailable, loggp));
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
  unavailable.push_back({{"what", "gpu"}, {"why", "not measured by calibrate client: run calibrate gpu"}});
  if (r.buffers == BufferKind::kCuda && !r.rails.empty()) {
    // Both ends moved GPU 0's memory, registered with FI_HMEM_CUDA: the NIC figures
    // above are the GPU-memory path of this provider.
    const std::string& p = r.rails.front().choice.provider;
    const bool nic_rdma = p.find("efa") != std::string::npos || p.find("verbs") != std::string::npos;
    j["gpudirect"] = {{"available", true},
                      {"measured", true},
                      {"provider_reports_hmem", r.hmem},
                      {"gpu", r.gpu_name},
                      {"path", nic_rdma ? "GPUDirect RDMA: the NIC reads and writes GPU memory"
                                        : "the " + p + " provider's own CUDA path (no NIC: device memory copied by the provider)"},
                      {"why", "calibrate client --buffers cuda: GPU buffers registered on both ends; " + r.gpudirect_why}};
  } else {
    // FI_HMEM alone does not promise CUDA (Debian's shm, Ubuntu 24.04's 1.20 shm report
    // it without CUDA support): only a registration that works does.
    std::string gd_why = r.buffers == BufferKind::kCudaStaged
                             ? r.gpudirect_why + ": the NIC figures are the host-staging path (GPU memory copied "
                                                 "through pinned host buffers on both ends, one synchronous copy per message)"
                         : r.hmem ? r.hmem_why + ", but this run used host buffers (calibrate client --buffers cuda "
                                                 "measures GPU memory)"
                                  : r.hmem_why + ": GPU memory would stage through host memory";
    j["gpudirect"] = {{"available", false}, {"measured", r.buffers == BufferKind::kCudaStaged},
                      {"provider_reports_hmem", r.hmem}, {"why", gd_why}};
    if (r.buffers == BufferKind::kCudaStaged) {
      j["gpudirect"]["gpu"] = r.gpu_name;
      j["gpudirect"]["path"] = "host staging: device-to-host copy, the network, host-to-device copy";
    }
    unavailable.push_back({{"what", "gpudirect"}, {"why", gd_why}});
  }
  j["unavailable"] = unavailable;
  return finished_profile_text(j, "this session's measurements");
}

}  // namespace fabricplan::calib
