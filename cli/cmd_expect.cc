// `fabricplan expect --instance TYPE --nodes N --op OP [...]`: the nccl-tests table the
// collective model predicts (models/collective), or one MoE layer's dispatch/combine.
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/args.h"
#include "cli/collective_tiers.h"
#include "cli/expect_engine_rows.h"
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "models/collective/moe_model.h"
#include "models/json_input/report_fields.h"

namespace fabricplan::cli {
namespace {

struct Row {
  double bytes = 0;
  collective::Prediction p;  // the engine's time where one ran, else the model's
  std::optional<ExpectEngineRow> engine;
};

std::string choice_text(const collective::NodeTiers& t) {
  if (t.use_platform_tuner && t.tuner != collective::TunerPlatform::kNone) {
    return std::string("aws-ofi-nccl's region tuner (") + collective::tuner_platform_name(t.tuner) +
           ") for all_reduce at 8 ranks per node where its regions cover the size, else NCCL's cost model";
  }
  return "NCCL's cost model (least predicted time)";
}

// nccl-tests' columns: a float sum for reductions, root -1.
std::string render_text(const std::string& op, const collective::NodeTiers& t, int nodes, const std::vector<Row>& rows,
                        const std::optional<ExpectEngineRun>& engine) {
  std::ostringstream os;
  char line[256];
  os << "# fabricplan expect: " << op << " on " << nodes << " x " << t.instance_type << " (" << nodes * t.gpus
     << " ranks)\n# figures: " << t.source << "\n# choice: " << choice_text(t) << "\n";
  if (!t.network_measured) {
    os << "# network tier EXTRAPOLATED: no measurement of this instance's network backs it (see figures)\n";
  }
  if (engine) os << expect_engine_header(*engine);
  std::snprintf(line, sizeof line, "#%12s %12s %8s %6s %6s %10s %9s %9s  %-9s %-6s\n", "size", "count", "type", "redop",
                "root", "time", "algbw", "busbw", "algo", "proto");
  os << line;
  std::snprintf(line, sizeof line, "#%12s %12s %8s %6s %6s %10s %9s %9s\n", "(B)", "(elements)", "", "", "", "(us)",
                "(GB/s)", "(GB/s)");
  os << line;
  const bool reduce = op == "all_reduce" || op == "reduce_scatter";
  for (const Row& r : rows) {
    const bool moe = op.rfind("moe_", 0) == 0;
    std::snprintf(line, sizeof line, " %12.0f %12.0f %8s %6s %6s %10.2f %9.2f %9.2f  %-9s %-6s\n", r.bytes,
                  moe ? r.bytes : std::floor(r.bytes / 4), moe ? "fp8/bf16" : "float", reduce ? "sum" : "none",
                  "-1", r.p.time_us, r.p.algbw_bytes_per_s / 1e9, r.p.busbw_bytes_per_s / 1e9, r.p.algorithm.c_str(),
                  r.p.protocol.c_str());
    os << line;
  }
  if (engine) {
    std::vector<ExpectEngineRow> detail;
    for (const Row& r : rows) detail.push_back(*r.engine);
    os << expect_engine_detail_text(detail);
  }
  return os.str();
}

std::string render_json(const std::string& op, const collective::NodeTiers& t, int nodes, const std::vector<Row>& rows,
                        const std::optional<ExpectEngineRun>& engine) {
  nlohmann::ordered_json j;
  stamp_report_fields(j, "fabricplan.expect", 1);
  j["instance_type"] = t.instance_type;
  j["nodes"] = nodes;
  j["ranks"] = nodes * t.gpus;
  j["op"] = op;
  j["figure_sources"] = t.source;
  j["network_tier"] = t.network_measured ? "measured" : "extrapolated";
  j["choice"] = choice_text(t);
  j["engine"] = engine ? engine->options.engine : "analytic";
  if (engine) {
    const SpecFabric& f = engine->fabric.fabric;
    j["fabric"] = {{"description", f.description},
                   {"topology", f.topology.kind},
                   {"nodes", f.nodes},
                   {"nics_per_node", f.nics_per_node},
                   {"nic_payload_bytes_per_s", f.nic_payload_bytes_per_s},
                   {"transport", engine->fabric.transport},
                   {"seed", engine->options.seed},
                   {"notes", f.notes}};
  }
  j["rows"] = nlohmann::ordered_json::array();
  for (const Row& r : rows) {
    nlohmann::ordered_json row = {{"size_bytes", r.bytes}, {"time_us", r.p.time_us}, {"algbw_bytes_per_s", r.p.algbw_bytes_per_s},
                                  {"busbw_bytes_per_s", r.p.busbw_bytes_per_s}, {"algorithm", r.p.algorithm},
                                  {"protocol", r.p.protocol}, {"chosen_by", r.p.chosen_by}};
    if (r.engine) {
      const ExpectEngineRow& e = *r.engine;
      row["model_time_us"] = e.model_time_us();
      row["engine_detail"] = {{"fixed_us", e.fixed_us},
                              {"model_network_us", e.model_network_us},
                              {"network_us", e.network_us},
                              {"local_us", e.local_us},
                              {"bound_by", e.bound_by()},
                              {"span_us", e.span_us},
                              {"zero_load_span_us", e.zero_load_span_us},
                              {"pipeline_factor", e.pipeline_factor},
                              {"transfers", e.shape.transfers},
                              {"wire_bytes", e.shape.wire_bytes},
                              {"packets_sent", e.counters.data_packets_sent},
                              {"drops", e.counters.drops},
                              {"timeouts", e.counters.timeouts},
                              {"spurious_timeouts", e.counters.spurious_timeouts},
                              {"retransmissions", e.counters.retransmissions},
                              {"busiest_link", e.busiest_link},
                              {"max_link_utilization", e.max_link_utilization},
                              {"mechanism", e.mechanism}};
    }
    j["rows"].push_back(row);
  }
  return j.dump(2) + "\n";
}

std::string render_csv(const std::vector<Row>& rows) {
  std::ostringstream os;
  os << "size_bytes,time_us,algbw_GBps,busbw_GBps,algorithm,protocol\n";
  char line[160];
  for (const Row& r : rows) {
    std::snprintf(line, sizeof line, "%.0f,%.3f,%.4f,%.4f,%s,%s\n", r.bytes, r.p.time_us, r.p.algbw_bytes_per_s / 1e9,
                  r.p.busbw_bytes_per_s / 1e9, r.p.algorithm.c_str(), r.p.protocol.c_str());
    os << line;
  }
  return os.str();
}

}  // namespace

int run_expect(const std::vector<std::string>& argv) {
  return guarded("expect", usage_of("expect"), [&] {
    Args args(spec_of("expect"), argv);
    if (args.help_printed()) return kExitOk;
    if (!args.positionals().empty()) throw UsageError("expect takes no positional arguments");
    const auto instance = args.get("--instance");
    if (!instance) throw UsageError("--instance TYPE is required (see `fabricplan catalog`)");
    const std::string op_name = args.get_or("--op", "all_reduce");
    const int nodes = static_cast<int>(args.unsigned_in("--nodes", 1, 1 << 16).value_or(1));
    const std::string format = args.get_or("--format", "text");
    if (format != "text" && format != "json" && format != "csv") throw UsageError("--format must be text, json or csv");
    const std::string nvls = args.get_or("--nvls", "on");
    if (nvls != "on" && nvls != "off") throw UsageError("--nvls must be on or off");
    const std::string tuner = args.get_or("--tuner", "aws-ofi");
    if (tuner != "aws-ofi" && tuner != "nccl") throw UsageError("--tuner must be aws-ofi or nccl, not \"" + tuner + "\"");
    collective::NodeTiers tiers = collective_tiers(*instance, args.get("--calibration"), nvls == "on");
    tiers.use_platform_tuner = tuner == "aws-ofi";
    if (auto g = args.unsigned_in("--gpus-per-node", 1, 64)) {
      // A node cannot run more GPUs than it has: the NICs and NVLink of the others do not exist.
      if (static_cast<int>(*g) > tiers.gpus) {
        throw UsageError("--gpus-per-node: " + tiers.instance_type + " has " + std::to_string(tiers.gpus) +
                         " GPUs per node, not " + std::to_string(*g));
      }
      tiers.gpus = static_cast<int>(*g);
    }
    const std::optional<ExpectEngineRun> engine = expect_engine_setup(args, tiers, nodes);
    std::vector<Row> rows;
    if (op_name == "moe_dispatch" || op_name == "moe_combine") {
      if (engine) {
        throw UsageError("--engine " + engine->options.engine + " runs NCCL collectives; one MoE layer on a fabric is " +
                         "`plan` with a moe workload (or --op alltoall for the all-to-all alone)");
      }
      collective::MoeLayer l;
      const std::string mode = args.get_or("--mode", "normal");
      if (mode != "normal" && mode != "low_latency") throw UsageError("--mode must be normal or low_latency");
      l.low_latency = mode == "low_latency";
      l.combine = op_name == "moe_combine";
      l.tokens = static_cast<int>(args.unsigned_in("--tokens", 1, 1 << 24).value_or(l.low_latency ? 128 : 4096));
      l.hidden = static_cast<int>(args.unsigned_in("--hidden", 1, 1 << 20).value_or(7168));
      l.topk = static_cast<int>(args.unsigned_in("--topk", 1, 1024).value_or(8));
      l.ep = static_cast<int>(args.unsigned_in("--ep", 2, 1 << 16).value_or(static_cast<unsigned long long>(nodes * tiers.gpus)));
      if (l.ep < 2) throw UsageError("--ep must be at least 2 (or --nodes x GPUs per node)");
      collective::MoePrediction m = collective::predict_moe(l, tiers);
      Row r;
      r.bytes = m.bytes_per_rank;
      r.p.time_us = m.time_us;
      r.p.algbw_bytes_per_s = m.bytes_per_rank / (m.time_us * 1e-6);
      r.p.busbw_bytes_per_s = r.p.algbw_bytes_per_s;
      r.p.algorithm = "deepep";
      r.p.protocol = m.mode;
      rows.push_back(r);
    } else {
      collective::Op op;
      if (!collective::parse_op(op_name, op)) {
        throw UsageError("--op must be all_reduce, all_gather, reduce_scatter, alltoall, sendrecv, moe_dispatch or "
                         "moe_combine, not \"" + op_name + "\"");
      }
      const double lo = static_cast<double>(args.unsigned_in("--min-bytes", 1, 1ull << 40, true).value_or(8));
      const double hi = static_cast<double>(args.unsigned_in("--max-bytes", 1, 1ull << 40, true).value_or(1ull << 33));
      if (hi < lo) throw UsageError("--max-bytes must be at least --min-bytes");
      const std::string factor_text = args.get_or("--step-factor", "2");
      char* end = nullptr;
      const double factor = std::strtod(factor_text.c_str(), &end);
      if (end == factor_text.c_str() || *end != '\0' || !(factor > 1) || factor > 1024) {
        throw UsageError("--step-factor must be a number above 1 and at most 1024, not \"" + factor_text + "\"");
      }
      for (double b = lo; b <= hi * (1 + 1e-12) && rows.size() < 4096; b *= factor) {
        const collective::Prediction p = collective::predict(op, b, nodes, tiers);
        rows.push_back({b, p, std::nullopt});
      }
      if (engine) {
        std::vector<double> sizes;
        std::vector<collective::Prediction> model;
        for (const Row& r : rows) {
          sizes.push_back(r.bytes);
          model.push_back(r.p);
        }
        const std::vector<ExpectEngineRow> measured = run_expect_rows(*engine, op, sizes, model);
        const int ranks = nodes * tiers.gpus;
        for (std::size_t i = 0; i < rows.size(); ++i) {
          Row& r = rows[i];
          r.engine = measured[i];
          r.p.time_us = measured[i].time_us;
          r.p.algbw_bytes_per_s = r.bytes / (r.p.time_us * 1e-6);
          r.p.busbw_bytes_per_s = r.p.algbw_bytes_per_s * collective::bus_factor(op, ranks);
        }
      }
    }
    std::optional<std::string> out = args.get("-o");
    if (!out) out = args.get("--output");
    emit(out, format == "json"  ? render_json(op_name, tiers, nodes, rows, engine)
              : format == "csv" ? render_csv(rows)
                                : render_text(op_name, tiers, nodes, rows, engine));
    return kExitOk;
  });
}

}  // namespace fabricplan::cli
