#include "models/collective/tiers.h"

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
// extra latency per network hop beyond NCCL's hwLat table, and channels.
struct NetworkFit {
  double efficiency;
  double hop_extra_us;
  int channels;
  const char* source;
};
// EFA v1 (p4d, p4de): fitted to efa-p4de-2n-allreduce-adt (all rows; the 8 B-1 KiB rows
// set the hop latency, the 256 MiB-2 GiB rows the efficiency).
constexpr NetworkFit kEfaV1{1.00, 69, 8, "fitted to training efa-p4de-2n-allreduce-adt"};
// EFA v2 (p5, p5e; p5en and p6 predicted with it, not fitted): efa-p5-2n-allreduce-adt
// likewise (8 B-1 KiB: hop latency; 1-16 GiB: efficiency).
constexpr NetworkFit kEfaV2{0.80, 24, 24, "fitted to training efa-p5-2n-allreduce-adt"};
// InfiniBand: NCCL reaches 46-49 GB/s on a 400G ConnectX-7 (TRAINING.md sec. 3: 0.95 of
// 50 GB/s); latency is NCCL's own hwLat for IB; 16 channels (NCCL's default on 8 NICs).
constexpr NetworkFit kInfiniband{0.95, 0, 16, "TRAINING.md sec. 3 (NCCL on ConnectX-7: 46-49 GB/s per NIC)"};

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
                                                              : kEfaV2;
  NodeTiers n;
  n.instance_type = t.name;
  n.infiniband = t.fabric == FabricKind::kInfiniband;
  n.gpus = t.accelerators;
  n.nvlink_bytes_per_s = nvlink * kNvlinkRingEfficiency;
  // NVLink SHARP: NVSwitch with NVLink 4 or later (H100, H200, B200: >= 450 GB/s each way).
  n.nvls = nvls_enabled && t.nvswitch && nvlink >= 450e9;
  n.nvls_bytes_per_s = nvlink * kNvlsEfficiency;
  n.nics = t.interfaces;
  n.nic_bytes_per_s = t.interface_gbit_per_s * 1e9 / 8 * fit.efficiency;
  for (const auto& list : t.accelerator_nics) n.nics_of_gpu.push_back(static_cast<int>(list.size()));
  n.net_hop_extra_us = fit.hop_extra_us;
  n.channels = fit.channels;
  n.source = std::string("catalog ") + t.name + "; network " + fit.source + "; NVLink TRAINING.md sec. 2";
  return n;
}

}  // namespace fabricplan::collective
