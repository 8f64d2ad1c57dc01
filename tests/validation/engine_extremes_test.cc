// Property: every numeric field of a scenario (and of a cluster spec), at the extremes its
// schema allows, either
// runs on both engines to figures that are all finite, or is refused with an InputError
// (exit 2 at the command line) -- never a crash, another exception or a NaN. And where
// the parser refuses a value the schema allows, at that very field and for its range,
// the schema is wrong: it must state the parser's range (one range, everywhere).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/json_input/input_error.h"
#include "models/json_input/json_reader.h"
#include "models/catalog/catalog.h"
#include "planner/plan.h"
#include "planner/report/report.h"
#include "planner/spec/spec_parser.h"
#include "sim/scenario/run.h"
#include "sim/scenario/scenario.h"

namespace fabricplan::sim {
namespace {

using nlohmann::json;

// Every traffic kind, transport parameter, port and fault field at a small size.
const char* kBase = R"({
  "name": "extremes", "seed": 1,
  "limits": {"max_transfers": 100000, "max_memory_gib": 4, "max_simulated_s": 0.5, "max_events": 5000000},
  "topology": {"kind": "leaf_spine", "leaves": 2, "hosts_per_leaf": 4, "spines": 2, "link_gbit_per_s": 100,
               "host_link_gbit_per_s": 100, "propagation_us": 1},
  "ports": {"mode": "drop_tail", "queue_bytes": 262144, "host_queue_bytes": 1048576, "ecn_threshold_bytes": 65536,
            "shared_buffer_bytes": 1048576, "shared_buffer_alpha": 1},
  "traffic": [
    {"class": "srd", "kind": "message", "pattern": "pairs", "pairs": [[0, 5]], "bytes": 65536, "transport": "srd",
     "mtu_payload_bytes": 4096, "header_bytes": 64, "ack_bytes": 64, "start_us": 0,
     "transport_params": {"paths": 4, "path_fail_threshold": 3, "init_window_packets": 8, "min_window_packets": 1,
                          "max_window_packets": 64, "ai_packets": 1, "congestion_loss_slot_fraction": 0.5,
                          "target_queue_delay_us": 10, "rto_min_us": 50, "rto_max_us": 10000}},
    {"class": "rc", "kind": "message", "pattern": "pairs", "pairs": [[1, 6]], "bytes": 65536, "transport": "ib_rc",
     "transport_params": {"qps_per_connection": 2, "window_packets": 16, "ack_every": 4, "timeout": 14}},
    {"class": "ring", "kind": "message", "pattern": "ring_allreduce", "transport": "srd",
     "ranks": {"first": 0, "count": 4, "stride": 2}, "bytes": 65536},
    {"class": "incast", "kind": "message", "pattern": "incast", "transport": "srd",
     "senders": {"first": 1, "count": 3, "stride": 1}, "receiver": 7, "bytes": 32768},
    {"class": "kv", "kind": "message", "pattern": "kv_poisson", "transport": "srd",
     "prefill": {"first": 0, "count": 2, "stride": 1}, "decode": {"first": 4, "count": 2, "stride": 1},
     "rate_per_s": 2000, "mean_bytes": 65536, "lognormal_sigma": 0.5, "duration_us": 1000},
    {"class": "udp", "kind": "open_loop", "pattern": "pairs", "pairs": [[2, 3]], "payload_bytes": 1024,
     "header_bytes": 64, "interval_ps": 1000000, "packets_per_flow": 20}
  ],
  "faults": [{"link": ["leaf0", "spine0"], "at_us": 20, "reroute_after_us": 100}]
})";

// The schema node that describes `doc` at `schema` (following $ref and oneOf).
const json* resolve(const json& root, const json* node, const json& doc) {
  while (node && node->contains("$ref")) {
    std::string ref = node->at("$ref").get<std::string>();  // "#/$defs/x"
    node = &root.at(json::json_pointer(ref.substr(1)));
  }
  if (node && node->contains("oneOf")) {
    for (const auto& alt : node->at("oneOf")) {
      const json* a = resolve(root, &alt, doc);
      const std::string type = a->value("type", "");
      if ((doc.is_object() && type == "object") || (doc.is_array() && type == "array") || (doc.is_number() && (type == "number" || type == "integer"))) return a;
    }
  }
  return node;
}

struct Field {
  std::string pointer;
  const json* schema;
  bool integer;
};

void collect(const json& root, const json* schema, const json& doc, const std::string& pointer, std::vector<Field>& out) {
  schema = resolve(root, schema, doc);
  if (!schema) return;
  if (doc.is_object()) {
    for (const auto& [k, v] : doc.items()) {
      const json* child = schema->contains("properties") && schema->at("properties").contains(k) ? &schema->at("properties").at(k) : nullptr;
      collect(root, child, v, pointer + "/" + k, out);
    }
  } else if (doc.is_array()) {
    for (std::size_t i = 0; i < doc.size(); ++i) {
      collect(root, schema->contains("items") ? &schema->at("items") : nullptr, doc[i], pointer + "/" + std::to_string(i), out);
    }
  } else if (doc.is_number()) {
    const std::string type = schema->value("type", "");
    out.push_back({pointer, schema, type == "integer" || (type.empty() && doc.is_number_integer())});
  }
}

