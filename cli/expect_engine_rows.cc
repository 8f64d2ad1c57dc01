#include "cli/expect_engine_rows.h"

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "models/catalog/catalog.h"

namespace fabricplan::cli {

std::optional<ExpectEngineRun> expect_engine_setup(const Args& args, const collective::NodeTiers& tiers, int nodes) {
  const std::string engine = args.get_or("--engine", "analytic");
  if (engine != "analytic" && engine != "flow" && engine != "packet") {
    throw UsageError("--engine must be analytic, flow or packet, not \"" + engine + "\"");
  }
  if (engine == "analytic") {
    for (const char* o : {"--topology", "--radix", "--oversubscription", "--link-gbit", "--max-events", "--seed"}) {
      if (args.has(o)) throw UsageError(std::string(o) + " sets up the engines' fabric: it needs --engine flow or packet");
    }
    return std::nullopt;
  }
  ExpectEngineRun run;
  ExpectEngineOptions& o = run.options;
  o.engine = engine;
  if (auto t = args.get("--topology")) {
    if (*t != "leaf_spine" && *t != "rail_optimized" && *t != "fat_tree") {
      throw UsageError("--topology must be leaf_spine, rail_optimized or fat_tree, not \"" + *t + "\"");
    }
    o.fabric.topology = *t == "leaf_spine" ? TopologyKind::kLeafSpine
                        : *t == "fat_tree" ? TopologyKind::kFatTree
                                           : TopologyKind::kRailOptimized;
    o.topology_given = true;
  }
  o.fabric.radix = static_cast<int>(args.unsigned_in("--radix", 4, 1024).value_or(64));
  o.fabric.oversubscription = args.number_in("--oversubscription", 1, 64).value_or(1);
  o.fabric.link_gbit_per_s = args.number_in("--link-gbit", kMinLinkGbitPerS, kMaxLinkGbitPerS).value_or(400);
  o.max_packet_events = args.number_in("--max-events", 1e3, 1e11).value_or(o.max_packet_events);
  o.seed = args.unsigned_in("--seed", 0, ~0ull).value_or(1);
  const Catalog catalog = Catalog::load(Catalog::default_path());
  const InstanceType* instance = catalog.find(tiers.instance_type);
  if (instance == nullptr) throw UsageError("--instance: \"" + tiers.instance_type + "\" is not in the catalog");
  if (tiers.gpus != instance->accelerators) {
    throw UsageError("--gpus-per-node: the engines build whole nodes; run them with the instance's " +
                     std::to_string(instance->accelerators) + " GPUs per node");
  }
  try {
    run.fabric = expect_fabric(*instance, tiers, nodes, o);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--nodes: ") + e.what() + " (--engine analytic has no such limit)");
  }
  return run;
}

std::vector<ExpectEngineRow> run_expect_rows(const ExpectEngineRun& run, collective::Op op, const std::vector<double>& sizes,
                                             const std::vector<collective::Prediction>& predictions) {
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const ExpectEngineEstimate e = estimate_expect_engine(op, sizes[i], predictions[i], run.fabric);
    const std::string why = expect_engine_refusal(e, run.options);
    if (!why.empty()) {
      char size[64];
      std::snprintf(size, sizeof size, "%.0f", sizes[i]);
      throw UsageError("--engine " + run.options.engine + ": the row of " + size + " bytes (" + predictions[i].algorithm +
                       ") needs " + why + "; nothing was run (lower --max-bytes, or raise the limit)");
    }
  }
  std::vector<ExpectEngineRow> rows;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    rows.push_back(run_expect_engine(op, sizes[i], predictions[i], run.fabric, run.options));
  }
  return rows;
}

std::string expect_engine_header(const ExpectEngineRun& run) {
  std::ostringstream os;
  os << "# engine: " << run.options.engine << " on " << run.fabric.fabric.description << "; " << run.fabric.transport
     << "; seed " << run.options.seed << "\n";
  os << "# the network term is the engine's (NCCL's structure, as chosen below, run on that fabric); latency, NVLink and "
        "the protocols' per-channel caps are the model's\n";
  for (const std::string& n : run.fabric.fabric.notes) os << "# note: " << n << "\n";
  return os.str();
}

std::string expect_engine_detail_text(const std::vector<ExpectEngineRow>& rows) {
  std::ostringstream os;
  char line[320];
  os << "# engine detail: the model's time and network term beside the engine's; local = NVLink and protocol caps\n";
  std::snprintf(line, sizeof line, "#%12s %10s %10s %10s %10s %-8s %9s %7s %8s %9s %8s  %s\n", "size", "model us",
                "net model", "net engine", "local us", "bound", "transfers", "drops", "timeouts", "spurious", "retrans",
                "busiest link (utilization)");
  os << line;
  for (const ExpectEngineRow& r : rows) {
    std::snprintf(line, sizeof line, " %12.0f %10.2f %10.2f %10.2f %10.2f %-8s %9.0f %7llu %8llu %9llu %8llu  %s (%.0f%%)\n",
                  r.size_bytes, r.model_time_us(), r.model_network_us, r.network_us, r.local_us,
                  r.shape.transfers <= 0 ? "-" : r.bound_by(), r.shape.transfers,
                  static_cast<unsigned long long>(r.counters.drops), static_cast<unsigned long long>(r.counters.timeouts),
                  static_cast<unsigned long long>(r.counters.spurious_timeouts),
                  static_cast<unsigned long long>(r.counters.retransmissions),
                  r.busiest_link.empty() ? "-" : r.busiest_link.c_str(), 100 * r.max_link_utilization);
    os << line;
  }
  for (const ExpectEngineRow& r : rows) {
    if (r.mechanism.empty()) continue;
    std::snprintf(line, sizeof line, "# %.0f bytes: ", r.size_bytes);
    os << line << r.mechanism << "\n";
  }
  return os.str();
}

}  // namespace fabricplan::cli
