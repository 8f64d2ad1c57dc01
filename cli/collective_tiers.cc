#include "cli/collective_tiers.h"

#include <stdexcept>

#include "calib/profile.h"
#include "cli/args.h"
#include "models/catalog/catalog.h"
#include "models/collective/tiers.h"
#include "models/json_input/suggest.h"

namespace fabricplan::cli {

collective::NodeTiers collective_tiers(const std::string& instance_type, const std::optional<std::string>& profile_path,
                                       bool nvls) {
  Catalog catalog = Catalog::load(Catalog::default_path());
  const InstanceType* it = catalog.find(instance_type);
  if (it == nullptr) {
    const std::string hint = closest_match(instance_type, catalog.names());
    throw UsageError("--instance: unknown instance type \"" + instance_type + "\"" +
                     (hint.empty() ? "" : "; did you mean \"" + hint + "\"?") + " (see `fabricplan catalog`)");
  }
  collective::NodeTiers t;
  try {
    t = collective::tiers_from_catalog(*it, nvls);
  } catch (const std::invalid_argument& e) {
    if (!profile_path) throw UsageError(std::string("--instance: ") + e.what());
  }
  if (!profile_path) return t;
  CalibrationProfile p = load_calibration_profile(*profile_path);
  t.instance_type = it->name;
  if (t.gpus == 0) t.gpus = it->accelerators;
  if (t.nics == 0) t.nics = it->interfaces;
  t.source += "; calibration " + *profile_path + ":";
  if (const double nic = p.per_nic_bandwidth_bytes_per_s(); nic > 0) {
    t.nic_bytes_per_s = nic * p.multi_rail_efficiency();
    t.source += " NIC rate measured (" + std::to_string(nic / 1e9) + " GB/s)";
  }
  if (p.intra_node) {
    // The all_reduce fit over the most GPUs measured: its large-message busbw is what
    // NCCL's ring reaches on NVLink (NVLS off on the machines that measured it).
    const IntraNodeCollective* best = nullptr;
    for (const auto& c : p.intra_node->collectives) {
      if (c.op == "all_reduce" && (best == nullptr || c.ranks > best->ranks)) best = &c;
    }
    if (best != nullptr && best->large_message_busbw_bytes_per_s > 0) {
      // The tier through the model: the NVLink rate at which the model's ring over the
      // measured GPU count gives the measured busbw at the largest measured size (the
      // measurement already holds NCCL's overheads; the model adds its own).
      const double measured = best->large_message_busbw_bytes_per_s;
      // (The last fit segment is open-ended; calibrate collectives sweeps to 1 GiB by default.)
      const double last = best->segments.empty() ? 0 : best->segments.back().max_bytes;
      const double bytes = last > 0 && last <= double(1ull << 40) ? last : double(1 << 30);
      collective::NodeTiers probe = t;
      probe.gpus = best->ranks;
      probe.nvls = false;
      probe.nvlink_bytes_per_s = measured;
      for (int i = 0; i < 8; ++i) {
        const double got = collective::predict(collective::Op::kAllReduce, bytes, 1, probe).busbw_bytes_per_s;
        probe.nvlink_bytes_per_s *= measured / got;
      }
      t.nvlink_bytes_per_s = probe.nvlink_bytes_per_s;
      t.source += " NVLink busbw measured over " + std::to_string(best->ranks) + " GPUs (" +
                  std::to_string(best->large_message_busbw_bytes_per_s / 1e9) + " GB/s)";
    }
  }
  if (t.nvlink_bytes_per_s <= 0) {
    throw UsageError("--calibration: " + *profile_path + " has no intra-node all_reduce fit, and " + it->name +
                     " has no NVLink figure in the catalog");
  }
  return t;
}

}  // namespace fabricplan::cli
