// Network demand of MoE expert-parallel all-to-all (dispatch and combine).
//
// In every MoE layer each token is sent to the top_k experts it is routed to
// (dispatch: top_k x hidden x dispatch dtype bytes) and their outputs come back
// (combine: top_k x hidden x combine dtype bytes). Per step and node:
//   bytes = tokens x moe_layers x top_k x hidden x (dispatch + combine dtype bytes).
// With experts spread evenly over the E nodes of an EP group and routing uniform over
// experts, a copy leaves the node with probability (E-1)/E; an EP group inside one
// node puts nothing on the network. Traffic is symmetric: what a node sends in
// dispatch it receives in combine, so egress = ingress.
#pragma once

namespace fabricplan {

struct MoeShape {
  int hidden_size = 0;
  int num_experts = 0;
  int top_k = 0;
  int moe_layers = 0;
  double dispatch_dtype_bytes = 2;
  double combine_dtype_bytes = 2;
};

struct MoeLoad {
  double tokens_per_step_per_node = 0;
  double steps_per_s = 0;
  int ep_nodes = 1;  // nodes one expert-parallel group spans
};

// Dispatch + combine bytes one node moves per step, before the remote share.
double moe_bytes_per_step_per_node(const MoeShape& shape, double tokens_per_step);

// Share of those bytes whose peer expert lives on another node: (E-1)/E.
double moe_remote_fraction(int ep_nodes);

// Per-node network bytes per second, each direction.
double moe_network_bytes_per_s(const MoeShape& shape, const MoeLoad& load);

}  // namespace fabricplan
