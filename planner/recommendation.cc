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

bool is_trainium(const InstanceType& t) { return t.accelerator.find("Trainium") != std::string::npos; }

// One pod's resources: `nics` of the device plugin's resource, the accelerators, and the
// 2 MiB huge pages libfabric's EFA provider uses for its bounce buffers.
std::string pod_yaml(const InstanceType& t, const std::string& pod, int nics, int accelerators, NodeRole role) {
  const bool efa = t.fabric == FabricKind::kEfa;
  const std::string nic_resource = efa ? "vpc.amazonaws.com/efa" : "rdma/ib";
  const std::string accel_resource = is_trainium(t) ? "aws.amazon.com/neuron" : "nvidia.com/gpu";
  std::string y = "# " + pod + " (" + node_role_name(role) + ")\n";
  y += "spec:\n  containers:\n  - name: " + pod + "\n    resources:\n      limits:\n";
  y += "        " + nic_resource + ": " + std::to_string(nics) + "\n";
  if (accelerators > 0) y += "        " + accel_resource + ": " + std::to_string(accelerators) + "\n";
  // Kubernetes wants a memory (or cpu) limit beside huge pages; how much the serving
  // process needs is not a network figure, so the value is marked as a placeholder.
  if (efa) y += "        hugepages-2Mi: 5120Mi\n        memory: 64Gi  # placeholder: the process's own need, not planned here\n";
  if (efa) {
    y += "    volumeMounts:\n    - {name: hugepage-2mi, mountPath: /dev/hugepages}\n";
    y += "  volumes:\n  - name: hugepage-2mi\n    emptyDir: {medium: HugePages-2Mi}\n";
  }
  return y;
}

}  // namespace

Recommendation recommend(const InstanceType& t, const SplitCandidate& s, bool has_kv, bool has_collectives,
                         NodeRole role) {
  Recommendation r;
  const bool efa = t.fabric == FabricKind::kEfa;
  const bool neuron = is_trainium(t);
  r.resource_name = efa ? "vpc.amazonaws.com/efa" : "rdma/ib";
  if (has_kv) {
    const std::string kv_ucx = device_list(t, s.kv_nics, ":1");
    if (efa) {
      r.settings.push_back({"KV transfer engine", "FI_EFA_IFACE", device_list(t, s.kv_nics, ""), true,
                            "libfabric opens only these EFAs (NIXL's libfabric backend, Mooncake over EFA)"});
      r.settings.push_back({"KV transfer engine", "UCX_NET_DEVICES", kv_ucx, false,
                            "selects only where the engine runs over UCX and UCX drives EFA; advisory otherwise"});
    } else {
      r.settings.push_back({"KV transfer engine", "UCX_NET_DEVICES", kv_ucx, true, "UCX opens only these HCA ports"});
    }
    r.env.emplace_back("UCX_NET_DEVICES", kv_ucx);
  }
  if (has_collectives) {
    const std::string list = device_list(t, s.collective_nics, "");
    if (neuron) {
      r.settings.push_back({"Neuron runtime (collectives)", "FI_EFA_IFACE", list, true,
                            "Neuron collectives (libnccom) open EFAs through libfabric; NCCL variables do not apply"});
    } else if (efa) {
      r.settings.push_back({"NCCL (aws-ofi-nccl)", "FI_EFA_IFACE", list, true,
                            "libfabric shows aws-ofi-nccl only these EFAs"});
      r.settings.push_back({"NCCL (aws-ofi-nccl)", "NCCL_IB_HCA", "=" + list, false,
                            "read by NCCL's IB transport, not by aws-ofi-nccl: advisory on EFA"});
    } else {
      // "=" prefix: exact device names, not prefixes (NCCL_IB_HCA syntax).
      r.settings.push_back({"NCCL", "NCCL_IB_HCA", "=" + list, true, "NCCL's IB transport uses only these HCAs"});
      r.env.emplace_back("NCCL_IB_HCA", "=" + list);
    }
  }
  const int accelerators = t.accelerators;
  if (s.shared) {
    const std::string pod = role == NodeRole::kTraining ? "training pod (all classes)" : "serving pod (all classes)";
    r.pod_resources.emplace_back(pod, t.interfaces);
    r.pod_yaml = pod_yaml(t, role == NodeRole::kTraining ? "trainer" : "server", t.interfaces, accelerators, role);
  } else {
    // One pod holds the accelerators and both pools: the device plugin allocates the
    // EFAs to the pod, the environment above splits them between the two libraries.
    if (has_kv) r.pod_resources.emplace_back("kv-transfer engine (of the server pod's)", s.kv_interfaces);
    // Trainium's collectives are the Neuron runtime's, not NCCL's.
    const bool neuron = t.accelerator.find("Trainium") != std::string::npos;
    if (has_collectives) {
      r.pod_resources.emplace_back(neuron ? "collectives (Neuron, of the server pod's)" : "collectives (NCCL, of the server pod's)",
                                   s.collective_interfaces);
    }
    const int all = s.kv_interfaces + s.collective_interfaces;
    r.pod_yaml = "# one container holds both pools: the device plugin gives the pod all " + std::to_string(all) + " " +
                 (efa ? "EFAs" : "HCAs") + "; the environment above gives the KV engine " + std::to_string(s.kv_interfaces) +
                 " and the collectives " + std::to_string(s.collective_interfaces) + " of them\n" +
                 pod_yaml(t, "server", all, accelerators, role);
  }
  if (efa) {
    r.notes.push_back(
        "efaN is the N-th EFA device in `fi_info -p efa -t FI_EP_RDM` order (rdmapXsY on the instance); substitute the real names.");
    r.notes.push_back("FI_EFA_IFACE is in the libfabric the EFA installer ships; older libfabric builds (Debian 12's "
                      "fi_efa(7) has none) ignore it: check `man fi_efa` on the nodes.");
    r.notes.push_back("launch the group in one cluster placement group (on EKS: the node group's launch template) so "
                      "its instances share a spine; EFA traffic does not cross Availability Zones.");
  }
  if (!s.locality_preserved) {
    r.notes.push_back("this split leaves some GPU without a PCIe-local interface in a pool; "
                      "its traffic crosses the host bridge.");
  }
  return r;
}

}  // namespace fabricplan
