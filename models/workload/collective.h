// Cost formulas of collectives, as nccl-tests defines them.
//
// For all-reduce over n ranks, nccl-tests reports algbw = S / t and
// busbw = algbw x 2(n-1)/n: the ring algorithm moves 2(n-1)/n x S bytes over every
// rank's outgoing link, so busbw is what each link must sustain. When a ring spans
// several nodes, exactly one rank of each node sends to the next node, so each node's
// network egress (and ingress) is also 2(n-1)/n x S per operation. A group inside one
// node stays on NVLink/NeuronLink and puts nothing on the network.
#pragma once

namespace fabricplan {

double ring_allreduce_bus_factor(int ranks);  // 2(n-1)/n; 0 for one rank

struct AllReduceLoad {
  double bytes_per_op = 0;
  double ops_per_s = 0;
  int ranks = 1;
  int nodes_spanned = 1;
};

// Per-node network bytes per second, each direction (0 when the group is intra-node).
double allreduce_network_bytes_per_s(const AllReduceLoad& load);

// Bytes per second each rank's link carries, inside or across nodes.
double allreduce_link_bytes_per_s(const AllReduceLoad& load);

}  // namespace fabricplan
