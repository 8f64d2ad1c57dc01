#include "models/collective/tiers.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace fabricplan::collective {
namespace {

// NCCL's ring over NVLink reaches 367.61 GB/s bus bandwidth at 16 GiB on 8x H200
// (NVLink 4, 450 GB/s each way): 0.817 of line rate (TRAINING.md sec. 2, the NVLS-off
// ring figure; sec. 3 gives "about 370 GB/s effective" for H100 likewise).
constexpr double kNvlinkRingEfficiency = 367.61 / 450;
// With NVLink SHARP the same node reaches 482.26 GB/s busbw at 16 GiB (sec. 2): algbw
// 482.26 / 1.75 = 275.6 GB/s per GPU, 0.612 of the NVLink line rate.
constexpr double kNvlsEfficiency = 482.26 / 1.75 / 450;

// The network tier per fabric generation: share of line rate NCCL's data reaches, the
// extra latency per network hop beyond NCCL's hwLat table, and channels. Row names are
// the training set's (tests/data/training/TRAINING.md).
struct NetworkFit {
  double efficiency;
  double hop_extra_us;
  int channels;
  bool measured;  // false: carried over from another generation's rows
  const char* source;
};
// EFA v1 (p4d, p4de): fitted to efa-p4de-2n-allreduce-adt: the 8 B-1 KiB rows set the
// hop latency (69 us), the 256 MiB-2 GiB rows the efficiency (0.87; the tree at 2 nodes
// carries each node's data once each way), the 1-64 MiB rows the channel count (16).
constexpr NetworkFit kEfaV1{0.87, 69, 16, true, "fitted to training set efa-p4de-2n-allreduce-adt"};
// EFA v2 (p5, p5e): efa-p5-2n-allreduce-adt's 8 B-1 KiB rows set the hop latency (24 us);
// efa-p5-2to32n-allreduce-cg's ring/Simple rows (4-16 nodes, 2-8 GiB, where the region
// tuner runs a ring) the efficiency (0.90: 355 GB/s of 400). Channels: 24.
constexpr NetworkFit kEfaV2{0.90, 24, 24, true,
                            "fitted to training sets efa-p5-2n-allreduce-adt and efa-p5-2to32n-allreduce-cg"};
// EFA v3 (p5en) and v4 (p6-b200): no measurement in the training set. Their NIC count and
// rate are the catalog's; efficiency, hop latency and channels are EFA v2's.
constexpr NetworkFit extrapolated(NetworkFit f, const char* source) {
  f.measured = false;
  f.source = source;
  return f;
}
constexpr NetworkFit kEfaV2Extrapolated = extrapolated(
    kEfaV2, "extrapolated from the EFA v2 fit (p5 rows): no measurement of this EFA generation's latency or efficiency");
// InfiniBand: efficiency fitted to the training set's one IB row of this kind (sec. 3:
// NCCL reaches 46-49 GB/s on a 400G ConnectX-7, the midpoint 47.5 of 50 GB/s = 0.95) and
// judged, not fitted, on the same section's HDR (2 x 200G: ~48 GB/s) and 100G (12.2 GB/s)
// figures (collective_model_test). No IB latency or mid-size row exists: the hop latency
// is NCCL's own hwLat for IB and the channels NCCL's default on 8 NICs (16), both stated
// as such, not measured.
constexpr NetworkFit kInfiniband{
    0.95, 0, 16, true,
    "efficiency 0.95 fitted to NVIDIA's stated NCCL figure of 46-49 GB/s per 400G ConnectX-7 (training set sec. 3), "
    "judged on its HDR and 100G figures; latency NCCL's own IB hwLat and 16 channels (NCCL's defaults, no IB latency "
    "rows: not measured)"};

// What Hopper's NCCL kernels reach, fitted to efa-p5-2to32n-allreduce-cg and applied to
// every NVLink 4 or 5 node (H100, H200, B200; B200 extrapolated):
// - LL128 per channel: 11.75 GB/s on a ring (the ring/LL128 plateau at 4-16 nodes,
//   256 MiB-2 GiB: ~278 GB/s over 24 channels), 4.6 GB/s on a tree (the tree/LL128 rows
//   at 16-32 nodes, 64-256 MiB: ~87 GB/s of algbw added per byte);
// - an NVLS tree reaches 0.9 of min(network / f, NVLS) (2-node rows, 1-8 GiB) with 1 MiB
//   chunks (NCCL_BUFFSIZE 8 MiB over NCCL_STEPS = 8, as those runs set it).
struct GpuFit {
  double ll128_ring_channel, ll128_tree_channel, nvls_tree_efficiency, nvls_tree_chunk;
};
constexpr GpuFit kHopper{11.75e9, 4.6e9, 0.9, 1024 * 1024.0};

}  // namespace

