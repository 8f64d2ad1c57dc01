#include "models/workload/collective.h"

namespace fabricplan {

double ring_allreduce_bus_factor(int ranks) {
  if (ranks <= 1) return 0.0;
  return 2.0 * (ranks - 1) / ranks;
}

double allreduce_link_bytes_per_s(const AllReduceLoad& load) {
  return ring_allreduce_bus_factor(load.ranks) * load.bytes_per_op * load.ops_per_s;
}

double allreduce_network_bytes_per_s(const AllReduceLoad& load) {
  if (load.nodes_spanned <= 1) return 0.0;
  return allreduce_link_bytes_per_s(load);
}

}  // namespace fabricplan