// The values the schema allows at its edges; a side without a bound gets a huge value.
std::vector<json> extremes(const Field& f) {
  std::vector<json> v;
  const json& s = *f.schema;
  if (s.contains("minimum")) v.push_back(s.at("minimum"));
  if (s.contains("exclusiveMinimum")) {
    const double m = s.at("exclusiveMinimum").get<double>();
    v.push_back(f.integer ? json(static_cast<std::int64_t>(m) + 1) : json(m + std::max(1e-9, std::abs(m) * 1e-9)));
  }
  if (s.contains("maximum")) v.push_back(s.at("maximum"));
  else v.push_back(f.integer ? json(std::int64_t{1} << 62) : json(1e300));
  return v;
}

std::string temp_path() {
  static int n = 0;
  return "/tmp/fabricplan-extremes-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".json";
}

// NaN and infinity in a result would be written as null: none may be there.
bool all_finite(const json& j) {
  if (j.is_number_float()) return std::isfinite(j.get<double>());
  if (j.is_structured()) {
    for (const auto& v : j) if (!all_finite(v)) return false;
  }
  return true;
}

// Endpoints (pairs, first/count/stride, receiver) are bounded by the topology's hosts,
// not by a static range: the parser names the host count when it refuses them.
bool bounded_by_topology(const std::string& pointer) {
  const auto ends_with = [&](const char* tail) {
    const std::string t(tail);
    return pointer.size() >= t.size() && pointer.compare(pointer.size() - t.size(), t.size(), t) == 0;
  };
  return pointer.find("/pairs/") != std::string::npos || ends_with("/first") || ends_with("/count") ||
         ends_with("/stride") || ends_with("/receiver");
}

// Sets every numeric field of `base` in turn to its schema's extremes and calls `run` on
// the file; counts what ran, and fails for anything but an InputError, and for a range
// refusal of a value the schema allows.
void drive_extremes(const char* schema_file, const json& base, const std::function<void(const std::string&)>& run,
                    const std::function<bool(const std::string&)>& skip) {
  const json schema = json::parse(std::ifstream(std::string(FABRICPLAN_SOURCE_DIR) + "/configs/schema/" + schema_file));
  std::vector<Field> fields;
  collect(schema, &schema, base, "", fields);
  ASSERT_GT(fields.size(), 20u);
  std::vector<std::string> disagreements, failures;
  int ran = 0, refused = 0;
  for (const Field& f : fields) {
    if (skip(f.pointer)) continue;
    for (const json& value : extremes(f)) {
      json doc = base;
      doc[json::json_pointer(f.pointer)] = value;
      const std::string path = temp_path();
      std::ofstream(path) << doc.dump();
      const std::string what = f.pointer + " = " + value.dump();
      const auto t0 = std::chrono::steady_clock::now();
      try {
        run(path);
        ++ran;
      } catch (const InputError& e) {
        ++refused;
        // Refused at this field for its range although the schema allows the value.
        if (e.pointer() == f.pointer && e.expected().find(" in [") != std::string::npos) disagreements.push_back(what + ": " + e.what());
      } catch (const std::exception& e) {
        failures.push_back(what + ": " + e.what());
      }
      std::remove(path.c_str());
      const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (took > 0.5) std::printf("  %s took %.1f s\n", what.c_str(), took);
    }
  }
  std::printf("%s: %zu numeric fields: %d extremes ran, %d refused with an input error\n", schema_file, fields.size(), ran, refused);
  for (const auto& d : disagreements) ADD_FAILURE() << "the schema allows what the parser refuses: " << d;
  for (const auto& x : failures) ADD_FAILURE() << x;
}

TEST(EngineExtremes, EveryNumericFieldAtItsSchemaBoundsRunsOrIsRefusedAndTheSchemaStatesTheParsersRange) {
  drive_extremes(
      "scenario.schema.json", json::parse(kBase),
      [](const std::string& path) {
        const Scenario s = parse_scenario(path);
        for (const char* engine : {"packet", "flow"}) {
          const SimulationResult r = run_scenario_with(s, engine);
          if (!all_finite(json::parse(render_simulation_json(r)))) throw std::runtime_error(std::string(engine) + ": a non-finite figure");
        }
      },
      bounded_by_topology);
}

// The same for a cluster spec (the 16001 Gbit/s crash came through one): every numeric
// field of the p5 example at its schema's extremes, planned on the flow engine (which
// refuses, in its report, what it cannot hold), with a report of finite figures.
TEST(EngineExtremes, EveryNumericFieldOfAClusterSpecAtItsSchemaBoundsPlansOrIsRefused) {
  const Catalog catalog = Catalog::load(Catalog::default_path());
  const json base = json::parse(std::ifstream(std::string(FABRICPLAN_SOURCE_DIR) + "/configs/clusters/p5-moe-pd.json"));
  drive_extremes(
      "cluster.schema.json", base,
      [&](const std::string& path) {
        const ClusterSpec spec = parse_cluster_spec(path, catalog);
        PlanOptions o;
        o.engine = "flow";
        o.window_s = 0.002;
        o.sweep = false;
        const PlanResult plan = make_plan(spec, catalog, nullptr, o);
        if (!all_finite(json::parse(render_plan_json(plan)))) throw std::runtime_error("a non-finite figure in the plan");
      },
      // How many nodes an expert-parallel set or a TP set spans is bounded by its group.
      [](const std::string& pointer) {
        return pointer.find("/ep_nodes") != std::string::npos || pointer.find("/nodes_spanned") != std::string::npos;
      });
}

}  // namespace
}  // namespace fabricplan::sim