double nvlink_line_bytes_per_s(const InstanceType& t) {
  const std::string& s = t.intra_node;
  const std::size_t at = s.find("GB/s per GPU");
  if (at == std::string::npos) return 0;
  std::size_t start = at;
  while (start > 0 && (std::isdigit(static_cast<unsigned char>(s[start - 1])) || s[start - 1] == '.' || s[start - 1] == ' ')) --start;
  const double both_ways_gb = std::strtod(s.c_str() + start, nullptr);
  return both_ways_gb / 2 * 1e9;
}

NodeTiers tiers_from_catalog(const InstanceType& t, bool nvls_enabled) {
  const double nvlink = nvlink_line_bytes_per_s(t);
  if (nvlink <= 0) {
    throw std::invalid_argument(t.name + " (" + t.accelerator + ", " + t.intra_node +
                                ") has no NVLink figure: its collectives run in the Neuron runtime, not NCCL, "
                                "and are not modelled; give --calibration with measured intra-node collectives");
  }
  const NetworkFit& fit = t.fabric == FabricKind::kInfiniband ? kInfiniband
                          : t.efa_generation == "EFA v1"      ? kEfaV1
                          : t.efa_generation == "EFA v2"      ? kEfaV2
                                                              : kEfaV2Extrapolated;
  NodeTiers n;
  n.instance_type = t.name;
  n.infiniband = t.fabric == FabricKind::kInfiniband;
  n.gpus = t.accelerators;
  n.nvlink_bytes_per_s = nvlink * kNvlinkRingEfficiency;
  // NVLink SHARP: NVSwitch with NVLink 4 or later (H100, H200, B200: >= 450 GB/s each way).
  n.nvls = nvls_enabled && t.nvswitch && nvlink >= 450e9;
  n.nvls_bytes_per_s = nvlink * kNvlsEfficiency;
  n.nics = t.interfaces;
  // No NIC carries more than its line rate after headers, whatever a fit says.
  n.nic_bytes_per_s = t.interface_gbit_per_s * 1e9 / 8 * std::min(fit.efficiency, wire_payload_fraction(n.infiniband));
  for (const auto& list : t.accelerator_nics) n.local_nics.emplace_back(list.begin(), list.end());
  n.net_hop_extra_us = fit.hop_extra_us;
  n.channels = fit.channels;
  if (nvlink >= 450e9) {  // NVLink 4 or later: Hopper's kernel figures (Blackwell extrapolated)
    n.ll128_channel_bytes_per_s = kHopper.ll128_ring_channel;
    n.tree_ll128_channel_bytes_per_s = kHopper.ll128_tree_channel;
    n.nvls_tree_efficiency = kHopper.nvls_tree_efficiency;
    n.nvls_tree_chunk_bytes = kHopper.nvls_tree_chunk;
  }
  n.tuner = tuner_platform_of(t.name);
  n.network_measured = fit.measured;
  n.source = std::string("catalog ") + t.name + " (" + t.efa_generation + ", " + t.intra_node + "); network " +
             fit.source + "; NVLink from 8x H200 all_reduce (training set sec. 2)" +
             (nvlink > 450e9 ? ", extrapolated to this NVLink generation by its line rate" : "");
  return n;
}

}  // namespace fabricplan::collective
