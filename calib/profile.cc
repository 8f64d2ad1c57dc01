#include "calib/profile.h"

#include <algorithm>
#include <cstdio>

#include "models/topology/topology.h"
#include "models/json_input/json_reader.h"

namespace fabricplan {

double CalibrationProfile::per_nic_bandwidth_bytes_per_s() const {
  if (nics.empty()) return 0;
  std::vector<double> bw;
  for (const auto& n : nics) bw.push_back(n.bandwidth_bytes_per_s);
  std::sort(bw.begin(), bw.end());
  std::size_t m = bw.size() / 2;
  return bw.size() % 2 ? bw[m] : 0.5 * (bw[m - 1] + bw[m]);
}

std::string CalibrationProfile::nic_figure_text() const {
  char buf[200];
  std::snprintf(buf, sizeof buf, "median of %zu NIC(s)%s %.2f GB/s x multi-rail %.2f", nics.size(),
                provider.empty() ? "" : (" (provider " + provider + ")").c_str(), per_nic_bandwidth_bytes_per_s() / 1e9,
                multi_rail_efficiency());
  return buf;
}

double CalibrationProfile::multi_rail_efficiency() const {
  double one = per_nic_bandwidth_bytes_per_s();
  if (aggregate_bandwidth_bytes_per_s <= 0 || one <= 0 || nics.size() < 2) return 1.0;
  return std::min(1.0, aggregate_bandwidth_bytes_per_s / (one * nics.size()));
}

namespace {

std::vector<FitSegment> read_segments(const JsonNode& segs) {
  std::vector<FitSegment> out;
  for (std::size_t i = 0, k = segs.array_size(); i < k; ++i) {
    JsonNode s = segs.at(i);
    s.expect_object({"min_bytes", "max_bytes", "alpha_us", "beta_bytes_per_s", "r2", "points"});
    FitSegment f;
    f.min_bytes = s.at("min_bytes").non_negative();
    f.max_bytes = s.at("max_bytes").positive();
    f.alpha_us = s.at("alpha_us").number();
    f.beta_bytes_per_s = s.at("beta_bytes_per_s").positive();
    out.push_back(f);
  }
  return out;
}

// The intra_node tier as calibrate collectives writes it. Only fitted collectives over
// 2+ GPUs are kept: with one GPU nothing crosses NVLink.
std::optional<IntraNodeCalibration> read_intra_node(const JsonNode& n) {
  if (n.is_null() || !n.boolean_or("available", false)) return std::nullopt;
  IntraNodeCalibration c;
  c.gpus = static_cast<int>(n.at("gpus").integer(0, 1024));
  c.device = n.string_or("device", "");
  if (c.gpus < 2 || !n.has("collectives")) return std::nullopt;
  JsonNode list = n.at("collectives");
  for (std::size_t i = 0, k = list.array_size(); i < k; ++i) {
    JsonNode e = list.at(i);
    if (!e.has("segments")) continue;  // too few sizes to fit
    IntraNodeCollective col;
    col.op = e.at("op").string();
    col.ranks = static_cast<int>(e.at("ranks").integer(1, 1024));
    col.segments = read_segments(e.at("segments"));
    col.large_message_busbw_bytes_per_s = e.non_negative_or("large_message_busbw_bytes_per_s", 0);
    if (!col.segments.empty()) c.collectives.push_back(col);
  }
  if (c.collectives.empty()) return std::nullopt;
  return c;
}

// The providers the NICs were measured over: one name, "mixed (a, b)", or "" if unrecorded.
std::string nic_providers(const std::vector<NicCalibration>& nics) {
  std::vector<std::string> seen;
  for (const auto& n : nics) {
    if (!n.provider.empty() && std::find(seen.begin(), seen.end(), n.provider) == seen.end()) seen.push_back(n.provider);
  }
  if (seen.size() <= 1) return seen.empty() ? "" : seen.front();
  std::string out = "mixed (";
  for (std::size_t i = 0; i < seen.size(); ++i) out += (i ? ", " : "") + seen[i];
  return out + ")";
}

NicCalibration read_nic(const JsonNode& n) {
  n.expect_object({"name", "latency_us", "bandwidth_bytes_per_s", "segments", "sweep", "fit", "provider", "address",
                   "peer_domain", "memory", "bandwidth_from", "stream_segments", "stream_fit", "source_file"});
  NicCalibration nic;
  nic.name = n.at("name").string();
  nic.provider = n.string_or("provider", "");
  // Absent where the tool measured none (ib_write_bw streams: no latency in its log).
  nic.latency_us = n.has("latency_us") ? n.at("latency_us").non_negative() : -1;
  // One range for every NIC rate an engine is given (models/topology/topology.h).
  nic.bandwidth_bytes_per_s = n.at("bandwidth_bytes_per_s").in_range(kMinLinkGbitPerS * 1e9 / 8, kMaxNicGbitPerS * 1e9 / 8);
  if (n.has("segments")) nic.segments = read_segments(n.at("segments"));
  return nic;
}

}  // namespace

double IntraNodeCollective::time_us(double bytes) const {
  const FitSegment* s = &segments.back();
  for (const FitSegment& f : segments) {
    if (bytes >= f.min_bytes && bytes < f.max_bytes) {
      s = &f;
      break;
    }
  }
  return s->alpha_us + bytes / s->beta_bytes_per_s * 1e6;
}

const IntraNodeCollective* IntraNodeCalibration::find(const std::string& op, int ranks) const {
  for (const IntraNodeCollective& c : collectives)
    if (c.op == op && c.ranks == ranks) return &c;
  return nullptr;
}

CalibrationProfile load_calibration_profile(const std::string& path) {
  JsonDocument doc = JsonDocument::load(path);
  JsonNode root = doc.root();
  root.expect_object({"$schema", "report", "report_version", "tool_version", "profile_version", "provenance", "nics",
                      "aggregate_bandwidth_bytes_per_s", "gpu", "collectives", "loggp",
                      "unavailable", "intra_node", "complete", "error", "multi_rail", "gpudirect"});
  root.at("profile_version").integer(1, 1);
  CalibrationProfile p;
  p.file = path;
  JsonNode prov = root.at("provenance");
  if (!prov.is_null()) {
    p.provider = prov.string_or("provider", "");
    p.host = prov.string_or("host", "");
    if (prov.has("instance_type") && !prov.at("instance_type").is_null()) p.instance_type = prov.at("instance_type").string();
  }
  JsonNode nics = root.at("nics");
  for (std::size_t i = 0, n = nics.array_size(); i < n; ++i) p.nics.push_back(read_nic(nics.at(i)));
  // The NICs say which provider(s) they were measured over where they record it (a merged
  // profile's provenance names none); else the session's provenance does.
  if (const std::string from_nics = nic_providers(p.nics); !from_nics.empty()) p.provider = from_nics;
  p.complete = root.boolean_or("complete", true);
  p.aggregate_bandwidth_bytes_per_s = root.non_negative_or("aggregate_bandwidth_bytes_per_s", 0);
  if (root.has("gpu") && !root.at("gpu").is_null()) {
    JsonNode g = root.at("gpu");
    GpuCalibration gpu;
    gpu.h2d_bytes_per_s = g.non_negative_or("h2d_bytes_per_s", 0);
    gpu.d2h_bytes_per_s = g.non_negative_or("d2h_bytes_per_s", 0);
    gpu.d2d_bytes_per_s = g.non_negative_or("d2d_bytes_per_s", 0);
    gpu.launch_us = g.non_negative_or("launch_us", 0);
    gpu.gpudirect = g.boolean_or("gpudirect", false);
    p.gpu = gpu;
  }
  if (root.has("intra_node")) p.intra_node = read_intra_node(root.at("intra_node"));
  return p;
}

}  // namespace fabricplan
