// ClusterSpec: what a user describes in a cluster spec file (configs/clusters/*.json,
// schema in configs/schema/cluster.schema.json), after validation.
//
// Node groups name catalog instance types; workloads name the groups they run on.
// Each item keeps the JSON pointer it came from so later checks (unknown group names,
// splits larger than the instance) can point at the field.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "planner/spec/ib_stack.h"
#include <vector>

#include "models/catalog/instance_type.h"
#include "models/workload/kv_cache.h"
#include "models/workload/request_trace.h"
#include "models/workload/moe.h"
#include "planner/spec/traffic_class.h"

namespace fabricplan {

enum class NodeRole { kPrefill, kDecode, kMixed, kTraining };
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
  IbStackTimeouts ib = *kv_engine_ib_defaults("nixl");  // its transfer engine's QP timeouts on IB
  // A real request trace replayed instead of Poisson arrivals and lognormal prompts
  // (planner/kv_trace.h): requests_per_s and the prompt figures above are then the trace's.
  std::shared_ptr<const RequestTrace> trace;
  double trace_rate_scale = 1;              // arrivals at trace time / this
  bool skip_cached_prefix = false;          // Mooncake hash_ids: prefix blocks the decode side has are not sent
  double prompt_tokens_p50 = 0;             // the trace's median (0: the lognormal's)
  double prompt_tokens_second_moment = 0;   // the trace's E[tokens^2] (0: the lognormal's)
  std::string trace_note;                   // what was replayed, for every report
  // When KV moves (kv_timing.h): after the request's prefill (vLLM's NIXL connector,
  // SGLang, Dynamo) or layer by layer while it runs (Mooncake's layer-wise transfer), the
  // latter needing the prefill's speed: prompt tokens / prefill_tokens_per_s per request.
  bool layerwise = false;
  double prefill_tokens_per_s = 0;
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

// A training job on one node group (role "training"): per step, the data-parallel
// gradient collectives (DDP: all-reduce; FSDP / ZeRO-3: reduce-scatter of the gradients
// and an all-gather of the parameters in forward and again in backward), pipeline
// activations forward and their gradients backward at every stage boundary, and, for
// MoE models, expert-parallel dispatch + combine per MoE layer per micro-batch, forward
// and backward. TP stays inside a node (NVLink).
struct TrainingMoeSpec {
  bool present = false;
  int hidden_size = 0, num_experts = 0, top_k = 0, moe_layers = 0;
  int ep = 1;                         // expert-parallel ranks (GPUs)
  double dispatch_dtype_bytes = 2, combine_dtype_bytes = 2;
};

struct TrainingWorkloadSpec {
  std::string name;
  std::string model;
  std::string source;
  std::string group;
  double parameters = 0;              // total, all stages
  std::string gradient_dtype = "bf16";
  double gradient_dtype_bytes = 2;
  bool fsdp = false;                  // "fsdp" | "ddp"
  int gpus_per_node = 8;              // the group's instance type
  int tp = 8, pp = 1, dp = 1;         // dp = GPUs / (tp x pp)
  int micro_batches = 1;              // per step, per pipeline
  double micro_batch_tokens = 0;      // sequence x micro-batch size
  int hidden_size = 0;
  double activation_dtype_bytes = 2;
  double step_time_s = 1;             // the step time the job runs at (demand rates)
  TrainingMoeSpec moe;
  std::string pointer;
};

// Service-level objectives: time budgets the verdicts hold communication against.
struct SloSpec {
  double ttft_p99_ms = 0;             // time to first token, p99 (KV transfer adds to it)
  double tpot_ms = 0;                 // time per output token = one decode step
  double training_step_ms = 0;        // a training step
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
  std::vector<TrainingWorkloadSpec> training;
  SloSpec slo;
  std::optional<std::string> calibration_path;  // resolved relative to the spec file
  SplitPolicy split;
  IbStackTimeouts nccl_ib = nccl_ib_defaults();   // NCCL classes' QP timeouts on IB

  const NodeGroupSpec* group(const std::string& name) const;
};

}  // namespace fabricplan
