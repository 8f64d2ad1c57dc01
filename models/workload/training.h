// Network bytes of one training step, per node and direction, for a job with tensor
// parallelism (TP) inside each node, pipeline stages (PP) on separate nodes and data
// parallelism (DP) across the rest: the classic 3D layout of Megatron-LM
// (Narayanan et al., SC'21) with G GPUs per node and r = G / TP model replicas' TP
// groups on each node.
//
//   DP gradients: each GPU holds S = parameters / (TP x PP) x gradient bytes. Every TP
//     rank index has its own DP ring of `dp` ranks; r of them sit on one node, so the
//     ring crosses the node boundary once each way per node and carries, per ring link,
//       DDP all-reduce: 2 (dp-1)/dp x S          (reduce-scatter + all-gather)
//       FSDP/ZeRO-3:    3 (dp-1)/dp x S          (reduce-scatter of gradients, all-gather
//                                                 of parameters in forward and backward)
//     so a node sends TP x that per step (nothing when dp <= r: the ring stays inside).
//   PP activations: at every stage boundary a micro-batch's activations
//     (tokens x hidden x bytes, summed over the TP group) go forward and their gradients
//     come back; an interior stage sends both ways, so per node and step
//       r x micro_batches x 2 x tokens x hidden x bytes          (0 with PP = 1).
//   MoE expert parallelism: per MoE layer and micro-batch, each GPU dispatches its
//     tokens/TP tokens to top-k experts and combines the results, forward and again in
//     backward (the gradients retrace the routes); a copy leaves the node with
//     probability (EP - min(G, EP)) / EP.
#pragma once

namespace fabricplan {

struct TrainingShape {
  double parameters = 0;
  double gradient_bytes = 2;
  bool fsdp = false;
  int gpus_per_node = 8;
  int tp = 8, pp = 1, dp = 1;
  int micro_batches = 1;
  double micro_batch_tokens = 0;
  int hidden_size = 0;
  double activation_bytes = 2;
  // MoE (moe_layers = 0: dense)
  int moe_layers = 0, moe_hidden = 0, top_k = 0, ep = 1;
  double dispatch_bytes = 2, combine_bytes = 2;
};

// One GPU's gradient shard S.
double training_gradient_shard_bytes(const TrainingShape& t);
// Bytes per node per step, per direction.
double training_dp_bytes_per_node(const TrainingShape& t);
double training_pp_bytes_per_node(const TrainingShape& t);
double training_moe_bytes_per_node(const TrainingShape& t);
// One MoE dispatch (or combine) per GPU: tokens x top-k x hidden x dtype bytes (all of
// it, before the remote share).
double training_moe_tokens_per_gpu(const TrainingShape& t);
double training_moe_remote_fraction(const TrainingShape& t);

}  // namespace fabricplan
