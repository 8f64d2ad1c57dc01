// InstanceType: one entry of the instance catalog (configs/catalog/instances.json).
//
// Plain data: what a node brings to the fabric. Rates are per direction (full duplex).
// `accelerator_nics[g]` lists the interfaces that NCCL treats as local to accelerator g
// (p4d: each EFA serves two GPUs; p5: four EFAs per GPU).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace fabricplan {

enum class FabricKind { kEfa, kInfiniband };

struct InstanceType {
  std::string name;
  FabricKind fabric = FabricKind::kEfa;
  std::string accelerator;
  int accelerators = 0;
  int interfaces = 0;
  double interface_gbit_per_s = 0;
  double aggregate_gbit_per_s = 0;
  bool nvswitch = false;
  std::string intra_node;
  std::string efa_generation;
  bool efa_only_interfaces = false;
  std::vector<std::vector<int>> accelerator_nics;
  std::vector<std::string> device_names;  // empty: generic names are used
  double default_efficiency = 0.9;        // payload goodput / line rate, an assumption
  std::map<std::string, std::vector<std::string>> sources;  // field -> citations
  std::string notes;

  // Name of interface i as tools list it (mlx5_3) or a generic placeholder (efa3).
  std::string device_name(int i) const;
};

const char* fabric_kind_name(FabricKind kind);

}  // namespace fabricplan
