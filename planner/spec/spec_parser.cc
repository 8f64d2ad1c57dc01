#include "planner/spec/spec_parser.h"

#include <algorithm>

#include <filesystem>
#include <set>

#include "models/json_input/input_error.h"
#include "models/json_input/json_reader.h"
#include "models/json_input/suggest.h"
#include "models/topology/topology.h"
#include "models/workload/dtype.h"
#include "planner/spec/kv_trace.h"

namespace fabricplan {
namespace {

double read_dtype(const JsonNode& node, std::string* name) {
  *name = node.one_of(dtype_names());
  return dtype_bytes(*name);
}

// Lists no real cluster comes near, bounded so that a generated file of 100,000 entries
// is refused at once rather than planned (each group and workload is its own model).
constexpr std::size_t kMaxListItems = 256;

std::vector<NodeGroupSpec> read_groups(const JsonNode& list, const Catalog& catalog) {
  std::size_t n = list.array_size(1, kMaxListItems);
  std::vector<NodeGroupSpec> groups;
  std::set<std::string> names;
  for (std::size_t i = 0; i < n; ++i) {
    JsonNode g = list.at(i);
    g.expect_object({"name", "instance_type", "count", "role"});
    NodeGroupSpec spec;
    spec.pointer = g.pointer();
    spec.name = g.at("name").string();
    if (spec.name.empty()) g.at("name").fail("a non-empty name");
    if (!names.insert(spec.name).second) g.at("name").fail("a group name not used before");
    JsonNode type = g.at("instance_type");
    spec.instance_type = type.string();
    if (!catalog.find(spec.instance_type)) {
      std::string hint = closest_match(spec.instance_type, catalog.names());
      type.fail("an instance type from the catalog (" + join_quoted(catalog.names()) + ")" +
                (hint.empty() ? "" : "; did you mean \"" + hint + "\"?"));
    }
    spec.count = static_cast<int>(g.at("count").integer(1, 1000000));
    std::string role = g.at("role").one_of({"prefill", "decode", "mixed", "training"});
    spec.role = role == "prefill"  ? NodeRole::kPrefill
                : role == "decode" ? NodeRole::kDecode
                : role == "mixed"  ? NodeRole::kMixed
                                   : NodeRole::kTraining;
    groups.push_back(spec);
  }
  return groups;
}

FabricSpec read_fabric(const JsonNode& f) {
  f.expect_object({"kind", "topology", "radix", "oversubscription", "link_gbit_per_s"});
  FabricSpec fabric;
  fabric.kind = f.at("kind").one_of({"efa", "ib"}) == "efa" ? FabricKind::kEfa
                                                           : FabricKind::kInfiniband;
  std::string topo = f.at("topology").one_of({"leaf_spine", "fat_tree", "rail_optimized"});
  fabric.topology = topo == "leaf_spine" ? TopologyKind::kLeafSpine
                    : topo == "fat_tree" ? TopologyKind::kFatTree
                                         : TopologyKind::kRailOptimized;
  fabric.radix = static_cast<int>(f.integer_or("radix", 4, 1024, 64));
  if (fabric.radix % 2) f.at("radix").fail("an even switch radix");
  fabric.oversubscription = f.has("oversubscription") ? f.at("oversubscription").in_range(1, 64) : 1.0;
  fabric.link_gbit_per_s = f.has("link_gbit_per_s") ? f.at("link_gbit_per_s").in_range(kMinLinkGbitPerS, kMaxLinkGbitPerS) : 400;
  return fabric;
}

const NodeGroupSpec& require_group(const JsonNode& node, const std::vector<NodeGroupSpec>& groups) {
  std::string name = node.string();
  std::vector<std::string> names;
  for (const auto& g : groups) {
    if (g.name == name) return g;
    names.push_back(g.name);
  }
  node.fail("the name of a node group (" + join_quoted(names) + ")");
}

std::vector<std::string> read_group_list(const JsonNode& list,
                                         const std::vector<NodeGroupSpec>& groups) {
  std::vector<std::string> out;
  std::size_t n = list.array_size(1);
  for (std::size_t i = 0; i < n; ++i) {
    std::string name = require_group(list.at(i), groups).name;
    // A group named twice would count its nodes twice (and overflowed the sum).
    if (std::find(out.begin(), out.end(), name) != out.end()) list.at(i).fail("each group once", "\"" + name + "\" again");
    out.push_back(name);
  }
  return out;
}

// A stack's IB QP timeout and retry count as a spec sets them (IBTA: 5-bit timeout,
// 3-bit retry count).
void read_ib_overrides(const JsonNode& n, IbStackTimeouts& ib) {
  const bool timeout = n.has("ib_timeout"), retry = n.has("ib_retry_cnt");
  if (timeout) ib.timeout_exponent = static_cast<std::uint32_t>(n.at("ib_timeout").integer(1, 31));
  if (retry) ib.retry_count = static_cast<std::uint32_t>(n.at("ib_retry_cnt").integer(0, 7));
  if (timeout || retry) ib.source = "the spec (" + n.pointer() + "), over " + ib.source;
}

// A KV workload's "trace": {"file", "rate_scale": number or "spec", "skip_cached_prefix"};
// the file relative to the spec's directory.
KvTraceUse read_trace_use(const JsonNode& t) {
  t.expect_object({"file", "rate_scale", "skip_cached_prefix"});
  KvTraceUse use;
  std::filesystem::path p(t.at("file").string());
  if (p.is_relative()) p = std::filesystem::path(t.file()).parent_path() / p;
  use.file = p.lexically_normal().string();
  if (t.has("rate_scale")) {
    const JsonNode r = t.at("rate_scale");
    if (r.is_string()) {
      r.one_of({"spec"});
      use.rate_to_spec = true;
    } else {
      use.rate_scale = r.in_range(1e-6, 1e6);
    }
  }
  use.skip_cached_prefix = t.boolean_or("skip_cached_prefix", false);
  use.origin = t.pointer();
  return use;
}

KvWorkloadSpec read_kv(const JsonNode& w, const std::vector<NodeGroupSpec>& groups) {
  w.expect_object({"name", "model", "source", "layers", "kv_heads", "head_dim", "dtype",
                   "requests_per_s", "prompt_tokens_mean", "prompt_tokens_p99",
                   "prefill_group", "decode_group", "transfer_engine", "ib_timeout", "ib_retry_cnt", "trace",
                   "kv_transfer", "prefill_tokens_per_s"});
  KvWorkloadSpec kv;
  kv.pointer = w.pointer();
  kv.name = w.string_or("name", "kv");
  kv.model = w.string_or("model", "");
  kv.source = w.string_or("source", "");
  kv.shape.layers = static_cast<int>(w.at("layers").integer(1, 100000));
  kv.shape.kv_heads = static_cast<int>(w.at("kv_heads").integer(1, 100000));
  kv.shape.head_dim = static_cast<int>(w.at("head_dim").integer(1, 100000));
  kv.shape.dtype_bytes = read_dtype(w.at("dtype"), &kv.dtype);
  kv.requests_per_s = w.at("requests_per_s").in_range(1e-9, 1e9);
  kv.prompt_tokens_mean = w.at("prompt_tokens_mean").in_range(1e-9, 1e9);
  kv.prompt_tokens_p99 = w.at("prompt_tokens_p99").in_range(1e-9, 1e9);
  if (kv.prompt_tokens_p99 < kv.prompt_tokens_mean) {
    w.at("prompt_tokens_p99").fail("a p99 >= prompt_tokens_mean (" +
                                   std::to_string(kv.prompt_tokens_mean) + ")");
  }
  const auto& prefill = require_group(w.at("prefill_group"), groups);
  const auto& decode = require_group(w.at("decode_group"), groups);
  if (prefill.role == NodeRole::kDecode) w.at("prefill_group").fail("a group of role prefill or mixed", "a decode group");
  if (decode.role == NodeRole::kPrefill) w.at("decode_group").fail("a group of role decode or mixed", "a prefill group");
  kv.prefill_group = prefill.name;
  kv.decode_group = decode.name;
  if (w.has("transfer_engine")) {
    const std::string engine = w.at("transfer_engine").one_of({"ucx", "nixl", "mooncake"});
    kv.ib = *kv_engine_ib_defaults(engine);
  }
  read_ib_overrides(w, kv.ib);
  if (w.has("trace")) apply_kv_trace(kv, read_trace_use(w.at("trace")));
  kv.layerwise = w.has("kv_transfer") && w.at("kv_transfer").one_of({"after_prefill", "layerwise"}) == "layerwise";
  if (w.has("prefill_tokens_per_s")) kv.prefill_tokens_per_s = w.at("prefill_tokens_per_s").in_range(1, 1e9);
  if (kv.layerwise && kv.prefill_tokens_per_s <= 0) {
    throw InputError(w.file(), w.pointer() + "/prefill_tokens_per_s",
                     "the prefill node's prompt tokens per second, which \"kv_transfer\": \"layerwise\" needs", "none");
  }
  return kv;
}

MoeWorkloadSpec read_moe(const JsonNode& w, const std::vector<NodeGroupSpec>& groups) {
  w.expect_object({"name", "model", "source", "hidden_size", "num_experts", "top_k",
                   "moe_layers", "dispatch_dtype", "combine_dtype", "tokens_per_step_per_node",
                   "steps_per_s", "ep_nodes", "groups"});
  MoeWorkloadSpec moe;
  moe.pointer = w.pointer();
  moe.name = w.string_or("name", "moe");
  moe.model = w.string_or("model", "");
  moe.source = w.string_or("source", "");
  moe.shape.hidden_size = static_cast<int>(w.at("hidden_size").integer(1, 1000000));
  moe.shape.num_experts = static_cast<int>(w.at("num_experts").integer(1, 100000));
  moe.shape.top_k = static_cast<int>(w.at("top_k").integer(1, moe.shape.num_experts));
  moe.shape.moe_layers = static_cast<int>(w.at("moe_layers").integer(1, 100000));
  moe.shape.dispatch_dtype_bytes = read_dtype(w.at("dispatch_dtype"), &moe.dispatch_dtype);
  moe.shape.combine_dtype_bytes = read_dtype(w.at("combine_dtype"), &moe.combine_dtype);
  moe.tokens_per_step_per_node = w.at("tokens_per_step_per_node").in_range(1e-9, 1e9);
  moe.steps_per_s = w.at("steps_per_s").in_range(1e-9, 1e9);
  moe.groups = read_group_list(w.at("groups"), groups);
  std::int64_t nodes = 0;  // groups are distinct and each has at most 10^6 nodes
  for (const auto& name : moe.groups) {
    for (const auto& g : groups) nodes += g.name == name ? g.count : 0;
  }
  moe.ep_nodes = static_cast<int>(w.at("ep_nodes").integer(1, nodes));
  return moe;
}

TpWorkloadSpec read_tp(const JsonNode& w, const std::vector<NodeGroupSpec>& groups) {
  w.expect_object({"name", "source", "bytes_per_op", "ops_per_s", "ranks", "nodes_spanned",
                   "groups"});
  TpWorkloadSpec tp;
  tp.pointer = w.pointer();
  tp.name = w.string_or("name", "tp");
  tp.source = w.string_or("source", "");
  tp.bytes_per_op = w.at("bytes_per_op").in_range(1e-9, 1e15);
  tp.ops_per_s = w.at("ops_per_s").in_range(1e-9, 1e9);
  tp.ranks = static_cast<int>(w.at("ranks").integer(2, 1000000));
  tp.nodes_spanned = static_cast<int>(w.integer_or("nodes_spanned", 1, tp.ranks, 1));
  tp.groups = read_group_list(w.at("groups"), groups);
  return tp;
}

TrainingWorkloadSpec read_training(const JsonNode& w, const std::vector<NodeGroupSpec>& groups,
                                   const Catalog& catalog) {
  w.expect_object({"name", "model", "source", "group", "parameters", "gradient_dtype", "sharding", "tp", "pp",
                   "micro_batches", "micro_batch_tokens", "hidden_size", "activation_dtype", "step_time_ms", "moe"});
  TrainingWorkloadSpec t;
  t.pointer = w.pointer();
  t.name = w.string_or("name", "training");
  t.model = w.string_or("model", "");
  t.source = w.string_or("source", "");
  const NodeGroupSpec& g = require_group(w.at("group"), groups);
  if (g.role != NodeRole::kTraining) w.at("group").fail("a group of role training", std::string("a ") + node_role_name(g.role) + " group");
  t.group = g.name;
  t.parameters = w.at("parameters").in_range(1, 1e15);
  t.gradient_dtype_bytes = w.has("gradient_dtype") ? read_dtype(w.at("gradient_dtype"), &t.gradient_dtype) : 2;
  t.fsdp = w.has("sharding") && w.at("sharding").one_of({"ddp", "fsdp"}) == "fsdp";
  const int gpus = catalog.find(g.instance_type)->accelerators;
  t.gpus_per_node = gpus;
  t.tp = static_cast<int>(w.integer_or("tp", 1, gpus, std::min(8, gpus)));
  if (gpus % t.tp) w.at("tp").fail("a divisor of the " + std::to_string(gpus) + " accelerators per node (TP stays inside a node)");
  const std::int64_t total = static_cast<std::int64_t>(g.count) * gpus;
  t.pp = static_cast<int>(w.integer_or("pp", 1, g.count, 1));
  if (g.count % t.pp) {  // each stage on count / pp whole nodes
    w.at("pp").fail("a divisor of the group's " + std::to_string(g.count) + " nodes (each stage on whole nodes)");
  }
  if (total % (static_cast<std::int64_t>(t.tp) * t.pp)) {
    w.at("pp").fail("tp x pp dividing the group's " + std::to_string(total) + " accelerators");
  }
  t.dp = static_cast<int>(total / (static_cast<std::int64_t>(t.tp) * t.pp));
  t.micro_batches = static_cast<int>(w.integer_or("micro_batches", 1, 1000000, 1));
  t.micro_batch_tokens = w.at("micro_batch_tokens").in_range(1, 1e9);
  t.hidden_size = static_cast<int>(w.at("hidden_size").integer(1, 1000000));
  std::string ignored;
  t.activation_dtype_bytes = w.has("activation_dtype") ? read_dtype(w.at("activation_dtype"), &ignored) : 2;
  t.step_time_s = w.at("step_time_ms").in_range(1e-3, 1e9) * 1e-3;
  if (w.has("moe")) {
    JsonNode m = w.at("moe");
    m.expect_object({"hidden_size", "num_experts", "top_k", "moe_layers", "ep", "dispatch_dtype", "combine_dtype"});
    t.moe.present = true;
    t.moe.hidden_size = static_cast<int>(m.integer_or("hidden_size", 1, 1000000, t.hidden_size));
    t.moe.num_experts = static_cast<int>(m.at("num_experts").integer(1, 100000));
    t.moe.top_k = static_cast<int>(m.at("top_k").integer(1, t.moe.num_experts));
    t.moe.moe_layers = static_cast<int>(m.at("moe_layers").integer(1, 100000));
    t.moe.ep = static_cast<int>(m.at("ep").integer(1, total));
    t.moe.dispatch_dtype_bytes = m.has("dispatch_dtype") ? read_dtype(m.at("dispatch_dtype"), &ignored) : 2;
    t.moe.combine_dtype_bytes = m.has("combine_dtype") ? read_dtype(m.at("combine_dtype"), &ignored) : 2;
  }
  return t;
}

SloSpec read_slo(const JsonNode& s) {
  s.expect_object({"ttft_p99_ms", "tpot_ms", "training_step_ms"});
  SloSpec slo;
  if (s.has("ttft_p99_ms")) slo.ttft_p99_ms = s.at("ttft_p99_ms").in_range(1e-3, 1e9);
  if (s.has("tpot_ms")) slo.tpot_ms = s.at("tpot_ms").in_range(1e-3, 1e9);
  if (s.has("training_step_ms")) slo.training_step_ms = s.at("training_step_ms").in_range(1e-3, 1e9);
  return slo;
}

}  // namespace

const char* node_role_name(NodeRole role) {
  switch (role) {
    case NodeRole::kPrefill: return "prefill";
    case NodeRole::kDecode: return "decode";
    case NodeRole::kMixed: return "mixed";
    case NodeRole::kTraining: return "training";
  }
  return "?";
}

const char* topology_kind_name(TopologyKind kind) {
  switch (kind) {
    case TopologyKind::kLeafSpine: return "leaf_spine";
    case TopologyKind::kFatTree: return "fat_tree";
    case TopologyKind::kRailOptimized: return "rail_optimized";
  }
  return "?";
}

const NodeGroupSpec* ClusterSpec::group(const std::string& name) const {
  for (const auto& g : groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

bool is_cluster_spec_file(const std::string& path) {
  try {
    JsonDocument doc = JsonDocument::load(path);
    return doc.root().has("node_groups");
  } catch (const std::exception&) {
    return false;
  }
}

ClusterSpec parse_cluster_spec(const std::string& path, const Catalog& catalog) {
  JsonDocument doc = JsonDocument::load(path);
  JsonNode root = doc.root();
  root.expect_object({"$schema", "spec_version", "name", "description", "sources", "node_groups",
                      "fabric", "workloads", "calibration", "nic_split", "slo", "nccl"});
  if (root.has("spec_version")) root.at("spec_version").integer(1, 1);
  ClusterSpec spec;
  spec.file = path;
  spec.name = root.at("name").string();
  spec.description = root.string_or("description", "");
  if (root.has("sources")) {
    JsonNode s = root.at("sources");
    for (std::size_t i = 0, n = s.array_size(); i < n; ++i) s.at(i).string();
  }
  spec.groups = read_groups(root.at("node_groups"), catalog);
  if (root.has("nccl")) {
    JsonNode n = root.at("nccl");
    n.expect_object({"ib_timeout", "ib_retry_cnt"});
    read_ib_overrides(n, spec.nccl_ib);
  }
  spec.fabric = read_fabric(root.at("fabric"));
  for (const auto& g : spec.groups) {
    const InstanceType* t = catalog.find(g.instance_type);
    if (t->fabric != spec.fabric.kind) {
      root.at("fabric").at("kind").fail(
          std::string("\"") + fabric_kind_name(t->fabric) + "\" to match instance type " +
          t->name + " of " + g.pointer);
    }
  }

  JsonNode w = root.at("workloads");
  w.expect_object({"disaggregated_serving", "moe_expert_parallel", "tp_allreduce", "training"});
  if (w.has("disaggregated_serving")) {
    JsonNode list = w.at("disaggregated_serving");
    for (std::size_t i = 0, n = list.array_size(0, kMaxListItems); i < n; ++i) spec.kv.push_back(read_kv(list.at(i), spec.groups));
  }
  if (w.has("moe_expert_parallel")) {
    JsonNode list = w.at("moe_expert_parallel");
    for (std::size_t i = 0, n = list.array_size(0, kMaxListItems); i < n; ++i) spec.moe.push_back(read_moe(list.at(i), spec.groups));
  }
  if (w.has("tp_allreduce")) {
    JsonNode list = w.at("tp_allreduce");
    for (std::size_t i = 0, n = list.array_size(0, kMaxListItems); i < n; ++i) spec.tp.push_back(read_tp(list.at(i), spec.groups));
  }
  if (w.has("training")) {
    JsonNode list = w.at("training");
    for (std::size_t i = 0, n = list.array_size(0, kMaxListItems); i < n; ++i) {
      spec.training.push_back(read_training(list.at(i), spec.groups, catalog));
    }
  }
  if (root.has("slo")) spec.slo = read_slo(root.at("slo"));
  if (spec.kv.empty() && spec.moe.empty() && spec.tp.empty() && spec.training.empty()) {
    w.fail("at least one workload", "none");
  }

  if (root.has("calibration")) {
    std::filesystem::path p = root.at("calibration").string();
    if (p.is_relative()) p = std::filesystem::path(path).parent_path() / p;
    spec.calibration_path = p.lexically_normal().string();
  }

  if (root.has("nic_split")) {
    JsonNode s = root.at("nic_split");
    s.expect_object({"policy", "groups"});
    spec.split.automatic = s.at("policy").one_of({"auto", "explicit"}) == "auto";
    if (spec.split.automatic && s.has("groups")) {
      s.at("groups").fail("no \"groups\" with policy \"auto\"", "a per-group split");
    }
    if (!spec.split.automatic) {
      JsonNode per = s.at("groups");
      for (const auto& key : per.keys()) {
        JsonNode entry = per.at(key);
        const NodeGroupSpec* g = spec.group(key);
        if (!g) {
          std::vector<std::string> names;
          for (const auto& gg : spec.groups) names.push_back(gg.name);
          entry.fail("a key naming a node group (" + join_quoted(names) + ")",
                     "unknown group \"" + key + "\"");
        }
        const InstanceType* t = catalog.find(g->instance_type);
        entry.expect_object({"shared", "kv_interfaces", "collective_interfaces"});
        ExplicitSplit e;
        e.pointer = entry.pointer();
        e.shared = entry.boolean_or("shared", false);
        if (!e.shared) {
          e.kv_interfaces = static_cast<int>(entry.at("kv_interfaces").integer(0, 1000000));
          e.collective_interfaces =
              static_cast<int>(entry.at("collective_interfaces").integer(0, 1000000));
          int total = e.kv_interfaces + e.collective_interfaces;
          if (total > t->interfaces) {
            entry.at("collective_interfaces")
                .fail("kv_interfaces + collective_interfaces <= " + std::to_string(t->interfaces) +
                          " (the interfaces of " + t->name + ")",
                      std::to_string(e.kv_interfaces) + " + " +
                          std::to_string(e.collective_interfaces) + " = " + std::to_string(total));
          }
          if (total == 0) entry.fail("at least one interface assigned", "0");
        }
        spec.split.per_group[key] = e;
      }
      for (const auto& g : spec.groups) {
        if (!spec.split.per_group.count(g.name)) {
          per.fail("a split for every node group; \"" + g.name + "\" has none", "no entry");
        }
      }
    }
  }
  return spec;
}

}  // namespace fabricplan
