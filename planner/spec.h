// ClusterSpec: what a user describes in a cluster spec file (configs/clusters/*.json,
// schema in configs/schema/cluster.schema.json), after validation.
//
// Node groups name catalog instance types; workloads name the groups they run on.
// Each item keeps the JSON pointer it came from so later checks (unknown group names,
// splits larger than the instance) can point at the field.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/catalog/instance_type.h"
#include "models/workload/kv_cache.h"
#include "models/workload/moe.h"
#include "planner/traffic_class.h"

namespace fabricplan {

enum class NodeRole { kPrefill, kDecode, kMixed };
const char* node_role_name(NodeRole role);

struct NodeGroupSpec {
  std::string name;
  std::string instance_type;
  int count = 0;
  NodeRole role = NodeRole::kMixed;
  std::string pointer;
};

enum class TopologyKind { kLeafSpine, kFatTree, kRailOptimized };
const char* topology_kind_name(TopologyKind kind);

struct FabricSpec {
  FabricKind kind = FabricKind::kEfa;
  TopologyKind topology = TopologyKind::kLeafSpine;
  int radix = 64;
  double oversubscription = 1.0;  // downlink : uplink capacity at the leaf
  double link_gbit_per_s = 400;
};

struct KvWorkloadSpec {
  std::string name;
  std::string model;
  std::string source;
  KvCacheShape shape;
  std::string dtype;
  double requests_per_s = 0;
  double prompt_tokens_mean = 0;
  double prompt_tokens_p99 = 0;
  std::string prefill_group;
  std::string decode_group;
  std::string pointer;
};

struct MoeWorkloadSpec {
  std::string name;
  std::string model;
  std::string source;
  MoeShape shape;
  std::string dispatch_dtype;
  std::string combine_dtype;
  double tokens_per_step_per_node = 0;
  double steps_per_s = 0;
  int ep_nodes = 1;
  std::vector<std::string> groups;
  std::string pointer;
};

struct TpWorkloadSpec {
  std::string name;
  std::string source;
  double bytes_per_op = 0;
  double ops_per_s = 0;
  int ranks = 1;
  int nodes_spanned = 1;
  std::vector<std::string> groups;
  std::string pointer;
};

// NIC split policy: "auto" searches; "explicit" gives, per group, how many interfaces
// carry KV transfer (the rest carry the collectives), or "shared" for no split.
struct ExplicitSplit {
  bool shared = false;
  int kv_interfaces = 0;
  int collective_interfaces = 0;
  std::string pointer;
};

struct SplitPolicy {
  bool automatic = true;
  std::map<std::string, ExplicitSplit> per_group;
};

struct ClusterSpec {
  std::string file;
  std::string name;
  std::string description;
  std::vector<NodeGroupSpec> groups;
  FabricSpec fabric;
  std::vector<KvWorkloadSpec> kv;
  std::vector<MoeWorkloadSpec> moe;
  std::vector<TpWorkloadSpec> tp;
  std::optional<std::string> calibration_path;  // resolved relative to the spec file
  SplitPolicy split;

  const NodeGroupSpec* group(const std::string& name) const;
};

}  // namespace fabricplan
