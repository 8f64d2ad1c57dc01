#include "planner/recommendation.h"

namespace fabricplan {
namespace {

std::string device_list(const InstanceType& t, const std::vector<int>& nics, const char* suffix) {
  std::string out;
  for (std::size_t i = 0; i < nics.size(); ++i) {
    if (i) out += ",";
    out += t.device_name(nics[i]) + suffix;
  }
  return out;
}

}  // namespace

Recommendation recommend(const InstanceType& t, const SplitCandidate& s, bool has_kv,
                         bool has_collectives) {
  Recommendation r;
  bool efa = t.fabric == FabricKind::kEfa;
  r.resource_name = efa ? "vpc.amazonaws.com/efa" : "rdma/ib";
  if (has_kv) r.env.emplace_back("UCX_NET_DEVICES", device_list(t, s.kv_nics, ":1"));
  // "=" prefix: exact device names, not prefixes (NCCL_IB_HCA syntax).
  if (has_collectives) r.env.emplace_back("NCCL_IB_HCA", "=" + device_list(t, s.collective_nics, ""));
  if (s.shared) {
    r.pod_resources.emplace_back("serving pod (all classes)", t.interfaces);
  } else {
    if (has_kv) r.pod_resources.emplace_back("kv-transfer engine", s.kv_interfaces);
    if (has_collectives) r.pod_resources.emplace_back("collectives (NCCL)", s.collective_interfaces);
  }
  if (efa) {
    r.notes.push_back(
        "efaN is the N-th EFA device in `fi_info -p efa -t FI_EP_RDM` order (rdmapXsY on "
        "the instance); substitute the real names.");
    if (has_collectives) {
      r.notes.push_back(
          "NCCL on EFA runs through aws-ofi-nccl, which picks PCIe-local EFAs per GPU; "
          "NCCL_IB_HCA lists the intended set, and the device plugin's allocation enforces it.");
    }
  }
  if (!s.locality_preserved) {
    r.notes.push_back("this split leaves some GPU without a PCIe-local interface in a pool; "
                      "its traffic crosses the host bridge.");
  }
  return r;
}

}  // namespace fabricplan
