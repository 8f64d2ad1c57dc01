#include "planner/analytic/demand.h"

#include <algorithm>
#include <cstdio>

#include "models/units/units.h"
#include "models/workload/collective.h"

namespace fabricplan {
namespace {

std::string describe(const std::string& name, double bytes_per_s, const char* direction) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s: %.2f Gbit/s %s", name.c_str(),
                units::bytes_per_s_to_gbit_per_s(bytes_per_s), direction);
  return buf;
}

int node_count(const ClusterSpec& spec, const std::string& group) {
  return spec.group(group)->count;
}

}  // namespace

TrainingShape training_shape(const TrainingWorkloadSpec& t) {
  TrainingShape s;
  s.parameters = t.parameters;
  s.gradient_bytes = t.gradient_dtype_bytes;
  s.fsdp = t.fsdp;
  s.gpus_per_node = t.gpus_per_node;
  s.tp = t.tp;
  s.pp = t.pp;
  s.dp = t.dp;
  s.micro_batches = t.micro_batches;
  s.micro_batch_tokens = t.micro_batch_tokens;
  s.hidden_size = t.hidden_size;
  s.activation_bytes = t.activation_dtype_bytes;
  if (t.moe.present) {
    s.moe_layers = t.moe.moe_layers;
    s.moe_hidden = t.moe.hidden_size;
    s.top_k = t.moe.top_k;
    s.ep = t.moe.ep;
    s.dispatch_bytes = t.moe.dispatch_dtype_bytes;
    s.combine_bytes = t.moe.combine_dtype_bytes;
  }
  return s;
}

std::map<std::string, GroupDemand> compute_demand(const ClusterSpec& spec, double rate_scale) {
  // Egress and ingress per group and class, summed over workloads.
  struct Directional {
    double egress = 0, ingress = 0, egress_peak = 0, ingress_peak = 0;
    std::vector<std::string> notes;
    // Collectives send what they receive, with no burst beyond their mean.
    void add_both_ways(double bytes_per_s) {
      egress += bytes_per_s;
      ingress += bytes_per_s;
      egress_peak += bytes_per_s;
      ingress_peak += bytes_per_s;
    }
  };
  std::map<std::string, std::map<TrafficClass, Directional>> acc;

  for (const auto& kv : spec.kv) {
    KvTransferLoad load;
    load.requests_per_s = kv.requests_per_s * rate_scale;
    load.prompt_tokens_mean = kv.prompt_tokens_mean;
    load.prompt_tokens_p99 = kv.prompt_tokens_p99;
    load.prefill_nodes = node_count(spec, kv.prefill_group);
    load.decode_nodes = node_count(spec, kv.decode_group);
    KvTransferDemand d = kv_transfer_demand(kv_bytes_per_token(kv.shape), load);
    auto& src = acc[kv.prefill_group][TrafficClass::kKvTransfer];
    src.egress += d.prefill_egress_bytes_per_s;
    src.egress_peak += d.prefill_egress_p99_bytes_per_s;
    src.notes.push_back(describe(kv.name, d.prefill_egress_bytes_per_s, "egress per prefill node"));
    auto& dst = acc[kv.decode_group][TrafficClass::kKvTransfer];
    dst.ingress += d.decode_ingress_bytes_per_s;
    dst.ingress_peak += d.decode_ingress_p99_bytes_per_s;
    dst.notes.push_back(describe(kv.name, d.decode_ingress_bytes_per_s, "ingress per decode node"));
  }
  for (const auto& moe : spec.moe) {
    MoeLoad load{moe.tokens_per_step_per_node, moe.steps_per_s * rate_scale, moe.ep_nodes};
    double bytes = moe_network_bytes_per_s(moe.shape, load);
    for (const auto& g : moe.groups) {
      auto& d = acc[g][TrafficClass::kMoeAll2all];
      d.add_both_ways(bytes);
      d.notes.push_back(describe(moe.name, bytes, "each way per node"));
    }
  }
  for (const auto& tp : spec.tp) {
    AllReduceLoad load{tp.bytes_per_op, tp.ops_per_s * rate_scale, tp.ranks, tp.nodes_spanned};
    double bytes = allreduce_network_bytes_per_s(load);
    for (const auto& g : tp.groups) {
      auto& d = acc[g][TrafficClass::kTpAllreduce];
      d.add_both_ways(bytes);
      d.notes.push_back(bytes > 0 ? describe(tp.name, bytes, "each way per node")
                                  : tp.name + ": inside one node (NVLink), nothing on the network");
    }
  }

  for (const auto& tr : spec.training) {
    const TrainingShape shape = training_shape(tr);
    const double steps_per_s = rate_scale / tr.step_time_s;
    const std::pair<TrafficClass, double> parts[] = {
        {TrafficClass::kDpGradients, training_dp_bytes_per_node(shape) * steps_per_s},
        {TrafficClass::kPpActivations, training_pp_bytes_per_node(shape) * steps_per_s},
        {TrafficClass::kMoeAll2all, training_moe_bytes_per_node(shape) * steps_per_s},
    };
    for (const auto& [cls, bytes] : parts) {
      if (cls != TrafficClass::kDpGradients && bytes <= 0) continue;
      auto& d = acc[tr.group][cls];
      d.add_both_ways(bytes);
      d.notes.push_back(bytes > 0 ? describe(tr.name, bytes, "each way per node")
                                  : tr.name + ": data-parallel ring inside one node, nothing on the network");
    }
  }

  std::map<std::string, GroupDemand> out;
  for (const auto& g : spec.groups) out[g.name];
  for (auto& [group, classes] : acc) {
    for (auto& [cls, d] : classes) {
      ClassDemand c;
      c.bytes_per_s = std::max(d.egress, d.ingress);
      c.peak_bytes_per_s = std::max(d.egress_peak, d.ingress_peak);
      c.contributions = std::move(d.notes);
      out[group].classes[cls] = std::move(c);
    }
  }
  return out;
}

}  // namespace fabricplan
